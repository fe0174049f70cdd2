//! Technologies and how many open jobs use each.

use super::RepoResult;
use crate::db::models::NewTechnologyRow;
use crate::db::schema::{job_technologies, jobs, technologies};
use crate::domain::job::JobStatus;
use crate::domain::slug::Slug;
use crate::domain::technology::NamedCount;
use chrono::{DateTime, Utc};
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

/// Technologies with the most open jobs.
pub fn popular(
    conn: &mut PgConnection,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<NamedCount>> {
    let rows: Vec<(String, String, i64)> = job_technologies::table
        .inner_join(jobs::table)
        .inner_join(technologies::table)
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .filter(jobs::valid_through.gt(now))
        .group_by((technologies::id, technologies::slug, technologies::name))
        .select((
            technologies::slug,
            technologies::name,
            diesel::dsl::count_star(),
        ))
        .order((diesel::dsl::count_star().desc(), technologies::name.asc()))
        .limit(limit)
        .load(conn)?;
    rows.into_iter()
        .map(|(slug, name, count)| {
            Ok(NamedCount {
                slug: Slug::parse(slug)?,
                name,
                count,
            })
        })
        .collect()
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

/// Open-job counts for every technology and city pair that has any, for the "Rust jobs
/// in Berlin" landing pages and their sitemap.
pub fn counts_by_city(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> RepoResult<Vec<(NamedCount, String)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        slug: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        city: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT t.slug, t.name, j.city, count(*) AS count
           FROM job_technologies jt
           JOIN jobs j ON j.id = jt.job_id
           JOIN technologies t ON t.id = jt.technology_id
          WHERE j.status = 'published' AND j.valid_through > $1 AND j.city IS NOT NULL
          GROUP BY t.slug, t.name, j.city
          ORDER BY t.slug, j.city",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .load(conn)?;
    rows.into_iter()
        .map(|row| {
            Ok((
                NamedCount {
                    slug: Slug::parse(row.slug)?,
                    name: row.name,
                    count: row.count,
                },
                row.city,
            ))
        })
        .collect()
}
