//! Serving the previous value while one caller computes the next: when a cached value
//! goes out of date under load, one request recomputes it and the others keep using
//! the old one, instead of all computing the same thing at once.

use std::time::{Duration, Instant};

/// A recomputation not finished after this long (its request failed) is handed to the
/// next caller.
const REFRESH_TIMEOUT: Duration = Duration::from_secs(2);

/// When a cached value was stored and whether someone is recomputing it.
#[derive(Debug, Clone, Copy)]
pub struct Kept {
    stored_at: Instant,
    refreshing_since: Option<Instant>,
}

impl Kept {
    pub fn now() -> Self {
        Self {
            stored_at: Instant::now(),
            refreshing_since: None,
        }
    }

    pub fn age(&self) -> Duration {
        self.stored_at.elapsed()
    }

    /// Whether the caller should compute the value anew (and is now the one doing it),
    /// rather than use the kept one: it is out of date (`current` is false) and nobody
    /// else is on it, or it is older than `max_stale` and must not be served at all.
    pub fn claim_refresh(&mut self, current: bool, max_stale: Duration) -> bool {
        if current {
            return false;
        }
        let someone_on_it = self
            .refreshing_since
            .is_some_and(|since| since.elapsed() < REFRESH_TIMEOUT);
        if someone_on_it && self.age() < max_stale {
            return false;
        }
        self.refreshing_since = Some(Instant::now());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_caller_refreshes_while_the_others_keep_the_old_value() {
        let mut kept = Kept::now();
        assert!(!kept.claim_refresh(true, Duration::from_secs(10)));
        assert!(kept.claim_refresh(false, Duration::from_secs(10)));
        assert!(!kept.claim_refresh(false, Duration::from_secs(10)));
        // Too old to serve: everyone computes.
        assert!(kept.claim_refresh(false, Duration::ZERO));
    }
}
