//! Static files under fingerprinted URLs (`/static/css/site.1a2b3c4d.css`), cached for a
//! year; the fingerprints come from build.rs through `views::assets`.

use super::WebError;
use crate::web::state::AppState;
use actix_files::NamedFile;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Serves a fingerprinted file with an immutable cache policy. Unknown fingerprints are
/// 404 rather than stale content under a new name.
pub async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let requested = path.into_inner();
    let Some(logical) = crate::views::assets::logical_path(&requested) else {
        return Err(WebError::NotFound);
    };
    let full_path = state.static_dir.join(logical);
    let file = web::block(move || NamedFile::open(full_path))
        .await?
        .map_err(|_| WebError::NotFound)?
        .use_etag(true)
        .use_last_modified(true);
    let mut response = file.into_response(&req);
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    Ok(response)
}
