//! Bulk synthetic jobs for benchmarks, loaded with `COPY` so a million rows take minutes.

use super::companies::COMPANIES;
use super::generator::{Rng, generate};
use crate::db::models::{BulkJobRow, JobTechnologyRow, NewCompanyRow};
use crate::db::schema::{companies, job_technologies, jobs, technologies};
use crate::domain::slug::Slug;
use crate::repo::RepoError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;
use std::time::Instant;

/// Rows sent per `COPY`; large enough to amortise round trips, small enough to keep
/// memory flat.
const BATCH: usize = 20_000;
/// About one company per this many jobs, as on real boards.
const JOBS_PER_COMPANY: u64 = 400;

#[derive(Debug, Clone)]
pub struct BulkReport {
    pub jobs: u64,
    pub companies: usize,
    pub seconds: f64,
}

/// Appends `count` synthetic jobs (and the companies they need). Calls `progress` with
/// the number of jobs loaded so far after every batch.
pub fn load_jobs(
    conn: &mut PgConnection,
    count: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(u64),
) -> Result<BulkReport, RepoError> {
    let started = Instant::now();
    super::ensure_technologies(conn)?;
    super::ensure_demo_companies(conn)?;
    let units_per_company =
        usize::try_from((count / JOBS_PER_COMPANY / COMPANIES.len() as u64).max(1)).unwrap_or(1);
    let companies_added = ensure_units(conn, units_per_company)?;
    let units = unit_ids(conn)?;
    let technology_ids: HashMap<String, i64> = technologies::table
        .select((technologies::slug, technologies::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();

    let first_id: i64 = jobs::table
        .select(diesel::dsl::max(jobs::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0)
        + 1;
    // A different seed per starting id keeps repeated loads from being copies.
    let mut rng = Rng::new(0x0b0a_5eed ^ first_id as u64);
    let mut loaded = 0u64;
    while loaded < count {
        let size = usize::try_from((count - loaded).min(BATCH as u64)).unwrap_or(BATCH);
        let mut rows = Vec::with_capacity(size);
        let mut links = Vec::with_capacity(size * 4);
        for offset in 0..size {
            let id = first_id + i64::try_from(loaded).unwrap_or(0) + offset as i64;
            let job = generate(&mut rng, now, false);
            let company_units = &units[job.company.slug];
            let company_id = company_units[rng.below(company_units.len())];
            let title_slug =
                Slug::from_text(&job.title).map_or_else(|_| "job".to_owned(), Slug::into_string);
            let slug = format!("{}-{id}", truncate_slug(&title_slug, 100));
            for tech in &job.technology_slugs {
                if let Some(technology_id) = technology_ids.get(*tech) {
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
            });
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
        loaded += size as u64;
        progress(loaded);
    }
    // COPY with explicit ids leaves the identity sequence behind; later inserts need it ahead.
    diesel::sql_query(
        "SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT max(id) FROM jobs))",
    )
    .execute(conn)?;
    // VACUUM sets the visibility map, so index-only scans skip the heap from the start.
    diesel::sql_query("VACUUM ANALYZE jobs, job_technologies, companies").execute(conn)?;
    Ok(BulkReport {
        jobs: loaded,
        companies: companies_added,
        seconds: started.elapsed().as_secs_f64(),
    })
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
