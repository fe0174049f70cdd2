//! Counts over every open job (popular technologies and cities, their pairs, the
//! total), from the in-memory catalog: exact, and at most a second old.

use super::WebError;
use crate::catalog::BoardTally;
use crate::domain::slug::Slug;
use crate::domain::technology::NamedCount;
use crate::web::state::AppState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Open-job counts by technology, city and their pairs, most jobs first.
#[derive(Debug)]
pub struct BoardCounts {
    pub open_jobs: i64,
    pub remote_jobs: i64,
    pub technologies: Vec<NamedCount>,
    pub cities: Vec<NamedCount>,
    /// (technology with its count in that city, city name), by technology then city.
    pub technology_cities: Vec<(NamedCount, String)>,
}

impl BoardCounts {
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

    /// The city `text` names however it is written: in any case, with umlauts, their
    /// transliteration or the bare vowel ("München", "muenchen", "munchen"). Matched
    /// by slug; `None` when no city with open jobs fits, or more than one does.
    pub fn city_matching(&self, text: &str) -> Option<&NamedCount> {
        let slug = Slug::from_text(text).ok()?;
        if let Some(city) = self.city(slug.as_str()) {
            return Some(city);
        }
        let loose = without_umlaut_e(slug.as_str());
        let mut found = self
            .cities
            .iter()
            .filter(|c| without_umlaut_e(c.slug.as_str()) == loose);
        match (found.next(), found.next()) {
            (Some(city), None) => Some(city),
            _ => None,
        }
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

/// A slug with the transliterated umlauts (`ae`, `oe`, `ue`) reduced to their vowel, so
/// that "muenchen" and "munchen" compare equal.
fn without_umlaut_e(slug: &str) -> String {
    slug.replace("ae", "a")
        .replace("oe", "o")
        .replace("ue", "u")
}

/// The counts built from the latest tally, kept until the tally changes.
#[derive(Default)]
pub struct SharedBoardCounts {
    built: Mutex<Option<(Arc<BoardTally>, Arc<BoardCounts>)>>,
}

/// The current counts; 503 until the catalog has loaded.
pub async fn board_counts(state: &AppState) -> Result<Arc<BoardCounts>, WebError> {
    // A new tally walks every open job (milliseconds at a million): not on a worker.
    // The shared one, current almost always, needs no trip to the blocking pool.
    let tally = match state.catalog.shared_tally() {
        Some(tally) => tally,
        None => {
            let catalog = state.catalog.clone();
            actix_web::web::block(move || catalog.tally())
                .await?
                .ok_or(WebError::Unavailable)?
        }
    };
    let mut built = state
        .board_counts
        .built
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((from, counts)) = built.as_ref()
        && Arc::ptr_eq(from, &tally)
    {
        return Ok(counts.clone());
    }
    let counts = Arc::new(BoardCounts::from_tally(
        &tally,
        &state.catalog.technology_names(),
    ));
    *built = Some((tally, counts.clone()));
    Ok(counts)
}

impl BoardCounts {
    fn from_tally(tally: &BoardTally, names: &HashMap<String, String>) -> Self {
        let technology = |slug: &str, count: i64| {
            Some(NamedCount {
                slug: Slug::parse(slug).ok()?,
                name: names.get(slug).cloned().unwrap_or_else(|| slug.to_owned()),
                count,
            })
        };
        let city = |name: &str, count: i64| {
            Some(NamedCount {
                slug: Slug::from_text(name).ok()?,
                name: name.to_owned(),
                count,
            })
        };
        Self {
            open_jobs: tally.open_jobs,
            remote_jobs: tally.remote_jobs,
            technologies: tally
                .technologies
                .iter()
                .filter_map(|(slug, n)| technology(slug, *n))
                .collect(),
            cities: tally
                .cities
                .iter()
                .filter_map(|(name, n)| city(name, *n))
                .collect(),
            technology_cities: tally
                .technology_cities
                .iter()
                .filter_map(|(slug, city, n)| Some((technology(slug, *n)?, city.clone())))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(cities: &[&str]) -> BoardCounts {
        BoardCounts {
            open_jobs: 0,
            remote_jobs: 0,
            technologies: Vec::new(),
            cities: cities
                .iter()
                .map(|name| NamedCount {
                    slug: Slug::from_text(name).unwrap(),
                    name: (*name).to_owned(),
                    count: 1,
                })
                .collect(),
            technology_cities: Vec::new(),
        }
    }

    #[test]
    fn cities_match_in_any_case_and_spelling_of_their_umlauts() {
        let counts = counts(&["Berlin", "München", "Düsseldorf", "Frankfurt am Main"]);
        let name = |text: &str| counts.city_matching(text).map(|c| c.name.as_str());
        for text in ["berlin", "Berlin", "BERLIN", " berlin "] {
            assert_eq!(name(text), Some("Berlin"), "{text}");
        }
        for text in ["München", "münchen", "muenchen", "munchen", "MUNCHEN"] {
            assert_eq!(name(text), Some("München"), "{text}");
        }
        assert_eq!(name("dusseldorf"), Some("Düsseldorf"));
        assert_eq!(name("frankfurt-am-main"), Some("Frankfurt am Main"));
        assert_eq!(name("Atlantis"), None);
        assert_eq!(name("!!"), None);
    }
}
