//! Counts over every open job (popular technologies and cities, the total). They are the
//! most expensive numbers on the site and change slowly, so requests share them for a
//! short while (`AppState::board_counts`).

use super::WebError;
use super::cache::Cached;
use super::db::with_conn;
use crate::app::AppState;
use crate::domain::technology::NamedCount;
use crate::repo;
use actix_web::web;
use chrono::Utc;
use std::sync::Arc;

/// Technologies the home page shows.
pub const POPULAR_TECHNOLOGIES: i64 = 16;
/// Cities the filter form offers; the home page shows the first few.
pub const POPULAR_CITIES: i64 = 30;

#[derive(Debug)]
pub struct BoardCounts {
    pub open_jobs: i64,
    pub technologies: Vec<NamedCount>,
    pub cities: Vec<NamedCount>,
}

/// The shared counts. Stale ones are served while one request refreshes them in the
/// background; only an empty cache makes a request wait.
pub async fn board_counts(state: &web::Data<AppState>) -> Result<Arc<BoardCounts>, WebError> {
    match state.board_counts.get() {
        Cached::Fresh(counts) => Ok(counts),
        Cached::Stale(counts) => {
            if state.board_counts.begin_refresh() {
                let state = state.clone();
                actix_web::rt::spawn(async move {
                    if let Err(e) = refresh(&state).await {
                        tracing::warn!(error = %e, "refreshing board counts failed");
                        state.board_counts.abandon_refresh();
                    }
                });
            }
            Ok(counts)
        }
        Cached::Empty => refresh(state).await,
    }
}

async fn refresh(state: &AppState) -> Result<Arc<BoardCounts>, WebError> {
    let now = Utc::now();
    let counts = with_conn(&state.pool, move |conn| {
        Ok(BoardCounts {
            open_jobs: repo::jobs::count_open(conn, now)?,
            technologies: repo::technologies::popular(conn, POPULAR_TECHNOLOGIES, now)?,
            cities: repo::jobs::popular_cities(conn, POPULAR_CITIES, now)?,
        })
    })
    .await?;
    Ok(state.board_counts.put(Arc::new(counts)))
}
