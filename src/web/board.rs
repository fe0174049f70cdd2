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

/// Every technology and city has far fewer than this many entries; the limit only
/// guards the page size.
const MAX_LISTED: i64 = 500;

/// Open-job counts by technology, city and their pairs, most jobs first.
#[derive(Debug)]
pub struct BoardCounts {
    pub open_jobs: i64,
    pub remote_jobs: i64,
    pub technologies: Vec<NamedCount>,
    pub cities: Vec<NamedCount>,
    /// (technology with its count in that city, city name), by technology then city.
    pub technology_cities: Vec<(NamedCount, String)>,
    /// Facet counts of the plain, unfiltered list.
    pub facets: crate::repo::jobs::FacetCounts,
    /// A stand-in while the first counts are computed: empty lists that must not be
    /// taken to mean "no jobs".
    pub warming: bool,
}

impl BoardCounts {
    fn warming() -> Self {
        Self {
            open_jobs: 0,
            remote_jobs: 0,
            technologies: Vec::new(),
            cities: Vec::new(),
            technology_cities: Vec::new(),
            facets: crate::repo::jobs::FacetCounts::default(),
            warming: true,
        }
    }

    pub fn technology(&self, slug: &str) -> Option<&NamedCount> {
        self.technologies.iter().find(|t| t.slug.as_str() == slug)
    }

    pub fn city(&self, slug: &str) -> Option<&NamedCount> {
        self.cities.iter().find(|c| c.slug.as_str() == slug)
    }

    /// The city whose name is exactly `name`.
    pub fn city_named(&self, name: &str) -> Option<&NamedCount> {
        self.cities.iter().find(|c| c.name == name)
    }

    /// The technologies with open jobs in `city`, most jobs first.
    pub fn technologies_in(&self, city: &str) -> Vec<&NamedCount> {
        let mut found: Vec<&NamedCount> = self
            .technology_cities
            .iter()
            .filter(|(_, c)| c == city)
            .map(|(t, _)| t)
            .collect();
        found.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        found
    }
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
        Cached::Empty => {
            // One request computes; the others render without the counts for the few
            // seconds of a cold start rather than all running the same aggregate.
            if state.board_counts.begin_refresh() {
                return match refresh(state).await {
                    Ok(counts) => Ok(counts),
                    Err(e) => {
                        state.board_counts.abandon_refresh();
                        Err(e)
                    }
                };
            }
            Ok(Arc::new(BoardCounts::warming()))
        }
    }
}

async fn refresh(state: &AppState) -> Result<Arc<BoardCounts>, WebError> {
    let now = Utc::now();
    let counts = with_conn(&state.pool, move |conn| {
        Ok(BoardCounts {
            open_jobs: repo::jobs::count_open(conn, now)?,
            remote_jobs: repo::jobs::count_open_remote(conn, now)?,
            technologies: repo::technologies::popular(conn, MAX_LISTED, now)?,
            cities: repo::jobs::popular_cities(conn, MAX_LISTED, now)?,
            technology_cities: repo::technologies::counts_by_city(conn, now)?,
            facets: repo::jobs::facets(
                conn,
                &crate::domain::filter::JobFilter::default(),
                &crate::domain::filter::SALARY_STEPS,
                now,
            )?,
            warming: false,
        })
    })
    .await?;
    Ok(state.board_counts.put(Arc::new(counts)))
}
