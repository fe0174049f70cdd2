//! Career articles.

use super::db::with_conn;
use super::{WebError, found, html_modified, paged_index, pages_in};
use crate::domain::filter::{PAGE_SIZE, Pagination};
use crate::domain::slug::Slug;
use crate::repo;
use crate::repo::slugs::{Entity, Lookup, lookup};
use crate::views::assets;
use crate::views::pages::{ArticleIndexPage, ArticleShowPage};
use crate::views::structured_data;
use crate::views::{ArticleCardView, Crumb, Layout, Nav, pagination_links};
use crate::web::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

const ARTICLES_PER_PAGE: u32 = 20;
const FEED_TITLE: &str = "jobboard career guides";

#[tracing::instrument(skip(state, req))]
pub async fn index(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let page = match paged_index(&req, "/articles")? {
        Ok(page) => page,
        Err(redirect) => return Ok(redirect),
    };
    let offset = i64::from(page - 1) * i64::from(ARTICLES_PER_PAGE);
    let now = Utc::now();
    let kept = state.catalog.last_change();
    let (articles, total, last_change) = with_conn(&state.pool, move |conn| {
        Ok((
            repo::articles::list_published(conn, i64::from(ARTICLES_PER_PAGE), offset, now)?,
            repo::articles::count_published(conn, now)?,
            super::seo::last_change(kept, conn, now)?,
        ))
    })
    .await?;
    let pages_total = pages_in(total, ARTICLES_PER_PAGE);
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
        total: i64::from(pages_total) * i64::from(PAGE_SIZE),
    };
    let prev_url = (page > 1).then(|| path_for(page - 1));
    let next_url = (page < pages_total).then(|| path_for(page + 1));
    let layout = Layout::page(
        &state.base_url,
        &path_for(page),
        "Career guides for developers",
        "Practical articles for software developers in Germany: roles, salaries, CVs, interviews and remote work.",
        Nav::Articles,
    )
    .paged(page, pages_total)
    .with_crumbs(vec![Crumb::link("Home", "/"), Crumb::here("Articles")])
    .with_neighbours(prev_url.as_deref(), next_url.as_deref())
    .with_feed(FEED_TITLE, format!("{}/articles/feed.xml", state.base_url));
    html_modified(
        &ArticleIndexPage {
            layout,
            articles: ArticleCardView::list(&articles),
            pages: if pages_total > 1 {
                pagination_links(&pagination, path_for)
            } else {
                Vec::new()
            },
            prev_url,
            next_url,
        },
        last_change,
    )
}

#[tracing::instrument(skip(state))]
pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = Slug::parse(slug.into_inner()).map_err(|_| WebError::NotFound)?;
    let now = Utc::now();
    let kept = state.catalog.last_change();
    let lookup = with_conn(&state.pool, move |conn| {
        let found = lookup(conn, Entity::Article, &slug, |conn| {
            let article = repo::articles::find_published_by_slug(conn, &slug, now)?;
            let related = repo::articles::related(conn, &article, 3, now)?;
            let jobs = repo::jobs::open_with_any_technology(conn, &article.tags, 3, now)?;
            Ok((
                article,
                related,
                jobs,
                super::seo::last_change(kept, conn, now)?,
            ))
        })?;
        // Unpublished after it had been live: gone on purpose, not a typo. A renamed
        // draft's new address is nobody's business until it is published.
        Ok(match found {
            Lookup::NotFound if repo::articles::is_retracted(conn, &slug)? => Lookup::Gone,
            Lookup::Moved(to) if !repo::articles::is_public(conn, &to, now)? => {
                if repo::articles::is_retracted(conn, &to)? {
                    Lookup::Gone
                } else {
                    Lookup::NotFound
                }
            }
            other => other,
        })
    })
    .await?;
    let (article, related, jobs, last_change) = found(lookup, "/articles")?;
    let s = &article.summary;
    let layout = Layout::page(
        &state.base_url,
        &format!("/articles/{}", s.slug),
        s.title.clone(),
        s.summary.clone(),
        Nav::Articles,
    )
    .article()
    .with_crumbs(vec![
        Crumb::link("Home", "/"),
        Crumb::link("Articles", "/articles"),
        Crumb::here(&s.title),
    ])
    .with_feed(FEED_TITLE, format!("{}/articles/feed.xml", state.base_url));
    // The cover image, when there is one, is the picture of the article for search
    // engines and link previews alike.
    let mut layout = layout;
    if let Some(cover) = &article.cover {
        layout.og_image = format!("{}{}", state.base_url, cover.largest_url());
    }
    let data = structured_data::article(
        &article,
        &layout.url,
        &layout.og_image,
        &state.base_url,
        &format!("{}{}", state.base_url, assets::url("img/logo.png")),
    );
    let layout = layout.with_structured_data(data);
    html_modified(
        &ArticleShowPage::new(layout, &article, &related, &jobs, now),
        last_change,
    )
}
