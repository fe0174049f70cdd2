//! Bulk synthetic jobs for benchmarks, loaded with `COPY` so a million rows take minutes.

use super::companies::COMPANIES;
use super::description_html::DescriptionHtml;
use super::generator::{Rng, generate};
use crate::db::models::{BulkJobRow, JobTechnologyRow, NewCompanyRow};
use crate::db::schema::{companies, job_technologies, jobs, technologies};
use crate::domain::job::JobStatus;
use crate::domain::open_job::JobText;
use crate::domain::slug::Slug;
use crate::repo::RepoError;
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Rows sent per `COPY`; large enough to amortise round trips, small enough to keep
/// memory flat.
const BATCH: usize = 20_000;
/// About one company per this many jobs, as on real boards.
const JOBS_PER_COMPANY: u64 = 400;

/// What a bulk load did, with the time each phase took.
#[derive(Debug, Clone)]
pub struct BulkReport {
    pub jobs: u64,
    pub companies: usize,
    /// Secondary indexes and foreign keys dropped before the rows and rebuilt after
    /// them; 0 when the load was small next to the rows already there.
    pub rebuilt: usize,
    /// Companies, technologies and lookups before the first row.
    pub prepare_seconds: f64,
    pub rows_seconds: f64,
    pub index_seconds: f64,
    pub vacuum_seconds: f64,
    pub seconds: f64,
}

/// The steps of a bulk load, in order, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Rows,
    Indexes,
    Vacuum,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rows => "loading rows",
            Self::Indexes => "building indexes and checking foreign keys",
            Self::Vacuum => "VACUUM ANALYZE",
        }
    }
}

/// What a bulk load reports while it runs.
#[derive(Debug, Clone, Copy)]
pub enum LoadEvent {
    Started(Phase),
    /// Jobs copied so far, after every batch, from the loader threads.
    Rows(u64),
}

/// Connections that copy in parallel: without secondary indexes the server's work per
/// row (constraint checks, the row triggers) and the client's (generating, encoding)
/// are about even, so two keep both cores busy.
const LOAD_CONNECTIONS: u64 = 2;

/// Everything a loader thread needs to turn ids into rows.
struct Lookup {
    units: HashMap<&'static str, Vec<i64>>,
    technology_ids: HashMap<String, i64>,
    company_names: HashMap<i64, String>,
}

/// Where a load hands over the published jobs' words it writes, for the text index to
/// be built beside the load (see `search::sync::rebuild_from`).
pub type TextSink = std::sync::mpsc::SyncSender<Vec<JobText>>;

/// Jobs already in the database are handed to the text sink first, up to this many;
/// with more, nothing is handed over and the index is built from the database after.
const EXISTING_HANDED_OVER: i64 = 100_000;
/// Jobs per chunk handed to the text sink.
const TEXT_CHUNK: usize = 5_000;

/// Appends `count` synthetic jobs (and the companies they need) to the database at
/// `database_url`, reporting its phases and the jobs copied so far to `progress`.
///
/// When the load at least doubles the jobs, the secondary indexes and foreign keys of
/// the loaded tables are dropped first and rebuilt from the finished rows (see
/// [`super::deferred`]). Whatever an earlier, killed load set aside is restored first.
pub fn load_jobs(
    database_url: &str,
    count: u64,
    now: DateTime<Utc>,
    text: Option<TextSink>,
    progress: impl Fn(LoadEvent) + Sync,
) -> Result<BulkReport, RepoError> {
    let started = Instant::now();
    let mut conn = connect(database_url)?;
    if !super::deferred::lock_for_load(&mut conn)? {
        return Err(RepoError::Conflict(
            "another bulk load is running on this database".into(),
        ));
    }
    super::deferred::restore(database_url)?;
    // The companies it adds are announced by the one reload at the end, like the jobs.
    crate::repo::catalog::quiet_notifications(&mut conn)?;
    super::ensure_technologies(&mut conn)?;
    super::ensure_demo_companies(&mut conn)?;
    let units_per_company =
        usize::try_from((count / JOBS_PER_COMPANY / COMPANIES.len() as u64).max(1)).unwrap_or(1);
    let companies_added = ensure_units(&mut conn, units_per_company)?;
    let lookup = Lookup {
        units: unit_ids(&mut conn)?,
        technology_ids: technologies::table
            .select((technologies::slug, technologies::id))
            .load::<(String, i64)>(&mut conn)?
            .into_iter()
            .collect(),
        company_names: companies::table
            .select((companies::id, companies::name))
            .load::<(i64, String)>(&mut conn)?
            .into_iter()
            .collect(),
    };
    let first_id: i64 = jobs::table
        .select(diesel::dsl::max(jobs::id))
        .first::<Option<i64>>(&mut conn)?
        .unwrap_or(0)
        + 1;
    let existing: i64 = jobs::table.count().get_result(&mut conn)?;
    let rebuild = count >= u64::try_from(existing).unwrap_or(u64::MAX);
    let set_aside = if rebuild {
        super::deferred::set_aside(&mut conn)?
    } else {
        0
    };
    let text = match text {
        Some(sink) if existing <= EXISTING_HANDED_OVER => {
            hand_over_existing(&mut conn, first_id, &sink)?;
            Some(sink)
        }
        _ => None,
    };
    let prepare_seconds = started.elapsed().as_secs_f64();

    progress(LoadEvent::Started(Phase::Rows));
    let rows_started = Instant::now();
    let copied = copy_rows(database_url, count, first_id, now, &lookup, text, &progress);
    // Also after a failed load: the batches committed before it are in the table. (A
    // killed loader sends nothing; running servers see its jobs after a restart.)
    let announced = crate::repo::catalog::announce_reload(&mut conn);
    let rows_seconds = rows_started.elapsed().as_secs_f64();

    progress(LoadEvent::Started(Phase::Indexes));
    let index_started = Instant::now();
    // After a failed load too, so the schema is whole whatever happened to the rows.
    let restored = if set_aside > 0 {
        super::deferred::restore(database_url)
    } else {
        Ok(0)
    };
    let jobs_loaded = copied?;
    announced?;
    let rebuilt = restored?;
    let index_seconds = index_started.elapsed().as_secs_f64();

    // COPY with explicit ids leaves the identity sequence behind; later inserts need it ahead.
    diesel::sql_query(
        "SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT max(id) FROM jobs))",
    )
    .execute(&mut conn)?;
    progress(LoadEvent::Started(Phase::Vacuum));
    let vacuum_started = Instant::now();
    // VACUUM sets the visibility map, so index-only scans skip the heap from the start.
    // (COPY FREEZE would set it while copying, but only into a table created or
    // truncated in the same transaction, which an append to a live table is not.)
    diesel::sql_query("VACUUM ANALYZE jobs, job_technologies, companies").execute(&mut conn)?;
    let vacuum_seconds = vacuum_started.elapsed().as_secs_f64();
    Ok(BulkReport {
        jobs: jobs_loaded,
        companies: companies_added,
        rebuilt,
        prepare_seconds,
        rows_seconds,
        index_seconds,
        vacuum_seconds,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Copies the jobs `first_id..first_id + count` on [`LOAD_CONNECTIONS`] connections, a
/// share each. Returns how many were copied.
fn copy_rows(
    database_url: &str,
    count: u64,
    first_id: i64,
    now: DateTime<Utc>,
    lookup: &Lookup,
    text: Option<TextSink>,
    progress: &(impl Fn(LoadEvent) + Sync),
) -> Result<u64, RepoError> {
    let loaded = AtomicU64::new(0);
    let share = count.div_ceil(LOAD_CONNECTIONS);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..LOAD_CONNECTIONS)
            .map(|worker| {
                let begin = first_id + i64::try_from(worker * share).unwrap_or(0);
                let end = first_id + i64::try_from(((worker + 1) * share).min(count)).unwrap_or(0);
                let loaded = &loaded;
                let text = text.clone();
                scope.spawn(move || -> Result<(), RepoError> {
                    let mut conn = connect(database_url)?;
                    crate::repo::catalog::quiet_notifications(&mut conn)?;
                    // Generated rows can be generated again: a commit lost in a crash
                    // costs nothing, and not waiting for each flush saves time.
                    conn.batch_execute("SET synchronous_commit = off")?;
                    // The two description columns make rows long enough to be
                    // compressed; lz4 does that several times faster than the default.
                    // (The column's own setting, if any, still wins; a server built
                    // without lz4 keeps its default.)
                    if conn
                        .batch_execute("SET default_toast_compression = 'lz4'")
                        .is_err()
                    {
                        tracing::debug!("no lz4 on this server: descriptions use its default");
                    }
                    // A seed per starting id keeps repeated loads from being copies.
                    let mut rng = Rng::new(0x0b0a_5eed ^ begin as u64);
                    let mut html = DescriptionHtml::default();
                    let mut next = begin;
                    while next < end {
                        let batch_end = (next + BATCH as i64).min(end);
                        let (rows, links) =
                            build_batch(&mut rng, &mut html, next..batch_end, lookup, now);
                        // The words first: the index builds while PostgreSQL copies.
                        if let Some(sink) = &text {
                            for chunk in rows.chunks(TEXT_CHUNK) {
                                let words = chunk.iter().filter_map(|row| job_text(row, lookup));
                                let words: Vec<JobText> = words.collect();
                                // A closed sink (the index build failed) leaves the
                                // index to be built from the database afterwards.
                                if !words.is_empty() && sink.send(words).is_err() {
                                    break;
                                }
                            }
                        }
                        conn.transaction(|conn| {
                            diesel::copy_from(jobs::table)
                                .from_insertable(&rows)
                                .execute(conn)?;
                            diesel::copy_from(job_technologies::table)
                                .from_insertable(&links)
                                .execute(conn)?;
                            Ok::<_, RepoError>(())
                        })?;
                        let size = u64::try_from(batch_end - next).unwrap_or(0);
                        progress(LoadEvent::Rows(
                            loaded.fetch_add(size, Ordering::Relaxed) + size,
                        ));
                        next = batch_end;
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|worker| {
            worker
                .join()
                .unwrap_or_else(|_| Err(RepoError::InvalidRow("loader thread panicked".into())))
        })
    })?;
    Ok(loaded.into_inner())
}

/// The words of a published row for the text index, as the database would give them.
fn job_text(row: &BulkJobRow, lookup: &Lookup) -> Option<JobText> {
    if row.status != JobStatus::Published.as_str() {
        return None;
    }
    Some(JobText {
        id: row.id,
        published: true,
        updated_at: row.updated_at,
        title: row.title.clone(),
        company: lookup.company_names.get(&row.company_id)?.clone(),
        city: row.city.clone(),
        seniority: crate::domain::job::Seniority::parse(row.seniority).ok()?,
        remote: crate::domain::job::RemotePolicy::parse(row.remote_policy).ok()?,
        employment: crate::domain::job::EmploymentType::parse(row.employment_type).ok()?,
        technology_slugs: row
            .technology_slugs
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        description: row.description.clone(),
    })
}

/// Hands the published jobs already in the database (ids below `first_id`) to `sink`.
fn hand_over_existing(
    conn: &mut PgConnection,
    first_id: i64,
    sink: &TextSink,
) -> Result<(), RepoError> {
    let mut after = 0;
    loop {
        let chunk = crate::repo::search::published_after(conn, after, TEXT_CHUNK as i64)?;
        let Some(last) = chunk.last() else {
            return Ok(());
        };
        after = last.id;
        let chunk: Vec<JobText> = chunk.into_iter().filter(|j| j.id < first_id).collect();
        if chunk.is_empty() || sink.send(chunk).is_err() || after >= first_id {
            return Ok(());
        }
    }
}

pub(super) fn connect(database_url: &str) -> Result<PgConnection, RepoError> {
    crate::db::connect(database_url).map_err(|e| RepoError::Unavailable(e.to_string()))
}

/// Rows for the job ids in `ids` and their technology links.
fn build_batch(
    rng: &mut Rng,
    html: &mut DescriptionHtml,
    ids: std::ops::Range<i64>,
    lookup: &Lookup,
    now: DateTime<Utc>,
) -> (Vec<BulkJobRow>, Vec<JobTechnologyRow>) {
    let mut rows = Vec::with_capacity(BATCH);
    let mut links = Vec::with_capacity(BATCH * 4);
    for id in ids {
        let job = generate(rng, now, false);
        let company_units = &lookup.units[job.company.slug];
        let company_id = company_units[rng.below(company_units.len())];
        let title_slug =
            Slug::from_text(&job.title).map_or_else(|_| "job".to_owned(), Slug::into_string);
        let slug = format!("{}-{id}", truncate_slug(&title_slug, 100));
        for tech in &job.technology_slugs {
            if let Some(technology_id) = lookup.technology_ids.get(*tech) {
                links.push(JobTechnologyRow {
                    job_id: id,
                    technology_id: *technology_id,
                });
            }
        }
        rows.push(BulkJobRow {
            id,
            apply_url: Some(format!("{}/careers/{slug}", job.company.website)),
            slug,
            title: job.title,
            company_id,
            description_html: Some(html.render(&job.description_blocks)),
            description: job.description,
            city: job.location.city,
            country: job.location.country,
            remote_policy: job.location.remote.as_str(),
            remote_countries: job.location.remote_countries,
            seniority: job.seniority.as_str(),
            employment_type: job.employment_type.as_str(),
            salary_min: job
                .salary
                .map(|s| i32::try_from(s.min()).unwrap_or(i32::MAX)),
            salary_max: job
                .salary
                .map(|s| i32::try_from(s.max()).unwrap_or(i32::MAX)),
            salary_currency: job.salary.map(|s| s.currency().code()),
            salary_period: job.salary.map(|s| s.period().as_str()),
            apply_email: None,
            posted_at: job.posted_at,
            valid_through: job.valid_through,
            status: job.status.as_str(),
            created_at: job.posted_at,
            updated_at: job.posted_at,
            technology_slugs: job.technology_slugs,
        });
    }
    (rows, links)
}

fn truncate_slug(slug: &str, max: usize) -> &str {
    if slug.len() <= max {
        return slug;
    }
    slug[..max].trim_end_matches('-')
}

/// Each demo company gets `units` synthetic sister companies ("… Unit 7") in its city,
/// so a large data set spreads over many employers. Returns how many were new.
fn ensure_units(conn: &mut PgConnection, units: usize) -> Result<usize, RepoError> {
    let mut added = 0;
    for company in COMPANIES {
        let rows: Vec<(String, String)> = (1..=units)
            .map(|n| {
                (
                    format!("{}-unit-{n}", company.slug),
                    format!("{} Unit {n}", company.name),
                )
            })
            .collect();
        let new_rows: Vec<NewCompanyRow> = rows
            .iter()
            .map(|(slug, name)| NewCompanyRow {
                slug,
                name,
                city: company.city,
                website: Some(company.website),
                about: company.about,
                size_band: company.size,
            })
            .collect();
        for chunk in new_rows.chunks(1_000) {
            added += diesel::insert_into(companies::table)
                .values(chunk)
                .on_conflict(companies::slug)
                .do_nothing()
                .execute(conn)?;
        }
    }
    Ok(added)
}

/// Company ids for each demo company slug: the company itself and its units.
fn unit_ids(conn: &mut PgConnection) -> Result<HashMap<&'static str, Vec<i64>>, RepoError> {
    let rows: Vec<(String, i64)> = companies::table
        .select((companies::slug, companies::id))
        .load(conn)?;
    let mut map: HashMap<&'static str, Vec<i64>> = HashMap::new();
    for company in COMPANIES {
        map.insert(company.slug, Vec::new());
    }
    for (slug, id) in rows {
        let base = slug
            .split_once("-unit-")
            .map_or(slug.as_str(), |(base, _)| base);
        if let Some(company) = COMPANIES.iter().find(|c| c.slug == base) {
            map.entry(company.slug).or_default().push(id);
        }
    }
    Ok(map)
}
