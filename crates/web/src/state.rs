//! Shared state: a small pool of open `App`s (one SQLite connection each) used from blocking
//! threads, the audit writer and page caches. (The sign-in throttle is in the database.)

use crate::cache::PageCache;
use lantern_app::{App, AppError, AuditEvent, Clock};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    /// Connections not in use; a request waits for whichever is freed first, so nobody queues
    /// behind one long job (a dashboard rebuild) while other connections are free.
    free: Mutex<Vec<App>>,
    freed: Condvar,
    /// Served over TLS: cookies are `Secure` and HSTS is sent.
    tls: std::sync::atomic::AtomicBool,
    /// Reads per account in the current minute, and the limit.
    reads: Mutex<HashMap<String, (u32, std::time::Instant)>>,
    read_limit: std::sync::atomic::AtomicU32,
    /// Dashboards by scope.
    pub(crate) dashboards: PageCache<crate::home::view::DashboardPage>,
    audit: Mutex<std::sync::mpsc::Sender<AuditJob>>,
    dashboard_locks: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Person-page content by person and role.
    pub(crate) person_pages: PageCache<crate::people::view::PersonPage>,
}

type AuditJob = (AuditEvent, tokio::sync::oneshot::Sender<Result<(), String>>);

/// The group-commit writer for audit events: one thread with its own connection takes every
/// event waiting, appends them in one transaction (one fsync), then answers each request.
fn audit_writer(mut app: App, rx: std::sync::mpsc::Receiver<AuditJob>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < 512 {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let (events, replies): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
        let result = app.append_prepared(events).map_err(|e| e.to_string());
        for r in replies {
            let _ = r.send(result.clone());
        }
    }
}

/// A connection borrowed from the pool, returned when dropped (even if the use case panicked).
struct Lease<'a> {
    inner: &'a Inner,
    app: Option<App>,
}

impl<'a> Lease<'a> {
    fn take(inner: &'a Inner) -> Lease<'a> {
        let mut free = inner.free.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(app) = free.pop() {
                return Lease {
                    inner,
                    app: Some(app),
                };
            }
            free = inner.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn app(&mut self) -> &mut App {
        self.app
            .as_mut()
            .unwrap_or_else(|| unreachable!("a lease holds its connection until dropped"))
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            self.inner
                .free
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(app);
            self.inner.freed.notify_one();
        }
    }
}

/// Reads of essential information one account may make a minute.
pub const READS_PER_MINUTE: u32 = 600;

impl AppState {
    /// Open `connections` handles on the data directory.
    pub fn open(dir: &Path, clock: Clock, connections: usize) -> Result<AppState, AppError> {
        let (tx, rx) = std::sync::mpsc::channel();
        let writer = App::open(dir, clock)?;
        std::thread::Builder::new()
            .name("lantern-audit-writer".into())
            .spawn(move || audit_writer(writer, rx))
            .map_err(|e| AppError::Forbidden(format!("cannot start the audit writer: {e}")))?;
        let apps = (0..connections.max(1))
            .map(|_| App::open(dir, clock))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AppState {
            inner: Arc::new(Inner {
                free: Mutex::new(apps),
                freed: Condvar::new(),
                tls: std::sync::atomic::AtomicBool::new(false),
                reads: Mutex::new(HashMap::new()),
                read_limit: std::sync::atomic::AtomicU32::new(READS_PER_MINUTE),
                dashboards: PageCache::new(1000),
                audit: Mutex::new(tx),
                dashboard_locks: Mutex::new(HashMap::new()),
                person_pages: PageCache::new(5000),
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
            let mut lease = Lease::take(&inner);
            f(lease.app())
        });
        match task.await {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    /// Record an audit event durably (grouped with others waiting), before the read it audits is
    /// shown.
    pub async fn record_audit(&self, event: AuditEvent) -> Result<(), AppError> {
        self.count_read(event.reader())?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sent = self
            .inner
            .audit
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send((event, tx));
        if sent.is_err() {
            return Err(AppError::Forbidden(
                "the audit writer has stopped; reads cannot be audited".into(),
            ));
        }
        match rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(AppError::Forbidden(format!(
                "the read could not be audited: {e}"
            ))),
            Err(_) => Err(AppError::Forbidden(
                "the audit writer has stopped; reads cannot be audited".into(),
            )),
        }
    }

    /// One account may read at most the limit a minute: a runaway script cannot fill the
    /// journal with its reads (people read a few a minute).
    fn count_read(&self, reader: &str) -> Result<(), AppError> {
        let limit = self
            .inner
            .read_limit
            .load(std::sync::atomic::Ordering::Relaxed);
        let mut m = self.inner.reads.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 10_000 {
            m.retain(|_, (_, since)| since.elapsed().as_secs() < 60);
        }
        let e = m
            .entry(reader.to_string())
            .or_insert((0, std::time::Instant::now()));
        if e.1.elapsed().as_secs() >= 60 {
            *e = (0, std::time::Instant::now());
        }
        if e.0 >= limit {
            return Err(AppError::Throttled(format!(
                "more than {limit} reads of essential information a minute by one account: wait a minute"
            )));
        }
        e.0 += 1;
        Ok(())
    }

    /// Set how many reads one account may make a minute (default [`READS_PER_MINUTE`]).
    pub fn set_read_limit(&self, per_minute: u32) {
        self.inner
            .read_limit
            .store(per_minute.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether this server answers over TLS.
    pub fn tls(&self) -> bool {
        self.inner.tls.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Say the server answers over TLS (`Secure` cookies, HSTS).
    pub fn set_tls(&self) {
        self.inner
            .tls
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The dashboard cache.
    pub fn dashboards(&self) -> &PageCache<crate::home::view::DashboardPage> {
        &self.inner.dashboards
    }

    /// The person-page cache.
    pub fn person_pages(&self) -> &PageCache<crate::people::view::PersonPage> {
        &self.inner.person_pages
    }

    /// The lock that lets one request per scope rebuild a dashboard while others wait or are
    /// served the previous minute's.
    pub fn dashboard_lock(&self, scope: &str) -> Arc<Mutex<()>> {
        let mut l = self
            .inner
            .dashboard_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if l.len() > 1000 {
            l.clear();
        }
        l.entry(scope.to_string()).or_default().clone()
    }
}
