//! The calling side of replication: one round with a peer (pull its changes after this node's
//! version vector until none are left, then push what it lacks), signed requests and checked
//! answers, and the loop `serve --peer` runs.

use super::{
    Applied, BATCH, ChangesBatch, ChangesRequest, EventsPush, NODE_HEADER, NodeSignature,
    SIGNATURE_HEADER, TIME_HEADER, refused,
};
use crate::{App, AppError, Clock};
use lantern_journal::{JournalError, PeerRow, VersionVector};
use serde::Serialize;
use std::time::{Duration, Instant};

/// What one round with a peer moved.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct RoundReport {
    /// The peer's URL.
    pub peer: String,
    /// Its node id.
    pub node: String,
    /// Events taken from it.
    pub pulled: usize,
    /// Events taken from it as stubs (this node holds some services only).
    #[serde(default)]
    pub withheld: usize,
    /// Events it took from this node.
    pub pushed: usize,
    /// Requests made.
    pub requests: usize,
}

/// How a node reaches its peers: time limits, and the certificate authority of their HTTPS
/// certificates when it is the organisation's own (`LANTERN_PEER_CA`, a PEM file).
#[derive(Clone)]
pub struct Transport {
    agent: ureq::Agent,
}

impl Transport {
    /// Time limits of `timeout`; trusts the system's authorities and, if given, `ca_pem`.
    pub fn new(timeout: Duration, ca_pem: Option<&[u8]>) -> Result<Transport, String> {
        let mut b = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(Duration::from_secs(3)))
            .http_status_as_error(false)
            .max_redirects(0);
        if let Some(pem) = ca_pem {
            let certs = ureq::tls::parse_pem(pem)
                .filter_map(|i| match i {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e.to_string())),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if certs.is_empty() {
                return Err("no PEM certificate in the peer CA file".into());
            }
            b = b.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(certs)))
                    .build(),
            );
        }
        Ok(Transport {
            agent: b.build().into(),
        })
    }

    /// For the node in `dir`: the certificates it pinned when it joined (`tls/peer-ca.pem`) and
    /// those of `LANTERN_PEER_CA` (a PEM file of the authority that signed the peers'
    /// certificates); with neither, the system's authorities.
    pub fn for_node(dir: &std::path::Path) -> Result<Transport, String> {
        let mut pem = Vec::new();
        if let Some(p) = std::env::var_os("LANTERN_PEER_CA") {
            pem.extend(
                std::fs::read(&p)
                    .map_err(|e| format!("LANTERN_PEER_CA {}: {e}", p.to_string_lossy()))?,
            );
            pem.push(b'\n');
        }
        if let Ok(b) = std::fs::read(dir.join(super::join::PEER_CA)) {
            pem.extend(b);
        }
        Transport::new(
            Duration::from_secs(60),
            (!pem.is_empty()).then_some(pem.as_slice()),
        )
    }

    /// POST `body` to `base` + `path`, signed by `app`'s node; the answer's signature is checked
    /// against the trusted, unretired node it names (`expect`: the only node accepted, when
    /// known). Returns the answering node and the body.
    pub(crate) fn post(
        &self,
        app: &App,
        base: &str,
        path: &str,
        body: &[u8],
        expect: Option<&str>,
    ) -> Result<(String, Vec<u8>), String> {
        let time = app.now().to_string();
        let msg = lantern_journal::request_message("POST", path, &time, body);
        let signature = app.journal.sign_message(&msg);
        let url = format!("{}{path}", base.trim_end_matches('/'));
        let resp = self
            .agent
            .post(&url)
            .header(NODE_HEADER, app.journal.node_id())
            .header(TIME_HEADER, &time)
            .header(SIGNATURE_HEADER, &signature)
            .header("content-type", "application/json")
            .send(body)
            .map_err(|e| match e {
                ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                    "connection refused".to_string()
                }
                ureq::Error::Timeout(_) => "timed out".to_string(),
                other => other.to_string(),
            })?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let answer = NodeSignature {
            node: header(NODE_HEADER).unwrap_or_default(),
            time: header(TIME_HEADER).unwrap_or_default(),
            signature: header(SIGNATURE_HEADER).unwrap_or_default(),
        };
        let mut resp = resp;
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(super::MAX_BATCH_BYTES as u64)
            .read_to_vec()
            .map_err(|e| format!("reading the answer: {e}"))?;
        if status != 200 {
            let why = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).chars().take(300).collect());
            return Err(format!("HTTP {status}: {why}"));
        }
        if let Some(e) = expect
            && answer.node != e
        {
            return Err(format!(
                "answered by node {:?}, not the expected {e}",
                answer.node
            ));
        }
        let msg = lantern_journal::response_message(&signature, &answer.time, &bytes);
        app.journal
            .check_node_signature(&answer.node, &msg, &answer.signature)
            .map_err(|e| format!("the answer is not from a trusted node: {e}"))?;
        Ok((answer.node, bytes))
    }
}

impl App {
    /// This node's version vector.
    pub fn version_vector(&self) -> Result<VersionVector, AppError> {
        Ok(self.journal.version_vector()?)
    }

    /// The checkpoint kept for `url`, if any.
    fn peer_row(&self, url: &str) -> Result<Option<PeerRow>, AppError> {
        Ok(self.journal.peers()?.into_iter().find(|p| p.url == url))
    }

    /// One round with the peer at `url`: pull until nothing is left, then push what it lacks.
    /// The checkpoint is kept either way (the error with it when the round failed).
    pub fn sync_with(&mut self, t: &Transport, url: &str) -> Result<RoundReport, AppError> {
        let url = url.trim_end_matches('/').to_string();
        let before = self.peer_row(&url)?;
        let started = self.now();
        let result = self.round(t, &url, before.as_ref().and_then(|p| p.node_id.as_deref()));
        let mut row = before.unwrap_or_else(|| PeerRow {
            url: url.clone(),
            ..PeerRow::default()
        });
        row.last_attempt_at = started.to_string();
        match &result {
            Ok((report, theirs)) => {
                row.node_id = Some(report.node.clone());
                row.last_ok_at = Some(started.to_string());
                row.in_step_at = Some(started.to_string());
                row.last_error = None;
                row.their_vector = theirs.clone();
                row.behind = 0;
                row.ahead = 0;
            }
            Err(e) => row.last_error = Some(e.to_string()),
        }
        self.journal.record_peer(&row)?;
        if let Ok((r, _)) = &result {
            self.journal.forget_other_addresses(&r.node, &url)?;
        }
        result.map(|(r, _)| r)
    }

    fn round(
        &mut self,
        t: &Transport,
        url: &str,
        expect: Option<&str>,
    ) -> Result<(RoundReport, VersionVector), AppError> {
        let unreachable = |e: String| AppError::Unreachable(format!("peer {url}: {e}"));
        let mut report = RoundReport {
            peer: url.to_string(),
            ..RoundReport::default()
        };
        // Pull. A batch that brings people into this node's services whose earlier events it
        // holds only as stubs is asked for again with their history, once.
        let mut history: Vec<String> = Vec::new();
        let theirs = loop {
            let req = ChangesRequest {
                vector: self.journal.version_vector()?,
                limit: Some(BATCH as u32),
                history: std::mem::take(&mut history),
            };
            let asked_history = !req.history.is_empty();
            let body = serde_json::to_vec(&req).map_err(|e| unreachable(e.to_string()))?;
            let (node, bytes) = t
                .post(self, url, "/api/v1/replication/changes", &body, expect)
                .map_err(unreachable)?;
            report.requests += 1;
            let batch: ChangesBatch = serde_json::from_slice(&bytes)
                .map_err(|e| unreachable(format!("its changes did not read: {e}")))?;
            report.node = node;
            let r = match self.journal.apply_changes(
                &batch.keys,
                &batch.history,
                &batch.events,
                &batch.withheld,
                !asked_history,
            ) {
                Err(JournalError::NeedsHistory { people }) => {
                    history = people;
                    continue;
                }
                other => other.map_err(refused)?,
            };
            report.pulled += r.applied;
            report.withheld += r.withheld;
            if !batch.more {
                break batch.vector;
            }
        };
        // Push.
        let mut theirs = theirs;
        loop {
            let changes = self.journal.changes_after(&theirs, BATCH, &report.node)?;
            let more = changes.more;
            if changes.events.is_empty() && changes.withheld.is_empty() {
                break;
            }
            let keys = self.keys_for(
                changes
                    .events
                    .iter()
                    .map(|e| &e.node_id)
                    .chain(changes.withheld.iter().map(|s| &s.node_id)),
            )?;
            let body = serde_json::to_vec(&EventsPush {
                keys,
                events: changes.events,
                withheld: changes.withheld,
            })
            .map_err(|e| unreachable(e.to_string()))?;
            let node = report.node.clone();
            let (_, bytes) = t
                .post(self, url, "/api/v1/replication/events", &body, Some(&node))
                .map_err(unreachable)?;
            report.requests += 1;
            let applied: Applied = serde_json::from_slice(&bytes)
                .map_err(|e| unreachable(format!("its answer did not read: {e}")))?;
            report.pushed += applied.applied;
            let moved = applied.vector != theirs;
            theirs = applied.vector;
            if !more || !moved {
                break;
            }
        }
        Ok((report, theirs))
    }
}

/// While serving: a round with each peer whenever this node has written something new, and at
/// least every `every` otherwise (to take the peers' news); a peer that cannot be reached is
/// tried again after a growing pause (up to a minute). A peer out of step for longer than
/// `stale_after` raises this copy's dependency status. Never returns.
pub fn replicate_forever(
    dir: std::path::PathBuf,
    clock: Clock,
    peers: Vec<String>,
    every: Duration,
    stale_after: jiff::SignedDuration,
) {
    let transport = match Transport::for_node(&dir) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("replication: {e}");
            return;
        }
    };
    struct State {
        url: String,
        next: Instant,
        pause: Duration,
        pushed: Option<VersionVector>,
        said: Option<String>,
    }
    let mut state: Vec<State> = peers
        .into_iter()
        .map(|url| State {
            url,
            next: Instant::now(),
            pause: Duration::ZERO,
            pushed: None,
            said: None,
        })
        .collect();
    let mut app: Option<App> = None;
    let mut checked = Instant::now();
    loop {
        if app.is_none() {
            match App::open(&dir, clock) {
                Ok(a) => app = Some(a),
                Err(e) => eprintln!("replication: {e}"),
            }
        }
        if let Some(a) = app.as_mut() {
            let ours = a.version_vector().ok();
            for p in &mut state {
                let news = ours.is_some() && p.pushed != ours && p.pause.is_zero();
                if !news && Instant::now() < p.next {
                    continue;
                }
                match a.sync_with(&transport, &p.url) {
                    Ok(_) => {
                        p.pause = Duration::ZERO;
                        p.next = Instant::now() + every;
                        p.pushed = a.version_vector().ok();
                        if p.said.take().is_some() {
                            eprintln!("replication with {}: in step again", p.url);
                        }
                    }
                    Err(e) => {
                        p.pause =
                            (p.pause * 2).clamp(Duration::from_secs(1), Duration::from_secs(60));
                        p.next = Instant::now() + p.pause;
                        // Said once, not every attempt.
                        let e = e.to_string();
                        if p.said.as_ref() != Some(&e) {
                            eprintln!("replication with {}: {e}", p.url);
                            p.said = Some(e);
                        }
                    }
                }
            }
            if checked.elapsed() >= Duration::from_secs(2) {
                checked = Instant::now();
                if let Err(e) = a.mark_stale_peers(stale_after) {
                    eprintln!("replication: {e}");
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
