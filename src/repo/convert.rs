//! Row → domain conversions shared by the repository modules.

use super::RepoResult;
use crate::db::models::{CompanyRow, JobCardRow, TechnologyRow};
use crate::domain::company::Company;
use crate::domain::image::StoredImage;
use crate::domain::job::{EmploymentType, JobSummary, Location, RemotePolicy, Seniority};
use crate::domain::salary::{Currency, SalaryPeriod, SalaryRange};
use crate::domain::slug::Slug;
use crate::domain::technology::Technology;
use std::sync::Arc;

pub fn technology(row: TechnologyRow) -> RepoResult<Technology> {
    Ok(Technology {
        slug: Slug::parse(row.slug)?,
        name: row.name,
    })
}

/// A company from its row and its logo (loaded with `images::find_optional`).
pub fn company(row: CompanyRow, logo: Option<StoredImage>) -> RepoResult<Company> {
    Ok(Company {
        id: row.id,
        slug: Slug::parse(row.slug)?,
        name: row.name,
        city: row.city,
        website: row.website,
        about_markdown: row.about,
        size_band: row.size_band,
        logo,
    })
}

pub fn salary(
    min: Option<i32>,
    max: Option<i32>,
    currency: Option<&str>,
    period: Option<&str>,
) -> RepoResult<Option<SalaryRange>> {
    match (min, max, currency, period) {
        (Some(min), Some(max), Some(currency), Some(period)) => {
            let to_u32 = |n: i32| {
                u32::try_from(n).map_err(|_| super::RepoError::InvalidRow(format!("salary {n}")))
            };
            Ok(Some(SalaryRange::parse(
                to_u32(min)?,
                to_u32(max)?,
                Currency::parse(currency)?,
                SalaryPeriod::parse(period)?,
            )?))
        }
        _ => Ok(None),
    }
}

/// Builds a job card from its row, its company's name, slug and logo, and its
/// technologies.
pub fn job_summary(
    row: JobCardRow,
    company_name: String,
    company_slug: &str,
    company_logo: Option<Arc<StoredImage>>,
    technologies: Vec<Technology>,
) -> RepoResult<JobSummary> {
    Ok(JobSummary {
        id: row.id,
        slug: Slug::parse(row.slug)?,
        title: row.title,
        company_name,
        company_slug: Slug::parse(company_slug)?,
        company_logo,
        location: Location {
            city: row.city,
            country: row.country,
            remote: RemotePolicy::parse(&row.remote_policy)?,
            remote_countries: row.remote_countries.into_iter().flatten().collect(),
        },
        seniority: Seniority::parse(&row.seniority)?,
        employment_type: EmploymentType::parse(&row.employment_type)?,
        salary: salary(
            row.salary_min,
            row.salary_max,
            row.salary_currency.as_deref(),
            row.salary_period.as_deref(),
        )?,
        posted_at: row.posted_at,
        updated_at: row.updated_at,
        technologies,
    })
}
