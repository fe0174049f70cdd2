//! Jobs: listings, the job page, the cards of similar jobs and inserts.

use super::convert;
use super::{RepoError, RepoResult};
use crate::db::models::{CompanyRefRow, JobPageRow, JobWithCompanyRow, NewJobRow};
use crate::db::schema::{companies, job_technologies, jobs, technologies};
use crate::domain::job::{ApplyChannel, JobDetail, JobPage, JobStatus, JobSummary, NewJob};
use crate::domain::markdown::{SafeHtml, render_without_images};
use crate::domain::slug::Slug;
use crate::domain::technology::Technology;
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use std::collections::HashMap;

type OpenJobsQuery = jobs::BoxedQuery<'static, Pg>;

/// Published jobs that have not expired at `now`.
fn all_open_jobs(now: DateTime<Utc>) -> OpenJobsQuery {
    jobs::table
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .filter(jobs::valid_through.gt(now))
        .into_boxed()
}

/// The newest open jobs, for the home page.
pub fn latest(
    conn: &mut PgConnection,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<JobSummary>> {
    let ids: Vec<i64> = all_open_jobs(now)
        .select(jobs::id)
        .order((jobs::posted_at.desc(), jobs::id.desc()))
        .limit(limit)
        .load(conn)?;
    summaries_in_order(conn, &ids)
}

/// Open jobs of one company, newest first.
pub fn open_for_company(
    conn: &mut PgConnection,
    company_id: i64,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<JobSummary>> {
    let ids: Vec<i64> = all_open_jobs(now)
        .filter(jobs::company_id.eq(company_id))
        .select(jobs::id)
        .order((jobs::posted_at.desc(), jobs::id.desc()))
        .limit(limit)
        .load(conn)?;
    summaries_in_order(conn, &ids)
}

/// Open jobs that use any of the given technologies, newest first (for article pages).
pub fn open_with_any_technology(
    conn: &mut PgConnection,
    technology_slugs: &[String],
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<JobSummary>> {
    if technology_slugs.is_empty() {
        return Ok(Vec::new());
    }
    let with_technology = job_technologies::table
        .inner_join(technologies::table)
        .filter(technologies::slug.eq_any(technology_slugs.to_vec()))
        .select(job_technologies::job_id);
    let ids: Vec<i64> = all_open_jobs(now)
        .filter(jobs::id.eq_any(with_technology))
        .select(jobs::id)
        .order((jobs::posted_at.desc(), jobs::id.desc()))
        .limit(limit)
        .load(conn)?;
    summaries_in_order(conn, &ids)
}

/// Loads job cards for `ids` and returns them in the order of `ids`.
pub fn summaries_in_order(conn: &mut PgConnection, ids: &[i64]) -> RepoResult<Vec<JobSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let technologies = super::technologies::all(conn)?;
    summaries_in_order_named(conn, ids, &technologies)
}

/// [`summaries_in_order`] with every technology (`technologies::all`) already read, for
/// pages that show them anyway.
pub fn summaries_in_order_named(
    conn: &mut PgConnection,
    ids: &[i64],
    technologies: &[Technology],
) -> RepoResult<Vec<JobSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<JobWithCompanyRow> = jobs::table
        .inner_join(companies::table)
        .filter(jobs::id.eq_any(ids))
        .select(JobWithCompanyRow::as_select())
        .load(conn)?;
    let names = TechnologyNames::new(technologies);
    let logos =
        super::images::find_shared(conn, rows.iter().filter_map(|r| r.company.logo_image_id))?;
    let mut by_id: HashMap<i64, JobWithCompanyRow> =
        rows.into_iter().map(|r| (r.job.id, r)).collect();
    ids.iter()
        .filter_map(|id| by_id.remove(id))
        .map(|row| {
            let techs = names.of(&row.job.technology_slugs);
            let CompanyRefRow {
                slug,
                name,
                logo_image_id,
            } = row.company;
            let logo = logo_image_id.and_then(|id| logos.get(&id).cloned());
            convert::job_summary(row.job, name, &slug, logo, techs)
        })
        .collect()
}

/// Every technology by slug, with its place in name order. A job row keeps its
/// technologies' slugs (`jobs.technology_slugs`, which the catalog reads too): with the
/// few dozen names read in one small query, a page needs no join per job.
struct TechnologyNames(HashMap<String, (usize, Technology)>);

impl TechnologyNames {
    /// From `technologies::all`, which lists them in name order.
    fn new(technologies: &[Technology]) -> Self {
        Self(
            technologies
                .iter()
                .enumerate()
                .map(|(rank, t)| (t.slug.to_string(), (rank, t.clone())))
                .collect(),
        )
    }

    /// The technologies of `slugs`, in name order; unknown slugs are left out.
    fn of(&self, slugs: &[Option<String>]) -> Vec<Technology> {
        let mut found: Vec<&(usize, Technology)> = slugs
            .iter()
            .flatten()
            .filter_map(|slug| self.0.get(slug))
            .collect();
        found.sort_unstable_by_key(|(rank, _)| *rank);
        found.dedup_by_key(|(rank, _)| *rank);
        found.into_iter().map(|(_, t)| t.clone()).collect()
    }
}

/// A job by slug, whatever its status: closed and expired jobs keep their page. Drafts
/// are not public and read as not found.
pub fn find_public_by_slug(conn: &mut PgConnection, slug: &Slug) -> RepoResult<JobPage> {
    let row: JobPageRow = jobs::table
        .inner_join(companies::table)
        .filter(jobs::slug.eq(slug.as_str()))
        .filter(jobs::status.ne(JobStatus::Draft.as_str()))
        .select(JobPageRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("job"))?;
    let technologies =
        TechnologyNames::new(&super::technologies::all(conn)?).of(&row.card.technology_slugs);
    let logo = super::images::find_optional(conn, row.company.logo_image_id)?;
    let company = convert::company(row.company, logo)?;
    let extra = row.extra;
    let apply = match (extra.apply_url, extra.apply_email) {
        (Some(url), _) => ApplyChannel::Url(url),
        (None, Some(email)) => ApplyChannel::Email(email),
        (None, None) => return Err(RepoError::InvalidRow("job without apply channel".into())),
    };
    let summary = convert::job_summary(
        row.card,
        company.name.clone(),
        company.slug.as_str(),
        company.logo.clone().map(std::sync::Arc::new),
        technologies,
    )?;
    Ok(JobPage {
        job: JobDetail {
            summary,
            description_markdown: extra.description,
            description_html: extra.description_html.map(SafeHtml::from_stored),
            apply,
            valid_through: extra.valid_through,
            status: JobStatus::parse(&extra.status)?,
        },
        company,
    })
}

/// Whether there are any jobs at all (the first start seeds demo content when not).
pub fn any_exist(conn: &mut PgConnection) -> RepoResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(jobs::table.select(jobs::id))).get_result(conn)?)
}

/// Inserts a job with its technologies. Returns `None` when a job with that slug exists
/// already, which makes seeding repeatable.
pub fn insert(conn: &mut PgConnection, job: &NewJob) -> RepoResult<Option<i64>> {
    let description_html = render_without_images(&job.description_markdown);
    conn.transaction(|conn| {
        let company_id: i64 = companies::table
            .filter(companies::slug.eq(job.company_slug.as_str()))
            .select(companies::id)
            .first(conn)
            .optional()?
            .ok_or(RepoError::NotFound("company"))?;
        let technology_slugs: Vec<&str> = job.technology_slugs.iter().map(Slug::as_str).collect();
        let technology_ids: Vec<i64> = technologies::table
            .filter(technologies::slug.eq_any(&technology_slugs))
            .select(technologies::id)
            .load(conn)?;
        if technology_ids.len() != technology_slugs.len() {
            return Err(RepoError::NotFound("technology"));
        }
        let (apply_url, apply_email) = match &job.apply {
            ApplyChannel::Url(url) => (Some(url.as_str()), None),
            ApplyChannel::Email(email) => (None, Some(email.as_str())),
        };
        let salary = job.salary.as_ref();
        let row = NewJobRow {
            slug: job.slug.as_str(),
            title: &job.title,
            company_id,
            description: &job.description_markdown,
            description_html: description_html.as_str(),
            city: job.location.city.as_deref(),
            country: &job.location.country,
            remote_policy: job.location.remote.as_str(),
            remote_countries: job
                .location
                .remote_countries
                .iter()
                .map(String::as_str)
                .collect(),
            seniority: job.seniority.as_str(),
            employment_type: job.employment_type.as_str(),
            salary_min: salary.map(|s| i32::try_from(s.min()).unwrap_or(i32::MAX)),
            salary_max: salary.map(|s| i32::try_from(s.max()).unwrap_or(i32::MAX)),
            salary_currency: salary.map(|s| s.currency().code()),
            salary_period: salary.map(|s| s.period().as_str()),
            apply_url,
            apply_email,
            posted_at: job.posted_at,
            valid_through: job.valid_through,
            status: job.status.as_str(),
            technology_slugs: technology_slugs.clone(),
        };
        let id: Option<i64> = diesel::insert_into(jobs::table)
            .values(&row)
            .on_conflict(jobs::slug)
            .do_nothing()
            .returning(jobs::id)
            .get_result(conn)
            .optional()?;
        if let Some(id) = id {
            let links: Vec<_> = technology_ids
                .iter()
                .map(|technology_id| {
                    (
                        job_technologies::job_id.eq(id),
                        job_technologies::technology_id.eq(*technology_id),
                    )
                })
                .collect();
            diesel::insert_into(job_technologies::table)
                .values(&links)
                .execute(conn)?;
        }
        Ok(id)
    })
}

/// Changes a job's status (closing a job, publishing a draft).
pub fn set_status(conn: &mut PgConnection, slug: &Slug, status: JobStatus) -> RepoResult<()> {
    let updated = diesel::update(jobs::table.filter(jobs::slug.eq(slug.as_str())))
        .set((
            jobs::status.eq(status.as_str()),
            jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(RepoError::NotFound("job"));
    }
    Ok(())
}

/// What one round of [`render_descriptions`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderRound {
    /// Rendered and stored the descriptions of jobs up to id `through`.
    Rendered { through: i64, stored: usize },
    /// No job above the given id lacks a rendering.
    Finished,
    /// Another server is rendering descriptions right now.
    Busy,
}

/// Renders and stores the descriptions of up to `limit` jobs with ids above `after` that
/// have no rendering yet (saved before it was stored, or bulk loaded), in id order. The
/// partial index of such rows finds them, however large the table.
///
/// Fills in a derived column only: no notification per job, and `updated_at` stays
/// (see the `set_updated_at` trigger). A job written meanwhile keeps what its writer
/// stored. One server at a time does this, so that several
/// starting at once do not all render the same descriptions.
pub fn render_descriptions(
    conn: &mut PgConnection,
    after: i64,
    limit: i64,
) -> RepoResult<RenderRound> {
    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        claimed: bool,
    }
    conn.transaction(|conn| {
        let lock: Claimed = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS claimed")
            .bind::<BigInt, _>(RENDERING_LOCK)
            .get_result(conn)?;
        if !lock.claimed {
            return Ok(RenderRound::Busy);
        }
        let pending: Vec<(i64, String, DateTime<Utc>)> = jobs::table
            .filter(jobs::description_html.is_null())
            .filter(jobs::id.gt(after))
            .order(jobs::id.asc())
            .limit(limit)
            .select((jobs::id, jobs::description, jobs::updated_at))
            .load(conn)?;
        let Some(&(through, _, _)) = pending.last() else {
            return Ok(RenderRound::Finished);
        };
        let ids: Vec<i64> = pending.iter().map(|(id, _, _)| *id).collect();
        let versions: Vec<DateTime<Utc>> = pending.iter().map(|(_, _, at)| *at).collect();
        let html: Vec<String> = pending
            .iter()
            .map(|(_, markdown, _)| render_without_images(markdown).as_str().to_owned())
            .collect();
        conn.batch_execute(
            "SET LOCAL jobboard.bulk_load = 'on'; SET LOCAL jobboard.derived_only = 'on'",
        )?;
        let stored = diesel::sql_query(
            "UPDATE jobs j SET description_html = r.html
               FROM unnest($1, $2, $3) AS r(id, updated_at, html)
              WHERE j.id = r.id AND j.description_html IS NULL AND j.updated_at = r.updated_at",
        )
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Array<diesel::sql_types::Timestamptz>, _>(versions)
        .bind::<Array<Text>, _>(html)
        .execute(conn)?;
        Ok(RenderRound::Rendered { through, stored })
    })
}

/// The advisory lock a server holds while it renders stored descriptions.
const RENDERING_LOCK: i64 = 0x6a6f_6273_6874_6d6c;
