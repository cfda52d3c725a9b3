//! How far behind each peer this node is, in words people read on every page, API answer and
//! printed pack ("in step with the hub as of 13:51:07"), and the dependency status a node raises
//! when it has been out of step longer than it may be (as Cerner 724Access alerts).

use crate::{App, AppError};
use lantern_core::event::Event;
use lantern_core::ids::DependencyId;
use lantern_core::time::{show, show_clock};
use lantern_journal::NewEvent;
use serde::Serialize;

/// The journal actor for statuses the replication thread sets.
pub const REPLICATION_ACTOR: &str = "system:replication";

/// One peer's freshness.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PeerFreshness {
    /// The name it was enrolled under ("the hub" when not known yet).
    pub name: String,
    /// Its URL.
    pub url: String,
    /// Its node id, once it has answered.
    pub node: Option<String>,
    /// When this node last held everything the peer held.
    pub in_step_at: Option<jiff::Timestamp>,
    /// When a round was last tried.
    pub last_attempt_at: Option<jiff::Timestamp>,
    /// Why the last round failed, if it did.
    pub last_error: Option<String>,
    /// The sentence shown.
    pub line: String,
}

impl App {
    /// Every peer's freshness (none on a node that replicates with nobody).
    pub fn freshness(&self) -> Result<Vec<PeerFreshness>, AppError> {
        let peers = self.journal.peers()?;
        if peers.is_empty() {
            return Ok(Vec::new());
        }
        let names: std::collections::BTreeMap<String, String> = self
            .journal
            .enrolments()?
            .into_iter()
            .filter_map(|(_, ev)| match ev {
                Event::NodeEnrolled { node, name, .. } => Some((node, name)),
                _ => None,
            })
            .collect();
        let now = self.now();
        Ok(peers
            .into_iter()
            .map(|p| {
                let name = p
                    .node_id
                    .as_ref()
                    .and_then(|n| names.get(n).cloned())
                    .unwrap_or_else(|| format!("the peer at {}", p.url));
                let ts = |s: &Option<String>| s.as_deref().and_then(|t| t.parse().ok());
                let in_step_at: Option<jiff::Timestamp> = ts(&p.in_step_at);
                let when = |t: jiff::Timestamp| {
                    if now.duration_since(t) < jiff::SignedDuration::from_hours(12) {
                        show_clock(t)
                    } else {
                        show(t)
                    }
                };
                let line = match (&p.last_error, in_step_at) {
                    (None, Some(t)) if p.behind > 0 => format!(
                        "{} events behind {name} (last in step as of {})",
                        p.behind,
                        when(t)
                    ),
                    (None, Some(t)) => format!("in step with {name} as of {}", when(t)),
                    (Some(_), Some(t)) => format!(
                        "not reaching {name}: last in step as of {} ({})",
                        when(t),
                        match now.duration_since(t).as_secs() / 60 {
                            0 => "under a minute ago".to_string(),
                            _ => crate::referrals::until(t, now),
                        }
                    ),
                    (_, None) => format!("never yet in step with {name}"),
                };
                PeerFreshness {
                    name,
                    url: p.url.clone(),
                    node: p.node_id.clone(),
                    in_step_at,
                    last_attempt_at: p.last_attempt_at.parse().ok(),
                    last_error: p.last_error.clone(),
                    line,
                }
            })
            .collect())
    }

    /// The freshness of every peer in one sentence, or `None` on a node alone.
    pub fn freshness_line(&self) -> Option<String> {
        let f = self.freshness().ok()?;
        (!f.is_empty()).then(|| {
            format!(
                "This node is {}.",
                f.iter()
                    .map(|p| p.line.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })
    }

    /// Raise (or clear) the dependency status `lantern-copy-NODE` of this node's copy when it has
    /// been out of step with a peer for longer than `stale_after`, so that the dashboard,
    /// disruptions and ladders see that this copy may be old (and every node sees it once it
    /// replicates). The dependency is registered, by name, the first time. Only changes are
    /// recorded.
    pub fn mark_stale_peers(&mut self, stale_after: jiff::SignedDuration) -> Result<(), AppError> {
        let now = self.now();
        let peers = self.freshness()?;
        if peers.is_empty() {
            return Ok(());
        }
        let local = self.journal.node_id().to_string();
        let Ok(id) = DependencyId::parse(&format!("lantern-copy-{local}")) else {
            return Ok(());
        };
        let stale: Vec<&PeerFreshness> = peers
            .iter()
            .filter(|p| {
                p.in_step_at
                    .is_none_or(|t| now.duration_since(t) > stale_after)
            })
            .collect();
        let was = self
            .journal
            .dependencies()?
            .iter()
            .find(|d| d.id == id)
            .is_some_and(|d| d.degraded);
        if stale.is_empty() != was {
            return Ok(());
        }
        let mut evs = Vec::new();
        if self.journal.registered_dependency(id.as_str())?.is_none() {
            let name = self
                .journal
                .enrolments()?
                .into_iter()
                .find_map(|(_, ev)| match ev {
                    Event::NodeEnrolled { node, name, .. } if node == local => Some(name),
                    _ => None,
                })
                .unwrap_or_else(|| format!("node {local}"));
            evs.push(NewEvent::now(
                REPLICATION_ACTOR,
                Event::DependencyRegistered(lantern_core::dependency::Dependency {
                    id: id.clone(),
                    name: format!("Lantern's copy on the {name}"),
                    owner: lantern_core::dependency::Owner::Us,
                    owner_name: self.journal.org_name()?.unwrap_or_default(),
                    criticality: lantern_core::dependency::Criticality::Medium,
                    services: Vec::new(),
                    handovers: Vec::new(),
                    sections: Vec::new(),
                    channels: Vec::new(),
                    visits: false,
                    fallback: format!(
                        "The {name} cannot reach its peers: what it shows may be out of date. Check anything that matters with the office or the hub by phone, and use the latest printed pack."
                    ),
                    playbook: Vec::new(),
                    probe: None,
                }),
            ));
        }
        evs.push(NewEvent::now(
            REPLICATION_ACTOR,
            Event::DependencyStatusSet {
                dependency: id,
                degraded: !stale.is_empty(),
                note: if stale.is_empty() {
                    format!(
                        "Back in step: {}.",
                        peers.iter().map(|p| p.line.as_str()).collect::<Vec<_>>().join("; ")
                    )
                } else {
                    format!(
                        "Out of step for longer than {stale_after:#}: {}. What this node shows may be out of date.",
                        stale.iter().map(|p| p.line.as_str()).collect::<Vec<_>>().join("; ")
                    )
                },
            },
        ));
        self.journal.append_batch(evs, now)?;
        Ok(())
    }
}

/// Where this node stands: what it holds, a digest two replicas holding the same events agree
/// on, and how far behind each peer it is.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NodeStatus {
    /// This node.
    pub node: String,
    /// Events held.
    pub events: u64,
    /// Whose essential information it holds: "the whole organisation", or "the people of
    /// Riverside only" (events about others held as stubs).
    pub holds: String,
    /// The highest sequence held of each origin node.
    pub vector: std::collections::BTreeMap<String, u64>,
    /// SHA-256 over the set of events held.
    pub events_digest: String,
    /// SHA-256 over every projection, positions written as the events they are.
    pub projections_digest: String,
    /// Each peer's freshness.
    pub peers: Vec<PeerFreshness>,
}

impl App {
    /// This node's status (admins and auditors).
    pub fn node_status(&self, actor: &crate::Actor) -> Result<NodeStatus, AppError> {
        actor.require(
            |r| r == lantern_core::role::Role::Admin || r.may_read_audit(),
            "see the node's status",
        )?;
        let (events_digest, tables) = self.journal.replica_digest()?;
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for (t, d) in &tables {
            h.update(format!("{t}={d}\n").as_bytes());
        }
        Ok(NodeStatus {
            node: self.journal.node_id().to_string(),
            events: self.journal.event_count()?,
            holds: self.holding_words()?,
            vector: self.journal.version_vector()?,
            events_digest,
            projections_digest: hex::encode(h.finalize()),
            peers: self.freshness()?,
        })
    }
}
