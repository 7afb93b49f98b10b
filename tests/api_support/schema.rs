//! A small JSON Schema walker for the OpenAPI document's subset: `$ref`, `type` (one or
//! several), `enum`, `format` (date-time, date, int64, uri), `pattern`, `minimum`/`maximum`,
//! `minLength`/`maxLength`, `maxItems`, objects (`properties`, `required`,
//! `additionalProperties: false`), arrays (`items`), `oneOf`, `allOf`. Any other keyword fails
//! loudly, so the document cannot say more than what is checked.

use serde_json::Value;

pub struct Doc {
    pub root: Value,
}

/// Keywords that only describe.
const ANNOTATIONS: [&str; 2] = ["description", "title"];

impl Doc {
    pub fn new(root: Value) -> Doc {
        Doc { root }
    }

    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r.strip_prefix('#').expect("local $ref");
                let target = self
                    .root
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {r}"));
                self.resolve(target)
            }
            None => v,
        }
    }

    /// The content type and schema the document gives for `method path` answering `status`.
    pub fn response(&self, path: &str, method: &str, status: u16) -> Option<(String, &Value)> {
        let op = self.root["paths"].get(path)?.get(method)?;
        let response = self.resolve(op["responses"].get(status.to_string())?);
        let (content_type, media) = response["content"].as_object()?.iter().next()?;
        Some((content_type.clone(), &media["schema"]))
    }

    /// The headers the document promises for `method path` answering `status`.
    pub fn response_headers(&self, path: &str, method: &str, status: u16) -> Vec<String> {
        let Some(op) = self.root["paths"].get(path).and_then(|p| p.get(method)) else {
            return Vec::new();
        };
        let Some(r) = op["responses"].get(status.to_string()) else {
            return Vec::new();
        };
        self.resolve(r)["headers"]
            .as_object()
            .map(|h| h.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Every (path, method, status) the document describes.
    pub fn documented(&self) -> Vec<(String, String, u16)> {
        let mut out = Vec::new();
        for (path, item) in self.root["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for status in op["responses"].as_object().unwrap().keys() {
                    out.push((path.clone(), method.clone(), status.parse().unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    /// The parameters of `method path`, each resolved (`$ref`s followed).
    pub fn parameters(&self, path: &str, method: &str) -> Vec<&Value> {
        let Some(op) = self.root["paths"].get(path).and_then(|p| p.get(method)) else {
            return Vec::new();
        };
        op["parameters"]
            .as_array()
            .map(|ps| ps.iter().map(|p| self.resolve(p)).collect())
            .unwrap_or_default()
    }

    /// Every `GET` path the document describes.
    pub fn get_paths(&self) -> Vec<String> {
        let paths = self.root["paths"].as_object().unwrap();
        paths
            .iter()
            .filter(|(_, item)| item.get("get").is_some())
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The statuses documented for `method path`.
    pub fn statuses(&self, path: &str, method: &str) -> Vec<u16> {
        self.root["paths"][path][method]["responses"]
            .as_object()
            .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default()
    }

    pub fn schema(&self, name: &str) -> &Value {
        &self.root["components"]["schemas"][name]
    }

    /// Every way `value` departs from `schema`, with the JSON path where it does.
    pub fn check(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.walk(schema, value, "$", &mut errors);
        errors
    }

    fn walk(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let Some(keywords) = schema.as_object() else {
            errors.push(format!("{at}: schema is not an object"));
            return;
        };
        for (k, s) in keywords {
            match k.as_str() {
                "type" => {
                    let types: Vec<&str> = match s {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("{at}: bad type {s}"),
                    };
                    if !types.iter().any(|t| is_type(value, t)) {
                        errors.push(format!("{at}: {value} is not of type {types:?}"));
                    }
                }
                "enum" => {
                    if !s.as_array().unwrap().contains(value) {
                        errors.push(format!("{at}: {value} is not one of {s}"));
                    }
                }
                "format" => check_format(s.as_str().unwrap(), value, at, errors),
                "pattern" => {
                    if let Some(text) = value.as_str() {
                        let re = regex::Regex::new(s.as_str().unwrap()).unwrap();
                        if !re.is_match(text) {
                            errors.push(format!("{at}: {text:?} does not match {s}"));
                        }
                    }
                }
                "minimum" => {
                    if let Some(n) = value.as_f64()
                        && n < s.as_f64().unwrap()
                    {
                        errors.push(format!("{at}: {n} < minimum {s}"));
                    }
                }
                "maximum" => {
                    if let Some(n) = value.as_f64()
                        && n > s.as_f64().unwrap()
                    {
                        errors.push(format!("{at}: {n} > maximum {s}"));
                    }
                }
                "minLength" | "maxLength" => {
                    if let Some(text) = value.as_str() {
                        let (n, bound) = (text.chars().count() as u64, s.as_u64().unwrap());
                        let ok = match k.as_str() {
                            "minLength" => n >= bound,
                            _ => n <= bound,
                        };
                        if !ok {
                            errors.push(format!("{at}: {n} characters, {k} {bound}"));
                        }
                    }
                }
                "maxItems" => {
                    if let Some(items) = value.as_array()
                        && items.len() as u64 > s.as_u64().unwrap()
                    {
                        errors.push(format!("{at}: {} items > {s}", items.len()));
                    }
                }
                "required" => {
                    if let Some(obj) = value.as_object() {
                        for name in s.as_array().unwrap() {
                            let name = name.as_str().unwrap();
                            if !obj.contains_key(name) {
                                errors.push(format!("{at}: missing required {name}"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(obj) = value.as_object() {
                        let props = s.as_object().unwrap();
                        for (name, v) in obj {
                            if let Some(ps) = props.get(name) {
                                self.walk(ps, v, &format!("{at}.{name}"), errors);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    assert_eq!(s, &Value::Bool(false), "{at}: only false is supported");
                    if let Some(obj) = value.as_object() {
                        let props = keywords["properties"].as_object().unwrap();
                        for name in obj.keys() {
                            if !props.contains_key(name) {
                                errors.push(format!("{at}: undocumented property {name}"));
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, v) in items.iter().enumerate() {
                            self.walk(s, v, &format!("{at}[{i}]"), errors);
                        }
                    }
                }
                "oneOf" => {
                    let matching = s
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|alt| self.check(alt, value).is_empty())
                        .count();
                    if matching != 1 {
                        errors.push(format!("{at}: {value} matches {matching} of oneOf"));
                    }
                }
                "allOf" => {
                    for alt in s.as_array().unwrap() {
                        self.walk(alt, value, at, errors);
                    }
                }
                k if ANNOTATIONS.contains(&k) => {}
                other => panic!("{at}: schema keyword {other} is not checked by this walker"),
            }
        }
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("unknown type {other}"),
    }
}

fn check_format(format: &str, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(text) = value.as_str() else {
        return;
    };
    let ok = match format {
        // The API's convention: UTC, to the second, with Z.
        "date-time" => {
            text.len() == 20
                && text.ends_with('Z')
                && chrono::DateTime::parse_from_rfc3339(text).is_ok()
        }
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10,
        "uri" => text.starts_with("https://") || text.starts_with("http://"),
        "int64" => true,
        other => panic!("{at}: format {other} is not checked"),
    };
    if !ok {
        errors.push(format!("{at}: {text:?} is not a {format}"));
    }
}
