//! Probes for load balancers and orchestrators.

use super::WebError;
use super::db::with_conn;
use crate::web::state::AppState;
use actix_web::{HttpResponse, web};

/// Liveness: the process answers. Never touches the database, so a database outage
/// does not get healthy instances restarted.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

/// Readiness: the database answers too, the job catalog has loaded and the text index
/// can answer search words.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let checked = match with_conn(&state.pool, crate::repo::health::ping).await {
        Ok(()) if state.catalog.current().is_none() => Err("job catalog still loading"),
        Ok(()) if !state.catalog.text_index_ready() => Err("text index being built"),
        Ok(()) => Ok(()),
        Err(WebError::Unavailable) => Err("database unavailable"),
        Err(_) => Err("database check failed"),
    };
    match checked {
        Ok(()) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .content_type("text/plain; charset=utf-8")
            .body("ready\n"),
        Err(reason) => HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Retry-After", "5"))
            .content_type("text/plain; charset=utf-8")
            .body(format!("not ready: {reason}\n")),
    }
}
