//! The HTTP layer: the route table, handlers, middleware and the error page.

pub mod admin;
pub mod alerts;
pub mod articles;
pub mod assets;
pub mod auth;
pub mod board;
pub mod companies;
pub mod db;
pub mod employer_links;
pub mod errors;
pub mod feeds;
pub mod form_guard;
pub mod health;
pub mod home;
pub mod job_form;
pub mod job_views;
pub mod jobs;
pub mod landing;
pub mod manage;
pub mod media;
pub mod middleware;
pub mod page_cache;
pub mod post_job;
pub mod posting;
pub mod reports;
pub mod salaries;
pub mod seo;
pub mod state;

use actix_web::{HttpResponse, guard, http::header, web};
use askama::Template;

pub use errors::WebError;

/// The whole route table of the site.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", read().to(home::show))
        .route("/robots.txt", read().to(seo::robots))
        .route("/sitemap.xml", read().to(seo::sitemap_index))
        .route("/sitemaps/pages.xml", read().to(seo::sitemap_pages))
        .route("/sitemaps/articles.xml", read().to(seo::sitemap_articles))
        .route(
            "/sitemaps/companies-{chunk}.xml",
            read().to(seo::sitemap_companies),
        )
        .route("/sitemaps/jobs-{chunk}.xml", read().to(seo::sitemap_jobs))
        .route("/jobs", read().to(jobs::index))
        .route("/jobs/feed.xml", read().to(feeds::jobs))
        .route("/jobs/{slug}", read().to(jobs::show))
        .route(post_job::FORM_PATH, read().to(post_job::form))
        .route(post_job::FORM_PATH, web::post().to(post_job::submit))
        .route("/post-a-job/sent", read().to(post_job::sent))
        .route(
            "/post-a-job/confirm/{token}",
            read().to(post_job::confirm_page),
        )
        .route(
            "/post-a-job/confirm/{token}",
            web::post().to(post_job::confirm),
        )
        .route("/manage", read().to(manage::resend_form))
        .route("/manage", web::post().to(manage::resend))
        .route("/manage/{token}", read().to(manage::show))
        .route("/manage/{token}/edit", read().to(manage::edit_form))
        .route("/manage/{token}/edit", web::post().to(manage::edit))
        .route("/manage/{token}/close", web::post().to(manage::close))
        .route("/manage/{token}/extend", web::post().to(manage::extend))
        .route("/jobs/{slug}/report", read().to(reports::form))
        .route("/jobs/{slug}/report", web::post().to(reports::create))
        .route("/jobs/{slug}/report/sent", read().to(reports::sent))
        .route("/technologies", read().to(landing::technologies_index))
        .route("/technologies/{technology}", read().to(landing::technology))
        .route(
            "/technologies/{technology}/{city}",
            read().to(landing::technology_in_city),
        )
        .route("/cities", read().to(landing::cities_index))
        .route("/cities/{city}", read().to(landing::city))
        .route("/remote", read().to(landing::remote))
        .route("/salaries", read().to(salaries::index))
        .route("/salaries/{technology}", read().to(salaries::technology))
        .route(
            "/salaries/{technology}/{city}",
            read().to(salaries::technology_in_city),
        )
        .route("/companies", read().to(companies::index))
        .route("/companies/{slug}", read().to(companies::show))
        .route("/articles", read().to(articles::index))
        .route("/articles/feed.xml", read().to(feeds::articles))
        .route("/articles/{slug}", read().to(articles::show))
        .route("/alerts", web::post().to(alerts::create))
        .route("/alerts/new", read().to(alerts::new_form))
        .route("/alerts/sent", read().to(alerts::sent))
        .route("/alerts/confirm/{token}", read().to(alerts::confirm_page))
        .route("/alerts/confirm/{token}", web::post().to(alerts::confirm))
        .route(
            "/alerts/unsubscribe/{token}",
            read().to(alerts::unsubscribe_form),
        )
        .route(
            "/alerts/unsubscribe/{token}",
            web::post().to(alerts::unsubscribe),
        )
        .route("/alerts/manage/{token}", read().to(alerts::manage))
        .route(
            "/alerts/manage/{token}",
            web::post().to(alerts::manage_change),
        )
        .configure(admin::routes)
        .route("/healthz", read().to(health::live))
        .route("/readyz", read().to(health::ready))
        .route("/static/{path:.+}", read().to(assets::serve))
        .route("/media/{name}", read().to(media::serve))
        .default_service(web::to(errors::not_found));
}

/// A route for GET and HEAD: every page answers both (actix sends no body for HEAD).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// An HTML page response. Pages change whenever jobs do, so caches must revalidate.
pub fn html(page: &impl Template) -> Result<HttpResponse, WebError> {
    let body = page.render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body))
}

/// An HTML page that says when its content last changed, so caches can revalidate
/// with `If-Modified-Since`.
pub fn html_modified(
    page: &impl Template,
    last_modified: chrono::DateTime<chrono::Utc>,
) -> Result<HttpResponse, WebError> {
    let mut response = html(page)?;
    let value = last_modified
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(value) = header::HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::LAST_MODIFIED, value);
    }
    Ok(response)
}

/// `path` with `query` appended when there is one.
pub fn listing_path(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The `page` parameter (the last one wins), 1 when absent.
pub fn page_param(pairs: &[(String, String)]) -> Result<u32, WebError> {
    match pairs
        .iter()
        .rev()
        .find(|(k, v)| k == "page" && !v.is_empty())
    {
        Some((_, v)) => Ok(crate::domain::filter::parse_page(v)?),
        None => Ok(1),
    }
}

/// The page number of a simple paged index at `path` (`?page=N`), or a redirect when
/// the query is not in its one normal form (`page=1` and unknown parameters dropped).
pub fn paged_index(
    req: &actix_web::HttpRequest,
    path: &str,
) -> Result<Result<u32, HttpResponse>, WebError> {
    let pairs = query_pairs(req.query_string())?;
    let page = page_param(&pairs)?;
    let normal = if page == 1 {
        String::new()
    } else {
        format!("page={page}")
    };
    if normal != req.query_string() {
        return Ok(Err(moved_permanently(&listing_path(path, &normal))));
    }
    Ok(Ok(page))
}

/// How many pages `total` items fill at `per_page` a page; an empty list has one page.
pub fn pages_in(total: i64, per_page: u32) -> u32 {
    u32::try_from((total + i64::from(per_page) - 1) / i64::from(per_page))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// A permanent redirect to the normal form of a URL (a renamed slug, a reordered query).
pub fn moved_permanently(location: &str) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The page looked up by slug under `prefix` ("/jobs"), or the error that answers for
/// it: a redirect to its new slug, 410 or 404.
pub fn found<T>(lookup: crate::repo::slugs::Lookup<T>, prefix: &str) -> Result<T, WebError> {
    use crate::repo::slugs::Lookup;
    match lookup {
        Lookup::Found(found) => Ok(found),
        Lookup::Moved(slug) => Err(WebError::Moved(format!("{prefix}/{slug}"))),
        Lookup::Gone => Err(WebError::Gone),
        Lookup::NotFound => Err(WebError::NotFound),
    }
}

/// Decoded query-string pairs, or a 400 when the string is not valid form encoding or
/// holds a control character (no parameter may: PostgreSQL refuses NUL outright).
pub fn query_pairs(query_string: &str) -> Result<Vec<(String, String)>, WebError> {
    let pairs =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query_string).map_err(|_| {
            WebError::BadRequest(crate::domain::InvalidInput::new(
                "query",
                "the address contains characters that are not valid in a query string",
            ))
        })?;
    if pairs
        .iter()
        .any(|(k, v)| k.chars().chain(v.chars()).any(char::is_control))
    {
        return Err(control_characters());
    }
    Ok(pairs)
}

/// The 400 for an address with a control character (NUL, tab, newline, …) in it.
pub fn control_characters() -> WebError {
    WebError::BadRequest(crate::domain::InvalidInput::new(
        "address",
        "contains a control character",
    ))
}
