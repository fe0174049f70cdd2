//! What the text index (src/search) reads: the words of jobs, and what changed since
//! it last looked.

use super::RepoResult;
use crate::db::schema::{companies, jobs};
use crate::domain::job::{EmploymentType, JobStatus, RemotePolicy, Seniority};
use crate::domain::open_job::JobText;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

type TextRow = (
    i64,
    String,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Vec<Option<String>>,
    String,
);

fn job_text(row: TextRow) -> RepoResult<JobText> {
    let (
        id,
        status,
        updated_at,
        title,
        company,
        city,
        seniority,
        remote,
        employment,
        technologies,
        description,
    ) = row;
    Ok(JobText {
        id,
        published: status == JobStatus::Published.as_str(),
        updated_at,
        title,
        company,
        city,
        seniority: Seniority::parse(&seniority)?,
        remote: RemotePolicy::parse(&remote)?,
        employment: EmploymentType::parse(&employment)?,
        technology_slugs: technologies.into_iter().flatten().collect(),
        description,
    })
}

macro_rules! text_columns {
    () => {
        (
            jobs::id,
            jobs::status,
            jobs::updated_at,
            jobs::title,
            companies::name,
            jobs::city,
            jobs::seniority,
            jobs::remote_policy,
            jobs::employment_type,
            jobs::technology_slugs,
            jobs::description,
        )
    };
}

/// Up to `limit` published jobs with ids above `after`, by id (primary key order): the
/// whole index, read in chunks.
pub fn published_after(
    conn: &mut PgConnection,
    after: i64,
    limit: i64,
) -> RepoResult<Vec<JobText>> {
    let rows: Vec<TextRow> = jobs::table
        .inner_join(companies::table)
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .filter(jobs::id.gt(after))
        .order(jobs::id.asc())
        .limit(limit)
        .select(text_columns!())
        .load(conn)?;
    rows.into_iter().map(job_text).collect()
}

/// The jobs with these ids, whatever their status (absent ids are gone).
pub fn by_ids(conn: &mut PgConnection, ids: &[i64]) -> RepoResult<Vec<JobText>> {
    let rows: Vec<TextRow> = jobs::table
        .inner_join(companies::table)
        .filter(jobs::id.eq_any(ids))
        .select(text_columns!())
        .load(conn)?;
    rows.into_iter().map(job_text).collect()
}

/// Jobs written after `since`, and the jobs of older companies written after it (a
/// renamed company changes its jobs' words without touching their rows' time; a new
/// company's jobs are new rows anyway).
pub fn changed_since(conn: &mut PgConnection, since: DateTime<Utc>) -> RepoResult<Vec<i64>> {
    let mut ids: Vec<i64> = jobs::table
        .filter(jobs::updated_at.gt(since))
        .select(jobs::id)
        .load(conn)?;
    let renamed: Vec<i64> = companies::table
        .filter(companies::updated_at.gt(since))
        .filter(companies::created_at.le(since))
        .select(companies::id)
        .load(conn)?;
    if !renamed.is_empty() {
        ids.extend(
            jobs::table
                .filter(jobs::company_id.eq_any(renamed))
                .select(jobs::id)
                .load::<i64>(conn)?,
        );
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// How many jobs are published: as many as the index should hold.
pub fn published_count(conn: &mut PgConnection) -> RepoResult<u64> {
    let n: i64 = jobs::table
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

#[derive(QueryableByName)]
struct Identity {
    #[diesel(sql_type = diesel::sql_types::Text)]
    identity: String,
}

/// Names this database among all others, even one dropped and created again under the
/// same name: an index built from another is rebuilt.
pub fn database_identity(conn: &mut PgConnection) -> RepoResult<String> {
    let row: Identity = diesel::sql_query(
        "SELECT current_database() || ':' || oid::text AS identity
           FROM pg_database WHERE datname = current_database()",
    )
    .get_result(conn)?;
    Ok(row.identity)
}
