//! Demo content for a fresh site and bulk synthetic jobs for benchmarks.

mod alerts;
mod articles;
mod bulk;
mod companies;
mod deferred;
mod description_html;
mod generator;
mod job_text;
mod technologies;

pub use alerts::load_alerts;
pub use bulk::{BulkReport, LoadEvent, Phase, load_jobs};
pub use deferred::restore_unless_loading as restore_set_aside_indexes;
pub use technologies::TECHNOLOGIES;

use crate::domain::company::NewCompany;
use crate::domain::slug::Slug;
use crate::repo::{self, RepoError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// What one demo seed run added. All zeros on a second run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub technologies: usize,
    pub companies: usize,
    pub jobs: usize,
    pub articles: usize,
}

/// Jobs in the demo data set.
pub const DEMO_JOBS: usize = 400;

/// Inserts the demo technologies, companies, jobs and articles that are missing, in one
/// transaction. Everything is keyed by slug and generated deterministically, so running
/// it again changes nothing.
pub fn demo(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<DemoReport, RepoError> {
    conn.transaction(|conn| {
        let mut report = DemoReport {
            technologies: ensure_technologies(conn)?,
            companies: ensure_demo_companies(conn)?,
            ..DemoReport::default()
        };
        for job in generator::demo_jobs(now) {
            if repo::jobs::insert(conn, &job)?.is_some() {
                report.jobs += 1;
            }
        }
        for article in articles::demo_articles()? {
            if repo::articles::insert(conn, &article)?.is_some() {
                report.articles += 1;
            }
        }
        Ok(report)
    })
}

/// Creates the technologies the generators use; returns how many were new.
fn ensure_technologies(conn: &mut PgConnection) -> Result<usize, RepoError> {
    use crate::db::schema::technologies;
    let before: i64 = technologies::table.count().get_result(conn)?;
    for (slug, name) in TECHNOLOGIES {
        repo::technologies::upsert(conn, &Slug::parse(*slug)?, name)?;
    }
    let after: i64 = technologies::table.count().get_result(conn)?;
    Ok(usize::try_from(after - before).unwrap_or(0))
}

fn ensure_demo_companies(conn: &mut PgConnection) -> Result<usize, RepoError> {
    let mut added = 0;
    for company in companies::COMPANIES {
        let new = NewCompany {
            slug: Slug::parse(company.slug)?,
            name: company.name.to_owned(),
            city: company.city.to_owned(),
            website: Some(company.website.to_owned()),
            about_markdown: company.about.to_owned(),
            size_band: company.size.to_owned(),
        };
        if repo::companies::insert(conn, &new)?.is_some() {
            added += 1;
        }
    }
    Ok(added)
}
