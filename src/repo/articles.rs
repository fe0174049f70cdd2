//! Career articles.

use super::{RepoError, RepoResult};
use crate::db::models::{ArticleListRow, ArticleRow, NewArticleRow};
use crate::db::schema::articles;
use crate::domain::article::{Article, ArticleSummary, NewArticle, reading_minutes};
use crate::domain::slug::Slug;
use diesel::prelude::*;

const PUBLISHED: &str = "published";

fn summary_from(row: ArticleListRow) -> RepoResult<ArticleSummary> {
    Ok(ArticleSummary {
        slug: Slug::parse(row.slug)?,
        title: row.title,
        summary: row.summary,
        author_name: row.author_name,
        published_at: row
            .published_at
            .ok_or_else(|| RepoError::InvalidRow("published article without date".into()))?,
        reading_minutes: reading_minutes(&row.body),
    })
}

/// Published articles, newest first.
pub fn list_published(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> RepoResult<Vec<ArticleSummary>> {
    articles::table
        .filter(articles::status.eq(PUBLISHED))
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ArticleListRow::as_select())
        .load(conn)?
        .into_iter()
        .map(summary_from)
        .collect()
}

pub fn count_published(conn: &mut PgConnection) -> RepoResult<i64> {
    Ok(articles::table
        .filter(articles::status.eq(PUBLISHED))
        .count()
        .get_result(conn)?)
}

/// A published article; drafts read as not found.
pub fn find_published_by_slug(conn: &mut PgConnection, slug: &Slug) -> RepoResult<Article> {
    let row: ArticleRow = articles::table
        .filter(articles::slug.eq(slug.as_str()))
        .filter(articles::status.eq(PUBLISHED))
        .select(ArticleRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("article"))?;
    let body_markdown = row.listing.body.clone();
    Ok(Article {
        id: row.id,
        summary: summary_from(row.listing)?,
        body_markdown,
        tags: row.tags.into_iter().flatten().collect(),
        updated_at: row.updated_at,
    })
}

/// Other published articles sharing at least one tag, newest first.
pub fn related(
    conn: &mut PgConnection,
    article: &Article,
    limit: i64,
) -> RepoResult<Vec<ArticleSummary>> {
    if article.tags.is_empty() {
        return Ok(Vec::new());
    }
    let tags: Vec<Option<String>> = article.tags.iter().cloned().map(Some).collect();
    articles::table
        .filter(articles::status.eq(PUBLISHED))
        .filter(articles::id.ne(article.id))
        .filter(articles::tags.overlaps_with(tags))
        .order((articles::published_at.desc(), articles::id.desc()))
        .limit(limit)
        .select(ArticleListRow::as_select())
        .load(conn)?
        .into_iter()
        .map(summary_from)
        .collect()
}

/// Inserts an article; `None` when one with that slug exists already.
pub fn insert(conn: &mut PgConnection, article: &NewArticle) -> RepoResult<Option<i64>> {
    Ok(diesel::insert_into(articles::table)
        .values(NewArticleRow {
            slug: article.slug.as_str(),
            title: &article.title,
            summary: &article.summary,
            body: &article.body_markdown,
            author_name: &article.author_name,
            tags: article.tags.iter().map(String::as_str).collect(),
            status: if article.published_at.is_some() {
                PUBLISHED
            } else {
                "draft"
            },
            published_at: article.published_at,
            updated_at: article.updated_at,
        })
        .on_conflict(articles::slug)
        .do_nothing()
        .returning(articles::id)
        .get_result(conn)
        .optional()?)
}
