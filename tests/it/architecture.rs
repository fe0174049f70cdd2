//! The layers of shared/ARCHITECTURE.md, kept by a check: imports point downwards only,
//! and nothing imports the module that builds the server.

use std::path::{Path, PathBuf};

/// For each layer (a folder or file under `src/`), the modules it must never import.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "app", "cli", "config", "db", "repo", "catalog", "search", "views", "web", "seed",
            "media", "mail",
        ],
    ),
    (
        "db",
        &[
            "app", "cli", "repo", "catalog", "search", "views", "web", "seed", "media", "mail",
        ],
    ),
    (
        "repo",
        &[
            "app", "cli", "catalog", "search", "views", "web", "seed", "media", "mail",
        ],
    ),
    // The text index sits beside the catalog, below it: the catalog feeds it changes.
    (
        "search",
        &[
            "app", "cli", "catalog", "views", "web", "seed", "media", "mail", "alerts",
        ],
    ),
    (
        "catalog",
        &["app", "cli", "views", "web", "seed", "media", "mail"],
    ),
    (
        "media",
        &[
            "app", "cli", "db", "repo", "catalog", "views", "web", "seed", "mail",
        ],
    ),
    // The outbox worker sits beside the catalog: it reads through the repository.
    (
        "mail",
        &["app", "cli", "catalog", "views", "web", "seed", "media"],
    ),
    (
        "views",
        &["app", "cli", "db", "repo", "web", "seed", "mail"],
    ),
    // Alert digests run above the views (their messages are templates), below web.
    ("alerts", &["app", "cli", "web", "seed", "media"]),
    ("web", &["app", "cli", "seed"]),
    ("seed", &["app", "cli", "views", "web", "mail"]),
];

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                files.extend(rust_files(&p));
            } else if p.extension().is_some_and(|e| e == "rs") {
                files.push(p);
            }
        }
    }
    files
}

/// `crate::<module>` paths in code (comments left out), with their line numbers.
fn crate_imports(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let module: String = after
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !module.is_empty() {
                found.push((number + 1, module));
            }
            rest = after;
        }
    }
    found
}

#[test]
fn imports_point_down_the_layers_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut breaches = Vec::new();
    let mut files_checked = 0;
    for (layer, forbidden) in FORBIDDEN {
        let mut files = rust_files(&src.join(layer));
        files.extend(rust_files(&src.join(format!("{layer}.rs"))));
        assert!(!files.is_empty(), "no sources for layer {layer}");
        for file in files {
            files_checked += 1;
            let source = std::fs::read_to_string(&file).unwrap();
            for (line, module) in crate_imports(&source) {
                if forbidden.contains(&module.as_str()) {
                    breaches.push(format!(
                        "{}:{line}: {layer} imports crate::{module}",
                        file.strip_prefix(&src).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(files_checked > 50, "only {files_checked} files read");
    assert!(
        breaches.is_empty(),
        "imports against the layers:\n{}",
        breaches.join("\n")
    );
}

#[test]
fn the_check_sees_an_import_and_ignores_comments() {
    let found = crate_imports(
        "use crate::web::WebError;\n// crate::app is mentioned\nlet x = crate::db::schema::jobs::table;",
    );
    assert_eq!(found, vec![(1, "web".to_owned()), (3, "db".to_owned())]);
}
