//! What editors do to jobs at `/admin/jobs`: a filtered list, the form's data, create,
//! update, close, reopen and delete. Every change runs in one transaction with its audit
//! entry; the jobs table's trigger tells the catalog, so public pages follow at once.

use super::audit::audited;
use super::{RepoError, RepoResult};
use crate::db::schema::{companies, job_technologies, jobs, technologies};
use crate::domain::audit::AuditEntry;
use crate::domain::job::{ApplyChannel, JobContent, JobStatus};
use crate::domain::markdown::render_without_images;
use crate::domain::slug::Slug;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Which jobs the editors' list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatusFilter {
    All,
    Draft,
    /// Published and not past its date.
    Published,
    Closed,
    /// Published but past its date.
    Expired,
}

impl JobStatusFilter {
    pub const ALL: [Self; 5] = [
        Self::All,
        Self::Draft,
        Self::Published,
        Self::Closed,
        Self::Expired,
    ];

    /// Unknown values show everything.
    pub fn parse(raw: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == raw)
            .unwrap_or(Self::All)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "",
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Closed => "closed",
            Self::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "Any status",
            Self::Draft => "Draft",
            Self::Published => "Published",
            Self::Closed => "Closed",
            Self::Expired => "Expired",
        }
    }
}

/// What the editors' list filters by.
#[derive(Debug, Clone)]
pub struct JobListFilter {
    pub status: JobStatusFilter,
    /// Part of the company's name, any case.
    pub company: String,
    /// Part of the title, any case.
    pub text: String,
}

/// One row of the editors' list.
#[derive(Debug, Clone, Queryable)]
pub struct AdminJobListing {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub valid_through: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub company_name: String,
}

fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of jobs, most recently changed first (ties by id), and the total that match.
pub fn list(
    conn: &mut PgConnection,
    filter: &JobListFilter,
    now: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> RepoResult<(Vec<AdminJobListing>, i64)> {
    let query = || {
        let mut q = jobs::table.inner_join(companies::table).into_boxed();
        q = match filter.status {
            JobStatusFilter::All => q,
            JobStatusFilter::Draft => q.filter(jobs::status.eq(JobStatus::Draft.as_str())),
            JobStatusFilter::Closed => q.filter(jobs::status.eq(JobStatus::Closed.as_str())),
            JobStatusFilter::Published => q
                .filter(jobs::status.eq(JobStatus::Published.as_str()))
                .filter(jobs::valid_through.gt(now)),
            JobStatusFilter::Expired => q
                .filter(jobs::status.eq(JobStatus::Published.as_str()))
                .filter(jobs::valid_through.le(now)),
        };
        if !filter.company.is_empty() {
            q = q.filter(companies::name.ilike(contains_pattern(&filter.company)));
        }
        if !filter.text.is_empty() {
            q = q.filter(jobs::title.ilike(contains_pattern(&filter.text)));
        }
        q
    };
    let total: i64 = query().count().get_result(conn)?;
    let rows = query()
        .order((jobs::updated_at.desc(), jobs::id.desc()))
        .limit(limit)
        .offset(offset)
        .select((
            jobs::id,
            jobs::slug,
            jobs::title,
            jobs::status,
            jobs::valid_through,
            jobs::updated_at,
            companies::name,
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// Every company as `(id, name)`, by name, for the form's select.
pub fn company_choices(conn: &mut PgConnection) -> RepoResult<Vec<(i64, String)>> {
    Ok(companies::table
        .order((companies::name.asc(), companies::id.asc()))
        .select((companies::id, companies::name))
        .load(conn)?)
}

/// A job as the form shows it: the stored values.
#[derive(Debug, Clone)]
pub struct EditableJob {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub company_id: i64,
    pub description: String,
    pub technology_slugs: Vec<String>,
    pub seniority: String,
    pub employment_type: String,
    pub remote_policy: String,
    pub city: Option<String>,
    pub remote_countries: Vec<String>,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
    pub salary_currency: Option<String>,
    pub salary_period: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email: Option<String>,
    pub valid_through: DateTime<Utc>,
    pub status: String,
    pub country: String,
}

type EditableTuple = (
    (i64, String, String, i64, String, Vec<Option<String>>),
    (String, String, String, Option<String>, Vec<Option<String>>),
    (
        Option<i32>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
    (DateTime<Utc>, String, String),
);

/// The job with `id` for the form, or `NotFound`.
pub fn find_editable(conn: &mut PgConnection, id: i64) -> RepoResult<EditableJob> {
    let row: EditableTuple = jobs::table
        .filter(jobs::id.eq(id))
        .select((
            (
                jobs::id,
                jobs::slug,
                jobs::title,
                jobs::company_id,
                jobs::description,
                jobs::technology_slugs,
            ),
            (
                jobs::seniority,
                jobs::employment_type,
                jobs::remote_policy,
                jobs::city,
                jobs::remote_countries,
            ),
            (
                jobs::salary_min,
                jobs::salary_max,
                jobs::salary_currency,
                jobs::salary_period,
                jobs::apply_url,
                jobs::apply_email,
            ),
            (jobs::valid_through, jobs::status, jobs::country),
        ))
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("job"))?;
    let ((id, slug, title, company_id, description, techs), b, c, d) = row;
    Ok(EditableJob {
        id,
        slug,
        title,
        company_id,
        description,
        technology_slugs: techs.into_iter().flatten().collect(),
        seniority: b.0,
        employment_type: b.1,
        remote_policy: b.2,
        city: b.3,
        remote_countries: b.4.into_iter().flatten().collect(),
        salary_min: c.0,
        salary_max: c.1,
        salary_currency: c.2,
        salary_period: c.3,
        apply_url: c.4,
        apply_email: c.5,
        valid_through: d.0,
        status: d.1,
        country: d.2,
    })
}

/// A valid job as the editors' form saves it.
#[derive(Debug, Clone)]
pub struct JobInput {
    pub content: JobContent,
    pub company_id: i64,
    pub status: JobStatus,
}

impl JobInput {
    pub fn new(content: JobContent, company_id: i64, status: JobStatus) -> Self {
        Self {
            content,
            company_id,
            status,
        }
    }
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = jobs, treat_none_as_null = true)]
struct JobChangeset<'a> {
    title: &'a str,
    company_id: i64,
    description: &'a str,
    /// Rendered here, so that no way of saving a job leaves it out.
    description_html: String,
    city: Option<&'a str>,
    country: &'a str,
    remote_policy: &'a str,
    remote_countries: Vec<&'a str>,
    seniority: &'a str,
    employment_type: &'a str,
    salary_min: Option<i32>,
    salary_max: Option<i32>,
    salary_currency: Option<&'a str>,
    salary_period: Option<&'a str>,
    apply_url: Option<&'a str>,
    apply_email: Option<&'a str>,
    valid_through: DateTime<Utc>,
    status: &'a str,
    technology_slugs: Vec<&'a str>,
}

impl<'a> JobChangeset<'a> {
    fn new(input: &'a JobInput) -> Self {
        let job = &input.content;
        let (apply_url, apply_email) = match &job.apply {
            ApplyChannel::Url(url) => (Some(url.as_str()), None),
            ApplyChannel::Email(email) => (None, Some(email.as_str())),
        };
        let salary = job.salary.as_ref();
        Self {
            title: &job.title,
            company_id: input.company_id,
            description: &job.description_markdown,
            description_html: render_without_images(&job.description_markdown)
                .as_str()
                .to_owned(),
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
            valid_through: job.valid_through,
            status: input.status.as_str(),
            technology_slugs: job.technology_slugs.iter().map(Slug::as_str).collect(),
        }
    }
}

/// Links the job to exactly the given technologies.
fn link_technologies(conn: &mut PgConnection, job_id: i64, slugs: &[Slug]) -> RepoResult<()> {
    let slugs: Vec<&str> = slugs.iter().map(Slug::as_str).collect();
    let ids: Vec<i64> = technologies::table
        .filter(technologies::slug.eq_any(&slugs))
        .select(technologies::id)
        .load(conn)?;
    if ids.len() != slugs.len() {
        return Err(RepoError::NotFound("technology"));
    }
    diesel::delete(job_technologies::table.filter(job_technologies::job_id.eq(job_id)))
        .execute(conn)?;
    let links: Vec<_> = ids
        .iter()
        .map(|t| {
            (
                job_technologies::job_id.eq(job_id),
                job_technologies::technology_id.eq(*t),
            )
        })
        .collect();
    diesel::insert_into(job_technologies::table)
        .values(&links)
        .execute(conn)?;
    Ok(())
}

/// A slug from the title and company that no job or retired job address uses yet.
fn free_slug(conn: &mut PgConnection, base: &str) -> RepoResult<String> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{n}")
        };
        let taken: bool = diesel::select(diesel::dsl::exists(
            jobs::table.filter(jobs::slug.eq(&candidate)),
        ))
        .get_result(conn)?;
        let retired: bool = diesel::select(diesel::dsl::exists(
            crate::db::schema::slug_history::table
                .filter(crate::db::schema::slug_history::entity.eq("job"))
                .filter(crate::db::schema::slug_history::slug.eq(&candidate)),
        ))
        .get_result(conn)?;
        if !taken && !retired {
            return Ok(candidate);
        }
    }
    Err(RepoError::Conflict("no free job address".into()))
}

/// Creates a job (posted now) with its audit entry; returns its id and slug.
pub fn create(
    conn: &mut PgConnection,
    entry: AuditEntry,
    job: &JobInput,
    now: DateTime<Utc>,
) -> RepoResult<(i64, String)> {
    audited(conn, entry, |conn, entry| {
        let (id, slug) = insert(conn, job, now)?;
        entry.subject_id = Some(id);
        Ok((id, slug))
    })
}

/// Inserts a job (posted now) with an address made from its title and company, inside
/// the caller's transaction; returns its id and slug.
pub(super) fn insert(
    conn: &mut PgConnection,
    job: &JobInput,
    now: DateTime<Utc>,
) -> RepoResult<(i64, String)> {
    let company_slug: String = companies::table
        .filter(companies::id.eq(job.company_id))
        .select(companies::slug)
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("company"))?;
    let base = Slug::from_text(&format!("{} {}", job.content.title, company_slug))
        .map(Slug::into_string)
        .unwrap_or_else(|_| "job".to_owned());
    // Room for a "-999" suffix within the 120 characters a slug may have.
    let base = match base.char_indices().nth(100) {
        Some((cut, _)) => base[..cut].trim_end_matches('-').to_owned(),
        None => base,
    };
    let slug = free_slug(conn, &base)?;
    let id: i64 = diesel::insert_into(jobs::table)
        .values((
            &JobChangeset::new(job),
            jobs::slug.eq(&slug),
            jobs::posted_at.eq(now),
        ))
        .returning(jobs::id)
        .get_result(conn)?;
    link_technologies(conn, id, &job.content.technology_slugs)?;
    Ok((id, slug))
}

/// Saves the content of job `id` (not its company or status) inside the caller's
/// transaction: an employer's approved edit.
pub(super) fn update_content(
    conn: &mut PgConnection,
    id: i64,
    content: &JobContent,
) -> RepoResult<()> {
    let current: (i64, String) = jobs::table
        .filter(jobs::id.eq(id))
        .select((jobs::company_id, jobs::status))
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("job"))?;
    let status = JobStatus::parse(&current.1)
        .map_err(|_| RepoError::InvalidRow(format!("job {id} has status {}", current.1)))?;
    let input = JobInput::new(content.clone(), current.0, status);
    diesel::update(jobs::table.filter(jobs::id.eq(id)))
        .set((
            JobChangeset::new(&input),
            jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    link_technologies(conn, id, &content.technology_slugs)
}

/// Saves the form over the job `id` (its address stays) with its audit entry.
pub fn update(
    conn: &mut PgConnection,
    entry: AuditEntry,
    id: i64,
    job: &JobInput,
) -> RepoResult<()> {
    let changes = JobChangeset::new(job);
    audited(conn, entry, |conn, _| {
        let before: String = jobs::table
            .find(id)
            .select(jobs::status)
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(RepoError::NotFound("job"))?;
        diesel::update(jobs::table.filter(jobs::id.eq(id)))
            .set((changes, jobs::updated_at.eq(diesel::dsl::now)))
            .execute(conn)?;
        // A draft goes public now: that is when it was posted, for job seekers, the
        // JobPosting's datePosted and the alert digests that look for new jobs.
        if before == JobStatus::Draft.as_str() && job.status == JobStatus::Published {
            diesel::update(jobs::table.find(id))
                .set(jobs::posted_at.eq(diesel::dsl::now))
                .execute(conn)?;
        }
        link_technologies(conn, id, &job.content.technology_slugs)
    })
}

/// Sets the status of job `id` (close, reopen) with its audit entry.
pub fn set_status(
    conn: &mut PgConnection,
    entry: AuditEntry,
    id: i64,
    status: JobStatus,
) -> RepoResult<()> {
    audited(conn, entry, |conn, _| {
        let updated = diesel::update(jobs::table.filter(jobs::id.eq(id)))
            .set((
                jobs::status.eq(status.as_str()),
                jobs::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(RepoError::NotFound("job"));
        }
        Ok(())
    })
}

/// Deletes job `id` with its audit entry; its address then answers 410 (the
/// `jobs_remember_slug` trigger keeps it in `slug_history`).
pub fn delete(conn: &mut PgConnection, entry: AuditEntry, id: i64) -> RepoResult<()> {
    audited(conn, entry, |conn, _| {
        let deleted = diesel::delete(jobs::table.filter(jobs::id.eq(id))).execute(conn)?;
        if deleted == 0 {
            return Err(RepoError::NotFound("job"));
        }
        Ok(())
    })
}
