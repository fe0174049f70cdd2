//! E-mail alerts: the sign-up box on every listing, the alert pages (sign-up, check your
//! inbox, confirmation, unsubscribe, manage) and the messages (confirmation, digest).

use super::Layout;
use crate::domain::alert::{
    Alert, AlertStatus, CONFIRM_WITHIN, DIGEST_MAX_JOBS, Frequency, digest_subject, more_line,
    subject_label,
};
use crate::domain::dates;
use crate::domain::job::JobSummary;
use askama::Template;
use chrono::{DateTime, Utc};

/// The sign-up box of a listing: the same for every visitor (listings are served from
/// the page cache), so it carries nothing but the search.
#[derive(Debug, Clone)]
pub struct AlertBoxView {
    /// The search as the `/jobs` query string in its normal form.
    pub search: String,
    /// What the search is called ("Rust jobs in Berlin").
    pub label: String,
    /// The search's Atom feed.
    pub feed_url: String,
}

/// A radio button of the frequency choice.
#[derive(Debug, Clone)]
pub struct FrequencyOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub fn frequency_options(selected: Frequency) -> Vec<FrequencyOption> {
    Frequency::ALL
        .iter()
        .map(|f| FrequencyOption {
            value: f.as_str(),
            label: f.label(),
            checked: *f == selected,
        })
        .collect()
}

/// `/alerts/new`: the sign-up form on a page of its own, shown again with the input
/// kept and the problems named when a sign-up cannot be used (422).
#[derive(Template)]
#[template(path = "alerts/new.html")]
pub struct AlertNewPage {
    pub layout: Layout,
    pub search: String,
    pub label: String,
    pub search_url: String,
    pub feed_url: String,
    pub email: String,
    pub frequencies: Vec<FrequencyOption>,
    /// (field id, message) for each problem, in form order.
    pub errors: Vec<(&'static str, String)>,
}

impl AlertNewPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// After signing up: the confirmation link is on its way.
#[derive(Template)]
#[template(path = "alerts/sent.html")]
pub struct AlertSentPage {
    pub layout: Layout,
    pub label: String,
    pub search_url: String,
    pub hours: i64,
}

impl AlertSentPage {
    pub fn new(layout: Layout, label: String, search_url: String) -> Self {
        Self {
            layout,
            label,
            search_url,
            hours: CONFIRM_WITHIN.num_hours(),
        }
    }
}

/// What a confirmation link led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmState {
    /// The link was opened: one click starts the alert.
    Ask,
    Confirmed,
    AlreadyConfirmed,
    Expired,
    Unknown,
}

/// `/alerts/confirm/{token}`.
#[derive(Template)]
#[template(path = "alerts/confirm.html")]
pub struct AlertConfirmPage {
    pub layout: Layout,
    pub state: ConfirmState,
    pub label: String,
    pub search_url: String,
    /// The sign-up form for the same search (after an expired link).
    pub sign_up_url: String,
    pub manage_url: String,
    pub frequency: String,
    pub hours: i64,
}

/// `/alerts/unsubscribe/{token}`: the button (GET), the result (POST), or an unknown link.
#[derive(Template)]
#[template(path = "alerts/unsubscribe.html")]
pub struct AlertUnsubscribePage {
    pub layout: Layout,
    /// The alert's name; `None`: the link is unknown (or used already).
    pub label: Option<String>,
    pub search_url: String,
    /// True after the alert was deleted.
    pub done: bool,
    pub address_erased: bool,
    pub action: String,
}

/// One alert on the manage page.
#[derive(Debug, Clone)]
pub struct ManagedAlertView {
    pub id: i64,
    pub label: String,
    pub search_url: String,
    pub status: String,
    pub pending: bool,
    pub paused: bool,
    pub frequencies: Vec<FrequencyOption>,
    pub created: String,
    pub last_sent: String,
}

/// `/alerts/manage/{token}`: every alert of the address.
#[derive(Template)]
#[template(path = "alerts/manage.html")]
pub struct AlertManagePage {
    pub layout: Layout,
    pub email: String,
    pub alerts: Vec<ManagedAlertView>,
    pub action: String,
    pub flash: Option<String>,
}

impl AlertManagePage {
    pub fn new(
        layout: Layout,
        email: String,
        alerts: &[Alert],
        action: String,
        flash: Option<String>,
    ) -> Self {
        Self {
            layout,
            email,
            alerts: alerts
                .iter()
                .map(|a| ManagedAlertView {
                    id: a.id,
                    label: a.label.clone(),
                    search_url: a.search_path.clone(),
                    status: a.status.label().to_owned(),
                    pending: a.status == AlertStatus::Pending,
                    paused: a.status == AlertStatus::Paused,
                    frequencies: frequency_options(a.frequency),
                    created: dates::long_date(a.created_at),
                    last_sent: a
                        .last_sent_at
                        .map_or_else(|| "none yet".to_owned(), dates::long_date),
                })
                .collect(),
            action,
            flash,
        }
    }
}

/// `/alerts/manage`: after deleting every alert, the address is gone.
#[derive(Template)]
#[template(path = "alerts/erased.html")]
pub struct AlertErasedPage {
    pub layout: Layout,
}

// ---- Messages -------------------------------------------------------------------------

/// The confirmation message (double opt-in).
#[derive(Template)]
#[template(path = "mail/alert_confirm.txt")]
pub struct ConfirmMail {
    pub label: String,
    pub frequency: &'static str,
    pub confirm_url: String,
    pub search_url: String,
    pub hours: i64,
}

impl ConfirmMail {
    pub fn subject(&self) -> String {
        format!("Confirm your job alert: {}", subject_label(&self.label))
    }
}

/// Sent instead of a confirmation when the address has the search already.
#[derive(Template)]
#[template(path = "mail/alert_exists.txt")]
pub struct AlertExistsMail {
    pub label: String,
    pub manage_url: String,
}

impl AlertExistsMail {
    pub fn subject(&self) -> String {
        format!(
            "You already have this job alert: {}",
            subject_label(&self.label)
        )
    }
}

/// A job in a digest.
#[derive(Debug, Clone)]
pub struct DigestJobView {
    pub title: String,
    pub url: String,
    pub company: String,
    pub location: String,
    pub salary: String,
    pub posted: String,
}

impl DigestJobView {
    pub fn new(job: &JobSummary, base_url: &str) -> Self {
        Self {
            title: job.title.clone(),
            url: format!("{base_url}/jobs/{}", job.slug),
            company: job.company_name.clone(),
            location: job.location.display(),
            salary: job
                .salary
                .as_ref()
                .map_or_else(|| "Salary not stated".to_owned(), |s| s.display_short()),
            posted: dates::long_date(job.posted_at),
        }
    }
}

/// A digest, rendered twice: plain text and HTML.
pub struct DigestMail {
    pub subject: String,
    pub intro: String,
    pub label: String,
    pub jobs: Vec<DigestJobView>,
    /// "and 12 more jobs", linking to the search.
    pub more: Option<String>,
    pub search_url: String,
    pub unsubscribe_url: String,
    pub manage_url: String,
    pub feed_url: String,
}

#[derive(Template)]
#[template(path = "mail/alert_digest.txt")]
pub struct DigestText<'a> {
    pub mail: &'a DigestMail,
}

#[derive(Template)]
#[template(path = "mail/alert_digest.html")]
pub struct DigestHtml<'a> {
    pub mail: &'a DigestMail,
}

/// The links every digest carries.
pub struct DigestLinks {
    pub search_url: String,
    pub unsubscribe_url: String,
    pub manage_url: String,
    pub feed_url: String,
}

impl DigestMail {
    /// The digest of `total` new jobs for the alert `label`, `jobs` the newest of them.
    pub fn new(
        label: &str,
        frequency: Frequency,
        total: usize,
        jobs: &[JobSummary],
        base_url: &str,
        links: DigestLinks,
    ) -> Self {
        let listed = jobs.len().min(DIGEST_MAX_JOBS);
        let kind = match frequency {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        };
        Self {
            subject: digest_subject(label, total),
            intro: format!(
                "{} new {} {} your {kind} alert “{label}”.",
                crate::domain::salary::group_thousands(u32::try_from(total).unwrap_or(u32::MAX)),
                if total == 1 { "job" } else { "jobs" },
                if total == 1 { "matches" } else { "match" },
            ),
            label: label.to_owned(),
            jobs: jobs
                .iter()
                .take(listed)
                .map(|j| DigestJobView::new(j, base_url))
                .collect(),
            more: more_line(total, listed),
            search_url: links.search_url,
            unsubscribe_url: links.unsubscribe_url,
            manage_url: links.manage_url,
            feed_url: links.feed_url,
        }
    }

    pub fn text(&self) -> askama::Result<String> {
        DigestText { mail: self }.render()
    }

    pub fn html(&self) -> askama::Result<String> {
        DigestHtml { mail: self }.render()
    }
}

/// "7 December 2026, 07:00": when a time is shown to people (Europe/Berlin).
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&crate::domain::alert::DIGEST_TIME_ZONE)
        .format("%-d %B %Y, %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> DigestLinks {
        DigestLinks {
            search_url: "https://jobs.example/technologies/rust".into(),
            unsubscribe_url: "https://jobs.example/alerts/unsubscribe/abc".into(),
            manage_url: "https://jobs.example/alerts/manage/def".into(),
            feed_url: "https://jobs.example/jobs/feed.xml?technology=rust".into(),
        }
    }

    #[test]
    fn a_digest_without_jobs_beyond_the_list_has_no_more_line() {
        let mail = DigestMail::new(
            "Rust jobs",
            Frequency::Daily,
            0,
            &[],
            "https://jobs.example",
            links(),
        );
        assert_eq!(mail.more, None);
        let text = mail.text().unwrap();
        assert!(
            text.contains("https://jobs.example/alerts/unsubscribe/abc"),
            "{text}"
        );
        assert!(
            text.contains("https://jobs.example/alerts/manage/def"),
            "{text}"
        );
    }

    #[test]
    fn a_digest_of_more_than_twenty_says_how_many_more_and_links_the_search() {
        let mail = DigestMail::new(
            "Rust jobs",
            Frequency::Weekly,
            45,
            &[],
            "https://jobs.example",
            links(),
        );
        assert_eq!(mail.subject, "45 new jobs for “Rust jobs”");
        assert_eq!(mail.more.as_deref(), Some("and 45 more jobs"));
        let html = mail.html().unwrap();
        assert!(html.contains("And 45 more jobs"), "{html}");
        assert!(
            html.contains("href=\"https://jobs.example/technologies/rust\""),
            "{html}"
        );
        assert_eq!(
            mail.intro,
            "45 new jobs match your weekly alert “Rust jobs”."
        );
    }
}
