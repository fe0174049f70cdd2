//! Slugs that no longer name a live page (filled by triggers, see the slug_history
//! migration).

use super::RepoResult;
use crate::db::schema::{articles, companies, jobs, slug_history};
use crate::domain::slug::Slug;
use diesel::prelude::*;

/// The kinds of page whose slugs are remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Job,
    Company,
    Article,
}

impl Entity {
    fn as_str(self) -> &'static str {
        match self {
            Self::Job => "job",
            Self::Company => "company",
            Self::Article => "article",
        }
    }
}

/// What became of a slug that no live page has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retired {
    /// Renamed: the page lives on under this slug.
    MovedTo(Slug),
    /// Deleted.
    Gone,
}

/// `None` when the slug never existed.
pub fn retired(
    conn: &mut PgConnection,
    entity: Entity,
    slug: &Slug,
) -> RepoResult<Option<Retired>> {
    let Some(id) = slug_history::table
        .filter(slug_history::entity.eq(entity.as_str()))
        .filter(slug_history::slug.eq(slug.as_str()))
        .select(slug_history::entity_id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let current: Option<String> = match entity {
        Entity::Job => jobs::table
            .find(id)
            .select(jobs::slug)
            .first(conn)
            .optional()?,
        Entity::Company => companies::table
            .find(id)
            .select(companies::slug)
            .first(conn)
            .optional()?,
        Entity::Article => articles::table
            .find(id)
            .select(articles::slug)
            .first(conn)
            .optional()?,
    };
    Ok(Some(match current {
        Some(current) => Retired::MovedTo(Slug::parse(current)?),
        None => Retired::Gone,
    }))
}

/// A page looked up by slug: found, moved elsewhere, or gone for good.
#[derive(Debug)]
pub enum Lookup<T> {
    Found(T),
    Moved(Slug),
    Gone,
    NotFound,
}

/// Runs `find`, and when it finds nothing, asks the slug history why.
pub fn lookup<T>(
    conn: &mut PgConnection,
    entity: Entity,
    slug: &Slug,
    find: impl FnOnce(&mut PgConnection) -> RepoResult<T>,
) -> RepoResult<Lookup<T>> {
    match find(conn) {
        Ok(found) => Ok(Lookup::Found(found)),
        Err(super::RepoError::NotFound(_)) => Ok(match retired(conn, entity, slug)? {
            Some(Retired::MovedTo(current)) if current != *slug => Lookup::Moved(current),
            Some(Retired::Gone) => Lookup::Gone,
            _ => Lookup::NotFound,
        }),
        Err(e) => Err(e),
    }
}
