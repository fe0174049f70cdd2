//! Fingerprints the files in `static/` so their URLs change whenever their content does,
//! which lets browsers cache them for a year. Writes `$OUT_DIR/assets.rs`.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=static");
    let root = Path::new("static");
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();

    let mut entries = String::new();
    for path in files {
        let logical = path
            .strip_prefix(root)
            .expect("file under static/")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::read(&path).expect("readable static file");
        let hash = fnv1a64(&bytes);
        let fingerprinted = match logical.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
                format!("{stem}.{:08x}.{ext}", hash as u32)
            }
            _ => format!("{logical}.{:08x}", hash as u32),
        };
        entries.push_str(&format!("    ({logical:?}, {fingerprinted:?}),\n"));
    }
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR set by cargo")).join("assets.rs");
    fs::write(
        out,
        format!("/// (path under static/, fingerprinted path) for every static file.\npub static ASSETS: &[(&str, &str)] = &[\n{entries}];\n"),
    )
    .expect("writable OUT_DIR");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// FNV-1a: tiny, stable across Rust releases, and plenty for cache busting.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
