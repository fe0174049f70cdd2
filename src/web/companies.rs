//! Company pages.

use super::db::with_conn;
use super::{WebError, found, html_modified, listing_path, pages_in};
use crate::domain::markdown::plain_excerpt;
use crate::domain::slug::Slug;
use crate::repo;
use crate::repo::slugs::{Entity, lookup};
use crate::views::pages::CompanyShowPage;
use crate::views::{Crumb, Layout, Nav};
use crate::web::state::AppState;
use actix_web::{HttpResponse, web};
use chrono::Utc;

/// Open jobs listed on a company page.
const JOBS_ON_COMPANY_PAGE: i64 = 50;

#[tracing::instrument(skip(state))]
pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = Slug::parse(slug.into_inner()).map_err(|_| WebError::NotFound)?;
    let now = Utc::now();
    let kept = state.catalog.last_change();
    let lookup = with_conn(&state.pool, move |conn| {
        lookup(conn, Entity::Company, &slug, |conn| {
            let company = repo::companies::find_by_slug(conn, &slug)?;
            let jobs = repo::jobs::open_for_company(conn, company.id, JOBS_ON_COMPANY_PAGE, now)?;
            Ok((company, jobs, super::seo::last_change(kept, conn, now)?))
        })
    })
    .await?;
    let (company, jobs, last_change) = found(lookup, "/companies")?;
    let layout = Layout::page(
        &state.base_url,
        &format!("/companies/{}", company.slug),
        format!("{} – developer jobs in {}", company.name, company.city),
        plain_excerpt(&company.about_markdown, 160),
        Nav::Companies,
    )
    .with_crumbs(vec![
        Crumb::link("Home", "/"),
        Crumb::link("Companies", "/companies"),
        Crumb::here(&company.name),
    ]);
    html_modified(
        &CompanyShowPage::new(layout, &company, &jobs, now),
        last_change,
    )
}

const COMPANIES_PER_PAGE: u32 = 50;

#[tracing::instrument(skip(state, req))]
pub async fn index(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, WebError> {
    let pairs = super::query_pairs(req.query_string())?;
    let name = company_name_query(&pairs)?;
    let page = super::page_param(&pairs)?;
    let query_for = |n: u32| {
        let mut normal: Vec<(&str, String)> = Vec::new();
        if let Some(name) = &name {
            normal.push(("q", name.clone()));
        }
        if n > 1 {
            normal.push(("page", n.to_string()));
        }
        serde_urlencoded::to_string(&normal).unwrap_or_default()
    };
    if query_for(page) != req.query_string() {
        return Ok(super::moved_permanently(&listing_path(
            "/companies",
            &query_for(page),
        )));
    }
    let now = Utc::now();
    let offset = i64::from(page - 1) * i64::from(COMPANIES_PER_PAGE);
    let for_repo = name.clone();
    let kept = state.catalog.last_change();
    let (companies, total, last_change) = with_conn(&state.pool, move |conn| {
        let name = for_repo.as_deref();
        Ok((
            repo::companies::list_with_open_jobs(
                conn,
                name,
                i64::from(COMPANIES_PER_PAGE),
                offset,
                now,
            )?,
            repo::companies::count(conn, name)?,
            super::seo::last_change(kept, conn, now)?,
        ))
    })
    .await?;
    let pages_total = pages_in(total, COMPANIES_PER_PAGE);
    if page > pages_total {
        return Err(WebError::NotFound);
    }
    let path_for = |n: u32| listing_path("/companies", &query_for(n));
    let prev_url = (page > 1).then(|| path_for(page - 1));
    let next_url = (page < pages_total).then(|| path_for(page + 1));
    let heading = match &name {
        Some(name) => format!("Companies matching “{name}”"),
        None => "Companies hiring developers".to_owned(),
    };
    let mut layout = Layout::page(
        &state.base_url,
        &path_for(page),
        heading.clone(),
        "Tech companies hiring software developers in Germany, with their open jobs.",
        Nav::Companies,
    )
    .paged(page, pages_total)
    .with_crumbs(vec![Crumb::link("Home", "/"), Crumb::here("Companies")])
    .with_neighbours(prev_url.as_deref(), next_url.as_deref());
    // A name search is a tool, not a page for crawlers.
    if name.is_some() {
        layout = layout.noindex();
    }
    html_modified(
        &crate::views::pages::CompanyIndexPage {
            layout,
            companies: companies
                .into_iter()
                .map(|c| crate::views::pages::CompanyCardView {
                    url: format!("/companies/{}", c.slug),
                    monogram: crate::domain::company::monogram(&c.name),
                    tone: crate::domain::company::monogram_tone(&c.slug),
                    name: c.name,
                    city: c.city,
                    open_jobs: match c.open_jobs {
                        0 => "No open jobs".to_owned(),
                        1 => "1 open job".to_owned(),
                        n => format!(
                            "{} open jobs",
                            crate::domain::salary::group_thousands(
                                u32::try_from(n).unwrap_or(u32::MAX)
                            )
                        ),
                    },
                })
                .collect(),
            prev_url,
            next_url,
            heading,
            query: name.unwrap_or_default(),
        },
        last_change,
    )
}

/// The name to search for (`?q=`), trimmed and with runs of spaces collapsed.
fn company_name_query(pairs: &[(String, String)]) -> Result<Option<String>, WebError> {
    let Some((_, raw)) = pairs.iter().rev().find(|(k, _)| k == "q") else {
        return Ok(None);
    };
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() > 100 {
        return Err(WebError::BadRequest(crate::domain::InvalidInput::new(
            "company name",
            "is too long (at most 100 characters)",
        )));
    }
    Ok((!name.is_empty()).then_some(name))
}
