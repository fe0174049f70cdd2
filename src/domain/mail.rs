//! E-mail as the board sends it: a checked message, its states in the outbox, and the
//! retry rule. Sending lives in `mail/`, storing in `repo::outbox`.

use super::InvalidInput;
use super::editor::EmailAddress;
use chrono::{DateTime, TimeDelta, Utc};

/// Tries per message: after this many failed ones it is failed for good (an admin can
/// queue it again at `/admin/mail`).
pub const MAX_ATTEMPTS: i32 = 8;
/// The wait after the first failed try; it doubles with every further one.
const FIRST_RETRY_SECONDS: i64 = 30;
/// The longest wait between two tries.
const LONGEST_RETRY_SECONDS: i64 = 60 * 60;
const MAX_SUBJECT_CHARS: usize = 250;
const MAX_URL_LEN: usize = 2_000;

/// A message to send, checked: a valid recipient, a one-line subject, a plain-text body
/// (always), optionally an HTML alternative and the URL to unsubscribe with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    to: EmailAddress,
    subject: String,
    text: String,
    html: Option<String>,
    list_unsubscribe: Option<String>,
}

impl OutgoingMail {
    /// A plain-text message to `to`.
    pub fn new(to: EmailAddress, subject: &str, text: &str) -> Result<Self, InvalidInput> {
        let subject = subject.trim();
        if subject.is_empty()
            || subject.chars().count() > MAX_SUBJECT_CHARS
            || subject.chars().any(char::is_control)
        {
            return Err(InvalidInput::new(
                "subject",
                format!("must be one line of 1 to {MAX_SUBJECT_CHARS} characters"),
            ));
        }
        if text.trim().is_empty() {
            return Err(InvalidInput::new("text", "must not be empty"));
        }
        // Header-breaking characters in the address would reach the SMTP envelope.
        if to
            .as_str()
            .contains(['<', '>', ',', ';', '"', '(', ')', '[', ']', '\\'])
        {
            return Err(InvalidInput::new(
                "to",
                "must be a plain address like name@example.org",
            ));
        }
        Ok(Self {
            to,
            subject: subject.to_owned(),
            text: text.to_owned(),
            html: None,
            list_unsubscribe: None,
        })
    }

    /// Adds an HTML alternative to the plain text (sent as multipart/alternative).
    #[must_use]
    pub fn with_html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into()).filter(|h| !h.trim().is_empty());
        self
    }

    /// Adds a `List-Unsubscribe` header: only for mail a person subscribed to (alerts),
    /// never for mail about something they did (a confirmation link). `url` is an
    /// absolute http(s) or mailto URL.
    pub fn with_list_unsubscribe(mut self, url: &str) -> Result<Self, InvalidInput> {
        let url = url.trim();
        let scheme_ok = ["https://", "http://", "mailto:"]
            .iter()
            .any(|scheme| url.len() > scheme.len() && url.starts_with(scheme));
        let chars_ok = url
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | ',' | '"'));
        if !scheme_ok || !chars_ok || url.len() > MAX_URL_LEN {
            return Err(InvalidInput::new(
                "list_unsubscribe",
                "must be an absolute https:// or mailto: URL without spaces",
            ));
        }
        self.list_unsubscribe = Some(url.to_owned());
        Ok(self)
    }

    pub fn to(&self) -> &EmailAddress {
        &self.to
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn html(&self) -> Option<&str> {
        self.html.as_deref()
    }

    pub fn list_unsubscribe(&self) -> Option<&str> {
        self.list_unsubscribe.as_deref()
    }
}

/// Where a message is in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailStatus {
    /// Waiting to be sent (now, or after a failed try at `next_attempt_at`).
    Queued,
    /// A worker holds it and is sending it.
    Sending,
    Sent,
    /// Refused for good, or every try failed; kept with its last error.
    Failed,
}

impl MailStatus {
    pub const ALL: [Self; 4] = [Self::Queued, Self::Sending, Self::Sent, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Sending => "Sending",
            Self::Sent => "Sent",
            Self::Failed => "Failed",
        }
    }
}

/// A message a worker claimed from the outbox, as the transports need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMail {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// Tries before this one.
    pub attempts: i32,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub list_unsubscribe: Option<String>,
}

/// A message as the admin list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub to: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// How many messages are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

impl StatusCounts {
    pub fn of(&self, status: MailStatus) -> i64 {
        match status {
            MailStatus::Queued => self.queued,
            MailStatus::Sending => self.sending,
            MailStatus::Sent => self.sent,
            MailStatus::Failed => self.failed,
        }
    }

    pub fn add(&mut self, status: MailStatus, n: i64) {
        match status {
            MailStatus::Queued => self.queued += n,
            MailStatus::Sending => self.sending += n,
            MailStatus::Sent => self.sent += n,
            MailStatus::Failed => self.failed += n,
        }
    }

    pub fn total(&self) -> i64 {
        self.queued + self.sending + self.sent + self.failed
    }
}

/// After the `attempts`-th try failed: how long to wait before the next one, or `None`
/// when the message has had [`MAX_ATTEMPTS`] and is failed for good. The wait starts at
/// 30 s and doubles (30 s, 1 min, 2 min, … 32 min), never above an hour: about an hour
/// in all, enough to ride out a restart or a short outage of the mail server.
pub fn retry_delay(attempts: i32) -> Option<TimeDelta> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = u32::try_from(attempts.max(1) - 1).unwrap_or(0).min(20);
    let seconds = (FIRST_RETRY_SECONDS << doublings).min(LONGEST_RETRY_SECONDS);
    Some(TimeDelta::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to() -> EmailAddress {
        EmailAddress::parse("anna@example.org").unwrap()
    }

    #[test]
    fn a_message_needs_a_one_line_subject_and_a_text() {
        let mail = OutgoingMail::new(to(), "  Confirm your job  ", "Hello").unwrap();
        assert_eq!(mail.subject(), "Confirm your job");
        assert_eq!(mail.html(), None);
        assert_eq!(mail.list_unsubscribe(), None);
        for subject in ["", "   ", "two\r\nlines", "tab\there"] {
            assert_eq!(
                OutgoingMail::new(to(), subject, "Hello").unwrap_err().field,
                "subject",
                "{subject:?}"
            );
        }
        assert_eq!(
            OutgoingMail::new(to(), &"x".repeat(251), "Hello")
                .unwrap_err()
                .field,
            "subject"
        );
        assert_eq!(
            OutgoingMail::new(to(), "Hi", " \n ").unwrap_err().field,
            "text"
        );
    }

    #[test]
    fn addresses_that_could_break_the_envelope_are_refused() {
        let odd = EmailAddress::parse("a<b>@example.org").unwrap();
        assert_eq!(
            OutgoingMail::new(odd, "Hi", "Hello").unwrap_err().field,
            "to"
        );
    }

    #[test]
    fn an_empty_html_part_is_left_out() {
        let mail = OutgoingMail::new(to(), "Hi", "Hello").unwrap();
        assert_eq!(mail.clone().with_html("  ").html(), None);
        assert_eq!(mail.with_html("<p>Hello</p>").html(), Some("<p>Hello</p>"));
    }

    #[test]
    fn list_unsubscribe_takes_absolute_urls_only() {
        let mail = OutgoingMail::new(to(), "Hi", "Hello").unwrap();
        for good in [
            "https://jobs.example.org/alerts/unsubscribe?t=abc",
            "http://127.0.0.1:8080/alerts/unsubscribe?t=abc",
            "mailto:unsubscribe@example.org?subject=stop",
        ] {
            assert_eq!(
                mail.clone()
                    .with_list_unsubscribe(good)
                    .unwrap()
                    .list_unsubscribe(),
                Some(good)
            );
        }
        for bad in [
            "",
            "/alerts/unsubscribe",
            "https://",
            "javascript:alert(1)",
            "https://x.org/a b",
            "https://x.org/>, <https://evil.example",
            "https://x.org/\r\nBcc: victim@example.org",
        ] {
            assert!(mail.clone().with_list_unsubscribe(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn retries_back_off_from_30_seconds_to_at_most_an_hour_then_stop() {
        let waits: Vec<i64> = (1..MAX_ATTEMPTS)
            .map(|n| retry_delay(n).unwrap().num_seconds())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920]);
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
        assert_eq!(retry_delay(MAX_ATTEMPTS + 5), None);
        assert_eq!(retry_delay(0).unwrap().num_seconds(), 30);
    }

    #[test]
    fn statuses_round_trip_and_counts_add_up() {
        for status in MailStatus::ALL {
            assert_eq!(MailStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MailStatus::parse("lost"), None);
        let mut counts = StatusCounts::default();
        counts.add(MailStatus::Sent, 3);
        counts.add(MailStatus::Failed, 1);
        assert_eq!((counts.of(MailStatus::Sent), counts.total()), (3, 4));
    }
}
