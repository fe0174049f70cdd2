//! What the in-memory catalog of open jobs reads: the compact rows of open jobs.

use super::RepoResult;
use crate::db::schema::{jobs, technologies};
use crate::domain::job::{EmploymentType, JobStatus, RemotePolicy, Seniority};
use crate::domain::open_job::OpenJob;
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use std::collections::HashMap;

/// The channel the triggers notify on; payloads are job ids, `sync:<n>`, `reload` (after a
/// bulk load, which sends no notification per job) or `content` (an article or a company
/// changed).
pub const CHANNEL: &str = "jobboard_jobs";

/// The SQL types of [`CatalogRow`].
type CatalogSql = (
    diesel::sql_types::BigInt,
    diesel::sql_types::Timestamptz,
    diesel::sql_types::Timestamptz,
    diesel::sql_types::Nullable<diesel::sql_types::Integer>,
    diesel::sql_types::BigInt,
    diesel::sql_types::Nullable<Text>,
    Text,
    Text,
    Text,
    diesel::sql_types::Array<diesel::sql_types::Nullable<Text>>,
);

type CatalogRow = (
    i64,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<i32>,
    i64,
    Option<String>,
    String,
    String,
    String,
    Vec<Option<String>>,
);

fn open_job(row: CatalogRow) -> RepoResult<OpenJob> {
    let (
        id,
        posted_at,
        valid_through,
        salary,
        company_id,
        city,
        remote,
        seniority,
        employment,
        technologies,
    ) = row;
    Ok(OpenJob {
        id,
        posted_at,
        valid_through,
        salary_eur_year: salary,
        company_id,
        city,
        remote: RemotePolicy::parse(&remote)?,
        seniority: Seniority::parse(&seniority)?,
        employment: EmploymentType::parse(&employment)?,
        technology_slugs: technologies.into_iter().flatten().collect(),
    })
}

macro_rules! catalog_columns {
    () => {
        (
            jobs::id,
            jobs::posted_at,
            jobs::valid_through,
            jobs::salary_eur_year,
            jobs::company_id,
            jobs::city,
            jobs::remote_policy,
            jobs::seniority,
            jobs::employment_type,
            jobs::technology_slugs,
        )
    };
}

/// The catalog's columns of the published jobs open at `now`.
fn open_rows(now: DateTime<Utc>) -> jobs::BoxedQuery<'static, diesel::pg::Pg, CatalogSql> {
    jobs::table
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .filter(jobs::valid_through.gt(now))
        .select(catalog_columns!())
        .into_boxed()
}

/// Up to `limit` published jobs open at `now` with ids above `after`, by id: every open
/// job, read in chunks.
pub fn load_open_after(
    conn: &mut PgConnection,
    after: i64,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<OpenJob>> {
    let rows: Vec<CatalogRow> = open_rows(now)
        .filter(jobs::id.gt(after))
        .order(jobs::id.asc())
        .limit(limit)
        .load(conn)?;
    rows.into_iter().map(open_job).collect()
}

/// Published jobs open at `now` that were posted after `after` and by `until`: the new
/// jobs a digest run matches alerts against (a day's worth, not the whole board).
pub fn load_open_posted_between(
    conn: &mut PgConnection,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RepoResult<Vec<OpenJob>> {
    let rows: Vec<CatalogRow> = open_rows(now)
        .filter(jobs::posted_at.gt(after))
        .filter(jobs::posted_at.le(until))
        .load(conn)?;
    rows.into_iter().map(open_job).collect()
}

/// Those of `ids` that are published and open at `now`.
pub fn load_open_by_ids(
    conn: &mut PgConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> RepoResult<Vec<OpenJob>> {
    let rows: Vec<CatalogRow> = open_rows(now).filter(jobs::id.eq_any(ids)).load(conn)?;
    rows.into_iter().map(open_job).collect()
}

/// Every technology's name by slug.
pub fn technology_names(conn: &mut PgConnection) -> RepoResult<HashMap<String, String>> {
    Ok(technologies::table
        .select((technologies::slug, technologies::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Marks this session as a bulk load: its job, company and article changes send no
/// notification each (see the `jobs_notify_change` and `*_notify_change` triggers). Follow it with [`announce_reload`].
pub fn quiet_notifications(conn: &mut PgConnection) -> RepoResult<()> {
    conn.batch_execute("SET jobboard.bulk_load = 'on'")?;
    Ok(())
}

/// Tells every running server to load its catalog anew (after a bulk load).
pub fn announce_reload(conn: &mut PgConnection) -> RepoResult<()> {
    conn.batch_execute(&format!("NOTIFY {}, 'reload'", CHANNEL))?;
    Ok(())
}
