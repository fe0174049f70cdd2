//! E-mail alerts for a search: how often they go out and when, the limits on signing
//! up, the tokens in their links, and the words of a digest. Storing lives in
//! `repo::alerts`, running digests in `alerts/`.

use super::InvalidInput;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use sha2::{Digest, Sha256};

/// Alerts one address may have (pending ones included).
pub const MAX_ALERTS_PER_ADDRESS: i64 = 20;
/// Sign-ups one client address may make within [`SIGNUP_WINDOW`].
pub const MAX_SIGNUPS_PER_CLIENT: i64 = 10;
pub const SIGNUP_WINDOW: Duration = Duration::hours(1);
/// How long a confirmation link works.
pub const CONFIRM_WITHIN: Duration = Duration::hours(48);
/// Unconfirmed alerts are deleted this long after their link expired (until then the
/// link still says it expired rather than that it is unknown).
pub const KEEP_EXPIRED: Duration = Duration::days(7);
/// Jobs listed in one digest; the rest are "and N more" with a link to the search.
pub const DIGEST_MAX_JOBS: usize = 20;
/// A digest never reaches back further than this, whatever its watermark says (an
/// alert resumed after months starts afresh).
pub const LONGEST_LOOK_BACK: Duration = Duration::days(8);
/// The local time zone of the digest hour.
pub const DIGEST_TIME_ZONE: chrono_tz::Tz = Berlin;

/// How often an alert's digest goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Every day at the digest hour.
    Daily,
    /// Mondays at the digest hour.
    Weekly,
}

impl Frequency {
    pub const ALL: [Self; 2] = [Self::Daily, Self::Weekly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Daily => "Daily",
            Self::Weekly => "Weekly (Mondays)",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
            .ok_or_else(|| InvalidInput::new("frequency", "must be daily or weekly"))
    }
}

/// Where an alert is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertStatus {
    /// Signed up, confirmation link not yet opened: nothing is sent.
    Pending,
    Active,
    /// Kept, but no digests until resumed.
    Paused,
}

impl AlertStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Active, Self::Paused];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Paused => "paused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting for confirmation",
            Self::Active => "Active",
            Self::Paused => "Paused",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| InvalidInput::new("status", "must be pending, active or paused"))
    }
}

/// One alert as its owner sees it on the manage page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub label: String,
    /// The one URL of the search's results, e.g. `/technologies/rust` or `/jobs?q=…`.
    pub search_path: String,
    /// The search as the `/jobs` query string in its normal form.
    pub search_query: String,
    pub frequency: Frequency,
    pub status: AlertStatus,
    pub created_at: DateTime<Utc>,
    pub last_sent_at: Option<DateTime<Utc>>,
}

/// An alert due for a digest, with what its mail needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAlert {
    pub id: i64,
    pub email: String,
    pub label: String,
    pub search_path: String,
    pub search_query: String,
    pub frequency: Frequency,
    /// Jobs posted after this are new to the alert.
    pub since: DateTime<Utc>,
    pub unsubscribe_salt: Vec<u8>,
    pub manage_salt: Vec<u8>,
}

/// What a digest run sends: the alerts of one or both frequencies whose last digest is
/// older than their slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueSlots {
    /// Daily alerts whose watermark is before this are due; `None`: none are.
    pub daily: Option<DateTime<Utc>>,
    pub weekly: Option<DateTime<Utc>>,
}

impl DueSlots {
    /// The slots of the schedule at `now`: the latest daily slot, and the latest Monday
    /// slot, at `hour` local time.
    pub fn scheduled(now: DateTime<Utc>, hour: u32) -> Self {
        Self {
            daily: Some(latest_slot(now, hour, Frequency::Daily)),
            weekly: Some(latest_slot(now, hour, Frequency::Weekly)),
        }
    }

    /// Every active alert, now (for trying digests out: `jobboard digest`).
    pub fn now(now: DateTime<Utc>) -> Self {
        Self {
            daily: Some(now),
            weekly: Some(now),
        }
    }

    pub fn get(&self, frequency: Frequency) -> Option<DateTime<Utc>> {
        match frequency {
            Frequency::Daily => self.daily,
            Frequency::Weekly => self.weekly,
        }
    }
}

/// `hour` o'clock in Berlin on `date` as UTC. On the night the clocks go forward an hour
/// that does not exist (02:00) becomes the first one that does (03:00); on the night
/// they go back, the first of the two.
pub fn local_hour(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let hour = hour.min(23);
    let naive = date
        .and_hms_opt(hour, 0, 0)
        .unwrap_or_else(|| date.and_hms_opt(0, 0, 0).unwrap_or_default());
    match DIGEST_TIME_ZONE.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => DIGEST_TIME_ZONE
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map_or_else(|| naive.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

/// The latest time at or before `now` when digests of `frequency` were due: today's (or
/// yesterday's) `hour` o'clock in Berlin; for weekly ones, that of the latest Monday.
pub fn latest_slot(now: DateTime<Utc>, hour: u32, frequency: Frequency) -> DateTime<Utc> {
    let mut date = now.with_timezone(&DIGEST_TIME_ZONE).date_naive();
    loop {
        let slot = local_hour(date, hour);
        let right_day = frequency == Frequency::Daily || date.weekday() == Weekday::Mon;
        if right_day && slot <= now {
            return slot;
        }
        date = date.pred_opt().unwrap_or(date);
    }
}

/// The first time after `now` when digests of `frequency` are due.
pub fn next_slot(now: DateTime<Utc>, hour: u32, frequency: Frequency) -> DateTime<Utc> {
    let mut date = now.with_timezone(&DIGEST_TIME_ZONE).date_naive();
    loop {
        let slot = local_hour(date, hour);
        let right_day = frequency == Frequency::Daily || date.weekday() == Weekday::Mon;
        if right_day && slot > now {
            return slot;
        }
        date = date.succ_opt().unwrap_or(date);
    }
}

/// A search's name as a subject line carries it: one line, at most 150 characters (a
/// search with many filters has a long name), cut with an ellipsis.
pub fn subject_label(label: &str) -> String {
    let line: String = label.chars().filter(|c| !c.is_control()).collect();
    if line.chars().count() <= 150 {
        return line;
    }
    let mut cut: String = line.chars().take(149).collect();
    cut.push('…');
    cut
}

/// "3 new jobs for Rust jobs in Berlin": the subject of a digest.
pub fn digest_subject(label: &str, count: usize) -> String {
    let label = subject_label(label);
    match count {
        1 => format!("1 new job for “{label}”"),
        n => format!(
            "{} new jobs for “{label}”",
            super::salary::group_thousands(count_u32(n))
        ),
    }
}

/// "and 12 more" after the listed jobs, or nothing when all are listed.
pub fn more_line(total: usize, listed: usize) -> Option<String> {
    let more = total.saturating_sub(listed);
    (more > 0).then(|| {
        format!(
            "and {} more {}",
            super::salary::group_thousands(count_u32(more)),
            if more == 1 { "job" } else { "jobs" }
        )
    })
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// HMAC-SHA-256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// What a derived token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// The manage page of an address.
    Manage,
    /// Ending one alert.
    Unsubscribe,
}

/// The token of a manage or unsubscribe link: derived from the site's secret key and the
/// row's random salt, so every mail can carry it while the database keeps only its hash
/// ([`token_hash`]). 64 hex digits.
pub fn derived_token(secret_key: &str, purpose: TokenPurpose, salt: &[u8]) -> String {
    let label: &[u8] = match purpose {
        TokenPurpose::Manage => b"alerts/manage:",
        TokenPurpose::Unsubscribe => b"alerts/unsubscribe:",
    };
    let message = [label, salt].concat();
    hex(&hmac_sha256(secret_key.as_bytes(), &message))
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `raw` looks like a token at all (64 lower-case hex digits): anything else is
/// answered without a database look-up.
pub fn is_token(raw: &str) -> bool {
    raw.len() == 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn the_daily_slot_is_seven_in_berlin_in_winter_and_summer() {
        // Winter: UTC+1.
        assert_eq!(
            latest_slot(utc(2026, 12, 2, 9, 0), 7, Frequency::Daily),
            utc(2026, 12, 2, 6, 0)
        );
        // Before today's slot: yesterday's.
        assert_eq!(
            latest_slot(utc(2026, 12, 2, 5, 59), 7, Frequency::Daily),
            utc(2026, 12, 1, 6, 0)
        );
        // Summer: UTC+2.
        assert_eq!(
            latest_slot(utc(2026, 7, 15, 12, 0), 7, Frequency::Daily),
            utc(2026, 7, 15, 5, 0)
        );
        // Exactly at the slot it is due.
        assert_eq!(
            latest_slot(utc(2026, 7, 15, 5, 0), 7, Frequency::Daily),
            utc(2026, 7, 15, 5, 0)
        );
    }

    #[test]
    fn the_days_the_clocks_change_keep_the_local_hour() {
        // 29 March 2026: clocks go forward at 02:00. 07:00 is 05:00 UTC that day, 06:00
        // UTC the day before.
        assert_eq!(
            latest_slot(utc(2026, 3, 29, 12, 0), 7, Frequency::Daily),
            utc(2026, 3, 29, 5, 0)
        );
        assert_eq!(
            latest_slot(utc(2026, 3, 29, 4, 0), 7, Frequency::Daily),
            utc(2026, 3, 28, 6, 0)
        );
        // 02:00 does not exist that night: 03:00 CEST (01:00 UTC) stands in.
        assert_eq!(
            local_hour(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), 2),
            utc(2026, 3, 29, 1, 0)
        );
        // 25 October 2026: 02:00 happens twice; the first (CEST, 00:00 UTC) counts.
        assert_eq!(
            local_hour(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(), 2),
            utc(2026, 10, 25, 0, 0)
        );
        assert_eq!(
            latest_slot(utc(2026, 10, 25, 12, 0), 7, Frequency::Daily),
            utc(2026, 10, 25, 6, 0)
        );
    }

    #[test]
    fn weekly_slots_fall_on_mondays() {
        // Wednesday 2 December 2026: the latest Monday is 30 November.
        assert_eq!(
            latest_slot(utc(2026, 12, 2, 9, 0), 7, Frequency::Weekly),
            utc(2026, 11, 30, 6, 0)
        );
        // Monday before the hour: the Monday before.
        assert_eq!(
            latest_slot(utc(2026, 11, 30, 5, 0), 7, Frequency::Weekly),
            utc(2026, 11, 23, 6, 0)
        );
        assert_eq!(
            next_slot(utc(2026, 12, 2, 9, 0), 7, Frequency::Weekly),
            utc(2026, 12, 7, 6, 0)
        );
        // Monday 30 March 2026, the first Monday of summer time.
        assert_eq!(
            next_slot(utc(2026, 3, 27, 9, 0), 7, Frequency::Weekly),
            utc(2026, 3, 30, 5, 0)
        );
    }

    #[test]
    fn the_next_daily_slot_is_after_now() {
        assert_eq!(
            next_slot(utc(2026, 12, 2, 6, 0), 7, Frequency::Daily),
            utc(2026, 12, 3, 6, 0)
        );
        assert_eq!(
            next_slot(utc(2026, 12, 2, 5, 0), 23, Frequency::Daily),
            utc(2026, 12, 2, 22, 0)
        );
    }

    #[test]
    fn subjects_name_the_search_and_the_count() {
        assert_eq!(
            digest_subject("Rust jobs in Berlin", 1),
            "1 new job for “Rust jobs in Berlin”"
        );
        assert_eq!(
            digest_subject("Remote jobs", 1234),
            "1,234 new jobs for “Remote jobs”"
        );
        assert!(!digest_subject("a\nb", 2).contains('\n'));
        let long = "Rust or Go ".repeat(40);
        assert_eq!(subject_label(&long).chars().count(), 150);
        assert!(subject_label(&long).ends_with('…'));
    }

    #[test]
    fn more_line_counts_what_is_not_listed() {
        assert_eq!(more_line(20, 20), None);
        assert_eq!(more_line(3, 20), None);
        assert_eq!(more_line(21, 20).as_deref(), Some("and 1 more job"));
        assert_eq!(more_line(1_520, 20).as_deref(), Some("and 1,500 more jobs"));
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn derived_tokens_differ_by_purpose_salt_and_key() {
        let salt = [7u8; 32];
        let manage = derived_token("key one", TokenPurpose::Manage, &salt);
        assert!(is_token(&manage));
        assert_eq!(
            manage,
            derived_token("key one", TokenPurpose::Manage, &salt)
        );
        assert_ne!(
            manage,
            derived_token("key one", TokenPurpose::Unsubscribe, &salt)
        );
        assert_ne!(
            manage,
            derived_token("key two", TokenPurpose::Manage, &salt)
        );
        assert_ne!(
            manage,
            derived_token("key one", TokenPurpose::Manage, &[8u8; 32])
        );
    }

    #[test]
    fn only_hex_of_the_right_length_is_a_token() {
        assert!(!is_token("abc"));
        assert!(!is_token(&"G".repeat(64)));
        assert!(!is_token(&"A".repeat(64)));
        assert!(is_token(&"0a".repeat(32)));
    }

    #[test]
    fn frequencies_parse_and_refuse() {
        assert_eq!(Frequency::parse("weekly").unwrap(), Frequency::Weekly);
        assert!(Frequency::parse("hourly").is_err());
    }
}
