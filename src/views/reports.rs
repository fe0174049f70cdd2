//! The pages of "Report this job": the form a job seeker fills in and the thanks after
//! it. Neither is for search engines (`noindex`, no canonical URL, not in the sitemap).

use super::admin::FormErrors;
use super::{Crumb, Layout, Nav};
use crate::domain::employer::ReportReason;
use askama::Template;

/// The most a report's details may say, in characters.
pub const MAX_DETAILS: usize = 2000;

/// One of the reasons, as a radio button.
pub struct ReasonChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// What the form shows about the job.
pub struct ReportedJob {
    pub slug: String,
    pub title: String,
    pub company_name: String,
}

fn layout(base_url: &str, job: &ReportedJob, path: &str, title: String) -> Layout {
    let mut layout = Layout::page(
        base_url,
        path,
        title,
        format!("Tell the editors what is wrong with “{}”.", job.title),
        Nav::Jobs,
    )
    .noindex()
    .with_crumbs(vec![
        Crumb::link("Home", "/"),
        Crumb::link("Jobs", "/jobs"),
        Crumb::link(job.title.clone(), format!("/jobs/{}", job.slug)),
        Crumb::here("Report"),
    ]);
    layout.canonical = None;
    layout
}

#[derive(Template)]
#[template(path = "jobs/report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub job_title: String,
    pub company_name: String,
    pub job_url: String,
    pub action_url: String,
    pub reasons: Vec<ReasonChoice>,
    pub details: String,
    pub max_details: usize,
    pub errors: FormErrors,
}

impl ReportPage {
    /// The form, with what was sent (`reason`, `details`) and what is wrong with it.
    pub fn new(
        base_url: &str,
        job: &ReportedJob,
        reason: &str,
        details: &str,
        errors: FormErrors,
    ) -> Self {
        let action_url = format!("/jobs/{}/report", job.slug);
        let title = if errors.is_empty() {
            format!("Report “{}”", job.title)
        } else {
            format!("Error: Report “{}”", job.title)
        };
        Self {
            layout: layout(base_url, job, &action_url, title),
            job_title: job.title.clone(),
            company_name: job.company_name.clone(),
            job_url: format!("/jobs/{}", job.slug),
            action_url,
            reasons: ReportReason::ALL
                .iter()
                .map(|r| ReasonChoice {
                    value: r.as_str(),
                    label: r.label(),
                    checked: r.as_str() == reason,
                })
                .collect(),
            details: details.to_owned(),
            max_details: MAX_DETAILS,
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "jobs/report_sent.html")]
pub struct ReportSentPage {
    pub layout: Layout,
    pub job_title: String,
    pub job_url: String,
}

impl ReportSentPage {
    pub fn new(base_url: &str, job: &ReportedJob) -> Self {
        let path = format!("/jobs/{}/report/sent", job.slug);
        Self {
            layout: layout(base_url, job, &path, "Thank you for your report".to_owned()),
            job_title: job.title.clone(),
            job_url: format!("/jobs/{}", job.slug),
        }
    }
}
