//! "Report this job": a job seeker tells the editors what is wrong with an open job,
//! without an account. Reports wait in the moderation queue (`/admin/moderation`). One
//! client address may send [`REPORTS_PER_CLIENT_PER_HOUR`] an hour; more answer 429
//! with `Retry-After`. The pages are `noindex` (meta tag and `X-Robots-Tag`).

use super::db::with_conn;
use super::{WebError, found};
use crate::domain::employer::{REPORTS_PER_CLIENT_PER_HOUR, ReportReason};
use crate::domain::slug::Slug;
use crate::repo;
use crate::repo::intake::ReportTarget;
use crate::repo::slugs::{Entity, lookup};
use crate::views::admin::FormErrors;
use crate::views::reports::{MAX_DETAILS, ReportPage, ReportSentPage, ReportedJob};
use crate::web::auth::{check_same_origin, client_addr, see_other};
use crate::web::state::AppState;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{Duration, Utc};
use serde::Deserialize;

/// The report form's fields, as sent.
#[derive(Deserialize, Default, Debug)]
struct ReportFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    details: String,
}

/// The job a report is about: 404 for no such job, 410 for a deleted one, a redirect
/// for a renamed one, and 410 for a job that is closed or past its end (there is
/// nothing left to take down).
async fn reportable(
    state: &AppState,
    raw_slug: &str,
    suffix: &str,
) -> Result<ReportedJob, WebError> {
    let slug = Slug::parse(raw_slug.to_owned()).map_err(|_| WebError::NotFound)?;
    let now = Utc::now();
    let lookup = with_conn(&state.pool, move |conn| {
        lookup(conn, Entity::Job, &slug, |conn| {
            repo::intake::report_target(conn, &slug, now)
        })
    })
    .await?;
    let target: ReportTarget = found(lookup, "/jobs").map_err(|e| match e {
        WebError::Moved(to) => WebError::Moved(format!("{to}{suffix}")),
        other => other,
    })?;
    if !target.open {
        return Err(WebError::Gone);
    }
    Ok(ReportedJob {
        slug: target.slug,
        title: target.title,
        company_name: target.company_name,
    })
}

/// A page no search engine should keep.
fn noindex(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex"),
        ))
        .body(body)
}

#[tracing::instrument(skip(state))]
pub async fn form(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let job = reportable(&state, &slug, "/report").await?;
    let page = ReportPage::new(&state.base_url, &job, "", "", FormErrors::default());
    Ok(noindex(StatusCode::OK, page.render()?))
}

/// Checks a report; the reason and the details, or what is wrong.
fn validate(fields: &ReportFields) -> Result<(ReportReason, String), FormErrors> {
    let mut errors = FormErrors::default();
    let reason = ReportReason::parse(fields.reason.trim());
    if reason.is_none() {
        errors.add("reason", "Choose what is wrong with the job.");
    }
    let details = fields.details.trim();
    if details.chars().count() > MAX_DETAILS {
        errors.add(
            "details",
            format!(
                "Shorten the details to at most {MAX_DETAILS} characters (now {}).",
                details.chars().count()
            ),
        );
    } else if details
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(
            "details",
            "The details contain characters that cannot be saved; type them again.",
        );
    }
    match reason {
        Some(reason) if errors.is_empty() => Ok((reason, details.replace("\r\n", "\n"))),
        _ => Err(errors),
    }
}

#[tracing::instrument(skip(state, req, body))]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: Bytes,
) -> Result<HttpResponse, WebError> {
    check_same_origin(req.headers(), &state.base_url)?;
    let job = reportable(&state, &slug, "/report").await?;
    let fields: ReportFields = serde_urlencoded::from_bytes(&body).map_err(|_| {
        WebError::BadRequest(crate::domain::InvalidInput::new(
            "form",
            "is incomplete or malformed",
        ))
    })?;
    let (reason, details) = match validate(&fields) {
        Ok(valid) => valid,
        Err(errors) => {
            let page = ReportPage::new(
                &state.base_url,
                &job,
                &fields.reason,
                &fields.details,
                errors,
            );
            return Ok(noindex(StatusCode::UNPROCESSABLE_ENTITY, page.render()?));
        }
    };
    let client = client_addr(&req);
    let now = Utc::now();
    let since = now - Duration::hours(1);
    let job_slug = Slug::parse(job.slug.clone()).map_err(|_| WebError::NotFound)?;
    let saved = with_conn(&state.pool, move |conn| {
        if repo::intake::report_count(conn, &client, since)? >= REPORTS_PER_CLIENT_PER_HOUR {
            let oldest = repo::intake::oldest_report_since(conn, &client, since)?;
            return Ok(Err(oldest.unwrap_or(now)));
        }
        let target = repo::intake::report_target(conn, &job_slug, now)?;
        let id = repo::intake::create_report(conn, target.id, reason, &details, &client)?;
        Ok(Ok(id))
    })
    .await?;
    match saved {
        Ok(id) => {
            tracing::info!(report.id = id, job.slug = %job.slug, "job {} reported", job.slug);
            Ok(see_other(&format!("/jobs/{}/report/sent", job.slug)))
        }
        Err(oldest) => {
            let seconds = (oldest + Duration::hours(1) - now).num_seconds().max(1) as u64;
            let minutes = seconds.div_ceil(60);
            Err(WebError::RateLimited {
                seconds,
                message: format!(
                    "This connection has sent {REPORTS_PER_CLIENT_PER_HOUR} reports within the last hour, the most we accept. Please try again in {minutes} minute{}.",
                    if minutes == 1 { "" } else { "s" }
                ),
            })
        }
    }
}

#[tracing::instrument(skip(state))]
pub async fn sent(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let job = reportable(&state, &slug, "/report/sent").await?;
    let page = ReportSentPage::new(&state.base_url, &job);
    Ok(noindex(StatusCode::OK, page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(reason: &str, details: &str) -> ReportFields {
        ReportFields {
            reason: reason.to_owned(),
            details: details.to_owned(),
        }
    }

    #[test]
    fn a_report_needs_a_known_reason_and_at_most_2000_characters() {
        assert!(validate(&fields("scam", "")).is_ok());
        assert_eq!(
            validate(&fields("expired", " gone\r\nreally ")).unwrap().1,
            "gone\nreally"
        );
        assert_eq!(
            validate(&fields("", "x")).unwrap_err().errors[0].field,
            "reason"
        );
        assert_eq!(
            validate(&fields("spam", "")).unwrap_err().errors[0].field,
            "reason"
        );
        let long = "é".repeat(2001);
        assert_eq!(
            validate(&fields("other", &long)).unwrap_err().errors[0].field,
            "details"
        );
        assert!(validate(&fields("other", &"é".repeat(2000))).is_ok());
        assert!(validate(&fields("other", "a\u{0}b")).is_err());
    }
}
