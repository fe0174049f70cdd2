//! Synthetic confirmed alerts for the digest benchmark: about a thousand distinct
//! searches (a technology, a city, both, remote, seniority, salary, search words), taken
//! in turn, one address per alert.

use super::technologies::TECHNOLOGIES;
use crate::domain::filter::{JobFilter, JobSearch};
use crate::domain::job::{RemotePolicy, Seniority};
use crate::domain::slug::Slug;
use crate::repo::{RepoResult, alerts};
use chrono::{DateTime, Utc};
use diesel::PgConnection;

const CITIES: &[&str] = &[
    "Berlin",
    "München",
    "Hamburg",
    "Köln",
    "Frankfurt am Main",
    "Stuttgart",
    "Leipzig",
    "Düsseldorf",
    "Nürnberg",
    "Dresden",
];

const WORDS: &[&str] = &[
    "backend",
    "platform",
    "data engineer",
    "frontend",
    "kubernetes",
    "embedded",
    "security",
    "machine learning",
];

/// (normal query string, path, label) of each synthetic search.
pub fn searches() -> Vec<(String, String, String)> {
    let mut filters: Vec<(JobFilter, String)> = vec![(JobFilter::default(), "All jobs".into())];
    let tech = |slug: &str| Slug::parse(slug).ok().into_iter().collect::<Vec<_>>();
    for (slug, name) in TECHNOLOGIES {
        let technologies = tech(slug);
        filters.push((
            JobFilter {
                technologies: technologies.clone(),
                ..JobFilter::default()
            },
            format!("{name} jobs"),
        ));
        filters.push((
            JobFilter {
                technologies: technologies.clone(),
                remote: Some(RemotePolicy::Remote),
                ..JobFilter::default()
            },
            format!("Remote {name} jobs"),
        ));
        filters.push((
            JobFilter {
                technologies: technologies.clone(),
                min_salary: Some(70_000),
                ..JobFilter::default()
            },
            format!("{name} jobs from €70,000"),
        ));
        for city in CITIES {
            filters.push((
                JobFilter {
                    technologies: technologies.clone(),
                    cities: vec![(*city).to_owned()],
                    ..JobFilter::default()
                },
                format!("{name} jobs in {city}"),
            ));
            filters.push((
                JobFilter {
                    technologies: technologies.clone(),
                    cities: vec![(*city).to_owned()],
                    seniorities: vec![Seniority::Senior],
                    ..JobFilter::default()
                },
                format!("Senior {name} jobs in {city}"),
            ));
        }
    }
    for city in CITIES {
        filters.push((
            JobFilter {
                cities: vec![(*city).to_owned()],
                ..JobFilter::default()
            },
            format!("Jobs in {city}"),
        ));
    }
    for words in WORDS {
        filters.push((
            JobFilter {
                query: Some((*words).to_owned()),
                ..JobFilter::default()
            },
            format!("Jobs matching “{words}”"),
        ));
        filters.push((
            JobFilter {
                query: Some((*words).to_owned()),
                cities: vec!["Berlin".to_owned()],
                ..JobFilter::default()
            },
            format!("Jobs matching “{words}” in Berlin"),
        ));
    }
    filters
        .into_iter()
        .map(|(filter, label)| {
            let query = JobSearch::new(filter).query_string_for_page(1);
            let path = if query.is_empty() {
                "/jobs".to_owned()
            } else {
                format!("/jobs?{query}")
            };
            (query, path, label)
        })
        .collect()
}

/// Adds `count` confirmed daily alerts whose last digest was at `since`.
pub fn load_alerts(conn: &mut PgConnection, count: u64, since: DateTime<Utc>) -> RepoResult<u64> {
    alerts::insert_synthetic(conn, count, &searches(), since)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_searches_are_distinct_and_normal() {
        let all = searches();
        assert!(all.len() > 500, "{}", all.len());
        let mut queries: Vec<&str> = all.iter().map(|s| s.0.as_str()).collect();
        queries.sort_unstable();
        queries.dedup();
        assert_eq!(queries.len(), all.len());
        assert!(all.iter().all(|(_, path, _)| path.starts_with("/jobs")));
    }
}
