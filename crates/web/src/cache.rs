//! Rendered-page data cached by key, valid while the journal's data version and the minute are
//! unchanged (statuses go stale with time, so nothing is more than a minute old).

use std::collections::HashMap;
use std::sync::Mutex;

/// A bounded cache of page data.
pub struct PageCache<T> {
    entries: Mutex<HashMap<String, (i64, i64, T)>>,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, i64, T)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The entry for this key, data version and minute.
    pub fn get(&self, key: &str, version: i64, minute: i64) -> Option<T> {
        self.lock()
            .get(key)
            .filter(|(v, m, _)| *v == version && *m == minute)
            .map(|(_, _, t)| t.clone())
    }

    /// The entry for this key and data version, whatever its minute, with that minute.
    pub fn get_of_version(&self, key: &str, version: i64) -> Option<(i64, T)> {
        self.lock()
            .get(key)
            .filter(|(v, _, _)| *v == version)
            .map(|(_, m, t)| (*m, t.clone()))
    }

    /// Keep an entry.
    pub fn put(&self, key: String, version: i64, minute: i64, value: T) {
        let mut c = self.lock();
        if c.len() >= self.capacity {
            c.clear();
        }
        c.insert(key, (version, minute, value));
    }
}
