//! Landing pages: the indexable listings of a technology, a city, a technology in a
//! city, and remote jobs, plus the indexes of technologies and cities that link them.
//!
//! URLs: `/technologies`, `/technologies/{technology}`,
//! `/technologies/{technology}/{city}`, `/cities`, `/cities/{city}`, `/remote`. None can
//! be mistaken for a job page (`/jobs/{slug}`). A landing page exists only while it has
//! open jobs.

use super::board::{BoardCounts, board_counts};
use super::jobs::{ListingPlace, render_listing};
use super::{WebError, html_modified, listing_path, moved_permanently, paged_index, query_pairs};
use crate::domain::filter::{JobFilter, JobSearch, Sort};
use crate::domain::job::RemotePolicy;
use crate::domain::salary::group_thousands;
use crate::domain::slug::Slug;
use crate::views::pages::{DirectoryEntry, DirectoryPage};
use crate::views::{ChipView, Crumb, Layout, Nav};
use crate::web::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

/// The landing page a filter stands for, if it is exactly one that exists: a
/// technology, a city, both, or remote jobs, with open jobs and nothing else set. An
/// empty combination stays an ad-hoc search, whose page suggests what to change.
pub fn path_for_filter(filter: &JobFilter, counts: &BoardCounts) -> Option<String> {
    let only_landing_fields = JobFilter {
        technologies: filter.technologies.clone(),
        cities: filter.cities.clone(),
        remote: filter.remote,
        ..JobFilter::default()
    };
    if *filter != only_landing_fields || filter.technologies.len() > 1 || filter.cities.len() > 1 {
        return None;
    }
    let city = match filter.cities.first() {
        Some(name) => Some(counts.city_named(name)?),
        None => None,
    };
    match (filter.technologies.first(), city, filter.remote) {
        (Some(technology), None, None) => {
            counts.technology(technology.as_str())?;
            Some(format!("/technologies/{technology}"))
        }
        (Some(technology), Some(city), None) => {
            counts
                .technology_cities
                .iter()
                .find(|(t, c)| t.slug == *technology && *c == city.name)?;
            Some(format!("/technologies/{technology}/{}", city.slug))
        }
        (None, Some(city), None) => Some(format!("/cities/{}", city.slug)),
        (None, None, Some(RemotePolicy::Remote)) if counts.remote_jobs > 0 => {
            Some("/remote".to_owned())
        }
        _ => None,
    }
}

fn count_label(count: i64) -> String {
    group_thousands(u32::try_from(count).unwrap_or(u32::MAX))
}

/// The landing page's own filter with whatever `extra` adds: lists are joined, single
/// values from `extra` win.
fn merge(extra: JobFilter, landing: &JobFilter) -> JobFilter {
    let join = |mut a: Vec<String>, b: &[String]| {
        a.extend(b.iter().cloned());
        a.sort();
        a.dedup();
        a
    };
    let mut technologies = extra.technologies;
    technologies.extend(landing.technologies.iter().cloned());
    technologies.sort();
    technologies.dedup();
    JobFilter {
        query: extra.query.or_else(|| landing.query.clone()),
        technologies,
        cities: join(extra.cities, &landing.cities),
        remote: extra.remote.or(landing.remote),
        seniorities: extra.seniorities,
        employment: extra.employment,
        min_salary: extra.min_salary,
        posted_within: extra.posted_within,
        company: extra.company,
    }
}

async fn landing(
    state: web::Data<AppState>,
    req: HttpRequest,
    filter: JobFilter,
    crumbs: Vec<Crumb>,
) -> Result<HttpResponse, WebError> {
    // Filters added to a landing page's URL make an ad-hoc search of it, which lives
    // under /jobs; only `?page=N` belongs to the landing page itself.
    let extra = JobSearch::from_pairs(&query_pairs(req.query_string())?)?;
    if !extra.filter.is_empty() || extra.sort != Sort::default_for(&extra.filter) {
        let merged = merge(extra.filter, &filter);
        let search = JobSearch {
            sort: if extra.sort == Sort::Newest {
                Sort::default_for(&merged)
            } else {
                extra.sort
            },
            filter: merged,
            page: extra.page,
        };
        return Ok(moved_permanently(&listing_path(
            "/jobs",
            &search.query_string_for_page(search.page),
        )));
    }
    let page = match paged_index(&req, req.path())? {
        Ok(page) => page,
        Err(redirect) => return Ok(redirect),
    };
    let stats = super::salaries::salary_stats(&state).await?;
    let salary_link =
        super::salaries::landing_link(&stats, &state.catalog.technology_names(), &filter);
    let place = ListingPlace {
        path: req.path().to_owned(),
        landing: true,
        crumbs,
        salary_link,
    };
    render_listing(
        &state,
        JobSearch {
            page,
            ..JobSearch::new(filter)
        },
        place,
    )
    .await
}

/// The city of a landing URL. Another spelling of a known city ("munchen") moves to
/// `path_for` its slug; no city at all is a 404.
fn known_city(
    counts: &BoardCounts,
    slug: &str,
    path_for: impl Fn(&Slug) -> String,
) -> Result<crate::domain::technology::NamedCount, WebError> {
    if let Some(city) = counts.city(slug) {
        return Ok(city.clone());
    }
    match counts.city_matching(slug) {
        Some(city) => Err(WebError::Moved(path_for(&city.slug))),
        None => Err(WebError::NotFound),
    }
}

fn slug_or_404(raw: &str) -> Result<Slug, WebError> {
    Slug::parse(raw).map_err(|_| WebError::NotFound)
}

#[tracing::instrument(skip(state, req))]
pub async fn technology(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = slug_or_404(&slug)?;
    let counts = board_counts(&state).await?;
    let name = counts
        .technology(slug.as_str())
        .map_or_else(|| slug.to_string(), |t| t.name.clone());
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Technologies", "/technologies"),
        Crumb::here(name),
    ];
    let filter = JobFilter {
        technologies: vec![slug],
        ..JobFilter::default()
    };
    landing(state, req, filter, crumbs).await
}

#[tracing::instrument(skip(state, req))]
pub async fn technology_in_city(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (technology, city) = path.into_inner();
    let technology = slug_or_404(&technology)?;
    let counts = board_counts(&state).await?;
    let city = known_city(&counts, &city, |city| {
        format!("/technologies/{technology}/{city}")
    })?;
    let technology_name = counts
        .technology(technology.as_str())
        .map_or_else(|| technology.to_string(), |t| t.name.clone());
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Technologies", "/technologies"),
        // "Go" alone would be a link text that says nothing of where it leads.
        Crumb::link(
            format!("{technology_name} jobs"),
            format!("/technologies/{technology}"),
        ),
        Crumb::here(format!("{technology_name} in {}", city.name)),
    ];
    let filter = JobFilter {
        technologies: vec![technology],
        cities: vec![city.name],
        ..JobFilter::default()
    };
    landing(state, req, filter, crumbs).await
}

#[tracing::instrument(skip(state, req))]
pub async fn city(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let counts = board_counts(&state).await?;
    let city = known_city(&counts, &slug, |city| format!("/cities/{city}"))?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Cities", "/cities"),
        Crumb::here(city.name.clone()),
    ];
    let filter = JobFilter {
        cities: vec![city.name],
        ..JobFilter::default()
    };
    landing(state, req, filter, crumbs).await
}

#[tracing::instrument(skip(state, req))]
pub async fn remote(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Remote jobs")];
    let filter = JobFilter {
        remote: Some(RemotePolicy::Remote),
        ..JobFilter::default()
    };
    landing(state, req, filter, crumbs).await
}

async fn directory(
    state: &web::Data<AppState>,
    page: DirectoryPage,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let last_change = super::seo::board_last_change(state, now).await?;
    html_modified(&page, last_change)
}

/// Every technology with open jobs, with its count and its biggest cities.
#[tracing::instrument(skip(state))]
pub async fn technologies_index(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let counts = board_counts(&state).await?;
    let entries = counts
        .technologies
        .iter()
        .map(|technology| {
            let mut cities: Vec<_> = counts
                .technology_cities
                .iter()
                .filter(|(t, _)| t.slug == technology.slug)
                .filter_map(|(t, city)| counts.city_named(city).map(|c| (t.count, c)))
                .collect();
            cities.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
            DirectoryEntry {
                label: technology.name.clone(),
                url: format!("/technologies/{}", technology.slug),
                count: count_label(technology.count),
                links: cities
                    .into_iter()
                    .take(6)
                    .map(|(count, city)| ChipView {
                        label: city.name.clone(),
                        url: format!("/technologies/{}/{}", technology.slug, city.slug),
                        count: Some(count_label(count)),
                    })
                    .collect(),
            }
        })
        .collect();
    let layout = Layout::page(
        &state.base_url,
        "/technologies",
        "Developer jobs by technology",
        format!(
            "Open developer jobs in Germany for {} technologies, from Rust and Go to React and Kubernetes.",
            counts.technologies.len()
        ),
        Nav::Jobs,
    )
    .with_crumbs(vec![Crumb::link("Home", "/"), Crumb::here("Technologies")]);
    directory(
        &state,
        DirectoryPage {
            layout,
            heading: "Developer jobs by technology".to_owned(),
            intro: "Every technology with open jobs, and the cities where most of them are."
                .to_owned(),
            entries,
        },
    )
    .await
}

/// Every city with open jobs, with its count and its most wanted technologies.
#[tracing::instrument(skip(state))]
pub async fn cities_index(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let counts = board_counts(&state).await?;
    let mut entries: Vec<DirectoryEntry> = counts
        .cities
        .iter()
        .map(|city| DirectoryEntry {
            label: city.name.clone(),
            url: format!("/cities/{}", city.slug),
            count: count_label(city.count),
            links: counts
                .technologies_in(&city.name)
                .into_iter()
                .take(6)
                .map(|t| ChipView {
                    label: t.name.clone(),
                    url: format!("/technologies/{}/{}", t.slug, city.slug),
                    count: Some(count_label(t.count)),
                })
                .collect(),
        })
        .collect();
    if counts.remote_jobs > 0 {
        entries.push(DirectoryEntry {
            label: "Remote".to_owned(),
            url: "/remote".to_owned(),
            count: count_label(counts.remote_jobs),
            links: Vec::new(),
        });
    }
    let layout = Layout::page(
        &state.base_url,
        "/cities",
        "Developer jobs by city",
        format!(
            "Open developer jobs in {} German cities, and remote jobs.",
            counts.cities.len()
        ),
        Nav::Jobs,
    )
    .with_crumbs(vec![Crumb::link("Home", "/"), Crumb::here("Cities")]);
    directory(
        &state,
        DirectoryPage {
            layout,
            heading: "Developer jobs by city".to_owned(),
            intro: "Every city with open jobs, and the technologies most wanted there.".to_owned(),
            entries,
        },
    )
    .await
}
