//! Job listings and job pages.

use super::board::{BoardCounts, board_counts};
use super::db::with_conn;
use super::{WebError, found, html_modified, listing_path, moved_permanently, query_pairs};
use crate::app::AppState;
use crate::domain::filter::{JobFilter, JobSearch, Pagination};
use crate::domain::markdown::plain_excerpt;
use crate::domain::salary::group_thousands;
use crate::domain::slug::Slug;
use crate::domain::technology::NamedCount;
use crate::repo;
use crate::repo::slugs::{Entity, lookup};
use crate::views::pages::{
    JobIndexPage, JobShowPage, OptionView, remote_options, seniority_options,
};
use crate::views::structured_data;
use crate::views::{ChipView, Crumb, JobCardView, Layout, Nav, pagination_links};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

/// Where a listing lives and how it presents itself: the ad-hoc `/jobs` search, or a
/// landing page with its own URL.
pub struct ListingPlace {
    /// The path without query, e.g. `/jobs` or `/technologies/rust`.
    pub path: String,
    /// Landing pages only list what they stand for; ad-hoc searches carry their filters
    /// in the query string.
    pub landing: bool,
    pub crumbs: Vec<Crumb>,
}

impl ListingPlace {
    fn jobs() -> Self {
        Self {
            path: "/jobs".to_owned(),
            landing: false,
            crumbs: vec![Crumb::link("Home", "/"), Crumb::here("Jobs")],
        }
    }

    fn path_for(&self, search: &JobSearch, page: u32) -> String {
        if self.landing {
            let query = if page > 1 {
                format!("page={page}")
            } else {
                String::new()
            };
            listing_path(&self.path, &query)
        } else {
            listing_path(&self.path, &search.query_string_for_page(page))
        }
    }
}

#[tracing::instrument(skip(state, req))]
pub async fn index(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let search = JobSearch::from_pairs(&query_pairs(req.query_string())?)?;
    let counts = board_counts(&state).await?;
    // A search that a landing page stands for lives at the landing page's URL.
    if let Some(landing) = super::landing::path_for_filter(&search.filter, &counts) {
        let query = if search.page > 1 {
            format!("page={}", search.page)
        } else {
            String::new()
        };
        return Ok(moved_permanently(&listing_path(&landing, &query)));
    }
    // One URL per result set: reordered, empty, default or unknown parameters redirect.
    let normal_query = search.query_string_for_page(search.page);
    if normal_query != req.query_string() {
        return Ok(moved_permanently(&listing_path("/jobs", &normal_query)));
    }
    render_listing(&state, search, ListingPlace::jobs()).await
}

/// Renders a job listing: the results of `search` at `place`. Landing pages with no open
/// jobs do not exist (404).
pub async fn render_listing(
    state: &web::Data<AppState>,
    search: JobSearch,
    place: ListingPlace,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let for_repo = search.clone();
    let counts = board_counts(state).await?;
    let cities = &counts.cities;
    let ((jobs, pagination), technologies, last_change) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::jobs::search(conn, &for_repo, now)?,
            repo::technologies::all(conn)?,
            repo::seo::last_change(conn, now)?,
        ))
    })
    .await?;
    if place.landing && pagination.total == 0 {
        return Err(WebError::NotFound);
    }
    let technology_name = search
        .filter
        .technology
        .as_ref()
        .and_then(|slug| technologies.iter().find(|t| &t.slug == slug))
        .map(|t| t.name.clone());

    let filter = &search.filter;
    let heading = heading_for(filter, technology_name.as_deref());
    let path_for = |page: u32| place.path_for(&search, page);
    let last_page = pagination.last_page();
    let prev_url =
        (search.page > 1 && !pagination.is_past_end()).then(|| path_for(search.page - 1));
    let next_url = (search.page < last_page).then(|| path_for(search.page + 1));
    let count = count_sentence(&pagination, "open jobs");
    let mut layout = Layout::page(
        &state.base_url,
        &path_for(search.page),
        match (place.landing, search.page) {
            (true, 1) => format!("{heading}: {}", count.to_lowercase()),
            (_, 1) => heading.clone(),
            (_, page) => format!("{heading} – page {page}"),
        },
        format!(
            "{}. Salaries, tech stacks and remote options at a glance.",
            count_sentence(&pagination, &heading)
        ),
        Nav::Jobs,
    )
    .with_search(filter.query.as_deref().unwrap_or_default())
    .with_crumbs(place.crumbs.clone())
    .with_neighbours(prev_url.as_deref(), next_url.as_deref())
    .with_feed(
        format!("{heading} – new jobs"),
        format!(
            "{}{}",
            state.base_url,
            listing_path("/jobs/feed.xml", &search.query_string_for_page(1))
        ),
    );
    // Ad-hoc searches may be followed but not indexed: the plain list and the landing
    // pages are the indexable versions.
    if (!place.landing && !filter.is_empty()) || pagination.is_past_end() {
        layout = layout.noindex();
    }

    let mut city_options: Vec<OptionView> = cities
        .iter()
        .map(|c| OptionView {
            value: c.name.clone(),
            label: format!(
                "{} ({})",
                c.name,
                group_thousands(u32::try_from(c.count).unwrap_or(u32::MAX))
            ),
            selected: filter.city.as_deref() == Some(c.name.as_str()),
        })
        .collect();
    if let Some(city) = &filter.city
        && !city_options.iter().any(|o| o.selected)
    {
        city_options.insert(
            0,
            OptionView {
                value: city.clone(),
                label: city.clone(),
                selected: true,
            },
        );
    }

    let page = JobIndexPage {
        count_text: count,
        heading,
        jobs: JobCardView::list(&jobs, now),
        query: filter.query.clone().unwrap_or_default(),
        technology_options: technologies
            .iter()
            .map(|t| OptionView {
                value: t.slug.to_string(),
                label: t.name.clone(),
                selected: filter.technology.as_ref() == Some(&t.slug),
            })
            .collect(),
        city_options,
        remote_options: remote_options(filter.remote),
        remote_any: filter.remote.is_none(),
        seniority_options: seniority_options(filter.seniority),
        active_filters: active_filter_chips(&search, technology_name.as_deref()),
        related_technologies: if jobs.is_empty() {
            related_technologies(filter, &counts)
        } else {
            Vec::new()
        },
        pages: if pagination.is_past_end() {
            Vec::new()
        } else {
            pagination_links(&pagination, path_for)
        },
        prev_url,
        next_url,
        last_page_url: pagination.is_past_end().then(|| path_for(last_page)),
        clear_url: "/jobs".to_owned(),
        filters_script: super::assets::url("js/filters.js"),
        layout,
    };
    html_modified(&page, last_change)
}

/// For an empty result: technologies that do have jobs where the search looked (in its
/// city, or anywhere), as landing-page links.
fn related_technologies(filter: &JobFilter, counts: &BoardCounts) -> Vec<ChipView> {
    let candidates: Vec<&NamedCount> = match &filter.city {
        Some(city) => counts.technologies_in(city),
        None => counts.technologies.iter().collect(),
    };
    candidates
        .into_iter()
        .filter(|t| filter.technology.as_ref() != Some(&t.slug))
        .take(8)
        .map(|t| ChipView {
            label: t.name.clone(),
            url: match filter.city.as_ref().and_then(|c| counts.city_named(c)) {
                Some(city) => format!("/technologies/{}/{}", t.slug, city.slug),
                None => format!("/technologies/{}", t.slug),
            },
            count: Some(group_thousands(u32::try_from(t.count).unwrap_or(u32::MAX))),
        })
        .collect()
}

pub fn heading_for(filter: &JobFilter, technology_name: Option<&str>) -> String {
    let mut heading = String::new();
    let remote_only =
        filter.remote == Some(crate::domain::job::RemotePolicy::Remote) && filter.city.is_none();
    if let Some(seniority) = filter.seniority {
        heading.push_str(seniority.label());
        heading.push(' ');
    }
    if remote_only {
        heading.push_str("remote ");
    }
    match (technology_name, &filter.technology) {
        (Some(name), _) => heading.push_str(&format!("{name} developer jobs")),
        (None, Some(slug)) => heading.push_str(&format!("{slug} developer jobs")),
        (None, None) => heading.push_str("developer jobs"),
    }
    match (&filter.city, filter.remote) {
        (Some(city), _) => heading.push_str(&format!(" in {city}")),
        (None, Some(crate::domain::job::RemotePolicy::Remote)) => {}
        (None, _) => heading.push_str(" in Germany"),
    }
    if let Some(remote) = filter.remote
        && filter.city.is_some()
    {
        heading.push_str(&format!(" ({})", remote.label().to_lowercase()));
    }
    if let Some(q) = &filter.query {
        heading.push_str(&format!(" matching “{q}”"));
    }
    // Capitalise only the first letter; labels like "Mid-level" keep their case.
    let mut chars = heading.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => heading,
    }
}

fn count_sentence(pagination: &Pagination, noun: &str) -> String {
    let n =
        u32::try_from(pagination.total.min(crate::domain::filter::COUNT_CAP)).unwrap_or(u32::MAX);
    let count = if pagination.is_capped() {
        format!("{}+", group_thousands(n))
    } else {
        group_thousands(n)
    };
    if noun == "open jobs" {
        match pagination.total {
            0 => "No open jobs".to_owned(),
            1 => "1 open job".to_owned(),
            _ => format!("{count} open jobs"),
        }
    } else {
        format!("{count} {}", noun.to_lowercase())
    }
}

/// A chip per active filter whose link is the same search without that filter.
fn active_filter_chips(search: &JobSearch, technology_name: Option<&str>) -> Vec<ChipView> {
    let f = &search.filter;
    let mut chips = Vec::new();
    let mut push = |label: String, without: JobFilter| {
        let qs = JobSearch {
            filter: without,
            page: 1,
        }
        .query_string_for_page(1);
        chips.push(ChipView {
            label,
            url: if qs.is_empty() {
                "/jobs".to_owned()
            } else {
                format!("/jobs?{qs}")
            },
            count: None,
        });
    };
    if let Some(q) = &f.query {
        push(
            format!("“{q}”"),
            JobFilter {
                query: None,
                ..f.clone()
            },
        );
    }
    if let Some(slug) = &f.technology {
        push(
            technology_name.unwrap_or(slug.as_str()).to_owned(),
            JobFilter {
                technology: None,
                ..f.clone()
            },
        );
    }
    if let Some(city) = &f.city {
        push(
            city.clone(),
            JobFilter {
                city: None,
                ..f.clone()
            },
        );
    }
    if let Some(remote) = f.remote {
        push(
            remote.label().to_owned(),
            JobFilter {
                remote: None,
                ..f.clone()
            },
        );
    }
    if let Some(seniority) = f.seniority {
        push(
            seniority.label().to_owned(),
            JobFilter {
                seniority: None,
                ..f.clone()
            },
        );
    }
    chips
}

#[tracing::instrument(skip(state))]
pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = Slug::parse(slug.into_inner()).map_err(|_| WebError::NotFound)?;
    let now = Utc::now();
    let lookup = with_conn(&state.pool, move |conn| {
        lookup(conn, Entity::Job, &slug, |conn| {
            let page = repo::jobs::find_public_by_slug(conn, &slug)?;
            let similar = repo::jobs::similar(conn, &page.job.summary, 4, now)?;
            Ok((page, similar, repo::seo::last_change(conn, now)?))
        })
    })
    .await?;
    let (page, similar, last_change) = found(lookup, "/jobs")?;
    let s = &page.job.summary;
    let layout = Layout::page(
        &state.base_url,
        &format!("/jobs/{}", s.slug),
        format!(
            "{} at {} ({})",
            s.title,
            s.company_name,
            s.location.display()
        ),
        plain_excerpt(
            &format!(
                "{} job at {} in {}. {}",
                s.title,
                s.company_name,
                s.location.display(),
                page.job.description_markdown
            ),
            160,
        ),
        Nav::Jobs,
    )
    .with_crumbs(vec![
        Crumb::link("Home", "/"),
        Crumb::link("Jobs", "/jobs"),
        Crumb::here(&s.title),
    ]);
    let mut view = JobShowPage::new(layout, &page, &similar, now);
    // Closed and expired jobs keep their page for people, but are no JobPosting for
    // crawlers any more.
    if view.is_open {
        let posting = structured_data::job_posting(
            &page.job,
            &page.company,
            &view.description,
            &view.layout.url,
        );
        view.layout = view.layout.with_structured_data(posting);
    }
    // The board-wide change time, not the job's own: the similar jobs and the job's
    // expiry change this page too.
    html_modified(&view, last_change)
}
