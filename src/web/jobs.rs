//! Job listings and job pages.

use super::board::{BoardCounts, board_counts};
use super::db::with_conn;
use super::{WebError, found, html_modified, listing_path, moved_permanently, query_pairs};
use crate::catalog::FacetCounts;
use crate::catalog::live::MatchedWords;
use crate::domain::filter::{
    JobFilter, JobSearch, PAGE_SIZE, POSTED_WITHIN_DAYS, Pagination, SALARY_STEPS, Sort,
};
use crate::domain::job::EmploymentType;
use crate::domain::markdown::plain_excerpt;
use crate::domain::salary::group_thousands;
use crate::domain::slug::Slug;
use crate::domain::technology::NamedCount;
use crate::repo;
use crate::repo::slugs::{Entity, lookup};
use crate::views::alerts::AlertBoxView;
use crate::views::pages::{
    JobIndexPage, JobShowPage, OptionView, apply_counts, enum_options, remote_options,
    seniority_options,
};
use crate::views::structured_data;
use crate::views::{ChipView, Crumb, JobCardView, Layout, Nav, pagination_links};
use crate::web::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use std::sync::Arc;

/// Where a listing lives and how it presents itself: the ad-hoc `/jobs` search, or a
/// landing page with its own URL.
pub struct ListingPlace {
    /// The path without query, e.g. `/jobs` or `/technologies/rust`.
    pub path: String,
    /// Landing pages only list what they stand for; ad-hoc searches carry their filters
    /// in the query string.
    pub landing: bool,
    pub crumbs: Vec<Crumb>,
    /// The landing page's salary page, when it has one.
    pub salary_link: Option<crate::views::ChipView>,
}

impl ListingPlace {
    fn jobs() -> Self {
        Self {
            path: "/jobs".to_owned(),
            landing: false,
            crumbs: vec![Crumb::link("Home", "/"), Crumb::here("Jobs")],
            salary_link: None,
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
    let search = with_known_cities(search, &counts);
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

/// `search` with its cities spelt the one way the board spells them ("berlin",
/// "munchen" → "Berlin", "München"), so that every spelling leads to one URL.
pub fn with_known_cities(search: JobSearch, counts: &BoardCounts) -> JobSearch {
    JobSearch {
        filter: search
            .filter
            .with_city_names(|city| counts.city_matching(city).map(|c| c.name.clone())),
        ..search
    }
}

/// Where the job's salary sits among open jobs like it, when enough back the comparison.
async fn salary_market(
    state: &AppState,
    job: &crate::domain::job::JobSummary,
) -> Result<Option<crate::views::salaries::MarketLine>, WebError> {
    let (Some(_), Some(city)) = (&job.salary, &job.location.city) else {
        return Ok(None);
    };
    let Some(salary) = state.catalog.current().and_then(|c| c.salary_of(job.id)) else {
        return Ok(None);
    };
    let stats = super::salaries::salary_stats(state).await?;
    let technologies: Vec<&str> = job.technologies.iter().map(|t| t.slug.as_str()).collect();
    Ok(super::salaries::market_line(
        &stats,
        &state.catalog.technology_names(),
        salary,
        &technologies,
        city,
        job.seniority,
    ))
}

/// Renders a job listing: the results of `search` at `place`. Landing pages with no open
/// jobs do not exist (404).
pub async fn render_listing(
    state: &web::Data<AppState>,
    search: JobSearch,
    place: ListingPlace,
) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let for_catalog = search.clone();
    let counts = board_counts(state).await?;
    let cities = &counts.cities;
    let catalog = state.catalog.clone();
    let turn = state.catalog.pass_permit().await;
    let text = text_matches(state, &search.filter).await?;
    let kept = state.catalog.last_change();
    let (found, jobs, technologies, last_change) = with_conn(&state.pool, move |conn| {
        let found = catalog.search(
            conn,
            &for_catalog,
            text,
            PAGE_SIZE as usize,
            &SALARY_STEPS,
            now,
        )?;
        drop(turn);
        let technologies = repo::technologies::all(conn)?;
        let jobs = repo::jobs::summaries_in_order_named(conn, &found.ids, &technologies)?;
        Ok((
            found,
            jobs,
            technologies,
            super::seo::last_change(kept, conn, now)?,
        ))
    })
    .await?;
    let facets = found.facets;
    let pagination = Pagination {
        page: search.page,
        total: found.total,
    };
    if place.landing && pagination.total == 0 {
        return Err(WebError::NotFound);
    }
    let names = TechnologyNames(&technologies);
    let filter = &search.filter;
    let heading = heading_for(filter, &names);
    let path_for = |page: u32| place.path_for(&search, page);
    let last_page = pagination.last_page();
    let prev_url =
        (search.page > 1 && !pagination.is_past_end()).then(|| path_for(search.page - 1));
    let next_url = (search.page < last_page).then(|| path_for(search.page + 1));
    let count = count_sentence(&pagination, "open jobs");
    let feed_url = format!(
        "{}{}",
        state.base_url,
        listing_path("/jobs/feed.xml", &search.query_string_for_page(1))
    );
    let alert = AlertBoxView {
        search: alert_search(filter),
        label: heading.clone(),
        feed_url: feed_url.clone(),
    };
    let mut layout = Layout::page(
        &state.base_url,
        &path_for(search.page),
        match (place.landing, search.page) {
            (true, 1) => format!("{heading}: {}", count.to_lowercase()),
            _ => heading.clone(),
        },
        format!(
            "{}. Salaries, tech stacks and remote options at a glance.",
            count_sentence(&pagination, &heading)
        ),
        Nav::Jobs,
    )
    .paged(search.page, last_page)
    .with_search(filter.query.as_deref().unwrap_or_default())
    .with_crumbs(place.crumbs.clone())
    .with_neighbours(prev_url.as_deref(), next_url.as_deref())
    .with_feed(format!("{heading} – new jobs"), feed_url.clone());
    // Ad-hoc searches may be followed but not indexed: the plain list and the landing
    // pages are the indexable versions.
    let ad_hoc = !filter.is_empty() || search.sort != Sort::default_for(filter);
    if (!place.landing && ad_hoc) || pagination.is_past_end() {
        layout = layout.noindex();
    }

    // A chosen city the board does not know (no open jobs there) gets no option: the
    // form, sent again, leaves it out.
    let mut city_options: Vec<OptionView> = cities
        .iter()
        .map(|c| {
            OptionView::new(
                c.name.clone(),
                c.name.clone(),
                filter.cities.contains(&c.name),
            )
        })
        .collect();
    let unknown_cities: Vec<String> = filter
        .cities
        .iter()
        .filter(|c| counts.city_named(c).is_none())
        .cloned()
        .collect();

    let mut technology_options: Vec<OptionView> = technologies
        .iter()
        .map(|t| {
            OptionView::new(
                t.slug.to_string(),
                t.name.clone(),
                filter.technologies.contains(&t.slug),
            )
        })
        .collect();
    let mut remote_choices = remote_options(filter.remote);
    let mut seniority_choices = seniority_options(&filter.seniorities);
    let mut employment_choices = employment_options(filter.employment);
    let mut salary_choices = salary_options(filter.min_salary);
    let mut posted_choices = posted_options(filter.posted_within);
    apply_counts(&mut technology_options, |v| {
        FacetCounts::count(&facets.technologies, v)
    });
    apply_counts(&mut city_options, |v| FacetCounts::count(&facets.cities, v));
    apply_counts(&mut remote_choices, |v| {
        FacetCounts::count(&facets.remote, v)
    });
    apply_counts(&mut seniority_choices, |v| {
        FacetCounts::count(&facets.seniority, v)
    });
    apply_counts(&mut employment_choices, |v| {
        FacetCounts::count(&facets.employment, v)
    });
    let numbered = |list: &[(u32, i64)], value: &str| {
        list.iter()
            .find(|(k, _)| k.to_string() == value)
            .map_or(0, |(_, n)| *n)
    };
    apply_counts(&mut salary_choices, |v| numbered(&facets.salary, v));
    apply_counts(&mut posted_choices, |v| numbered(&facets.posted, v));
    // Options with no jobs anywhere in this search are not worth a line; chosen ones
    // come first, then the ones with most jobs, so the long lists start with what matters.
    technology_options.retain(|o| !o.disabled);
    city_options.retain(|o| !o.disabled);
    technology_options.sort_by_key(|o| {
        (
            !o.selected,
            std::cmp::Reverse(FacetCounts::count(&facets.technologies, &o.value)),
        )
    });
    city_options.sort_by_key(|o| {
        (
            !o.selected,
            std::cmp::Reverse(FacetCounts::count(&facets.cities, &o.value)),
        )
    });

    let page = JobIndexPage {
        count_text: count,
        heading,
        jobs: JobCardView::list(&jobs, now),
        query: filter.query.clone().unwrap_or_default(),
        technology_options,
        city_options,
        remote_options: remote_choices,
        remote_any: filter.remote.is_none(),
        seniority_options: seniority_choices,
        employment_options: employment_choices,
        salary_options: salary_choices,
        posted_options: posted_choices,
        posted_any: filter.posted_within.is_none(),
        sort_options: sort_options(search.sort, filter.query.is_some()),
        company: filter.company.as_ref().map(ToString::to_string),
        active_filters: active_filter_chips(&search, &names, &unknown_cities),
        related_technologies: if jobs.is_empty() {
            related_technologies(filter, &counts)
        } else {
            Vec::new()
        },
        related_in_city: related_city(filter, &counts).is_some(),
        unknown_cities: alternatives(&unknown_cities),
        pages: if pagination.is_past_end() {
            Vec::new()
        } else {
            pagination_links(&pagination, path_for)
        },
        prev_url,
        next_url,
        last_page_url: pagination.is_past_end().then(|| path_for(last_page)),
        clear_url: "/jobs".to_owned(),
        salary_link: place.salary_link.clone(),
        alert,
        layout,
    };
    html_modified(&page, last_change)
}

/// The search an alert for `filter` stores: its `/jobs` query string in the one normal
/// form (default order, first page), whatever the listing's order or page.
pub fn alert_search(filter: &JobFilter) -> String {
    JobSearch::new(filter.clone()).query_string_for_page(1)
}

/// The jobs matching the search words, when there are any. Concurrent requests for the
/// same words share one search of the text index, on the blocking pool.
pub async fn text_matches(
    state: &AppState,
    filter: &JobFilter,
) -> Result<Option<Arc<MatchedWords>>, WebError> {
    let Some(words) = filter.query.clone() else {
        return Ok(None);
    };
    let catalog = state.catalog.clone();
    let matches = state
        .catalog
        .text_matches(&words, || {
            let words = words.clone();
            async move {
                let found = web::block(move || catalog.find_text(&words)).await?;
                Ok::<_, WebError>(found?)
            }
        })
        .await?;
    Ok(Some(matches))
}

/// The one known city a search looks in: several, none or an unknown one mean anywhere.
fn related_city<'a>(filter: &JobFilter, counts: &'a BoardCounts) -> Option<&'a NamedCount> {
    match filter.cities.as_slice() {
        [one] => counts.city_named(one),
        _ => None,
    }
}

/// For an empty result: technologies that do have jobs where the search looked (in its
/// city, or anywhere), as landing-page links with their counts there.
fn related_technologies(filter: &JobFilter, counts: &BoardCounts) -> Vec<ChipView> {
    let city = related_city(filter, counts);
    let candidates: Vec<&NamedCount> = match city {
        Some(city) => counts.technologies_in(&city.name),
        None => counts.technologies.iter().collect(),
    };
    candidates
        .into_iter()
        .filter(|t| !filter.technologies.contains(&t.slug))
        .take(8)
        .map(|t| ChipView {
            label: t.name.clone(),
            url: match city {
                Some(city) => format!("/technologies/{}/{}", t.slug, city.slug),
                None => format!("/technologies/{}", t.slug),
            },
            count: Some(group_thousands(u32::try_from(t.count).unwrap_or(u32::MAX))),
        })
        .collect()
}

/// "Last 24 hours", "Last 7 days", "Last 30 days".
fn posted_label(days: u32) -> &'static str {
    match days {
        1 => "Last 24 hours",
        7 => "Last 7 days",
        _ => "Last 30 days",
    }
}

fn employment_options(selected: Option<EmploymentType>) -> Vec<OptionView> {
    enum_options(
        EmploymentType::ALL,
        selected,
        EmploymentType::as_str,
        EmploymentType::label,
    )
}

fn salary_options(selected: Option<u32>) -> Vec<OptionView> {
    let mut steps: Vec<u32> = SALARY_STEPS.to_vec();
    // A value typed into the URL stays selectable.
    if let Some(value) = selected
        && !steps.contains(&value)
    {
        steps.push(value);
        steps.sort_unstable();
    }
    steps
        .into_iter()
        .map(|amount| {
            OptionView::new(
                amount.to_string(),
                format!("€{}+", group_thousands(amount)),
                selected == Some(amount),
            )
        })
        .collect()
}

fn posted_options(selected: Option<u32>) -> Vec<OptionView> {
    POSTED_WITHIN_DAYS
        .iter()
        .map(|days| {
            OptionView::new(
                days.to_string(),
                posted_label(*days).to_owned(),
                selected == Some(*days),
            )
        })
        .collect()
}

fn sort_options(selected: Sort, has_query: bool) -> Vec<OptionView> {
    let choices: &[Sort] = if has_query {
        &[Sort::Relevance, Sort::Newest, Sort::Salary]
    } else {
        &[Sort::Newest, Sort::Salary]
    };
    choices
        .iter()
        .map(|sort| {
            OptionView::new(
                sort.as_str().to_owned(),
                sort.label().to_owned(),
                *sort == selected,
            )
        })
        .collect()
}

/// Display names of technologies by slug, for headings and chips.
pub struct TechnologyNames<'a>(pub &'a [crate::domain::technology::Technology]);

impl TechnologyNames<'_> {
    pub fn name(&self, slug: &Slug) -> String {
        self.0
            .iter()
            .find(|t| &t.slug == slug)
            .map_or_else(|| slug.to_string(), |t| t.name.clone())
    }
}

/// "A or B", "A, B or C".
fn alternatives(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// "Senior Rust or Go developer jobs in Berlin", "Remote developer jobs", … The heading
/// names the filters that shape the list; the others show as chips.
pub fn heading_for(filter: &JobFilter, names: &TechnologyNames<'_>) -> String {
    let mut heading = String::new();
    let remote_only =
        filter.remote == Some(crate::domain::job::RemotePolicy::Remote) && filter.cities.is_empty();
    if !filter.seniorities.is_empty() {
        let levels: Vec<String> = filter
            .seniorities
            .iter()
            .map(|s| s.label().to_owned())
            .collect();
        heading.push_str(&alternatives(&levels));
        heading.push(' ');
    }
    if remote_only {
        heading.push_str("remote ");
    }
    if !filter.technologies.is_empty() {
        let technologies: Vec<String> = filter.technologies.iter().map(|t| names.name(t)).collect();
        heading.push_str(&alternatives(&technologies));
        heading.push(' ');
    }
    heading.push_str("developer jobs");
    if !filter.cities.is_empty() {
        heading.push_str(&format!(" in {}", alternatives(&filter.cities)));
    } else if !remote_only {
        heading.push_str(" in Germany");
    }
    if let Some(remote) = filter.remote
        && !filter.cities.is_empty()
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
    let count = group_thousands(u32::try_from(pagination.total).unwrap_or(u32::MAX));
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

/// A chip per active filter value whose link is the same search without that value.
/// Cities the board does not know get none: the empty state names them instead.
fn active_filter_chips(
    search: &JobSearch,
    names: &TechnologyNames<'_>,
    unknown_cities: &[String],
) -> Vec<ChipView> {
    let f = &search.filter;
    let mut chips = Vec::new();
    let mut push = |label: String, without: JobFilter| {
        let sort = if search.sort == crate::domain::filter::Sort::default_for(f) {
            crate::domain::filter::Sort::default_for(&without)
        } else {
            search.sort
        };
        let qs = JobSearch {
            filter: without,
            sort,
            page: 1,
        }
        .query_string_for_page(1);
        chips.push(ChipView {
            label,
            url: listing_path("/jobs", &qs),
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
    for slug in &f.technologies {
        let rest = f
            .technologies
            .iter()
            .filter(|t| *t != slug)
            .cloned()
            .collect();
        push(
            names.name(slug),
            JobFilter {
                technologies: rest,
                ..f.clone()
            },
        );
    }
    for city in f.cities.iter().filter(|c| !unknown_cities.contains(c)) {
        let rest = f.cities.iter().filter(|c| *c != city).cloned().collect();
        push(
            city.clone(),
            JobFilter {
                cities: rest,
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
    for level in &f.seniorities {
        let rest = f
            .seniorities
            .iter()
            .filter(|s| *s != level)
            .copied()
            .collect();
        push(
            level.label().to_owned(),
            JobFilter {
                seniorities: rest,
                ..f.clone()
            },
        );
    }
    if let Some(employment) = f.employment {
        push(
            employment.label().to_owned(),
            JobFilter {
                employment: None,
                ..f.clone()
            },
        );
    }
    if let Some(salary) = f.min_salary {
        push(
            format!("€{}+ a year", group_thousands(salary)),
            JobFilter {
                min_salary: None,
                ..f.clone()
            },
        );
    }
    if let Some(days) = f.posted_within {
        push(
            posted_label(days).to_owned(),
            JobFilter {
                posted_within: None,
                ..f.clone()
            },
        );
    }
    if let Some(company) = &f.company {
        push(
            format!("Company: {company}"),
            JobFilter {
                company: None,
                ..f.clone()
            },
        );
    }
    chips
}

/// Similar jobs on a job page.
const SIMILAR_JOBS: usize = 4;

#[tracing::instrument(skip(state))]
pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = Slug::parse(slug.into_inner()).map_err(|_| WebError::NotFound)?;
    let now = Utc::now();
    let catalog = state.catalog.current();
    let cards = state.catalog.clone();
    let kept = state.catalog.last_change();
    let lookup = with_conn(&state.pool, move |conn| {
        lookup(conn, Entity::Job, &slug, |conn| {
            let page = repo::jobs::find_public_by_slug(conn, &slug)?;
            let s = &page.job.summary;
            let technologies: Vec<&str> = s.technologies.iter().map(|t| t.slug.as_str()).collect();
            // None while the catalog loads: the page goes without for that moment.
            let similar = catalog.as_ref().map_or_else(Vec::new, |c| {
                c.similar(
                    s.id,
                    &technologies,
                    s.location.city.as_deref(),
                    SIMILAR_JOBS,
                    now,
                )
            });
            let similar = cards.cards(conn, &similar)?;
            Ok((page, similar, super::seo::last_change(kept, conn, now)?))
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
    view.salary_market = salary_market(&state, s).await?;
    // Closed and expired jobs keep their page for people, but are no JobPosting for
    // crawlers any more.
    if view.is_open {
        let posting = structured_data::job_posting(
            &page.job,
            &page.company,
            &view.description,
            &view.layout.url,
            &state.base_url,
        );
        view.layout = view.layout.with_structured_data(posting);
    }
    // The board-wide change time, not the job's own: the similar jobs and the job's
    // expiry change this page too.
    html_modified(&view, last_change)
}
