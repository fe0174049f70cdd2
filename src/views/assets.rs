//! Fingerprinted URLs of the files in `static/` (`/static/css/site.1a2b3c4d.css`): the
//! table comes from build.rs, so a URL changes whenever its file does and browsers may
//! cache it for a year. Pages ask for URLs here; `web::assets` serves the files.

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The fingerprinted URL of a file under `static/`.
pub fn url(logical: &str) -> String {
    ASSETS
        .iter()
        .find(|(path, _)| *path == logical)
        .map_or_else(
            || format!("/static/{logical}"),
            |(_, hashed)| format!("/static/{hashed}"),
        )
}

/// The file under `static/` that a fingerprinted name stands for.
pub fn logical_path(fingerprinted: &str) -> Option<&'static str> {
    ASSETS
        .iter()
        .find(|(_, hashed)| *hashed == fingerprinted)
        .map(|(logical, _)| *logical)
}
