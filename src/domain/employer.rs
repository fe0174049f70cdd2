//! Jobs posted by employers without an account: the life of a submission, the rules of
//! the manage link, moderation decisions and reports from job seekers.

use chrono::{DateTime, Duration, Utc};

/// How long the confirmation link of a new posting works.
pub const CONFIRM_VALID_HOURS: i64 = 48;
/// Manage links work until this many days after the job's end.
pub const MANAGE_GRACE_DAYS: i64 = 30;
/// What "extend" adds to a published job.
pub const EXTEND_DAYS: i64 = 30;
/// The furthest from today a job may end, extended or not.
pub const MAX_RUN_DAYS: i64 = 90;
/// The reminder goes out this many days before the job's end.
pub const REMINDER_DAYS_BEFORE: i64 = 3;
/// Submissions (new postings and edits) one address may send a day.
pub const SUBMISSIONS_PER_EMAIL_PER_DAY: i64 = 5;
/// Submissions one client address may send a day.
pub const SUBMISSIONS_PER_CLIENT_PER_DAY: i64 = 20;
/// Reports one client address may send an hour.
pub const REPORTS_PER_CLIENT_PER_HOUR: i64 = 10;
/// "Send me my link again" requests per address and per client address an hour.
pub const LINK_REQUESTS_PER_EMAIL_PER_HOUR: i64 = 3;
pub const LINK_REQUESTS_PER_CLIENT_PER_HOUR: i64 = 10;
/// The shortest time a person takes to fill in the job form; faster is a script.
pub const DEFAULT_MIN_FILL_SECONDS: u64 = 4;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }
    };
}

text_enum! {
    /// Where one version of an employer's job stands.
    SubmissionState {
        Unconfirmed = "unconfirmed" => "Waiting for the e-mail confirmation",
        Pending = "pending" => "Waiting for review",
        Approved = "approved" => "Approved",
        Rejected = "rejected" => "Not accepted",
        ChangesRequested = "changes_requested" => "Changes requested",
        Superseded = "superseded" => "Replaced by a later version",
    }
}

text_enum! {
    /// Why an editor turns a job down; the employer reads the label.
    RejectReason {
        NotSoftware = "not_software" => "It is not a software development job",
        NotInRegion = "not_in_region" => "It cannot be done from Germany",
        Duplicate = "duplicate" => "The same job is already on the board",
        Misleading = "misleading" => "The ad is misleading or incomplete",
        Discriminatory = "discriminatory" => "The ad discriminates against applicants",
        Spam = "spam" => "It looks like spam or a scam",
        Other = "other" => "Another reason (see the note)",
    }
}

text_enum! {
    /// Why a job seeker reports a job.
    ReportReason {
        Scam = "scam" => "It looks like a scam or asks for money",
        Expired = "expired" => "The job is no longer open",
        Misleading = "misleading" => "The details are wrong or misleading",
        Discriminatory = "discriminatory" => "It discriminates against applicants",
        Other = "other" => "Something else",
    }
}

text_enum! {
    /// How an editor settled a report.
    ReportResolution {
        JobClosed = "job_closed" => "Job closed",
        Dismissed = "dismissed" => "Dismissed",
    }
}

/// The end of a job extended once more: [`EXTEND_DAYS`] after its current end (or after
/// now, if it has ended), never beyond [`MAX_RUN_DAYS`] from now.
pub fn extended_end(current_end: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    (current_end.max(now) + Duration::days(EXTEND_DAYS)).min(now + Duration::days(MAX_RUN_DAYS))
}

/// Whether extending would move the end at all (a job already at the limit cannot).
pub fn can_extend(current_end: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    extended_end(current_end, now) > current_end + Duration::hours(1)
}

/// Until when a manage link works, for a job that ends at `ends_at`.
pub fn manage_link_valid_until(ends_at: DateTime<Utc>) -> DateTime<Utc> {
    ends_at + Duration::days(MANAGE_GRACE_DAYS)
}

/// The gender markers German job titles carry ("(m/w/d)", "(f/m/x)", "(gn)"): they say
/// nothing about the job, so they do not count when titles are compared.
const GENDER_MARKERS: &[&str] = &["m", "w", "d", "f", "x", "gn", "mwd"];

/// Whether a title is close enough to another to hint at a duplicate: the share of
/// words (lower-case, letters and digits, gender markers left out) they have in common.
pub fn titles_look_alike(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        let mut w: Vec<String> = s
            .split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| !GENDER_MARKERS.contains(&w.as_str()))
            .collect();
        w.sort();
        w.dedup();
        w
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let common = a.iter().filter(|w| b.contains(w)).count();
    let union = a.len() + b.len() - common;
    common * 10 >= union * 7
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn extending_adds_thirty_days_but_stays_within_ninety_from_now() {
        let now = day(1);
        assert_eq!(extended_end(day(10), now), day(10) + Duration::days(30));
        let far = now + Duration::days(80);
        assert_eq!(extended_end(far, now), now + Duration::days(90));
        // An ended job runs thirty days from now.
        assert_eq!(
            extended_end(now - Duration::days(2), now),
            now + Duration::days(30)
        );
        assert!(!can_extend(now + Duration::days(90), now));
        assert!(can_extend(day(10), now));
    }

    #[test]
    fn reasons_round_trip_through_their_stored_names() {
        for r in RejectReason::ALL {
            assert_eq!(RejectReason::parse(r.as_str()), Some(*r));
        }
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.as_str()), Some(*r));
        }
        assert_eq!(SubmissionState::parse("nonsense"), None);
    }

    #[test]
    fn near_identical_titles_look_alike_and_different_ones_do_not() {
        assert!(titles_look_alike(
            "Senior Rust Engineer",
            "Senior Rust Engineer (m/w/d)"
        ));
        assert!(titles_look_alike(
            "Backend Developer Go",
            "Go Backend Developer"
        ));
        assert!(!titles_look_alike(
            "Senior Rust Engineer",
            "Junior PHP Developer"
        ));
        assert!(!titles_look_alike("", "Rust"));
        assert!(titles_look_alike(
            "Rust Engineer (f/m/x)",
            "Rust Engineer (gn)"
        ));
        assert!(!titles_look_alike("(m/w/d)", "Rust Engineer (m/w/d)"));
    }
}
