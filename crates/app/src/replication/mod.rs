//! Replication between the nodes of one organisation (the CouchDB model): a changes feed read
//! after the caller's version vector in batches, events pushed the other way and applied
//! idempotently, a checkpoint per peer, and every request and answer signed by the node that
//! sends it. This file is the answering side and what both sides exchange; `client` makes the
//! rounds, `join` enrols new nodes and retires old ones, `freshness` says how far behind each peer
//! this node is.

pub mod client;
pub mod freshness;
pub mod holding;
pub mod join;

use crate::{App, AppError};
use lantern_core::FieldError;
use lantern_journal::{JournalError, StoredEvent, Stub, VersionVector};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The header naming the node that sent a request or answer.
pub const NODE_HEADER: &str = "x-lantern-node";
/// The header holding when it was signed (RFC 3339).
pub const TIME_HEADER: &str = "x-lantern-time";
/// The header holding the Ed25519 signature (hex).
pub const SIGNATURE_HEADER: &str = "x-lantern-signature";
/// How far a request's time may be from this node's clock.
pub const CLOCK_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);
/// How a node that calls this one is kept among the peers (it has no address this node calls).
pub const CALLER_PREFIX: &str = "calls in: ";
/// The most events in one batch.
pub const BATCH: usize = 500;
/// The largest request body a node accepts from another (a batch of events).
pub const MAX_BATCH_BYTES: usize = 64 * 1024 * 1024;

/// The signature headers of one request or answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSignature {
    /// The signing node.
    pub node: String,
    /// When (RFC 3339).
    pub time: String,
    /// Hex Ed25519 signature.
    pub signature: String,
}

/// Ask for what this node lacks: the caller's version vector.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangesRequest {
    /// The highest sequence the caller holds of each origin node.
    pub vector: BTreeMap<String, u64>,
    /// At most this many events (default and most: 500).
    #[serde(default)]
    pub limit: Option<u32>,
    /// People (ids) who have come into the caller's services and whose earlier events it holds
    /// only as stubs: their events up to its vector are sent whole first.
    #[serde(default)]
    pub history: Vec<String>,
}

/// A batch of the changes feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangesBatch {
    /// The answering node.
    pub node: String,
    /// Its version vector (what it holds in all).
    pub vector: VersionVector,
    /// Public keys of the nodes whose events are in the batch.
    pub keys: BTreeMap<String, String>,
    /// The events, in the answering node's order.
    pub events: Vec<StoredEvent>,
    /// Stubs of the events the caller does not take whole (it holds some services only).
    #[serde(default)]
    pub withheld: Vec<Stub>,
    /// The history asked for, whole, to be applied first.
    #[serde(default)]
    pub history: Vec<StoredEvent>,
    /// Whether more follow.
    pub more: bool,
}

/// Events pushed to a peer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventsPush {
    /// Public keys of the nodes whose events are sent.
    pub keys: BTreeMap<String, String>,
    /// The events.
    pub events: Vec<StoredEvent>,
    /// Stubs, for a peer holding some services only.
    #[serde(default)]
    pub withheld: Vec<Stub>,
}

/// What a peer did with pushed events.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Applied {
    /// Newly applied.
    pub applied: usize,
    /// Already held, skipped.
    pub already_held: usize,
    /// Its version vector after.
    pub vector: BTreeMap<String, u64>,
}

impl App {
    /// Check a request signed by another node: its time within five minutes of this node's
    /// clock, the node trusted and not retired, the signature its over method, path, time and
    /// body. Returns the node.
    pub fn authenticate_node(
        &self,
        sig: &NodeSignature,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<String, AppError> {
        let at: jiff::Timestamp = sig.time.parse().map_err(|_| {
            AppError::Unauthenticated(format!(
                "{TIME_HEADER} must be an RFC 3339 time, got {:?}",
                sig.time
            ))
        })?;
        let skew = self.now().duration_since(at).abs();
        if skew > CLOCK_SKEW {
            return Err(AppError::Unauthenticated(format!(
                "the request was signed at {at}, more than 5 minutes from this node's clock ({}): check both clocks",
                self.now()
            )));
        }
        let msg = lantern_journal::request_message(method, path, &sig.time, body);
        self.journal
            .check_node_signature(&sig.node, &msg, &sig.signature)
            .map_err(|e| AppError::Forbidden(format!("replication refused: {e}")))?;
        Ok(sig.node.clone())
    }

    /// Sign an answer to the request signed `request_signature`.
    pub fn sign_answer(&self, request_signature: &str, body: &[u8]) -> NodeSignature {
        let time = self.now().to_string();
        let msg = lantern_journal::response_message(request_signature, &time, body);
        NodeSignature {
            node: self.journal.node_id().to_string(),
            signature: self.journal.sign_message(&msg),
            time,
        }
    }

    /// The changes feed for an authenticated node `caller`. Its vector also says how far behind
    /// it this node is, which is kept as its checkpoint (a node that only answers knows its
    /// freshness this way).
    pub fn changes_for(
        &self,
        caller: &str,
        req: &ChangesRequest,
    ) -> Result<ChangesBatch, AppError> {
        let ours = self.journal.version_vector()?;
        let behind: u64 = req
            .vector
            .iter()
            .map(|(n, s)| s.saturating_sub(ours.get(n).copied().unwrap_or(0)))
            .sum();
        let key = format!("{CALLER_PREFIX}{caller}");
        let mut row = self
            .journal
            .peers()?
            .into_iter()
            .find(|p| p.url == key)
            .unwrap_or_default();
        let now = self.now().to_string();
        row.url = key;
        row.node_id = Some(caller.to_string());
        row.last_attempt_at = now.clone();
        row.last_ok_at = Some(now.clone());
        if behind == 0 {
            row.in_step_at = Some(now);
        }
        row.last_error = None;
        row.their_vector = req.vector.clone();
        row.behind = behind;
        // A read-only copy answers without keeping the checkpoint (it can keep nothing).
        if !self.read_only() {
            self.journal.record_peer(&row)?;
        }
        let limit = req.limit.map_or(BATCH, |l| (l as usize).clamp(1, BATCH));
        let changes = self.journal.changes_after(&req.vector, limit, caller)?;
        let history = self
            .journal
            .history_for(caller, &req.history, &req.vector)?;
        let keys = self.keys_for(
            changes
                .events
                .iter()
                .chain(&history)
                .map(|e| &e.node_id)
                .chain(changes.withheld.iter().map(|s| &s.node_id)),
        )?;
        Ok(ChangesBatch {
            node: self.journal.node_id().to_string(),
            vector: self.journal.version_vector()?,
            keys,
            events: changes.events,
            withheld: changes.withheld,
            history,
            more: changes.more,
        })
    }

    /// The public keys of the nodes whose events these are, to send with them.
    pub(crate) fn keys_for<'a>(
        &self,
        nodes: impl Iterator<Item = &'a String>,
    ) -> Result<BTreeMap<String, String>, AppError> {
        let all = self.journal.node_keys()?;
        Ok(nodes
            .filter_map(|n| all.get(n).map(|k| (n.clone(), k.clone())))
            .collect())
    }

    /// Apply events another node sent: all or none, each checked (chain, signature, trust,
    /// retirement). A refusal names the event and why.
    pub fn receive_events(&mut self, push: &EventsPush) -> Result<Applied, AppError> {
        let r = self
            .journal
            .apply_changes(&push.keys, &[], &push.events, &push.withheld, true)
            .map_err(refused)?;
        Ok(Applied {
            applied: r.applied,
            already_held: r.already_held,
            vector: self.journal.version_vector()?,
        })
    }
}

/// A foreign event refused is the sender's fault (403 with the reason), not this node's.
pub(crate) fn refused(e: JournalError) -> AppError {
    match e {
        JournalError::Foreign { node, seq, detail } => {
            AppError::Forbidden(format!("event {seq} of node {node} refused: {detail}"))
        }
        e @ JournalError::NeedsHistory { .. } => AppError::Forbidden(format!(
            "{e}: this node fetches it when it next calls its hub"
        )),
        other => other.into(),
    }
}

/// Read a JSON body another node sent, naming what was wrong.
pub fn parse_body<T: serde::de::DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(body).map_err(|e| {
        FieldError::new(
            what,
            "body",
            "the JSON Lantern's nodes exchange",
            e.to_string(),
        )
        .into()
    })
}
