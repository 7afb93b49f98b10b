//! The layering holds: each top-level module of `src/` imports only the layers below it, the
//! front ends (ui, cli) never import each other, and only `store` speaks sqlx; no source file
//! grows past `MAX_LINES`.

use std::collections::BTreeSet;
use std::path::Path;

/// What each top-level module may use besides itself (`crate::tr` is the crate root's and
/// allowed everywhere).
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    // media files as the platform keeps them, read-only
    ("media", &["domain"]),
    ("config", &["domain", "media"]),
    ("logging", &["config"]),
    ("store", &["domain"]),
    ("service", &["store", "domain", "media"]),
    ("seed", &["service", "store", "domain", "media"]),
    ("office", &["service", "store", "domain", "config", "media"]),
    (
        "ui",
        &[
            "office", "service", "store", "domain", "config", "seed", "worker", "media",
        ],
    ),
    // the SSH server: an App per connection, fed and drawn through the channel; logins
    // through the service, one pool and feed from the store
    (
        "ssh",
        &["ui", "office", "service", "store", "domain", "config"],
    ),
    ("api", &["office", "service", "store", "domain", "config"]),
    ("worker", &["service", "store", "domain", "config"]),
    (
        "cli",
        &[
            "office", "service", "store", "domain", "config", "seed", "api", "worker", "ssh",
            "media",
        ],
    ),
];

/// The most lines a source file under `src/` may have: a longer one is split by
/// responsibility into a folder of smaller modules.
const MAX_LINES: usize = 600;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file names through `crate::…` paths.
fn used(text: &str) -> BTreeSet<String> {
    text.split("crate::")
        .skip(1)
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            (!name.is_empty() && name != "tr").then_some(name)
        })
        .collect()
}

#[test]
fn modules_import_only_the_layers_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for (module, allowed) in ALLOWED {
        let mut files = Vec::new();
        let dir = src.join(module);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let file = src.join(format!("{module}.rs"));
        if file.is_file() {
            files.push(file);
        }
        assert!(!files.is_empty(), "no source for {module}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for other in used(&text) {
                if other != *module && !allowed.contains(&other.as_str()) {
                    broken.push(format!("{} uses crate::{other}", f.display()));
                }
            }
            if *module != "store" && text.contains("sqlx::") {
                broken.push(format!("{} speaks sqlx outside store", f.display()));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn no_source_file_passes_the_line_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            let name = f.strip_prefix(root).unwrap_or(f).display();
            (lines > MAX_LINES).then(|| format!("{name}: {lines} lines"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "source files over {MAX_LINES} lines (split them by responsibility):\n{}",
        long.join("\n")
    );
}

#[test]
fn every_top_level_module_has_its_place_in_the_layers() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            assert!(
                ALLOWED.iter().any(|(m, _)| *m == name),
                "src/{name} is not in the layering table"
            );
        }
    }
}

/// `--tab` offers exactly the registry's screens, in its order (the binary takes them from
/// the registry: a bad name is refused with the list).
#[test]
fn the_tab_flag_follows_the_screen_registry() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_obryl"))
        .args(["--tab", "nowhere"])
        .output()
        .expect("run obryl");
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    let registry: Vec<&str> = obryl::ui::screens::TabId::EVERY
        .iter()
        .map(|t| t.key())
        .collect();
    assert!(
        text.contains(&format!("[possible values: {}]", registry.join(", "))),
        "{text}"
    );
}
