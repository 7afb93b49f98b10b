//! Both languages are complete: every key of one locale file exists in the other, with the same
//! placeholders, and every key the code asks for exists.

use std::collections::BTreeMap;

fn flatten(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => panic!("{prefix}: expected text, found {other}"),
    }
}

fn load(name: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(format!(
        "{}/assets/locales/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut out = BTreeMap::new();
    flatten(
        "",
        &toml::Value::Table(text.parse::<toml::Table>().unwrap()),
        &mut out,
    );
    out
}

fn placeholders(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split("%{")
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
        .collect();
    out.sort();
    out
}

#[test]
fn english_and_french_have_the_same_keys_and_placeholders() {
    let (en, fr) = (load("en"), load("fr"));
    let missing_fr: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
    let missing_en: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing_fr.is_empty(), "missing in fr.toml: {missing_fr:?}");
    assert!(missing_en.is_empty(), "missing in en.toml: {missing_en:?}");
    for (k, v) in &en {
        assert_eq!(
            placeholders(v),
            placeholders(&fr[k]),
            "placeholders differ for {k}"
        );
    }
}

#[test]
fn every_key_the_code_uses_exists() {
    let en = load("en");
    let mut used = Vec::new();
    let src = format!("{}/src", env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for marker in [".t(\"", ".ta(\"", "tr(locale, \"", "tr(self.locale, \""] {
                    for part in text.split(marker).skip(1) {
                        if let Some((key, _)) = part.split_once('"')
                            && key.contains('.')
                            && !key.ends_with('.')
                        {
                            used.push((key.to_owned(), path.display().to_string()));
                        }
                    }
                }
            }
        }
    }
    let missing: Vec<_> = used
        .iter()
        .filter(|(k, _)| !en.contains_key(k) && !en.keys().any(|e| e.starts_with(&format!("{k}."))))
        .collect();
    assert!(
        missing.is_empty(),
        "keys used in code but missing from the locale files: {missing:?}"
    );
    // Every action has words: the shared navigation and every screen's own (the footer and
    // help name them all).
    let shared = obryl::ui::action::NAVIGATION
        .iter()
        .map(|(_, name, _)| *name);
    let own = obryl::ui::screens::TabId::layers()
        .into_iter()
        .flat_map(|(_, declared)| declared.iter().map(|d| d.verb.name()));
    for name in shared.chain(own) {
        if name.starts_with("tab") && name[3..].parse::<u8>().is_ok() {
            continue; // a numbered tab is called by its screen (`tab.<key>`)
        }
        assert!(
            en.contains_key(&format!("action.{name}")),
            "action.{name} missing"
        );
    }
}
