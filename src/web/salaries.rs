//! Salary pages: `/salaries`, `/salaries/{technology}`, `/salaries/{technology}/{city}`.
//!
//! Every figure comes from the catalog snapshot's [`SalaryStats`], computed once per
//! snapshot; a page exists only while it has a figure (otherwise 404).

use super::{WebError, html};
use crate::domain::filter::JobFilter;
use crate::domain::job::Seniority;
use crate::domain::salary::group_thousands;
use crate::domain::salary_stats::{SalaryFigure, SalaryStats};
use crate::domain::slug::Slug;
use crate::views::salaries::{
    FigureRow, MarketLine, RangeChart, SalaryCityPage, SalaryIndexPage, SalaryTechnologyPage,
};
use crate::views::{ChipView, Crumb, Layout, Nav};
use crate::web::state::AppState;
use actix_web::{HttpResponse, web};
use std::collections::HashMap;
use std::sync::Arc;

/// The current snapshot's figures; 503 while the catalog loads.
pub async fn salary_stats(state: &AppState) -> Result<Arc<SalaryStats>, WebError> {
    if let Some(stats) = state.catalog.computed_salary_stats() {
        return Ok(stats);
    }
    // The first call per snapshot walks every job: not on an async worker.
    let catalog = state.catalog.clone();
    web::block(move || catalog.salary_stats())
        .await?
        .ok_or(WebError::Unavailable)
}

/// The name of technology `slug`, or the slug itself.
fn technology_name(names: &HashMap<String, String>, slug: &str) -> String {
    names.get(slug).cloned().unwrap_or_else(|| slug.to_owned())
}

fn city_slug(city: &str) -> Option<Slug> {
    Slug::from_text(city).ok()
}

fn seniority_groups(figures: &[(Seniority, SalaryFigure)]) -> Vec<(String, SalaryFigure)> {
    figures
        .iter()
        .map(|(s, f)| (s.label().to_owned(), *f))
        .collect()
}

fn rows(groups: &[(String, SalaryFigure)]) -> Vec<FigureRow> {
    groups
        .iter()
        .map(|(label, f)| FigureRow::new(label.clone(), None, f))
        .collect()
}

fn chart(
    id: &str,
    title: String,
    dots: bool,
    groups: &[(String, SalaryFigure)],
) -> Option<RangeChart> {
    (!groups.is_empty()).then(|| RangeChart::new(id, title, dots, groups))
}

/// `/salaries`: every technology and city with a figure, and the levels as a chart.
#[tracing::instrument(skip(state))]
pub async fn index(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let stats = salary_stats(&state).await?;
    let names = state.catalog.technology_names();
    let levels: Vec<(Seniority, SalaryFigure)> =
        stats.seniorities.iter().map(|(s, f)| (*s, *f)).collect();
    let levels = seniority_groups(&levels);
    let mut technologies: Vec<(&String, &SalaryFigure)> = stats.technologies.iter().collect();
    technologies.sort_by(|a, b| b.1.median().cmp(&a.1.median()).then_with(|| a.0.cmp(b.0)));
    let mut cities: Vec<(&String, &SalaryFigure)> = stats.cities.iter().collect();
    cities.sort_by(|a, b| b.1.median().cmp(&a.1.median()).then_with(|| a.0.cmp(b.0)));
    let layout = Layout::page(
        &state.base_url,
        "/salaries",
        "Developer salaries in Germany",
        "Median salaries and quartiles of developer jobs in Germany by technology, city and seniority, from the open jobs on this board.",
        Nav::Jobs,
    )
    .with_crumbs(vec![Crumb::link("Home", "/"), Crumb::here("Salaries")]);
    let page = SalaryIndexPage {
        layout,
        heading: "Developer salaries in Germany".to_owned(),
        intro: "What open developer jobs on this board pay: the median and the middle half of salaries, by seniority, technology and city.".to_owned(),
        seniority_chart: chart(
            "chart-seniority",
            "Developer salaries by seniority: 25th percentile, median and 75th percentile".to_owned(),
            false,
            &levels,
        ),
        seniority_rows: rows(&levels),
        technology_rows: technologies
            .into_iter()
            .map(|(slug, f)| {
                FigureRow::new(
                    technology_name(&names, slug),
                    Some(format!("/salaries/{slug}")),
                    f,
                )
            })
            .collect(),
        city_rows: cities
            .into_iter()
            .map(|(city, f)| FigureRow::new(city.clone(), None, f))
            .collect(),
    };
    html(&page)
}

/// `/salaries/{technology}`: per seniority and across cities.
#[tracing::instrument(skip(state))]
pub async fn technology(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = Slug::parse(slug.into_inner()).map_err(|_| WebError::NotFound)?;
    let stats = salary_stats(&state).await?;
    let overall = stats
        .technologies
        .get(slug.as_str())
        .ok_or(WebError::NotFound)?;
    let name = technology_name(&state.catalog.technology_names(), slug.as_str());
    let levels = seniority_groups(&stats.by_seniority_for(slug.as_str()));
    let mut cities = stats.by_city_for(slug.as_str());
    cities.sort_by(|a, b| b.1.median().cmp(&a.1.median()).then_with(|| a.0.cmp(b.0)));
    let city_groups: Vec<(String, SalaryFigure)> =
        cities.iter().map(|(c, f)| ((*c).to_owned(), *f)).collect();
    let heading = format!("{name} developer salaries");
    let layout = Layout::page(
        &state.base_url,
        &format!("/salaries/{slug}"),
        format!("{name} developer salaries in Germany"),
        format!(
            "{name} developers in Germany: median salary €{} a year across {} open jobs, by seniority and city.",
            group_thousands(overall.median()),
            group_thousands(overall.count())
        ),
        Nav::Jobs,
    )
    .with_crumbs(vec![
        Crumb::link("Home", "/"),
        Crumb::link("Salaries", "/salaries"),
        Crumb::here(name.clone()),
    ]);
    let page = SalaryTechnologyPage {
        layout,
        intro: format!(
            "The median {name} job on this board pays €{} a year; the middle half pay €{} to €{} ({} jobs with a salary).",
            group_thousands(overall.median()),
            group_thousands(overall.lower_quartile()),
            group_thousands(overall.upper_quartile()),
            group_thousands(overall.count())
        ),
        heading,
        seniority_chart: chart(
            "chart-seniority",
            format!("{name} salaries by seniority: 25th percentile, median and 75th percentile"),
            false,
            &levels,
        ),
        seniority_rows: rows(&levels),
        city_chart: chart(
            "chart-cities",
            format!("{name} salaries across cities: median and middle half"),
            true,
            &city_groups,
        ),
        city_rows: cities
            .iter()
            .map(|(city, f)| {
                FigureRow::new(
                    *city,
                    city_slug(city).map(|c| format!("/salaries/{slug}/{c}")),
                    f,
                )
            })
            .collect(),
        jobs_url: format!("/technologies/{slug}"),
        jobs_label: format!("Open {name} jobs"),
    };
    html(&page)
}

/// `/salaries/{technology}/{city}`: the pair's figure and per seniority.
#[tracing::instrument(skip(state))]
pub async fn technology_in_city(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, WebError> {
    let (technology, city) = path.into_inner();
    let slug = Slug::parse(technology).map_err(|_| WebError::NotFound)?;
    let stats = salary_stats(&state).await?;
    let (city_name, overall) = stats
        .by_city_for(slug.as_str())
        .into_iter()
        .find(|(name, _)| city_slug(name).is_some_and(|s| s.as_str() == city))
        .ok_or(WebError::NotFound)?;
    let city_path = city_slug(city_name).ok_or(WebError::NotFound)?;
    let name = technology_name(&state.catalog.technology_names(), slug.as_str());
    let levels = seniority_groups(&stats.by_seniority_in(slug.as_str(), city_name));
    let layout = Layout::page(
        &state.base_url,
        &format!("/salaries/{slug}/{city_path}"),
        format!("{name} developer salaries in {city_name}"),
        format!(
            "{name} developers in {city_name}: median salary €{} a year across {} open jobs, by seniority.",
            group_thousands(overall.median()),
            group_thousands(overall.count())
        ),
        Nav::Jobs,
    )
    .with_crumbs(vec![
        Crumb::link("Home", "/"),
        Crumb::link("Salaries", "/salaries"),
        Crumb::link(format!("{name} salaries"), format!("/salaries/{slug}")),
        Crumb::here(city_name.to_owned()),
    ]);
    let page = SalaryCityPage {
        layout,
        heading: format!("{name} developer salaries in {city_name}"),
        intro: format!(
            "The median {name} job in {city_name} on this board pays €{} a year; the middle half pay €{} to €{}.",
            group_thousands(overall.median()),
            group_thousands(overall.lower_quartile()),
            group_thousands(overall.upper_quartile()),
        ),
        overall: FigureRow::new(format!("{name} in {city_name}"), None, &overall),
        seniority_chart: chart(
            "chart-seniority",
            format!(
                "{name} salaries in {city_name} by seniority: 25th percentile, median and 75th percentile"
            ),
            false,
            &levels,
        ),
        seniority_rows: rows(&levels),
        technology_url: format!("/salaries/{slug}"),
        technology_label: format!("{name} salaries in all cities"),
        jobs_url: format!("/technologies/{slug}/{city_path}"),
        jobs_label: format!("Open {name} jobs in {city_name}"),
    };
    html(&page)
}

/// The salary link of a landing page of `filter` (a technology, a city or both), when
/// its salary page has figures: "Salaries for Rust developers".
pub fn landing_link(
    stats: &SalaryStats,
    names: &HashMap<String, String>,
    filter: &JobFilter,
) -> Option<ChipView> {
    let technology = filter.technologies.first().map(Slug::as_str);
    let city = filter.cities.first().map(String::as_str);
    let (label, url) = match (technology, city) {
        (Some(t), None) => (
            format!("Salaries for {} developers", technology_name(names, t)),
            technology_link(stats, t)?,
        ),
        (Some(t), Some(c)) => (
            format!(
                "Salaries for {} developers in {c}",
                technology_name(names, t)
            ),
            technology_city_link(stats, t, c)?,
        ),
        (None, Some(c)) if stats.cities.contains_key(c) => (
            format!("Developer salaries in {c} and other cities"),
            "/salaries#by-city".to_owned(),
        ),
        _ => return None,
    };
    Some(ChipView {
        label,
        url,
        count: None,
    })
}

/// The salary page for a technology landing page, when it has figures.
pub fn technology_link(stats: &SalaryStats, technology: &str) -> Option<String> {
    stats
        .technologies
        .contains_key(technology)
        .then(|| format!("/salaries/{technology}"))
}

/// The salary page for a technology in a city, when it has figures.
pub fn technology_city_link(stats: &SalaryStats, technology: &str, city: &str) -> Option<String> {
    let slug = city_slug(city)?;
    stats
        .technology_cities
        .contains_key(&(technology.to_owned(), city.to_owned()))
        .then(|| format!("/salaries/{technology}/{slug}"))
}

/// Where a job's salary sits among jobs of its first technology with a figure in its
/// city at its seniority: "in the upper quarter of 143 senior Rust jobs in Berlin".
pub fn market_line(
    stats: &SalaryStats,
    names: &HashMap<String, String>,
    salary: u32,
    technologies: &[&str],
    city: &str,
    seniority: Seniority,
) -> Option<MarketLine> {
    let (technology, figure) = technologies.iter().find_map(|t| {
        stats
            .technology_city_seniorities
            .get(&((*t).to_owned(), city.to_owned(), seniority))
            .map(|f| (*t, f))
    })?;
    let url = technology_city_link(stats, technology, city)?;
    Some(MarketLine {
        position: format!("in the {} of", figure.place(salary).label()),
        group: format!(
            "{} {} {} jobs in {city}",
            group_thousands(figure.count()),
            seniority.label().to_lowercase(),
            technology_name(names, technology)
        ),
        url,
    })
}

/// The salary pages that exist (each has a figure), for the pages sitemap.
pub fn sitemap_paths(stats: &SalaryStats) -> Vec<String> {
    if stats.seniorities.is_empty() && stats.technologies.is_empty() && stats.cities.is_empty() {
        return Vec::new();
    }
    let mut paths = vec!["/salaries".to_owned()];
    paths.extend(stats.technologies.keys().map(|t| format!("/salaries/{t}")));
    paths.extend(
        stats
            .technology_cities
            .keys()
            .filter_map(|(t, c)| Some(format!("/salaries/{t}/{}", city_slug(c)?))),
    );
    paths
}
