//! Counts over every open job (popular technologies and cities, the total). They are the
//! most expensive numbers on the site and change slowly, so requests share them for a
//! short while (`AppState::board_counts`).

use super::WebError;
use super::db::with_conn;
use crate::app::AppState;
use crate::domain::technology::NamedCount;
use crate::repo;
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

/// The shared counts, recomputed when the cached ones are too old.
pub async fn board_counts(state: &AppState) -> Result<Arc<BoardCounts>, WebError> {
    if let Some(counts) = state.board_counts.get() {
        return Ok(counts);
    }
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
