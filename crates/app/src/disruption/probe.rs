//! Probing dependencies over the network (HTTP(S), TCP, DNS) and recording what changed. A run
//! of successes records nothing; a failure, and the first success after failures, each record a
//! `ProbeObserved`; reaching the threshold proposes a disruption for a person to confirm.

use crate::{App, AppError};
use lantern_core::dependency::{Dependency, Probe, ProbeResult, ProbeStatus, ProbeTarget};
use lantern_core::event::Event;
use lantern_core::ids::DisruptionId;
use lantern_journal::NewEvent;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The journal actor for probe results.
pub const PROBE_ACTOR: &str = "system:probe";

/// What a probe run did for one dependency.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct ProbeReport {
    /// Which.
    pub dependency: String,
    /// What it found.
    pub result: ProbeResult,
    /// Consecutive failures.
    pub failures: u32,
    /// Whether an event was recorded.
    pub recorded: bool,
    /// The disruption proposed, if the threshold was crossed now.
    pub proposed: Option<String>,
}

/// Try a probe once. Never panics; every failure becomes a `Down` result with its reason.
pub fn probe_once(p: &Probe) -> ProbeResult {
    let timeout = Duration::from_millis(u64::from(p.timeout_ms));
    let started = Instant::now();
    let answered: Result<String, String> = match &p.target {
        ProbeTarget::Http { url, expect_status } => http(url, *expect_status, timeout),
        ProbeTarget::Tcp { host, port } => tcp(host, *port, timeout),
        ProbeTarget::Dns { name } => dns(name, timeout).map(|n| format!("{n} address(es)")),
    };
    let ms = started.elapsed().as_millis() as u64;
    match answered {
        Ok(what) if ms > u64::from(p.slow_ms) => ProbeResult {
            status: ProbeStatus::Slow,
            latency_ms: Some(ms),
            detail: format!("{what} in {ms} ms, slower than {} ms", p.slow_ms),
        },
        Ok(what) => ProbeResult {
            status: ProbeStatus::Up,
            latency_ms: Some(ms),
            detail: format!("{what} in {ms} ms"),
        },
        Err(why) => ProbeResult {
            status: ProbeStatus::Down,
            latency_ms: None,
            detail: why,
        },
    }
}

fn http(url: &str, expect: Option<u16>, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let resp = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Timeout(_) => format!("timed out after {} ms", timeout.as_millis()),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_string()
        }
        other => other.to_string(),
    })?;
    let status = resp.status().as_u16();
    let ok = match expect {
        Some(e) => status == e,
        None => status < 400,
    };
    if ok {
        Ok(format!("HTTP {status}"))
    } else {
        Err(format!("HTTP {status}"))
    }
}

fn tcp(host: &str, port: u16, timeout: Duration) -> Result<String, String> {
    let addr = resolve(host, port, timeout)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{host} has no address"))?;
    TcpStream::connect_timeout(&addr, timeout).map_err(|e| match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!("timed out after {} ms", timeout.as_millis())
        }
        _ => e.to_string(),
    })?;
    Ok(format!("connected to {addr}"))
}

fn dns(name: &str, timeout: Duration) -> Result<usize, String> {
    resolve(name, 0, timeout).map(|a| a.len())
}

/// Resolve with a time limit (the system resolver has none we can set).
fn resolve(host: &str, port: u16, timeout: Duration) -> Result<Vec<std::net::SocketAddr>, String> {
    let (tx, rx) = mpsc::channel();
    let h = host.to_string();
    std::thread::spawn(move || {
        let _ = tx.send(
            (h.as_str(), port)
                .to_socket_addrs()
                .map(|a| a.collect::<Vec<_>>()),
        );
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(a)) if !a.is_empty() => Ok(a),
        Ok(Ok(_)) => Err(format!("{host} did not resolve")),
        Ok(Err(e)) => Err(format!("{host} did not resolve: {e}")),
        Err(_) => Err(format!(
            "lookup of {host} timed out after {} ms",
            timeout.as_millis()
        )),
    }
}

impl App {
    /// Probe one registered dependency now and record what changed.
    pub fn probe_dependency(&mut self, id: &str) -> Result<ProbeReport, AppError> {
        let d = self
            .journal
            .registered_dependency(id)?
            .ok_or_else(|| AppError::not_found("dependency", id, "see lantern dependency list"))?;
        let Some(p) = d.probe.clone() else {
            return Err(lantern_core::FieldError::new(
                format!("dependency {id}"),
                "probe",
                "a probe (http, tcp or dns) to run",
                "none",
            )
            .into());
        };
        let result = probe_once(&p);
        self.record_probe(&d, &p, result)
    }

    /// Probe every registered dependency that has a probe.
    pub fn probe_all(&mut self) -> Result<Vec<ProbeReport>, AppError> {
        let ids: Vec<String> = self
            .journal
            .dependency_register()?
            .into_iter()
            .filter(|d| d.probe.is_some())
            .map(|d| d.id.to_string())
            .collect();
        ids.iter().map(|id| self.probe_dependency(id)).collect()
    }

    /// Record a probe's result (public for tests that supply their own results).
    pub fn record_probe(
        &mut self,
        d: &Dependency,
        p: &Probe,
        result: ProbeResult,
    ) -> Result<ProbeReport, AppError> {
        let prev = self
            .journal
            .probe_status()?
            .into_iter()
            .find(|r| r.dependency == d.id.as_str());
        let prev_failures = prev
            .as_ref()
            .filter(|r| r.result.status != ProbeStatus::Up)
            .map_or(0, |r| r.failures);
        let up = result.status == ProbeStatus::Up;
        let failures = if up { 0 } else { prev_failures + 1 };
        let record = !up || prev.is_none() || prev_failures > 0;
        let mut report = ProbeReport {
            dependency: d.id.to_string(),
            result: result.clone(),
            failures,
            recorded: record,
            proposed: None,
        };
        if !record {
            return Ok(report);
        }
        let now = self.now();
        let mut evs = vec![NewEvent::now(
            PROBE_ACTOR,
            Event::ProbeObserved {
                dependency: d.id.clone(),
                result: result.clone(),
                failures,
            },
        )];
        let covered = self.journal.open_disruptions()?.iter().any(|v| {
            v.stage != lantern_core::disruption::Stage::Recovered
                && (v.proposal.as_ref().is_some_and(|p| p.dependency == d.id)
                    || v.disruption
                        .as_ref()
                        .is_some_and(|x| x.dependencies.contains(&d.id) && !x.drill))
        });
        if failures == p.threshold && !covered {
            let stamp = now
                .to_zoned(lantern_core::time::london())
                .strftime("%Y%m%d-%H%M")
                .to_string();
            let id = DisruptionId::parse(&format!(
                "{}-{stamp}",
                &d.id.as_str()[..d.id.as_str().len().min(48)]
            ))
            .map_err(|e| e.in_record("proposed disruption"))?;
            evs.push(NewEvent::now(
                PROBE_ACTOR,
                Event::DisruptionProposed {
                    id: id.clone(),
                    dependency: d.id.clone(),
                    reason: format!(
                        "{} failed {failures} probes in a row: {}",
                        d.name, result.detail
                    ),
                },
            ));
            report.proposed = Some(id.to_string());
        }
        self.journal.append_batch(evs, now)?;
        Ok(report)
    }
}
