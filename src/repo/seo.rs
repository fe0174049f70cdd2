//! Queries for crawlers: what changed last, and the URLs sitemaps list.

use super::RepoResult;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};

/// Sitemap files hold at most this many URLs (the protocol's limit).
pub const SITEMAP_CHUNK: i64 = 50_000;

#[derive(QueryableByName)]
struct LastChange {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    at: Option<DateTime<Utc>>,
}

/// The newest change to any public content: an edit, a new or closed job, a job that
/// expired, a scheduled article going live, a deletion. Listings and feeds use it as
/// their Last-Modified; each part is one index probe.
pub fn last_change(conn: &mut PgConnection, now: DateTime<Utc>) -> RepoResult<DateTime<Utc>> {
    let row: LastChange = diesel::sql_query(
        "SELECT GREATEST(
                (SELECT max(updated_at) FROM jobs),
                (SELECT max(valid_through) FROM jobs WHERE valid_through <= $1),
                (SELECT max(updated_at) FROM companies),
                (SELECT max(updated_at) FROM articles
                  WHERE status = 'published' AND published_at <= $1),
                (SELECT max(retracted_at) FROM articles),
                (SELECT max(published_at) FROM articles WHERE status = 'published' AND published_at <= $1),
                (SELECT max(retired_at) FROM slug_history)) AS at",
    )
    .bind::<Timestamptz, _>(now)
    .get_result(conn)?;
    // An empty board has not changed since the epoch.
    Ok(row.at.unwrap_or(DateTime::<Utc>::UNIX_EPOCH))
}

/// A URL path and when its content last changed.
#[derive(Debug, Clone, QueryableByName)]
pub struct SitemapEntry {
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Timestamptz)]
    pub lastmod: DateTime<Utc>,
}

/// A sitemap file of a chunked set and its newest change.
#[derive(Debug, Clone, QueryableByName)]
pub struct SitemapChunk {
    #[diesel(sql_type = BigInt)]
    pub chunk: i64,
    #[diesel(sql_type = Timestamptz)]
    pub lastmod: DateTime<Utc>,
}

/// The job chunks (ids `chunk * 50,000 + 1 ..= (chunk + 1) * 50,000`) that hold open
/// jobs, each dated by the newest change of any job in its id range: an edit, a job
/// closing or expiring, or a deletion (which drops a URL from the file just the same).
/// Reads only indexes.
pub fn job_chunks(conn: &mut PgConnection, now: DateTime<Utc>) -> RepoResult<Vec<SitemapChunk>> {
    Ok(diesel::sql_query(
        "SELECT chunk, max(lastmod) AS lastmod
           FROM (SELECT (id - 1) / $2 AS chunk,
                        GREATEST(updated_at, CASE WHEN valid_through <= $1 THEN valid_through END) AS lastmod,
                        status = 'published' AND valid_through > $1 AS listed
                   FROM jobs
                 UNION ALL
                 SELECT (entity_id - 1) / $2, retired_at, false
                   FROM slug_history WHERE entity = 'job') changes
          GROUP BY chunk
         HAVING bool_or(listed)
          ORDER BY chunk",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<BigInt, _>(SITEMAP_CHUNK)
    .load(conn)?)
}

/// Open jobs of one chunk with ids above `after`, in id order, at most `limit`.
pub fn jobs_in_chunk(
    conn: &mut PgConnection,
    chunk: i64,
    after: i64,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<(i64, SitemapEntry)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(embed)]
        entry: SitemapEntry,
    }
    let first = chunk * SITEMAP_CHUNK + 1;
    let last = (chunk + 1) * SITEMAP_CHUNK;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT id, slug, updated_at AS lastmod FROM jobs
          WHERE status = 'published' AND valid_through > $1
            AND id BETWEEN GREATEST($2, $3 + 1) AND $4
          ORDER BY id LIMIT $5",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<BigInt, _>(first)
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(last)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r.entry)).collect())
}

/// When a company's sitemap entry last changed: its own edits, and any of its jobs
/// being posted, edited, closed or expiring (its page lists them). Two index probes.
const COMPANY_LASTMOD: &str = "GREATEST(c.updated_at,
        (SELECT max(j.updated_at) FROM jobs j WHERE j.company_id = c.id),
        (SELECT max(j.valid_through) FROM jobs j WHERE j.company_id = c.id AND j.valid_through <= $1))";

/// Whether a company has an open job and so a sitemap entry.
const COMPANY_LISTED: &str = "EXISTS (SELECT 1 FROM jobs j
        WHERE j.company_id = c.id AND j.status = 'published' AND j.valid_through > $1)";

/// Company chunks (by id, like jobs) that hold companies with open jobs, dated by the
/// newest change of any company in the range, listed or not.
pub fn company_chunks(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> RepoResult<Vec<SitemapChunk>> {
    Ok(diesel::sql_query(format!(
        "SELECT chunk, max(lastmod) AS lastmod
           FROM (SELECT (c.id - 1) / $2 AS chunk, {COMPANY_LASTMOD} AS lastmod, {COMPANY_LISTED} AS listed
                   FROM companies c
                 UNION ALL
                 SELECT (entity_id - 1) / $2, retired_at, false
                   FROM slug_history WHERE entity = 'company') changes
          GROUP BY chunk
         HAVING bool_or(listed)
          ORDER BY chunk"
    ))
    .bind::<Timestamptz, _>(now)
    .bind::<BigInt, _>(SITEMAP_CHUNK)
    .load(conn)?)
}

/// Companies of one chunk that have open jobs.
pub fn companies_in_chunk(
    conn: &mut PgConnection,
    chunk: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<SitemapEntry>> {
    Ok(diesel::sql_query(format!(
        "SELECT c.slug, {COMPANY_LASTMOD} AS lastmod
           FROM companies c
          WHERE c.id BETWEEN $2 AND $3 AND {COMPANY_LISTED}
          ORDER BY c.id"
    ))
    .bind::<Timestamptz, _>(now)
    .bind::<BigInt, _>(chunk * SITEMAP_CHUNK + 1)
    .bind::<BigInt, _>((chunk + 1) * SITEMAP_CHUNK)
    .load(conn)?)
}

/// Articles live at `now`, newest first; scheduled ones join from their minute on.
pub fn articles(conn: &mut PgConnection, now: DateTime<Utc>) -> RepoResult<Vec<SitemapEntry>> {
    Ok(diesel::sql_query(
        "SELECT slug, GREATEST(updated_at, published_at) AS lastmod FROM articles
          WHERE status = 'published' AND published_at <= $1
          ORDER BY published_at DESC, id DESC",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)?)
}
