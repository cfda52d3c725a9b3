//! Shared state: a small pool of open `App`s (one SQLite connection each) used from blocking
//! threads, and the sign-in throttle.

use lantern_app::{App, AppError, Clock};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    apps: Vec<Mutex<App>>,
    next: AtomicUsize,
    throttle: Mutex<HashMap<String, (u32, Instant)>>,
    dashboards: Mutex<HashMap<String, (i64, i64, crate::view::DashboardPage)>>,
}

/// Failed sign-ins allowed per name (and per client address) in the window before a pause.
pub const MAX_FAILURES: u32 = 5;
/// The throttle window.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

impl AppState {
    /// Open `connections` handles on the data directory.
    pub fn open(dir: &Path, clock: Clock, connections: usize) -> Result<AppState, AppError> {
        let apps = (0..connections.max(1))
            .map(|_| App::open(dir, clock).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AppState {
            inner: Arc::new(Inner {
                apps,
                next: AtomicUsize::new(0),
                throttle: Mutex::new(HashMap::new()),
                dashboards: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Run a use case on a blocking thread with one of the pooled connections.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut App) -> T + Send + 'static,
    ) -> T {
        let inner = self.inner.clone();
        let task = tokio::task::spawn_blocking(move || {
            let n = inner.apps.len();
            let start = inner.next.fetch_add(1, Ordering::Relaxed) % n;
            for k in 0..n {
                if let Ok(mut app) = inner.apps[(start + k) % n].try_lock() {
                    return f(&mut app);
                }
            }
            let mut app = inner.apps[start].lock().unwrap_or_else(|p| p.into_inner());
            f(&mut app)
        });
        match task.await {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    /// Whether sign-in for this key (a name or an address) is paused after repeated failures.
    pub fn throttled(&self, key: &str) -> bool {
        let t = self
            .inner
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        t.get(key)
            .is_some_and(|(n, since)| *n >= MAX_FAILURES && since.elapsed() < THROTTLE_WINDOW)
    }

    /// Count a failed sign-in.
    pub fn failed(&self, key: &str) {
        let mut t = self
            .inner
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let e = t.entry(key.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= THROTTLE_WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }

    /// A cached dashboard for a scope, valid while the data version and the minute are the same
    /// (statuses go stale with time, so a dashboard is at most a minute old).
    pub fn cached_dashboard(
        &self,
        scope: &str,
        version: i64,
        minute: i64,
    ) -> Option<crate::view::DashboardPage> {
        let c = self
            .inner
            .dashboards
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        c.get(scope)
            .filter(|(v, m, _)| *v == version && *m == minute)
            .map(|(_, _, page)| page.clone())
    }

    /// Keep a dashboard for its scope.
    pub fn cache_dashboard(
        &self,
        scope: String,
        version: i64,
        minute: i64,
        page: crate::view::DashboardPage,
    ) {
        let mut c = self
            .inner
            .dashboards
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if c.len() > 1000 {
            c.clear();
        }
        c.insert(scope, (version, minute, page));
    }

    /// Forget failures after a successful sign-in.
    pub fn succeeded(&self, key: &str) {
        self.inner
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}
