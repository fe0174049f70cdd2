//! Jobs: listings, the job page, similar jobs and inserts.

use super::convert;
use super::{RepoError, RepoResult};
use crate::db::models::{CompanyRefRow, JobPageRow, JobWithCompanyRow, NewJobRow, TechnologyRow};
use crate::db::schema::{companies, job_technologies, jobs, technologies};
use crate::domain::filter::{COUNT_CAP, JobFilter, JobSearch, PAGE_SIZE, Pagination, Sort};
use crate::domain::job::{ApplyChannel, JobDetail, JobPage, JobStatus, JobSummary, NewJob};
use crate::domain::slug::Slug;
use crate::domain::technology::{NamedCount, Technology};
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use std::collections::HashMap;

type OpenJobsQuery = jobs::BoxedQuery<'static, Pg>;

/// A filter whose company slug has been looked up: an unknown company matches nothing
/// without touching the jobs at all.
enum Resolved<'a> {
    Filter(&'a JobFilter, Option<i64>),
    NoMatch,
}

fn resolve<'a>(conn: &mut PgConnection, filter: &'a JobFilter) -> RepoResult<Resolved<'a>> {
    match &filter.company {
        None => Ok(Resolved::Filter(filter, None)),
        Some(slug) => Ok(companies::table
            .filter(companies::slug.eq(slug.as_str()))
            .select(companies::id)
            .first::<i64>(conn)
            .optional()?
            .map_or(Resolved::NoMatch, |id| Resolved::Filter(filter, Some(id)))),
    }
}

/// Published jobs that have not expired at `now`, narrowed by `filter` (whose company,
/// if any, is `company_id`). Values within one filter are alternatives.
fn open_jobs(filter: &JobFilter, company_id: Option<i64>, now: DateTime<Utc>) -> OpenJobsQuery {
    let mut query = jobs::table
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .filter(jobs::valid_through.gt(now))
        .into_boxed();
    if !filter.technologies.is_empty() {
        let slugs: Vec<Option<String>> = filter
            .technologies
            .iter()
            .map(|t| Some(t.to_string()))
            .collect();
        query = query.filter(jobs::technology_slugs.overlaps_with(slugs));
    }
    if !filter.cities.is_empty() {
        query = query.filter(jobs::city.eq_any(filter.cities.clone()));
    }
    if let Some(remote) = filter.remote {
        query = query.filter(jobs::remote_policy.eq(remote.as_str()));
    }
    if !filter.seniorities.is_empty() {
        let levels: Vec<&'static str> = filter.seniorities.iter().map(|s| s.as_str()).collect();
        query = query.filter(jobs::seniority.eq_any(levels));
    }
    if let Some(employment) = filter.employment {
        query = query.filter(jobs::employment_type.eq(employment.as_str()));
    }
    if let Some(min_salary) = filter.min_salary {
        query =
            query.filter(jobs::salary_eur_year.ge(i32::try_from(min_salary).unwrap_or(i32::MAX)));
    }
    if let Some(days) = filter.posted_within {
        query = query.filter(jobs::posted_at.gt(now - chrono::Duration::days(i64::from(days))));
    }
    if let Some(company_id) = company_id {
        query = query.filter(jobs::company_id.eq(company_id));
    }
    if let Some(text) = &filter.query {
        // jobboard_search_text turns "C++" into "cpp" etc., exactly as for the documents.
        query = query.filter(
            sql::<Bool>(
                "jobs.search_document @@ websearch_to_tsquery('simple', jobboard_search_text(",
            )
            .bind::<Text, _>(text.clone())
            .sql("))"),
        );
    }
    query
}

/// Open jobs with no filter at all.
fn all_open_jobs(now: DateTime<Utc>) -> OpenJobsQuery {
    open_jobs(&JobFilter::default(), None, now)
}

/// One page of open jobs matching the search, newest first, and where that page stands.
pub fn search(
    conn: &mut PgConnection,
    search: &JobSearch,
    now: DateTime<Utc>,
) -> RepoResult<(Vec<JobSummary>, Pagination)> {
    let Resolved::Filter(filter, company_id) = resolve(conn, &search.filter)? else {
        return Ok((
            Vec::new(),
            Pagination {
                page: search.page,
                total: 0,
            },
        ));
    };
    // Counting stops past the cap, so a broad search costs a bounded index walk.
    let counted: Vec<i64> = open_jobs(filter, company_id, now)
        .select(jobs::id)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    let pagination = Pagination {
        page: search.page,
        total: i64::try_from(counted.len()).unwrap_or(i64::MAX),
    };
    if pagination.is_past_end() {
        return Ok((Vec::new(), pagination));
    }
    let jobs = matching_ids(
        conn,
        filter,
        company_id,
        search.sort,
        i64::from(PAGE_SIZE),
        search.offset(),
        now,
    )?;
    Ok((summaries_in_order(conn, &jobs)?, pagination))
}

fn matching_ids(
    conn: &mut PgConnection,
    filter: &JobFilter,
    company_id: Option<i64>,
    sort: Sort,
    limit: i64,
    offset: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<i64>> {
    let query = open_jobs(filter, company_id, now).select(jobs::id);
    let query = match (&filter.query, sort) {
        // Title over technologies and company over place over description, then newest.
        (Some(text), Sort::Relevance) => query.order((
            sql::<diesel::sql_types::Float>(
                "ts_rank(jobs.search_document, websearch_to_tsquery('simple', jobboard_search_text(",
            )
            .bind::<Text, _>(text.clone())
            .sql(")))")
            .desc(),
            jobs::posted_at.desc(),
            jobs::id.desc(),
        )),
        (_, Sort::Salary) => query.order((
            jobs::salary_eur_year.desc().nulls_last(),
            jobs::posted_at.desc(),
            jobs::id.desc(),
        )),
        _ => query.order((jobs::posted_at.desc(), jobs::id.desc())),
    };
    Ok(query.limit(limit).offset(offset).load(conn)?)
}

/// The newest open jobs matching `filter`, without counting them (for feeds).
pub fn newest_matching(
    conn: &mut PgConnection,
    filter: &JobFilter,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<JobSummary>> {
    let Resolved::Filter(filter, company_id) = resolve(conn, filter)? else {
        return Ok(Vec::new());
    };
    let ids = matching_ids(conn, filter, company_id, Sort::Newest, limit, 0, now)?;
    summaries_in_order(conn, &ids)
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
fn summaries_in_order(conn: &mut PgConnection, ids: &[i64]) -> RepoResult<Vec<JobSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<JobWithCompanyRow> = jobs::table
        .inner_join(companies::table)
        .filter(jobs::id.eq_any(ids))
        .select(JobWithCompanyRow::as_select())
        .load(conn)?;
    let mut technologies_by_job = technologies_of(conn, ids)?;
    let mut by_id: HashMap<i64, JobWithCompanyRow> =
        rows.into_iter().map(|r| (r.job.id, r)).collect();
    ids.iter()
        .filter_map(|id| by_id.remove(id))
        .map(|row| {
            let techs = technologies_by_job.remove(&row.job.id).unwrap_or_default();
            let CompanyRefRow { slug, name } = row.company;
            convert::job_summary(row.job, name, &slug, techs)
        })
        .collect()
}

/// The technologies of each job, in name order.
fn technologies_of(
    conn: &mut PgConnection,
    job_ids: &[i64],
) -> RepoResult<HashMap<i64, Vec<Technology>>> {
    let rows: Vec<(i64, TechnologyRow)> = job_technologies::table
        .inner_join(technologies::table)
        .filter(job_technologies::job_id.eq_any(job_ids))
        .order(technologies::name.asc())
        .select((job_technologies::job_id, TechnologyRow::as_select()))
        .load(conn)?;
    let mut map: HashMap<i64, Vec<Technology>> = HashMap::new();
    for (job_id, row) in rows {
        map.entry(job_id)
            .or_default()
            .push(convert::technology(row)?);
    }
    Ok(map)
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
    let technologies = technologies_of(conn, &[row.card.id])?
        .remove(&row.card.id)
        .unwrap_or_default();
    let company = convert::company(row.company)?;
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
        technologies,
    )?;
    Ok(JobPage {
        job: JobDetail {
            summary,
            description_markdown: extra.description,
            apply,
            valid_through: extra.valid_through,
            status: JobStatus::parse(&extra.status)?,
        },
        company,
    })
}

#[derive(QueryableByName)]
struct SimilarRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Open jobs most like the given one: most shared technologies, then the same city, then
/// the newest. Each technology contributes only its newest candidates, so the cost stays
/// flat however many jobs a popular technology has.
pub fn similar(
    conn: &mut PgConnection,
    job: &JobSummary,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<JobSummary>> {
    let ids: Vec<SimilarRow> = diesel::sql_query(
        "SELECT candidate.job_id AS id
           FROM job_technologies own
           CROSS JOIN LATERAL (
                SELECT jt.job_id
                  FROM job_technologies jt
                  JOIN jobs j ON j.id = jt.job_id
                 WHERE jt.technology_id = own.technology_id
                   AND jt.job_id <> $1
                   AND j.status = 'published'
                   AND j.valid_through > $2
                 ORDER BY jt.job_id DESC
                 LIMIT 50) candidate
           JOIN jobs cj ON cj.id = candidate.job_id
          WHERE own.job_id = $1
          GROUP BY candidate.job_id, cj.city, cj.posted_at
          ORDER BY count(*) DESC, (cj.city IS NOT DISTINCT FROM $3) DESC, cj.posted_at DESC, candidate.job_id DESC
          LIMIT $4",
    )
    .bind::<BigInt, _>(job.id)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::Nullable<Text>, _>(job.location.city.clone())
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    let ids: Vec<i64> = ids.into_iter().map(|r| r.id).collect();
    summaries_in_order(conn, &ids)
}

/// Cities with the most open jobs.
pub fn popular_cities(
    conn: &mut PgConnection,
    limit: i64,
    now: DateTime<Utc>,
) -> RepoResult<Vec<NamedCount>> {
    let rows: Vec<(Option<String>, i64)> = jobs::table
        .filter(jobs::status.eq(JobStatus::Published.as_str()))
        .filter(jobs::valid_through.gt(now))
        .filter(jobs::city.is_not_null())
        .group_by(jobs::city)
        .select((jobs::city, diesel::dsl::count_star()))
        .order((diesel::dsl::count_star().desc(), jobs::city.asc()))
        .limit(limit)
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(city, count)| city.map(|c| (c, count)))
        .map(|(city, count)| {
            Ok(NamedCount {
                slug: Slug::from_text(&city)?,
                name: city,
                count,
            })
        })
        .collect()
}

/// How many open jobs are fully remote.
pub fn count_open_remote(conn: &mut PgConnection, now: DateTime<Utc>) -> RepoResult<i64> {
    Ok(all_open_jobs(now)
        .filter(jobs::remote_policy.eq(crate::domain::job::RemotePolicy::Remote.as_str()))
        .count()
        .get_result(conn)?)
}

/// How many open jobs there are.
pub fn count_open(conn: &mut PgConnection, now: DateTime<Utc>) -> RepoResult<i64> {
    Ok(all_open_jobs(now).count().get_result(conn)?)
}

/// Whether there are any jobs at all (the first start seeds demo content when not).
pub fn any_exist(conn: &mut PgConnection) -> RepoResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(jobs::table.select(jobs::id))).get_result(conn)?)
}

/// Inserts a job with its technologies. Returns `None` when a job with that slug exists
/// already, which makes seeding repeatable.
pub fn insert(conn: &mut PgConnection, job: &NewJob) -> RepoResult<Option<i64>> {
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

/// How many open jobs each filter option would give: for every filter, counted with
/// all the other filters applied (drill-down), so the numbers are what a click yields.
#[derive(Debug, Clone, Default)]
pub struct FacetCounts {
    pub technologies: Vec<(String, i64)>,
    pub cities: Vec<(String, i64)>,
    pub remote: Vec<(String, i64)>,
    pub seniority: Vec<(String, i64)>,
    pub employment: Vec<(String, i64)>,
    /// (days, count) for each "posted within" choice.
    pub posted: Vec<(u32, i64)>,
    /// (minimum EUR a year, count) for each salary step.
    pub salary: Vec<(u32, i64)>,
}

impl FacetCounts {
    /// The count for `value` in one facet's list, 0 when absent.
    pub fn count(list: &[(String, i64)], value: &str) -> i64 {
        list.iter().find(|(v, _)| v == value).map_or(0, |(_, n)| *n)
    }
}

/// Facet counts for `filter`. Salary steps are the minimums the form offers.
pub fn facets(
    conn: &mut PgConnection,
    filter: &JobFilter,
    salary_steps: &[u32],
    now: DateTime<Utc>,
) -> RepoResult<FacetCounts> {
    use diesel::dsl::count_star;
    let Resolved::Filter(filter, company_id) = resolve(conn, filter)? else {
        return Ok(FacetCounts::default());
    };
    let matching = |without: JobFilter| open_jobs(&without, company_id, now).select(jobs::id);

    let technologies: Vec<(String, i64)> = job_technologies::table
        .inner_join(technologies::table)
        .filter(job_technologies::job_id.eq_any(matching(JobFilter {
            technologies: Vec::new(),
            ..filter.clone()
        })))
        .group_by(technologies::slug)
        .select((technologies::slug, count_star()))
        .load(conn)?;
    let cities: Vec<(Option<String>, i64)> = jobs::table
        .filter(jobs::id.eq_any(matching(JobFilter {
            cities: Vec::new(),
            ..filter.clone()
        })))
        .filter(jobs::city.is_not_null())
        .group_by(jobs::city)
        .select((jobs::city, count_star()))
        .load(conn)?;
    let remote: Vec<(String, i64)> = jobs::table
        .filter(jobs::id.eq_any(matching(JobFilter {
            remote: None,
            ..filter.clone()
        })))
        .group_by(jobs::remote_policy)
        .select((jobs::remote_policy, count_star()))
        .load(conn)?;
    let seniority: Vec<(String, i64)> = jobs::table
        .filter(jobs::id.eq_any(matching(JobFilter {
            seniorities: Vec::new(),
            ..filter.clone()
        })))
        .group_by(jobs::seniority)
        .select((jobs::seniority, count_star()))
        .load(conn)?;
    let employment: Vec<(String, i64)> = jobs::table
        .filter(jobs::id.eq_any(matching(JobFilter {
            employment: None,
            ..filter.clone()
        })))
        .group_by(jobs::employment_type)
        .select((jobs::employment_type, count_star()))
        .load(conn)?;
    let mut posted = Vec::new();
    for days in crate::domain::filter::POSTED_WITHIN_DAYS {
        let n: i64 = matching(JobFilter {
            posted_within: Some(days),
            ..filter.clone()
        })
        .count()
        .get_result(conn)?;
        posted.push((days, n));
    }
    let mut salary = Vec::new();
    for step in salary_steps {
        let n: i64 = matching(JobFilter {
            min_salary: Some(*step),
            ..filter.clone()
        })
        .count()
        .get_result(conn)?;
        salary.push((*step, n));
    }
    Ok(FacetCounts {
        technologies,
        cities: cities
            .into_iter()
            .filter_map(|(city, n)| city.map(|c| (c, n)))
            .collect(),
        remote,
        seniority,
        employment,
        posted,
        salary,
    })
}
