//! Where processed images are kept: one small interface, and a local folder behind it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The longest image name accepted; ours are 32 hex digits plus `-1600.jpg`.
const MAX_NAME_LEN: usize = 100;

/// Keeps image files by name. Names are flat (no folders) and must pass
/// [`is_valid_name`]; an invalid name is never looked up.
///
/// [`LocalDirStore`] suits a single instance, or several that share one volume. For
/// several instances an S3-compatible store plugs in as a second implementation over the
/// `object_store` crate (its `ObjectStore::put`/`get`/`delete`, run to completion inside
/// the blocking call), chosen by configuration when `AppState` is built; nothing else
/// changes, since handlers only see `Arc<dyn ImageStore>`.
///
/// The methods block: call them from `actix_web::web::block`, never on an async worker.
pub trait ImageStore: Send + Sync {
    /// Stores `bytes` under `name`, replacing any file of that name. Readers see the old
    /// file or the new one, never part of one. An invalid name is an `InvalidInput` error.
    fn put(&self, name: &str, bytes: &[u8]) -> io::Result<()>;

    /// The file stored under `name`; `None` if there is none or the name is invalid.
    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>>;

    /// Removes the file under `name`; removing a missing file succeeds. An invalid name is
    /// an `InvalidInput` error.
    fn delete(&self, name: &str) -> io::Result<()>;
}

/// Whether `name` is a stored image's name: `[a-z0-9-]+\.(jpg|png)`. This rules out
/// path traversal, folders, hidden and temporary files.
pub fn is_valid_name(name: &str) -> bool {
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    name.len() <= MAX_NAME_LEN
        && !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && matches!(extension, "jpg" | "png")
}

/// The `Content-Type` of a stored image, from its name; `None` for an invalid name.
pub fn content_type(name: &str) -> Option<&'static str> {
    if !is_valid_name(name) {
        return None;
    }
    if name.ends_with(".png") {
        Some("image/png")
    } else {
        Some("image/jpeg")
    }
}

/// A fresh random name for one upload's files: 128 bits as 32 lowercase hex digits, so
/// names cannot be guessed or enumerated.
///
/// # Panics
///
/// If the operating system's random source fails, which it does not after boot.
pub fn generate_base_name() -> String {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The name of one width of an upload: `{base}-{width}.{extension}`.
pub fn variant_name(base: &str, width: u32, extension: &str) -> String {
    format!("{base}-{width}.{extension}")
}

/// Images as files in one folder on the local disk.
#[derive(Debug, Clone)]
pub struct LocalDirStore {
    root: PathBuf,
}

impl LocalDirStore {
    /// A store in `root`; the folder is created on the first `put`.
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The folder the files are in.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl ImageStore for LocalDirStore {
    fn put(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        if !is_valid_name(name) {
            return Err(invalid_name(name));
        }
        fs::create_dir_all(&self.root)?;
        // Written beside the target and renamed over it: a rename within one folder is
        // atomic, so a concurrent `get` reads the old file or the whole new one. The
        // leading dot keeps the temporary name invalid, so it is never served.
        let temporary = self
            .root
            .join(format!(".{name}.{}.tmp", generate_base_name()));
        let result = write_then_rename(&temporary, &self.root.join(name), bytes);
        if result.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        result
    }

    fn get(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        if !is_valid_name(name) {
            return Ok(None);
        }
        match fs::read(self.root.join(name)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn delete(&self, name: &str) -> io::Result<()> {
        if !is_valid_name(name) {
            return Err(invalid_name(name));
        }
        match fs::remove_file(self.root.join(name)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

fn write_then_rename(temporary: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::File::create_new(temporary)?;
    file.write_all(bytes)?;
    // On disk before the rename, so a crash cannot leave an empty file under the name.
    file.sync_all()?;
    drop(file);
    fs::rename(temporary, target)
}

fn invalid_name(name: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{name:?} is not a valid image name"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store in a new folder under the system's temp dir, removed when dropped.
    struct TempStore {
        store: LocalDirStore,
    }

    impl TempStore {
        fn new() -> Self {
            let root = std::env::temp_dir()
                .join(format!("jobboard-media-test-{}", generate_base_name()))
                .join("uploads");
            Self {
                store: LocalDirStore::new(root),
            }
        }
    }

    impl Drop for TempStore {
        fn drop(&mut self) {
            if let Some(parent) = self.store.root().parent() {
                let _ = fs::remove_dir_all(parent);
            }
        }
    }

    #[test]
    fn valid_names_are_lowercase_hex_and_dashes_with_jpg_or_png() {
        assert!(is_valid_name("0a1b2c-480.jpg"));
        assert!(is_valid_name("logo-1600.png"));
    }

    #[test]
    fn names_that_could_leave_the_folder_or_hide_files_are_invalid() {
        for name in [
            "",
            ".jpg",
            "../x.jpg",
            "..jpg",
            "a/b.jpg",
            "a\\b.jpg",
            "/etc/passwd",
            ".hidden.jpg",
            "a..jpg",
            "a.jpg.png",
            "a.jpg.tmp",
            "A.jpg",
            "a.JPG",
            "a.gif",
            "a.svg",
            "a b.jpg",
            "a.jpg\0",
            "ä.jpg",
        ] {
            assert!(!is_valid_name(name), "{name:?} was accepted");
        }
        assert!(!is_valid_name(&format!("{}.jpg", "a".repeat(MAX_NAME_LEN))));
    }

    #[test]
    fn content_type_follows_the_extension() {
        assert_eq!(content_type("a-480.jpg"), Some("image/jpeg"));
        assert_eq!(content_type("a-480.png"), Some("image/png"));
        assert_eq!(content_type("../a.png"), None);
    }

    #[test]
    fn generated_base_names_are_128_random_bits_in_hex() {
        let first = generate_base_name();
        assert_eq!(first.len(), 32);
        assert!(
            first
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_ne!(first, generate_base_name());
        assert!(is_valid_name(&variant_name(&first, 1600, "jpg")));
    }

    #[test]
    fn variant_name_is_base_dash_width_dot_extension() {
        assert_eq!(variant_name("abc", 960, "png"), "abc-960.png");
    }

    #[test]
    fn put_rejects_a_path_traversal_name_and_writes_nothing() {
        let temp = TempStore::new();
        let error = temp.store.put("../x.jpg", b"data").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(!temp.store.root().join("../x.jpg").exists());
        assert!(!temp.store.root().exists());
    }

    #[test]
    fn get_answers_none_for_a_path_traversal_name() {
        let temp = TempStore::new();
        temp.store.put("x.jpg", b"data").unwrap();
        assert_eq!(temp.store.get("../uploads/x.jpg").unwrap(), None);
        assert_eq!(temp.store.get("../x.jpg").unwrap(), None);
    }

    #[test]
    fn a_file_round_trips_and_is_replaced_and_deleted() {
        let temp = TempStore::new();
        let name = variant_name(&generate_base_name(), 480, "jpg");
        assert_eq!(temp.store.get(&name).unwrap(), None);

        temp.store.put(&name, b"first").unwrap();
        assert_eq!(
            temp.store.get(&name).unwrap().as_deref(),
            Some(&b"first"[..])
        );
        temp.store.put(&name, b"second").unwrap();
        assert_eq!(
            temp.store.get(&name).unwrap().as_deref(),
            Some(&b"second"[..])
        );

        temp.store.delete(&name).unwrap();
        assert_eq!(temp.store.get(&name).unwrap(), None);
        temp.store.delete(&name).unwrap();
    }

    #[test]
    fn put_leaves_no_temporary_files_behind() {
        let temp = TempStore::new();
        temp.store.put("a-480.jpg", b"one").unwrap();
        temp.store.put("a-480.jpg", b"two").unwrap();
        let names: Vec<_> = fs::read_dir(temp.store.root())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["a-480.jpg"]);
    }

    #[test]
    fn delete_rejects_an_invalid_name() {
        let temp = TempStore::new();
        let error = temp.store.delete("../x.jpg").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }
}
