//! The mail outbox page for admins (`templates/admin/mail.html`): what was sent, what
//! waits, what failed and why.

use super::admin::AdminLayout;
use crate::domain::dates::iso_datetime;
use crate::domain::mail::{MAX_ATTEMPTS, MailStatus, OutboxEntry, StatusCounts};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;

/// One message as a table row, ready to print.
pub struct MailRowView {
    pub id: i64,
    pub queued_at: String,
    pub queued_iso: String,
    pub to: String,
    pub subject: String,
    pub status: &'static str,
    /// The badge's modifier (`status-badge--…`).
    pub badge: &'static str,
    pub attempts: String,
    /// What happens or happened when: "next try 10:16:30", "sent 10:15:02".
    pub when: String,
    pub when_iso: String,
    /// The last SMTP (or file) error, empty when there was none.
    pub error: String,
    /// Failed or waiting for a retry: an admin can send it now.
    pub can_retry: bool,
}

/// One option of the status filter.
pub struct StatusChoice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The page.
#[derive(Template)]
#[template(path = "admin/mail.html")]
pub struct MailPage {
    pub layout: AdminLayout,
    pub rows: Vec<MailRowView>,
    pub statuses: Vec<StatusChoice>,
    /// "3 failed · 120 sent · 2 queued", over all messages.
    pub summary: String,
    pub filtered: bool,
    /// The status shown (for the retry forms' way back), empty for all.
    pub status: &'static str,
    /// Where mail goes: "SMTP server mail.example.org:587 (STARTTLS)", "files in mail".
    pub transport: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

/// What the page shows, as the handler found it.
pub struct MailListing {
    pub entries: Vec<OutboxEntry>,
    pub counts: StatusCounts,
    pub status: Option<MailStatus>,
    pub page: i64,
    pub more: bool,
    pub transport: String,
    pub now: DateTime<Utc>,
}

/// The list's address for a status filter and page.
pub fn mail_url(status: Option<MailStatus>, page: i64) -> String {
    let mut pairs = Vec::new();
    if let Some(status) = status {
        pairs.push(("status", status.as_str().to_owned()));
    }
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        "/admin/mail".to_owned()
    } else {
        format!("/admin/mail?{query}")
    }
}

fn berlin(when: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let local = when.with_timezone(&Berlin);
    if local.date_naive() == now.with_timezone(&Berlin).date_naive() {
        local.format("%H:%M:%S").to_string()
    } else {
        local.format("%-d %b %Y, %H:%M").to_string()
    }
}

fn row(entry: OutboxEntry, now: DateTime<Utc>) -> MailRowView {
    let (when, at) = match entry.status {
        MailStatus::Sent => ("sent", entry.sent_at),
        MailStatus::Queued if entry.next_attempt_at > now => {
            ("next try", Some(entry.next_attempt_at))
        }
        MailStatus::Queued => ("due since", Some(entry.next_attempt_at)),
        MailStatus::Sending => ("sending since", entry.last_attempt_at),
        MailStatus::Failed => ("last try", entry.last_attempt_at),
    };
    let badge = match entry.status {
        MailStatus::Queued | MailStatus::Sending => "scheduled",
        MailStatus::Sent => "published",
        MailStatus::Failed => "draft",
    };
    let attempts = match entry.status {
        MailStatus::Sent | MailStatus::Failed => entry.attempts.to_string(),
        _ => format!("{} of {MAX_ATTEMPTS}", entry.attempts),
    };
    MailRowView {
        id: entry.id,
        queued_at: berlin(entry.created_at, now),
        queued_iso: iso_datetime(entry.created_at),
        to: entry.to,
        subject: entry.subject,
        status: entry.status.label(),
        badge,
        attempts,
        when: at.map_or_else(String::new, |at| format!("{when} {}", berlin(at, now))),
        when_iso: at.map_or_else(String::new, iso_datetime),
        error: entry.last_error.unwrap_or_default(),
        can_retry: matches!(entry.status, MailStatus::Failed)
            || (entry.status == MailStatus::Queued && entry.attempts > 0),
    }
}

impl MailPage {
    pub fn new(layout: AdminLayout, listing: MailListing) -> Self {
        let MailListing {
            entries,
            counts,
            status,
            page,
            more,
            transport,
            now,
        } = listing;
        let mut statuses = vec![StatusChoice {
            value: "",
            label: format!("All ({})", counts.total()),
            selected: status.is_none(),
        }];
        statuses.extend(MailStatus::ALL.iter().map(|s| StatusChoice {
            value: s.as_str(),
            label: format!("{} ({})", s.label(), counts.of(*s)),
            selected: Some(*s) == status,
        }));
        let summary = [
            MailStatus::Failed,
            MailStatus::Queued,
            MailStatus::Sending,
            MailStatus::Sent,
        ]
        .iter()
        .filter(|s| counts.of(**s) > 0)
        .map(|s| format!("{} {}", counts.of(*s), s.as_str()))
        .collect::<Vec<_>>()
        .join(" · ");
        Self {
            layout,
            rows: entries.into_iter().map(|e| row(e, now)).collect(),
            statuses,
            summary: if summary.is_empty() {
                "No messages yet".to_owned()
            } else {
                summary
            },
            filtered: status.is_some(),
            status: status.map_or("", MailStatus::as_str),
            transport,
            prev_url: (page > 1).then(|| mail_url(status, page - 1)),
            next_url: more.then(|| mail_url(status, page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    fn entry(status: MailStatus) -> OutboxEntry {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap();
        OutboxEntry {
            id: 5,
            created_at: at,
            to: "anna@example.org".to_owned(),
            subject: "Hello".to_owned(),
            status,
            attempts: 2,
            next_attempt_at: at + TimeDelta::seconds(60),
            last_attempt_at: Some(at),
            last_error: Some("Connection error: refused".to_owned()),
            sent_at: None,
        }
    }

    #[test]
    fn rows_say_what_happens_next_in_berlin_time() {
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 10).unwrap();
        let queued = row(entry(MailStatus::Queued), now);
        assert_eq!(queued.when, "next try 10:31:00");
        assert_eq!(queued.attempts, "2 of 8");
        assert!(queued.can_retry);
        let failed = row(entry(MailStatus::Failed), now);
        assert_eq!(failed.when, "last try 10:30:00");
        assert_eq!(failed.error, "Connection error: refused");
        assert!(failed.can_retry);
        let later = now + TimeDelta::days(2);
        assert_eq!(
            row(entry(MailStatus::Failed), later).when,
            "last try 2 Dec 2026, 10:30"
        );
        assert!(!row(entry(MailStatus::Sending), now).can_retry);
    }

    #[test]
    fn list_urls_keep_the_filter_and_page() {
        assert_eq!(mail_url(None, 1), "/admin/mail");
        assert_eq!(
            mail_url(Some(MailStatus::Failed), 1),
            "/admin/mail?status=failed"
        );
        assert_eq!(mail_url(None, 3), "/admin/mail?page=3");
    }
}
