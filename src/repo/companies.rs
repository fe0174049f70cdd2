//! Companies.

use super::{RepoError, RepoResult, convert};
use crate::db::models::{CompanyRow, NewCompanyRow};
use crate::db::schema::companies;
use crate::domain::company::{Company, NewCompany};
use crate::domain::slug::Slug;
use diesel::prelude::*;

pub fn find_by_slug(conn: &mut PgConnection, slug: &Slug) -> RepoResult<Company> {
    let row: CompanyRow = companies::table
        .filter(companies::slug.eq(slug.as_str()))
        .select(CompanyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("company"))?;
    let logo = super::images::find_optional(conn, row.logo_image_id)?;
    convert::company(row, logo)
}

/// The id of the company with `slug`, if there is one.
pub fn id_by_slug(conn: &mut PgConnection, slug: &Slug) -> RepoResult<Option<i64>> {
    Ok(companies::table
        .filter(companies::slug.eq(slug.as_str()))
        .select(companies::id)
        .first(conn)
        .optional()?)
}

/// Inserts a company; `None` when one with that slug exists already.
pub fn insert(conn: &mut PgConnection, company: &NewCompany) -> RepoResult<Option<i64>> {
    Ok(diesel::insert_into(companies::table)
        .values(NewCompanyRow {
            slug: company.slug.as_str(),
            name: &company.name,
            city: &company.city,
            website: company.website.as_deref(),
            about: &company.about_markdown,
            size_band: &company.size_band,
        })
        .on_conflict(companies::slug)
        .do_nothing()
        .returning(companies::id)
        .get_result(conn)
        .optional()?)
}

/// A company in the index with its number of open jobs.
#[derive(Debug, Clone, QueryableByName)]
pub struct CompanyListing {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub slug: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub city: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub open_jobs: i64,
}

/// `%text%` for ILIKE, with the pattern characters in `text` taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Companies by name (optionally only those whose name contains `name`, any case) with
/// their open-job counts. The count is a per-company index lookup, so a page costs the
/// same however many jobs the board holds; the name match uses a trigram index.
pub fn list_with_open_jobs(
    conn: &mut PgConnection,
    name: Option<&str>,
    limit: i64,
    offset: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> RepoResult<Vec<CompanyListing>> {
    Ok(diesel::sql_query(
        "SELECT c.slug, c.name, c.city,
                (SELECT count(*) FROM jobs j
                  WHERE j.company_id = c.id AND j.status = 'published' AND j.valid_through > $1) AS open_jobs
           FROM companies c
          WHERE $4::text IS NULL OR c.name ILIKE $4
          ORDER BY c.name, c.id
          LIMIT $2 OFFSET $3",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::BigInt, _>(offset)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(name.map(contains_pattern))
    .load(conn)?)
}

/// How many companies there are (whose name contains `name`).
pub fn count(conn: &mut PgConnection, name: Option<&str>) -> RepoResult<i64> {
    let mut query = companies::table.into_boxed();
    if let Some(name) = name {
        query = query.filter(companies::name.ilike(contains_pattern(name)));
    }
    Ok(query.count().get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("ab"), "%ab%");
        assert_eq!(contains_pattern("100%_x"), "%100\\%\\_x%");
    }
}
