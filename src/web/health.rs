//! Probes for load balancers and orchestrators.

use super::WebError;
use super::db::with_conn;
use crate::app::AppState;
use actix_web::{HttpResponse, web};

/// Liveness: the process answers. Never touches the database, so a database outage
/// does not get healthy instances restarted.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

/// Readiness: the database answers too.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    match with_conn(&state.pool, crate::repo::health::ping).await {
        Ok(()) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .content_type("text/plain; charset=utf-8")
            .body("ready\n"),
        Err(e) => {
            let reason = match e {
                WebError::Unavailable => "database unavailable",
                _ => "database check failed",
            };
            HttpResponse::ServiceUnavailable()
                .insert_header(("Cache-Control", "no-store"))
                .insert_header(("Retry-After", "5"))
                .content_type("text/plain; charset=utf-8")
                .body(format!("not ready: {reason}\n"))
        }
    }
}
