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
    held: Arc<Held>,
    /// The data directory (for its free space) and whether it is open read-only.
    dir: std::path::PathBuf,
    read_only: bool,
    rebuild_locks: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Person-page content by person and role.
    pub(crate) person_pages: PageCache<crate::people::view::PersonPage>,
    /// When each account last changed something (so it never gets a page older than that).
    writes: Mutex<HashMap<String, std::time::Instant>>,
    /// The people list's rows by scope and service, before search and paging.
    pub(crate) people_lists: PageCache<Arc<Vec<crate::people::view::ListedPerson>>>,
    /// How far behind its peers this node is, read at most once a second.
    freshness: Mutex<Option<(std::time::Instant, Option<String>)>>,
}

type AuditJob = (AuditEvent, tokio::sync::oneshot::Sender<Result<(), String>>);

/// Reads shown while they could not be written to the journal (the disk full, or a read-only
/// copy), each with the time it was made, and the most the server will hold: past that, reads
/// are refused rather than shown unrecorded.
struct Held {
    reads: Mutex<Vec<(AuditEvent, jiff::Timestamp)>>,
}

/// At most this many reads are held while the disk is full.
pub const MAX_HELD_READS: usize = 100_000;

impl Held {
    fn len(&self) -> usize {
        self.reads.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// The group-commit writer for audit events: one thread with its own connection takes every
/// event waiting, appends them in one transaction (one fsync), then answers each request.
/// When the disk is full (or the node is a read-only copy) the reads are held, each logged, and
/// the page is shown; held reads are recorded, with the times they were made, once a write
/// succeeds again (tried every few seconds).
fn audit_writer(mut app: App, rx: std::sync::mpsc::Receiver<AuditJob>, held: Arc<Held>) {
    let read_only = app.read_only();
    loop {
        let first = match rx.recv_timeout(std::time::Duration::from_secs(5)) {
            Ok(j) => Some(j),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if !read_only {
            flush_held(&mut app, &held);
        }
        let Some(first) = first else { continue };
        let mut jobs = vec![first];
        while jobs.len() < 512 {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let (events, replies): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
        let result = match app.append_prepared(events.clone()) {
            Ok(()) => Ok(()),
            Err(_) if read_only => {
                // A read-only copy's journal cannot take them: the server's log is their record.
                for e in &events {
                    eprintln!("read of a read-only copy: {}", e.describe(app.now()));
                }
                Ok(())
            }
            Err(e) if e.unavailable().is_some() => hold(&held, events, app.now(), &e),
            Err(e) => Err(e.to_string()),
        };
        for r in replies {
            let _ = r.send(result.clone());
        }
    }
}

/// Hold reads that could not be written, logging each (who, whom, when) so that the server's
/// log has them even if the process ends before they reach the journal.
fn hold(
    held: &Held,
    events: Vec<AuditEvent>,
    now: jiff::Timestamp,
    why: &AppError,
) -> Result<(), String> {
    let mut h = held.reads.lock().unwrap_or_else(|p| p.into_inner());
    if h.len() + events.len() > MAX_HELD_READS {
        return Err(format!(
            "{why}; {} reads are already held unrecorded, the most this server will hold",
            h.len()
        ));
    }
    for e in events {
        eprintln!(
            "read held, not yet in the journal ({}): {}",
            why,
            e.describe(now)
        );
        h.push((e, now));
    }
    Ok(())
}

/// Record held reads if the journal takes writes again.
fn flush_held(app: &mut App, held: &Held) {
    let batch: Vec<_> = {
        let h = held.reads.lock().unwrap_or_else(|p| p.into_inner());
        if h.is_empty() {
            return;
        }
        h.clone()
    };
    if app.append_held(&batch).is_ok() {
        held.reads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..batch.len());
        eprintln!(
            "{} held read{} now recorded in the journal",
            batch.len(),
            if batch.len() == 1 { "" } else { "s" }
        );
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
        Self::open_with(dir, clock, connections, false)
    }

    /// Open the data directory read-only (`serve --read-only`): see [`App::open_read_only`].
    pub fn open_read_only(
        dir: &Path,
        clock: Clock,
        connections: usize,
    ) -> Result<AppState, AppError> {
        Self::open_with(dir, clock, connections, true)
    }

    fn open_with(
        dir: &Path,
        clock: Clock,
        connections: usize,
        read_only: bool,
    ) -> Result<AppState, AppError> {
        let open = |dir: &Path| {
            if read_only {
                App::open_read_only(dir, clock)
            } else {
                App::open(dir, clock)
            }
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let writer = open(dir)?;
        // A read-only node keeps sign-in sessions in its connection's temporary tables, so it
        // serves from one connection.
        let read_only = writer.read_only();
        let connections = if read_only { 1 } else { connections.max(1) };
        let held = Arc::new(Held {
            reads: Mutex::new(Vec::new()),
        });
        let h = held.clone();
        std::thread::Builder::new()
            .name("lantern-audit-writer".into())
            .spawn(move || audit_writer(writer, rx, h))
            .map_err(|e| AppError::Forbidden(format!("cannot start the audit writer: {e}")))?;
        let apps = (0..connections)
            .map(|_| open(dir))
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
                held,
                dir: dir.to_path_buf(),
                read_only,
                rebuild_locks: Mutex::new(HashMap::new()),
                person_pages: PageCache::new(5000),
                people_lists: PageCache::new(200),
                freshness: Mutex::new(None),
                writes: Mutex::new(HashMap::new()),
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

    /// Whether the node is open read-only.
    pub fn read_only(&self) -> bool {
        self.inner.read_only
    }

    /// The node's health now: read-only, the disk full or nearly, reads held unrecorded.
    pub fn health(&self) -> lantern_app::admin::health::Health {
        lantern_app::admin::health::Health::of(
            &self.inner.dir,
            self.inner.read_only,
            self.inner.held.len(),
        )
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

    /// How far behind its peers this node is (for the `X-Lantern-Freshness` header), read at
    /// most once a second; `None` on a node that replicates with nobody.
    pub async fn freshness(&self) -> Option<String> {
        {
            let f = self
                .inner
                .freshness
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some((at, line)) = f.as_ref()
                && at.elapsed() < std::time::Duration::from_secs(1)
            {
                return line.clone();
            }
        }
        let line = self.run(|app| app.freshness_line()).await;
        *self
            .inner
            .freshness
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((std::time::Instant::now(), line.clone()));
        line
    }

    /// Note that `account` has just changed something.
    pub fn wrote(&self, account: &str) {
        let mut w = self.inner.writes.lock().unwrap_or_else(|p| p.into_inner());
        if w.len() > 10_000 {
            w.clear();
        }
        w.insert(account.to_string(), std::time::Instant::now());
    }

    /// When `account` last changed something, if since this server started.
    pub fn last_write(&self, account: &str) -> Option<std::time::Instant> {
        self.inner
            .writes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(account)
            .copied()
    }

    /// The people-list cache.
    pub fn people_lists(&self) -> &PageCache<Arc<Vec<crate::people::view::ListedPerson>>> {
        &self.inner.people_lists
    }

    /// The lock that lets one request per key rebuild a caseload-wide page (the dashboard, the
    /// people list) while others are served the last one made.
    pub fn rebuild_lock(&self, scope: &str) -> Arc<Mutex<()>> {
        let mut l = self
            .inner
            .rebuild_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if l.len() > 1000 {
            l.clear();
        }
        l.entry(scope.to_string()).or_default().clone()
    }
}
