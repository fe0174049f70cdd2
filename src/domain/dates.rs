//! Dates the way people read them.

use chrono::{DateTime, Utc};

/// "today", "yesterday", "3 days ago", "2 weeks ago", "5 months ago", "over a year ago".
pub fn relative(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = (now - then).num_days();
    match days {
        i64::MIN..=0 => "today".to_owned(),
        1 => "yesterday".to_owned(),
        2..=13 => format!("{days} days ago"),
        14..=59 => format!("{} weeks ago", days / 7),
        60..=364 => format!("{} months ago", days / 30),
        _ => "over a year ago".to_owned(),
    }
}

/// "26 November 2026": unambiguous for readers on both sides of the Atlantic.
pub fn long_date(when: DateTime<Utc>) -> String {
    when.format("%-d %B %Y").to_string()
}

/// "4 December 2026, 14:05 (Berlin time)": a moment as people in Germany read it.
pub fn long_date_time_berlin(when: DateTime<Utc>) -> String {
    when.with_timezone(&chrono_tz::Europe::Berlin)
        .format("%-d %B %Y, %H:%M (Berlin time)")
        .to_string()
}

/// The machine-readable form for `<time datetime>` and structured data.
pub fn iso_date(when: DateTime<Utc>) -> String {
    when.format("%Y-%m-%d").to_string()
}

/// A moment for `<time datetime>`: RFC 3339 in whole seconds, as HTML allows (it takes
/// at most three digits of a fraction of a second).
pub fn iso_datetime(when: DateTime<Utc>) -> String {
    when.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn relative_dates_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(relative(now - Duration::hours(3), now), "today");
        assert_eq!(relative(now + Duration::hours(3), now), "today");
        assert_eq!(relative(now - Duration::days(1), now), "yesterday");
        assert_eq!(relative(now - Duration::days(3), now), "3 days ago");
        assert_eq!(relative(now - Duration::days(15), now), "2 weeks ago");
        assert_eq!(relative(now - Duration::days(95), now), "3 months ago");
        assert_eq!(relative(now - Duration::days(400), now), "over a year ago");
    }

    #[test]
    fn long_and_iso_dates() {
        let when = Utc.with_ymd_and_hms(2026, 3, 5, 8, 0, 0).unwrap();
        assert_eq!(long_date(when), "5 March 2026");
        assert_eq!(iso_date(when), "2026-03-05");
        let precise = when + Duration::microseconds(594_399);
        assert_eq!(iso_datetime(precise), "2026-03-05T08:00:00+00:00");
    }
}
