//! Career articles.

use super::db::with_conn;
use super::{WebError, html, query_pairs};
use crate::app::AppState;
use crate::domain::InvalidInput;
use crate::domain::filter::{Pagination, parse_page};
use crate::domain::slug::Slug;
use crate::repo;
use crate::views::pages::{ArticleIndexPage, ArticleShowPage};
use crate::views::{ArticleCardView, Layout, Nav, pagination_links};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

const ARTICLES_PER_PAGE: u32 = 20;

#[tracing::instrument(skip(state, req))]
pub async fn index(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let page = article_page(&query_pairs(req.query_string())?)?;
    let offset = i64::from(page - 1) * i64::from(ARTICLES_PER_PAGE);
    let (articles, total) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::articles::list_published(conn, i64::from(ARTICLES_PER_PAGE), offset)?,
            repo::articles::count_published(conn)?,
        ))
    })
    .await?;
    let pages_total =
        u32::try_from((total + i64::from(ARTICLES_PER_PAGE) - 1) / i64::from(ARTICLES_PER_PAGE))
            .unwrap_or(1)
            .max(1);
    if page > pages_total {
        return Err(WebError::NotFound);
    }
    let path_for = |n: u32| {
        if n == 1 {
            "/articles".to_owned()
        } else {
            format!("/articles?page={n}")
        }
    };
    // The pagination helper works in job-sized pages; scale the total to article pages.
    let pagination = Pagination {
        page,
        total: i64::from(pages_total) * i64::from(crate::domain::filter::PAGE_SIZE),
    };
    let layout = Layout::page(
        &state.base_url,
        &path_for(page),
        if page > 1 {
            format!("Career guides for developers – page {page}")
        } else {
            "Career guides for developers".to_owned()
        },
        "Practical articles for software developers in Germany: roles, salaries, CVs, interviews and remote work.",
        Nav::Articles,
    );
    html(&ArticleIndexPage {
        layout,
        articles: ArticleCardView::list(&articles),
        pages: if pages_total > 1 {
            pagination_links(&pagination, path_for)
        } else {
            Vec::new()
        },
        prev_url: (page > 1).then(|| path_for(page - 1)),
        next_url: (page < pages_total).then(|| path_for(page + 1)),
    })
}

fn article_page(pairs: &[(String, String)]) -> Result<u32, InvalidInput> {
    match pairs.iter().rev().find(|(k, _)| k == "page") {
        None => Ok(1),
        Some((_, v)) if v.is_empty() => Ok(1),
        Some((_, v)) => parse_page(v),
    }
}

#[tracing::instrument(skip(state))]
pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = Slug::parse(slug.into_inner()).map_err(|_| WebError::NotFound)?;
    let now = Utc::now();
    let (article, related, jobs) = with_conn(&state.pool, move |conn| {
        let article = repo::articles::find_published_by_slug(conn, &slug)?;
        let related = repo::articles::related(conn, &article, 3)?;
        let jobs = repo::jobs::open_with_any_technology(conn, &article.tags, 3, now)?;
        Ok((article, related, jobs))
    })
    .await?;
    let layout = Layout::page(
        &state.base_url,
        &format!("/articles/{}", article.summary.slug),
        article.summary.title.clone(),
        article.summary.summary.clone(),
        Nav::Articles,
    );
    html(&ArticleShowPage::new(
        layout, &article, &related, &jobs, now,
    ))
}
