//! A value shared between requests for a fixed time. Each instance keeps its own copy,
//! so this only ever holds data that may be a little stale (counts, not content).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct TtlCache<T> {
    ttl: Duration,
    slot: Mutex<Option<(Instant, Arc<T>)>>,
}

impl<T> TtlCache<T> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slot: Mutex::new(None),
        }
    }

    /// The cached value if it is younger than the time to live.
    pub fn get(&self) -> Option<Arc<T>> {
        let slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.as_ref()
            .filter(|(stored, _)| stored.elapsed() < self.ttl)
            .map(|(_, value)| Arc::clone(value))
    }

    /// Stores a fresh value and hands it back.
    pub fn put(&self, value: Arc<T>) -> Arc<T> {
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some((Instant::now(), Arc::clone(&value)));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_value_until_it_expires() {
        let cache = TtlCache::new(Duration::from_millis(50));
        assert!(cache.get().is_none());
        cache.put(Arc::new(7));
        assert_eq!(cache.get().as_deref(), Some(&7));
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get().is_none());
    }
}
