//! The home page.

use super::board::board_counts;
use super::db::with_conn;
use super::{WebError, html_modified};
use crate::repo;
use crate::views::pages::HomePage;
use crate::views::structured_data;
use crate::views::{Layout, Nav};
use crate::web::state::AppState;
use actix_web::{HttpResponse, web};
use chrono::Utc;

/// Cities listed on the home page.
const HOME_CITIES: usize = 12;
/// Technologies listed on the home page.
const HOME_TECHNOLOGIES: usize = 16;

#[tracing::instrument(skip(state))]
pub async fn show(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let counts = board_counts(&state).await?;
    let kept = state.catalog.last_change();
    let (latest_jobs, articles, last_change) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::jobs::latest(conn, 8, now)?,
            repo::articles::list_published(conn, 3, 0, now)?,
            super::seo::last_change(kept, conn, now)?,
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
    )
    .with_feed("jobboard – new developer jobs", format!("{}/jobs/feed.xml", state.base_url));
    let logo = format!(
        "{}{}",
        state.base_url,
        crate::views::assets::url("img/logo.png")
    );
    let [website, organization] = structured_data::website_and_organization(&state.base_url, &logo);
    let layout = layout
        .with_structured_data(website)
        .with_structured_data(organization);
    html_modified(
        &HomePage::new(
            layout,
            counts.open_jobs,
            &latest_jobs,
            &counts.technologies[..counts.technologies.len().min(HOME_TECHNOLOGIES)],
            &counts.cities[..counts.cities.len().min(HOME_CITIES)],
            &articles,
            now,
        ),
        last_change,
    )
}
