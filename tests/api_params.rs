//! The contract's parameters, from the OpenAPI document itself: for every parameter of every
//! route, values drawn from its schema (its bounds and just past them, empty, long, signs,
//! spaces, other scripts, another list's cursor, a forged one) are sent to the real server on
//! SQLite and PostgreSQL. Every answer must be one the document lists for the route, with the
//! documented content type and body; a value the schema refuses is never answered 2xx; a value
//! it accepts is answered 200, except where only the data can say (a project that does not
//! exist: 404).
//! `scripts/api-fuzz.sh` runs Schemathesis, an outside tester, on the same document.

mod api_support;
mod common;

use api_support::schema::Doc;
use api_support::{admin, client, more_rows, start, token};
use common::fixtures::*;
use serde_json::{Value, json};

/// A value to send, and whether the server alone may refuse it although the schema accepts it.
struct Try {
    text: String,
    /// The server may answer its documented refusal (400, 404) although the schema accepts it.
    judged: bool,
}

fn tries(texts: &[String], judged: bool) -> Vec<Try> {
    texts
        .iter()
        .map(|t| Try {
            text: t.clone(),
            judged,
        })
        .collect()
}

/// Does `text`, as a query or path value, satisfy `schema`? Integers are digits (leading zeros
/// allowed, no sign, no spaces); strings are checked against `pattern`, `minLength` and
/// `maxLength`. Any other keyword fails loudly.
fn accepts(schema: &Value, text: &str) -> bool {
    let obj = schema.as_object().expect("schema object");
    for k in obj.keys() {
        assert!(
            [
                "type",
                "minimum",
                "maximum",
                "pattern",
                "maxLength",
                "minLength",
                "format",
                "description"
            ]
            .contains(&k.as_str()),
            "parameter schema keyword {k} is not generated for"
        );
    }
    match schema["type"].as_str() {
        Some("integer") => {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            let Ok(n) = text.parse::<i128>() else {
                return false;
            };
            let within_i64 = i64::try_from(n).is_ok();
            let min = schema["minimum"].as_i64().is_none_or(|m| n >= m.into());
            let max = schema["maximum"].as_i64().is_none_or(|m| n <= m.into());
            within_i64 && min && max
        }
        Some("string") => {
            let n = text.chars().count() as u64;
            let pattern = schema["pattern"]
                .as_str()
                .is_none_or(|p| regex::Regex::new(p).unwrap().is_match(text));
            let min = schema["minLength"].as_u64().is_none_or(|m| n >= m);
            let max = schema["maxLength"].as_u64().is_none_or(|m| n <= m);
            pattern && min && max
        }
        other => panic!("parameter type {other:?} is not generated for"),
    }
}

/// Values for a parameter of `schema`: its bounds, just past them, and the odd strings a
/// client may send.
fn generated(schema: &Value) -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "%",
        "+",
        "null",
        "undefined",
        "true",
        "[]",
        "{}",
        "é",
        "٣",
        "１",
        "\u{202e}",
        "a\u{0}b",
        "../../etc/passwd",
        "' OR 1=1 --",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    match schema["type"].as_str() {
        Some("integer") => {
            let min = schema["minimum"].as_i64().unwrap_or(i64::MIN);
            let max = schema["maximum"].as_i64().unwrap_or(i64::MAX);
            for n in [min, max, min.saturating_sub(1), max.saturating_add(1)] {
                out.push(n.to_string());
            }
            for t in [
                "0",
                "1",
                "-1",
                "+1",
                " 1",
                "1 ",
                "01",
                "007",
                "1.0",
                "1.5",
                "1e2",
                "0x10",
                "9223372036854775807",
                "9223372036854775808",
                "99999999999999999999999",
                "-9223372036854775808",
            ] {
                out.push(t.to_owned());
            }
        }
        Some("string") => {
            let max = schema["maxLength"].as_u64().unwrap_or(64) as usize;
            for t in [
                "A".to_owned(),
                "A".repeat(max),
                "A".repeat(max + 1),
                "_-".repeat(max / 2),
                "Zm9v".to_owned(),
                "Zm9vOjE".to_owned(),
                "cHJvamVjdHM6MA".to_owned(),
                "cHJvamVjdHM6MQ==".to_owned(),
                "cHJvamVjdHM6MQ".to_owned(),
                "a b".to_owned(),
                "a+b/c".to_owned(),
                "é".repeat(max),
            ] {
                out.push(t);
            }
        }
        _ => {}
    }
    out
}

/// The route's path with `{id}` filled in, and its query.
fn url(base: &str, template: &str, path_value: Option<&str>, query: &[(&str, &str)]) -> String {
    let mut path = template.to_owned();
    if let Some(v) = path_value {
        let encoded: String = url_escape(v);
        path = path.replace("{id}", &encoded);
    }
    let mut u = reqwest::Url::parse(&format!("{base}{path}")).unwrap();
    if !query.is_empty() {
        let mut pairs = u.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
    }
    u.to_string()
}

/// Percent-encodes everything but unreserved characters (a path segment).
fn url_escape(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Sent<'a> {
    template: &'a str,
    param: &'a str,
    value: &'a str,
    valid: bool,
    judged: bool,
}

/// Checks one answer against the document; returns its status and body.
async fn check(
    doc: &Doc,
    c: &reqwest::Client,
    url: &str,
    token: &str,
    s: &Sent<'_>,
) -> (u16, Value) {
    let r = c.get(url).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    let what = format!(
        "GET {url} ({} = {:?}, schema {})",
        s.param,
        s.value,
        if s.valid { "accepts" } else { "refuses" }
    );
    assert!(
        doc.statuses(s.template, "get").contains(&status),
        "{what}: {status} is not documented"
    );
    let (content_type, schema) = doc.response(s.template, "get", status).unwrap();
    let got = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(got, content_type, "{what}");
    let body = api_support::json(r).await;
    let errors = doc.check(schema, &body);
    assert!(errors.is_empty(), "{what}:\n{}\n{body}", errors.join("\n"));
    if !s.valid {
        assert!(!(200..300).contains(&status), "{what}: answered {status}");
    } else if !s.judged {
        assert_eq!(status, 200, "{what}: {body}");
    } else {
        assert!([200, 404].contains(&status), "{what}: answered {status}");
    }
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_parameter_value_is_answered_as_the_contract_says() {
    on_all!(|db| {
        world(&db).await;
        more_rows(&db, 30).await;
        let admin = admin(&db).await;
        let (_, all) = token(&db, &admin, &["*"]).await;
        // No rate limit: this test sends some thousand requests.
        let server = start(&db, 0).await;
        let c = client();
        let doc = Doc::new(serde_json::from_str(obryl::api::OPENAPI).unwrap());
        let base = server.url("");

        // Each list's own cursors, to offer every other list.
        let mut cursors: Vec<(String, String)> = Vec::new();
        for template in doc.get_paths() {
            if doc
                .parameters(&template, "get")
                .iter()
                .any(|p| p["name"] == "cursor")
            {
                let (_, body) =
                    get_json(&c, &url(&base, &template, None, &[("limit", "1")]), &all).await;
                let next = body["next_cursor"]
                    .as_str()
                    .expect("more than one row")
                    .to_owned();
                cursors.push((template.clone(), next));
            }
        }
        assert_eq!(cursors.len(), 4, "the four lists page with cursors");

        let mut sent = 0;
        for template in doc.get_paths() {
            let params = doc.parameters(&template, "get");
            for p in &params {
                let name = p["name"].as_str().unwrap();
                let schema = &p["schema"];
                // Only a path's id is judged by the data (a project that is not there: 404).
                let mut values = tries(&generated(schema), p["in"] == "path");
                if name == "cursor" {
                    // What this list gave, nothing, and anything of the form its pattern
                    // says: each a place in the list, answered 200.
                    let own: Vec<String> = cursors
                        .iter()
                        .filter(|(t, _)| *t == template)
                        .map(|(_, c)| c.clone())
                        .collect();
                    values.extend(tries(&own, false));
                    values.extend(tries(&[String::new()], false));
                    let prefix = &own[0][..3];
                    let formed: Vec<String> = [
                        "AAAAAAAAAAAA",
                        "____________",
                        "-----------_",
                        "zZ09_-aAbBcC",
                    ]
                    .iter()
                    .map(|rest| format!("{prefix}{rest}"))
                    .collect();
                    values.extend(tries(&formed, false));
                    // Another list's cursor: not of this list's form.
                    let others: Vec<String> = cursors
                        .iter()
                        .filter(|(t, _)| *t != template)
                        .map(|(_, c)| c.clone())
                        .collect();
                    values.extend(tries(&others, false));
                }
                if name == "limit" {
                    let plain: Vec<String> = ["1", "50", "100", "007"].map(String::from).to_vec();
                    values.extend(tries(&plain, false));
                }
                if name == "id" {
                    values.extend(tries(&["7".to_owned(), "0007".to_owned()], false));
                }
                for v in &values {
                    let valid = accepts(schema, &v.text);
                    let s = Sent {
                        template: &template,
                        param: name,
                        value: &v.text,
                        valid,
                        judged: v.judged,
                    };
                    let target = match p["in"].as_str() {
                        Some("path") => {
                            if v.text.is_empty() {
                                // An empty segment is another route.
                                continue;
                            }
                            url(&base, &template, Some(&v.text), &[])
                        }
                        _ => url(&base, &template, None, &[(name, &v.text)]),
                    };
                    let (status, body) = check(&doc, &c, &target, &all, &s).await;
                    sent += 1;
                    if name == "cursor" && v.text.is_empty() {
                        // An empty cursor is the first page, the same as none.
                        let (_, first) =
                            get_json(&c, &url(&base, &template, None, &[]), &all).await;
                        assert_eq!((status, &body), (200, &first), "{template}?cursor=");
                    }
                }
            }
        }
        assert!(sent > 200, "{sent} requests");

        // Both parameters at once, the smallest page and an empty cursor to start, walk each
        // list to its end.
        for (template, _) in &cursors {
            let mut cursor = String::new();
            let mut seen = 0;
            loop {
                let target = url(
                    &base,
                    template,
                    None,
                    &[("limit", "1"), ("cursor", &cursor)],
                );
                let (_, body) = get_json(&c, &target, &all).await;
                seen += body["data"].as_array().unwrap().len();
                match body["next_cursor"].as_str() {
                    Some(next) => cursor = next.to_owned(),
                    None => break,
                }
            }
            assert!(seen >= 30, "{template}: {seen} rows");
        }
        server.stop().await;
    });
}

/// The document's own rules for parameters, as this test reads them.
#[test]
fn the_generator_reads_the_schemas_as_the_document_means_them() {
    let doc = Doc::new(serde_json::from_str(obryl::api::OPENAPI).unwrap());
    let params = doc.parameters("/api/v1/projects", "get");
    let schema = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["schema"].clone())
            .unwrap()
    };
    let (limit, cursor) = (schema("limit"), schema("cursor"));
    for (text, want) in [("1", true), ("100", true), ("007", true), ("0", false)] {
        assert_eq!(accepts(&limit, text), want, "limit {text}");
    }
    for text in ["101", "", "+1", " 1", "1.0", "-1"] {
        assert!(!accepts(&limit, text), "limit {text}");
    }
    assert!(accepts(&cursor, ""));
    assert!(accepts(&cursor, "pr_AAAAAAAAAAAA"));
    assert!(!accepts(&cursor, "tk_AAAAAAAAAAAA"));
    assert!(!accepts(&cursor, "pr_AAAAAAAAAAA"));
    assert!(!accepts(&cursor, "cHJvamVjdHM6MQ"));
    assert_eq!(url_escape("a b/é"), "a%20b%2F%C3%A9");
    assert_eq!(
        json!(generated(&limit).contains(&"101".to_owned())),
        json!(true)
    );
}

async fn get_json(c: &reqwest::Client, url: &str, token: &str) -> (u16, Value) {
    let r = c.get(url).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    (status, api_support::json(r).await)
}
