//! Uploaded images under `/media/{name}`. Every name is random and never reused for other
//! content, so a response may be cached for a year.

use super::WebError;
use crate::media::store;
use crate::web::state::AppState;
use actix_web::http::header::{CACHE_CONTROL, X_CONTENT_TYPE_OPTIONS};
use actix_web::{HttpResponse, web};
use anyhow::Context;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Serves one stored image; 404 for a name that is invalid or not stored.
#[tracing::instrument(skip(state))]
pub async fn serve(
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let name = name.into_inner();
    let Some(content_type) = store::content_type(&name) else {
        return Err(WebError::NotFound);
    };
    let images = state.images.clone();
    let bytes = web::block(move || images.get(&name))
        .await?
        .context("reading a stored image")
        .map_err(WebError::Internal)?
        .ok_or(WebError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((CACHE_CONTROL, IMMUTABLE))
        // Also set by the security middleware; repeated here because an image answered
        // as anything but an image would be a stored-XSS hole.
        .insert_header((X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}
