//! The web layer's error type and the error pages it becomes.

use crate::domain::InvalidInput;
use crate::repo::RepoError;
use crate::views::Layout;
use crate::views::pages::ErrorPage;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use std::fmt;

/// Seconds a client should wait before retrying while the database is unavailable.
const RETRY_AFTER_SECONDS: &str = "5";

#[derive(Debug)]
pub enum WebError {
    NotFound,
    /// The page existed and was deleted on purpose.
    Gone,
    /// The page lives at another path now (a renamed slug): 301 there.
    Moved(String),
    BadRequest(InvalidInput),
    /// Signed in, but not allowed; or a form without a valid CSRF token.
    Forbidden(String),
    /// An upload or form over its size limit.
    PayloadTooLarge(String),
    /// Input that was understood but cannot be used (an image in the wrong format).
    Unprocessable(String),
    /// Too many failed attempts: try again after this many seconds.
    Throttled(u64),
    /// Too many requests of some kind (alert sign-ups): try again after `retry_after`
    /// seconds; `message` says what the limit is.
    RateLimited {
        retry_after: u64,
        message: String,
    },
    /// The database cannot be reached; the site answers 503 until it can.
    Unavailable,
    Internal(anyhow::Error),
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("not found"),
            Self::Gone => f.write_str("gone"),
            Self::Moved(to) => write!(f, "moved to {to}"),
            Self::BadRequest(e) => write!(f, "bad request: {e}"),
            Self::Forbidden(why) => write!(f, "forbidden: {why}"),
            Self::PayloadTooLarge(why) => write!(f, "payload too large: {why}"),
            Self::Unprocessable(why) => write!(f, "unprocessable: {why}"),
            Self::Throttled(seconds) => write!(f, "throttled for {seconds} s"),
            Self::RateLimited { retry_after, .. } => write!(f, "rate limited for {retry_after} s"),
            Self::Unavailable => f.write_str("service unavailable"),
            Self::Internal(e) => write!(f, "internal error: {e:#}"),
        }
    }
}

impl From<RepoError> for WebError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::NotFound(_) => Self::NotFound,
            RepoError::Unavailable(reason) => {
                tracing::warn!(error = %reason, "database unavailable");
                Self::Unavailable
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<InvalidInput> for WebError {
    fn from(e: InvalidInput) -> Self {
        Self::BadRequest(e)
    }
}

impl From<actix_web::error::BlockingError> for WebError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(anyhow::anyhow!("template rendering failed: {e}"))
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Gone => StatusCode::GONE,
            Self::Moved(_) => StatusCode::MOVED_PERMANENTLY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled(_) | Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Self::Moved(location) = self {
            return HttpResponse::MovedPermanently()
                .insert_header((header::LOCATION, location.as_str()))
                .finish();
        }
        if let Self::Internal(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
        let (heading, message) = match self {
            Self::NotFound | Self::Moved(_) => (
                "Page not found".to_owned(),
                "We could not find that page. The job may have been removed, or the address has a typo.".to_owned(),
            ),
            Self::Gone => (
                "This page has been removed".to_owned(),
                "It is not coming back. The jobs and articles below are still here.".to_owned(),
            ),
            Self::BadRequest(e) => (
                "That request did not work".to_owned(),
                format!("The {} {}. Please check the address or the search form.", e.field, e.message),
            ),
            Self::Forbidden(why) => ("Not allowed".to_owned(), why.clone()),
            Self::PayloadTooLarge(why) => ("That is too large".to_owned(), why.clone()),
            Self::Unprocessable(why) => ("That file cannot be used".to_owned(), why.clone()),
            Self::Throttled(seconds) => (
                "Too many attempts".to_owned(),
                format!(
                    "There were too many failed sign-ins. Please wait {} minute{} and try again.",
                    seconds.div_ceil(60),
                    if seconds.div_ceil(60) == 1 { "" } else { "s" }
                ),
            ),
            Self::RateLimited { message, .. } => ("Too many requests".to_owned(), message.clone()),
            Self::Unavailable => (
                "Back in a moment".to_owned(),
                "The job board is briefly unavailable. Please try again in a few seconds.".to_owned(),
            ),
            Self::Internal(_) => (
                "Something went wrong".to_owned(),
                "Sorry, this page failed on our side. We have been told and will look into it.".to_owned(),
            ),
        };
        let page = ErrorPage {
            layout: Layout::error(heading.clone()),
            status: status.as_u16(),
            heading,
            message,
        };
        let body = page.render().unwrap_or_else(|e| {
            tracing::error!(error = %e, "error page failed to render");
            format!(
                "<!doctype html><title>Error {}</title><p>Error {}</p>",
                status.as_u16(),
                status.as_u16()
            )
        });
        let mut response = HttpResponse::build(status);
        response
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
        }
        if let Self::Throttled(seconds)
        | Self::RateLimited {
            retry_after: seconds,
            ..
        } = self
        {
            response.insert_header((header::RETRY_AFTER, seconds.max(&1).to_string()));
        }
        response.body(body)
    }
}

/// The fallback for every path no route matches.
pub async fn not_found(_req: HttpRequest) -> Result<HttpResponse, WebError> {
    Err(WebError::NotFound)
}
