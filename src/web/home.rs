//! The home page.

use super::db::with_conn;
use super::{WebError, html};
use crate::app::AppState;
use crate::domain::technology::NamedCount;
use crate::repo;
use crate::views::pages::HomePage;
use crate::views::{Layout, Nav};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use std::sync::Arc;

/// Counts over all open jobs: the most expensive part of the home page, so it is shared
/// between requests for a short while (see `AppState::home_counts`).
#[derive(Debug)]
pub struct HomeCounts {
    pub open_jobs: i64,
    pub technologies: Vec<NamedCount>,
    pub cities: Vec<NamedCount>,
}

#[tracing::instrument(skip(state))]
pub async fn show(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let counts = match state.home_counts.get() {
        Some(counts) => counts,
        None => {
            let counts = with_conn(&state.pool, move |conn| {
                Ok(HomeCounts {
                    open_jobs: repo::jobs::count_open(conn, now)?,
                    technologies: repo::technologies::popular(conn, 16, now)?,
                    cities: repo::jobs::popular_cities(conn, 10, now)?,
                })
            })
            .await?;
            state.home_counts.put(Arc::new(counts))
        }
    };
    let (latest_jobs, articles) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::jobs::latest(conn, 8, now)?,
            repo::articles::list_published(conn, 3, 0)?,
        ))
    })
    .await?;
    let layout = Layout::page(
        &state.base_url,
        "/",
        "Find developer jobs in Germany with salaries",
        format!(
            "{} open software developer jobs in Germany: backend, frontend, DevOps and more, with salaries. Plus career guides for developers.",
            counts.open_jobs
        ),
        Nav::Home,
    );
    html(&HomePage::new(
        layout,
        counts.open_jobs,
        &latest_jobs,
        &counts.technologies,
        &counts.cities,
        &articles,
        now,
    ))
}
