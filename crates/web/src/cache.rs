//! Rendered-page data cached by key, valid while the journal's data version and the minute are
//! unchanged (statuses go stale with time, so nothing is more than a minute old).
//!
//! Pages over the whole caseload (the dashboard, the people list) cost a few hundred
//! milliseconds to build at ten thousand people. Under a steady stream of writes each change
//! would start a rebuild, and every reader would wait for one; so such a page is rebuilt at most
//! once per [`REBUILD_EVERY`] per key, readers in between are given the last one made (which
//! says when it was made), and while one request rebuilds the others are not kept waiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a caseload-wide page may be rebuilt after changes.
pub const REBUILD_EVERY: Duration = Duration::from_secs(10);

struct Entry<T> {
    version: i64,
    minute: i64,
    made: Instant,
    value: T,
}

/// A bounded cache of page data.
pub struct PageCache<T> {
    entries: Mutex<HashMap<String, Entry<T>>>,
    capacity: usize,
}

impl<T: Clone> PageCache<T> {
    /// An empty cache holding at most `capacity` entries (it is cleared when full).
    pub fn new(capacity: usize) -> Self {
        PageCache {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry<T>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The entry for this key, data version and minute.
    pub fn get(&self, key: &str, version: i64, minute: i64) -> Option<T> {
        self.lock()
            .get(key)
            .filter(|e| e.version == version && e.minute == minute)
            .map(|e| e.value.clone())
    }

    /// The entry for this key whatever its data version, if made within `age`, in this minute
    /// or the one before, and after `not_before` (the reader's own last change: nobody is shown
    /// a page older than what they just did).
    pub fn recent(
        &self,
        key: &str,
        minute: i64,
        age: Duration,
        not_before: Option<Instant>,
    ) -> Option<T> {
        self.lock()
            .get(key)
            .filter(|e| {
                minute - e.minute <= 1
                    && e.made.elapsed() <= age
                    && not_before.is_none_or(|w| e.made > w)
            })
            .map(|e| e.value.clone())
    }

    /// The entry for this key whatever its data version, if made in this minute or the one
    /// before and after `not_before`: what a request is given while another rebuilds the entry.
    pub fn latest(&self, key: &str, minute: i64, not_before: Option<Instant>) -> Option<T> {
        self.recent(key, minute, Duration::MAX, not_before)
    }

    /// Keep an entry.
    pub fn put(&self, key: String, version: i64, minute: i64, value: T) {
        let mut c = self.lock();
        if c.len() >= self.capacity {
            c.clear();
        }
        c.insert(
            key,
            Entry {
                version,
                minute,
                made: Instant::now(),
                value,
            },
        );
    }
}
