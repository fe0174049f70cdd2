//! Editors: the people who sign in to write articles, and what each role may do.

use super::InvalidInput;
use std::fmt;

/// What an editor may do. Editors write and publish; admins also manage editors and read
/// the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            _ => Err(InvalidInput::new("role", "must be editor or admin")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Editor => "Editor",
            Self::Admin => "Admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An e-mail address as editors sign in with it: trimmed, compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let trimmed = raw.trim();
        let valid = trimmed.len() <= 254
            && trimmed.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(InvalidInput::new(
                "email",
                "must be an e-mail address like name@example.org",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form throttling and look-ups key on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A display name: 1 to 100 characters after trimming.
pub fn parse_display_name(raw: &str) -> Result<String, InvalidInput> {
    let trimmed = raw.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > 100 || trimmed.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            "name",
            "must be 1 to 100 characters long",
        ));
    }
    Ok(trimmed.to_owned())
}

/// An editor's account as the admin pages show it.
#[derive(Debug, Clone)]
pub struct Editor {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_order() {
        assert_eq!(Role::parse("admin").unwrap(), Role::Admin);
        assert_eq!(Role::parse("editor").unwrap().as_str(), "editor");
        assert!(Role::parse("root").is_err());
        assert!(Role::Admin > Role::Editor);
    }

    #[test]
    fn email_addresses_are_trimmed_and_keyed_in_lower_case() {
        let email = EmailAddress::parse("  Anna.Schmidt@Example.org ").unwrap();
        assert_eq!(email.as_str(), "Anna.Schmidt@Example.org");
        assert_eq!(email.key(), "anna.schmidt@example.org");
        for bad in [
            "",
            "anna",
            "@example.org",
            "anna@",
            "a b@example.org",
            "a@b@c.de",
            "a@localhost",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(parse_display_name(" Anna ").unwrap(), "Anna");
        assert!(parse_display_name("   ").is_err());
        assert!(parse_display_name(&"x".repeat(101)).is_err());
    }
}

/// How long a session lives without a request, and at most.
pub const SESSION_IDLE: chrono::TimeDelta = chrono::TimeDelta::hours(2);
pub const SESSION_MAX: chrono::TimeDelta = chrono::TimeDelta::hours(12);

/// Failed sign-ins are counted over this window…
pub const FAILURE_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(15);
/// …per account (the e-mail address typed, known or not)…
pub const ACCOUNT_FAILURE_LIMIT: usize = 5;
/// …and per client address, higher because an office shares one.
pub const ADDRESS_FAILURE_LIMIT: usize = 20;

/// How long a sign-in must wait, given the newest failures in the window (newest first,
/// at most `limit` of them): until the `limit`-th newest ages out of the window.
pub fn throttled_for(
    recent_failures: &[chrono::DateTime<chrono::Utc>],
    limit: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::TimeDelta> {
    let oldest_counted = recent_failures.get(limit.checked_sub(1)?)?;
    let free_at = *oldest_counted + FAILURE_WINDOW;
    (free_at > now).then(|| free_at - now)
}

#[cfg(test)]
mod throttle_tests {
    use super::*;
    use chrono::{TimeDelta, Utc};

    #[test]
    fn the_fifth_failure_in_the_window_throttles_until_it_ages_out() {
        let now = Utc::now();
        let failures: Vec<_> = (0..5).map(|i| now - TimeDelta::minutes(i * 2)).collect();
        assert_eq!(throttled_for(&failures[..4], 5, now), None);
        let wait = throttled_for(&failures, 5, now).unwrap();
        assert_eq!(wait, TimeDelta::minutes(7));
        assert_eq!(
            throttled_for(&failures, 5, now + TimeDelta::minutes(8)),
            None
        );
        assert_eq!(throttled_for(&failures, 0, now), None);
    }
}
