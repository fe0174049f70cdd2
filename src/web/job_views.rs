//! Views of job pages, for the employer's manage page. Counted in memory before the page
//! cache answers (a cached page is still a view) and written in one statement every few
//! seconds, so a view costs no query.

use crate::repo;
use crate::web::db::with_conn;
use crate::web::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::Data;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often counts are written.
const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// The most distinct pages counted between two writes; beyond it views are dropped
/// rather than memory grown (a crawler walking every job page).
const MAX_PAGES: usize = 20_000;

pub struct ViewCounter {
    inner: Mutex<Counts>,
}

struct Counts {
    by_slug: HashMap<String, i64>,
    since: Instant,
}

impl Default for ViewCounter {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Counts {
                by_slug: HashMap::new(),
                since: Instant::now(),
            }),
        }
    }
}

impl ViewCounter {
    /// Counts a view; returns the counts to write when it is time.
    fn count(&self, slug: &str) -> Option<Vec<(String, i64)>> {
        let mut counts = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.by_slug.get_mut(slug) {
            *n += 1;
        } else if counts.by_slug.len() < MAX_PAGES {
            counts.by_slug.insert(slug.to_owned(), 1);
        }
        (counts.since.elapsed() >= FLUSH_EVERY).then(|| {
            counts.since = Instant::now();
            counts.by_slug.drain().collect()
        })
    }

    /// The counts not written yet, emptied.
    #[cfg(test)]
    fn take(&self) -> Vec<(String, i64)> {
        let mut counts = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        counts.since = Instant::now();
        counts.by_slug.drain().collect()
    }
}

/// The job slug of a job page path, if it is one.
fn job_slug(path: &str) -> Option<&str> {
    let slug = path.strip_prefix("/jobs/")?;
    (!slug.is_empty() && !slug.contains('/') && !slug.contains('.')).then_some(slug)
}

/// Robots and link previews are not readers.
fn is_robot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ua.is_empty()
        || [
            "bot",
            "crawl",
            "spider",
            "slurp",
            "preview",
            "lighthouse",
            "headless",
        ]
        .iter()
        .any(|w| ua.contains(w))
}

/// Counts successful GETs of job pages by people.
pub async fn count_views(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let slug = (req.method() == Method::GET)
        .then(|| job_slug(req.path()))
        .flatten()
        .filter(|_| {
            !is_robot(
                req.headers()
                    .get(header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default(),
            )
        })
        .map(str::to_owned);
    let state = req.app_data::<Data<AppState>>().cloned();
    let response = next.call(req).await?;
    if let (Some(slug), Some(state)) = (slug, state)
        && matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED)
        && let Some(counts) = state.job_views.count(&slug)
    {
        let pool = state.pool.clone();
        actix_web::rt::spawn(async move {
            if let Err(e) =
                with_conn(&pool, move |conn| repo::intake::add_views(conn, &counts)).await
            {
                tracing::warn!(error = %e, "job views could not be written");
            }
        });
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_job_pages_are_counted_and_robots_are_not_readers() {
        assert_eq!(
            job_slug("/jobs/rust-engineer-acme"),
            Some("rust-engineer-acme")
        );
        assert_eq!(job_slug("/jobs/feed.xml"), None);
        assert_eq!(job_slug("/jobs/a/report"), None);
        assert_eq!(job_slug("/jobs"), None);
        assert!(is_robot("Mozilla/5.0 (compatible; Googlebot/2.1)"));
        assert!(!is_robot("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"));
    }

    #[test]
    fn counts_add_up_until_they_are_taken() {
        let counter = ViewCounter::default();
        assert!(counter.count("a").is_none());
        counter.count("a");
        counter.count("b");
        let mut taken = counter.take();
        taken.sort();
        assert_eq!(taken, vec![("a".to_owned(), 2), ("b".to_owned(), 1)]);
        assert!(counter.take().is_empty());
    }
}
