//! A value shared between requests for a fixed time. Each instance keeps its own copy,
//! so this only ever holds data that may be a little stale (counts, not content).
//! Once stale, the old value is still served while one request refreshes it, so no
//! visitor waits for the expensive query except the very first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct TtlCache<T> {
    ttl: Duration,
    slot: Mutex<Option<(Instant, Arc<T>)>>,
    refreshing: AtomicBool,
}

/// What the cache holds right now.
pub enum Cached<T> {
    Fresh(Arc<T>),
    /// Too old: serve it, and refresh if [`TtlCache::begin_refresh`] says so.
    Stale(Arc<T>),
    Empty,
}

impl<T> TtlCache<T> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slot: Mutex::new(None),
            refreshing: AtomicBool::new(false),
        }
    }

    pub fn get(&self) -> Cached<T> {
        let slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match slot.as_ref() {
            Some((stored, value)) if stored.elapsed() < self.ttl => {
                Cached::Fresh(Arc::clone(value))
            }
            Some((_, value)) => Cached::Stale(Arc::clone(value)),
            None => Cached::Empty,
        }
    }

    /// True for exactly one caller until [`put`](Self::put) or
    /// [`abandon_refresh`](Self::abandon_refresh): that caller refreshes.
    pub fn begin_refresh(&self) -> bool {
        !self.refreshing.swap(true, Ordering::AcqRel)
    }

    /// The refresh failed; let a later request try again.
    pub fn abandon_refresh(&self) {
        self.refreshing.store(false, Ordering::Release);
    }

    /// Stores a fresh value and hands it back.
    pub fn put(&self, value: Arc<T>) -> Arc<T> {
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some((Instant::now(), Arc::clone(&value)));
        self.refreshing.store(false, Ordering::Release);
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_fresh_until_it_expires_then_stale() {
        let cache = TtlCache::new(Duration::from_millis(50));
        assert!(matches!(cache.get(), Cached::Empty));
        cache.put(Arc::new(7));
        assert!(matches!(cache.get(), Cached::Fresh(v) if *v == 7));
        std::thread::sleep(Duration::from_millis(60));
        assert!(matches!(cache.get(), Cached::Stale(v) if *v == 7));
    }

    #[test]
    fn only_one_caller_refreshes_at_a_time() {
        let cache: TtlCache<u8> = TtlCache::new(Duration::from_secs(1));
        assert!(cache.begin_refresh());
        assert!(!cache.begin_refresh());
        cache.abandon_refresh();
        assert!(cache.begin_refresh());
        cache.put(Arc::new(1));
        assert!(cache.begin_refresh());
    }
}
