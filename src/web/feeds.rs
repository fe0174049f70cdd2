//! Atom feeds: new articles, new jobs, and new jobs for any search.

use super::db::with_conn;
use super::{WebError, listing_path, moved_permanently, query_pairs};
use crate::domain::filter::{JobSearch, Sort};
use crate::domain::markdown;
use crate::repo;
use crate::views::pages::{AtomEntry, AtomFeed};
use crate::web::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, SecondsFormat, Utc};

const FEED_ENTRIES: i64 = 30;

fn atom_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn atom_response(feed: &AtomFeed, last_change: DateTime<Utc>) -> Result<HttpResponse, WebError> {
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::LAST_MODIFIED,
            last_change.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        ))
        .body(feed.render()?))
}

/// New jobs, optionally for a search: the same parameters as `/jobs`.
#[tracing::instrument(skip(state, req))]
pub async fn jobs(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let search = JobSearch::from_pairs(&query_pairs(req.query_string())?)?;
    let counts = super::board::board_counts(&state).await?;
    let search = super::jobs::with_known_cities(search, &counts);
    let normal_query = search.query_string_for_page(1);
    if normal_query != req.query_string() {
        return Ok(moved_permanently(&listing_path(
            "/jobs/feed.xml",
            &normal_query,
        )));
    }
    let now = Utc::now();
    let newest = JobSearch {
        sort: Sort::Newest,
        ..search.clone()
    };
    let catalog = state.catalog.clone();
    let turn = state.catalog.pass_permit().await;
    let text = super::jobs::text_matches(&state, &search.filter).await?;
    let kept = state.catalog.last_change();
    let (jobs, last_change, technologies) = with_conn(&state.pool, move |conn| {
        let found = catalog.search(conn, &newest, text, FEED_ENTRIES as usize, &[], now)?;
        drop(turn);
        let technologies = repo::technologies::all(conn)?;
        Ok((
            repo::jobs::summaries_in_order_named(conn, &found.ids, &technologies)?,
            super::seo::last_change(kept, conn, now)?,
            technologies,
        ))
    })
    .await?;
    let base = &state.base_url;
    let title = if search.filter.is_empty() {
        "New developer jobs in Germany".to_owned()
    } else {
        format!(
            "New jobs: {}",
            super::jobs::heading_for(&search.filter, &super::jobs::TechnologyNames(&technologies))
        )
    };
    let feed = AtomFeed {
        title,
        subtitle: "The newest open jobs on jobboard".to_owned(),
        self_url: format!("{base}{}", listing_path("/jobs/feed.xml", &normal_query)),
        page_url: format!("{base}{}", listing_path("/jobs", &normal_query)),
        updated: atom_time(last_change),
        site_name: crate::views::SITE_NAME,
        entries: jobs
            .iter()
            .map(|job| {
                let facts = [
                    Some(job.company_name.clone()),
                    Some(job.location.display()),
                    Some(job.seniority.label().to_owned()),
                    Some(job.employment_type.label().to_owned()),
                    job.salary.map(|s| s.display_long()),
                ];
                AtomEntry {
                    title: format!("{} at {}", job.title, job.company_name),
                    url: format!("{base}/jobs/{}", job.slug),
                    published: atom_time(job.posted_at),
                    updated: atom_time(job.updated_at.max(job.posted_at)),
                    author: job.company_name.clone(),
                    summary: facts.into_iter().flatten().collect::<Vec<_>>().join(" · "),
                    content_html: None,
                }
            })
            .collect(),
    };
    atom_response(&feed, last_change)
}

/// New career articles with their full text.
#[tracing::instrument(skip(state))]
pub async fn articles(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let now = Utc::now();
    let kept = state.catalog.last_change();
    let (articles, last_change) = with_conn(&state.pool, move |conn| {
        let summaries = repo::articles::list_published(conn, FEED_ENTRIES, 0, now)?;
        let mut articles = Vec::with_capacity(summaries.len());
        for summary in summaries {
            articles.push(repo::articles::find_published_by_slug(
                conn,
                &summary.slug,
                now,
            )?);
        }
        Ok((articles, super::seo::last_change(kept, conn, now)?))
    })
    .await?;
    let base = &state.base_url;
    let feed = AtomFeed {
        title: "jobboard career guides".to_owned(),
        subtitle: "Articles for software developers in Germany".to_owned(),
        self_url: format!("{base}/articles/feed.xml"),
        page_url: format!("{base}/articles"),
        updated: atom_time(last_change),
        site_name: crate::views::SITE_NAME,
        entries: articles
            .iter()
            .map(|article| AtomEntry {
                title: article.summary.title.clone(),
                url: format!("{base}/articles/{}", article.summary.slug),
                published: atom_time(article.summary.published_at),
                updated: atom_time(article.updated_at.max(article.summary.published_at)),
                author: article.summary.author_name.clone(),
                summary: article.summary.summary.clone(),
                content_html: Some(markdown::render(&article.body_markdown).as_str().to_owned()),
            })
            .collect(),
    };
    atom_response(&feed, last_change)
}
