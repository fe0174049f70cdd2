//! Technologies and how many open jobs use each.

use super::RepoResult;
use crate::db::models::NewTechnologyRow;
use crate::db::schema::technologies;
use crate::domain::slug::Slug;
use diesel::prelude::*;

/// Creates the technology unless it exists; returns its id either way.
pub fn upsert(conn: &mut PgConnection, slug: &Slug, name: &str) -> RepoResult<i64> {
    let inserted: Option<i64> = diesel::insert_into(technologies::table)
        .values(NewTechnologyRow {
            slug: slug.as_str(),
            name,
        })
        .on_conflict(technologies::slug)
        .do_nothing()
        .returning(technologies::id)
        .get_result(conn)
        .optional()?;
    match inserted {
        Some(id) => Ok(id),
        None => Ok(technologies::table
            .filter(technologies::slug.eq(slug.as_str()))
            .select(technologies::id)
            .first(conn)?),
    }
}

/// Every technology, by name, for filter forms.
pub fn all(conn: &mut PgConnection) -> RepoResult<Vec<crate::domain::technology::Technology>> {
    technologies::table
        .order(technologies::name.asc())
        .select(crate::db::models::TechnologyRow::as_select())
        .load(conn)?
        .into_iter()
        .map(super::convert::technology)
        .collect()
}
