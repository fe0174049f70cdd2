//! What editors do to companies at `/admin/companies`: a searchable list, the form's
//! data, create, update and delete (only without jobs). Every change runs in one
//! transaction with its audit entry.

use super::audit::audited;
use super::{RepoError, RepoResult, convert};
use crate::db::models::CompanyRow;
use crate::db::schema::{companies, jobs, slug_history};
use crate::domain::audit::AuditEntry;
use crate::domain::company::Company;
use crate::domain::slug::Slug;
use diesel::prelude::*;

/// One row of the editors' list.
#[derive(Debug, Clone, Queryable)]
pub struct AdminCompanyListing {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub city: String,
    pub jobs: i64,
}

fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of companies by name (ties by id) whose name contains `name`, with their
/// number of jobs of any status, and the total that match.
pub fn list(
    conn: &mut PgConnection,
    name: &str,
    limit: i64,
    offset: i64,
) -> RepoResult<(Vec<AdminCompanyListing>, i64)> {
    let query = || {
        let mut q = companies::table.into_boxed();
        if !name.is_empty() {
            q = q.filter(companies::name.ilike(contains_pattern(name)));
        }
        q
    };
    let total: i64 = query().count().get_result(conn)?;
    let job_count = jobs::table
        .filter(jobs::company_id.eq(companies::id))
        .count()
        .single_value();
    let rows = query()
        .order((companies::name.asc(), companies::id.asc()))
        .limit(limit)
        .offset(offset)
        .select((
            companies::id,
            companies::slug,
            companies::name,
            companies::city,
            job_count.assume_not_null(),
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// The company with `id`, or `NotFound`.
pub fn find(conn: &mut PgConnection, id: i64) -> RepoResult<Company> {
    let row: CompanyRow = companies::table
        .find(id)
        .select(CompanyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound("company"))?;
    let logo = super::images::find_optional(conn, row.logo_image_id)?;
    convert::company(row, logo)
}

/// How many jobs (any status) the company has.
pub fn job_count(conn: &mut PgConnection, id: i64) -> RepoResult<i64> {
    Ok(jobs::table
        .filter(jobs::company_id.eq(id))
        .count()
        .get_result(conn)?)
}

/// A valid company as the editors' form saves it.
#[derive(Debug, Clone)]
pub struct CompanyInput {
    pub name: String,
    pub city: String,
    pub website: Option<String>,
    pub size_band: String,
    pub about_markdown: String,
}

/// Creates a company with a slug made from its name (a free one) and its audit entry;
/// returns its id.
pub fn create(
    conn: &mut PgConnection,
    entry: AuditEntry,
    company: &CompanyInput,
    base_slug: &Slug,
) -> RepoResult<i64> {
    audited(conn, entry, |conn, entry| {
        let id = insert(conn, company, base_slug)?;
        entry.subject_id = Some(id);
        Ok(id)
    })
}

/// Inserts a company under a free slug made from `base_slug`, inside the caller's
/// transaction; returns its id.
pub(super) fn insert(
    conn: &mut PgConnection,
    company: &CompanyInput,
    base_slug: &Slug,
) -> RepoResult<i64> {
    let mut slug = base_slug.as_str().to_owned();
    for n in 2..1000 {
        let taken: bool = diesel::select(diesel::dsl::exists(
            companies::table.filter(companies::slug.eq(&slug)),
        ))
        .get_result(conn)?;
        let retired: bool = diesel::select(diesel::dsl::exists(
            slug_history::table
                .filter(slug_history::entity.eq("company"))
                .filter(slug_history::slug.eq(&slug)),
        ))
        .get_result(conn)?;
        if !taken && !retired {
            break;
        }
        slug = format!("{}-{n}", base_slug.as_str());
    }
    Ok(diesel::insert_into(companies::table)
        .values((
            companies::slug.eq(&slug),
            companies::name.eq(&company.name),
            companies::city.eq(&company.city),
            companies::website.eq(company.website.as_deref()),
            companies::size_band.eq(&company.size_band),
            companies::about.eq(&company.about_markdown),
        ))
        .returning(companies::id)
        .get_result(conn)?)
}

/// Saves the form over company `id` (its address stays) with its audit entry.
pub fn update(
    conn: &mut PgConnection,
    entry: AuditEntry,
    id: i64,
    company: &CompanyInput,
) -> RepoResult<()> {
    audited(conn, entry, |conn, _| {
        let updated = diesel::update(companies::table.find(id))
            .set((
                companies::name.eq(&company.name),
                companies::city.eq(&company.city),
                companies::website.eq(company.website.as_deref()),
                companies::size_band.eq(&company.size_band),
                companies::about.eq(&company.about_markdown),
                companies::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(RepoError::NotFound("company"));
        }
        Ok(())
    })
}

/// Stores an uploaded image as company `id`'s logo (replacing any earlier one, which
/// stays in the image library) with its audit entry; returns the image's id.
pub fn set_logo(
    conn: &mut PgConnection,
    entry: AuditEntry,
    id: i64,
    image: &super::images::NewImage,
) -> RepoResult<i64> {
    audited(conn, entry, |conn, _| {
        let image_id = super::images::insert(conn, image)?;
        let updated = diesel::update(companies::table.find(id))
            .set((
                companies::logo_image_id.eq(Some(image_id)),
                companies::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(RepoError::NotFound("company"));
        }
        Ok(image_id)
    })
}

/// Takes company `id`'s logo away (the image stays in the library) with its audit
/// entry. Without a logo nothing changes and nothing is recorded: `false`.
pub fn remove_logo(conn: &mut PgConnection, entry: AuditEntry, id: i64) -> RepoResult<bool> {
    conn.transaction(|conn| {
        let logo: Option<i64> = companies::table
            .find(id)
            .select(companies::logo_image_id)
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(RepoError::NotFound("company"))?;
        if logo.is_none() {
            return Ok(false);
        }
        audited(conn, entry, |conn, _| {
            diesel::update(companies::table.find(id))
                .set((
                    companies::logo_image_id.eq(None::<i64>),
                    companies::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
            Ok(true)
        })
    })
}

/// What deleting a company did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Yes,
    /// Not deleted: the company still has this many jobs.
    HasJobs(i64),
}

/// Deletes company `id` with its audit entry, unless it has jobs (checked under a lock,
/// so that no job can be added in between).
pub fn delete(conn: &mut PgConnection, entry: AuditEntry, id: i64) -> RepoResult<Deleted> {
    conn.transaction(|conn| {
        companies::table
            .find(id)
            .select(companies::id)
            .for_update()
            .first::<i64>(conn)
            .optional()?
            .ok_or(RepoError::NotFound("company"))?;
        let jobs = job_count(conn, id)?;
        if jobs > 0 {
            return Ok(Deleted::HasJobs(jobs));
        }
        audited(conn, entry, |conn, _| {
            diesel::delete(companies::table.find(id)).execute(conn)?;
            Ok(Deleted::Yes)
        })
    })
}
