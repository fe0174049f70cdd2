//! The HTTP layer: the route table, handlers, middleware and the error page.

pub mod articles;
pub mod assets;
pub mod board;
pub mod cache;
pub mod companies;
pub mod db;
pub mod errors;
pub mod health;
pub mod home;
pub mod jobs;
pub mod middleware;

use actix_web::{HttpResponse, http::header, web};
use askama::Template;

pub use errors::WebError;

/// The whole route table of the site.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::show))
        .route("/jobs", web::get().to(jobs::index))
        .route("/jobs/{slug}", web::get().to(jobs::show))
        .route("/companies", web::get().to(companies::index))
        .route("/companies/{slug}", web::get().to(companies::show))
        .route("/articles", web::get().to(articles::index))
        .route("/articles/{slug}", web::get().to(articles::show))
        .route("/healthz", web::get().to(health::live))
        .route("/readyz", web::get().to(health::ready))
        .route("/static/{path:.+}", web::get().to(assets::serve))
        .default_service(web::to(errors::not_found));
}

/// An HTML page response. Pages change whenever jobs do, so caches must revalidate.
pub fn html(page: &impl Template) -> Result<HttpResponse, WebError> {
    let body = page.render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body))
}

/// Decoded query-string pairs, or a 400 when the string is not valid form encoding.
pub fn query_pairs(query_string: &str) -> Result<Vec<(String, String)>, WebError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query_string).map_err(|_| {
        WebError::BadRequest(crate::domain::InvalidInput::new(
            "query",
            "the address contains characters that are not valid in a query string",
        ))
    })
}
