//! Cheap defences of the public job form against scripts: a honeypot field people never
//! see, and the time the form was opened, signed so it cannot be forged, which must lie
//! a few seconds back when the form is sent.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// The honeypot's name: a field a person leaves empty because they never see it.
pub const HONEYPOT_FIELD: &str = "homepage";
/// The signed start time's field.
pub const STARTED_FIELD: &str = "started";
/// A form opened longer ago than this is stale: a new start time is issued.
const MAX_AGE_SECONDS: i64 = 24 * 60 * 60;

fn signature(key: &[u8], started: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(b"job-form:");
    mac.update(started.to_string().as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The start-time field's value for a form opened at `now` (Unix seconds).
pub fn started_token(key: &[u8], now: i64) -> String {
    format!("{now}.{}", signature(key, now))
}

/// The start time a token carries, if its signature is ours and it is not stale.
pub fn started_at(key: &[u8], token: &str, now: i64) -> Option<i64> {
    let (time, sig) = token.split_once('.')?;
    let started: i64 = time.parse().ok()?;
    let expected = signature(key, started);
    let same = expected.len() == sig.len()
        && expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    (same && started <= now + 5 && now - started <= MAX_AGE_SECONDS).then_some(started)
}

/// What the guard makes of a sent form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Person,
    /// The honeypot has a value: a script filled in every field.
    Honeypot,
    /// Sent sooner than a person could have filled it in, or without a valid start time.
    TooFast,
}

pub fn check(key: &[u8], honeypot: &str, token: &str, now: i64, min_fill: Duration) -> Verdict {
    if !honeypot.trim().is_empty() {
        return Verdict::Honeypot;
    }
    match started_at(key, token, now) {
        Some(started) if now - started >= min_fill.as_secs() as i64 => Verdict::Person,
        _ => Verdict::TooFast,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test-key-test-key-test-key-test-key";

    #[test]
    fn a_signed_start_time_reads_back_and_a_forged_one_does_not() {
        let token = started_token(KEY, 1_000);
        assert_eq!(started_at(KEY, &token, 1_010), Some(1_000));
        let forged = format!("900.{}", token.split_once('.').unwrap().1);
        assert_eq!(started_at(KEY, &forged, 1_010), None);
        assert_eq!(started_at(b"another key", &token, 1_010), None);
        assert_eq!(started_at(KEY, "nonsense", 1_010), None);
    }

    #[test]
    fn the_form_must_be_open_long_enough_and_the_honeypot_empty() {
        let token = started_token(KEY, 1_000);
        let min = Duration::from_secs(4);
        assert_eq!(check(KEY, "", &token, 1_010, min), Verdict::Person);
        assert_eq!(check(KEY, "", &token, 1_002, min), Verdict::TooFast);
        assert_eq!(
            check(KEY, "http://spam", &token, 1_010, min),
            Verdict::Honeypot
        );
        assert_eq!(check(KEY, "", "", 1_010, min), Verdict::TooFast);
        // A form left open for more than a day is stale.
        assert_eq!(
            check(KEY, "", &token, 1_000 + 90_000, min),
            Verdict::TooFast
        );
    }
}
