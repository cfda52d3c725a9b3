//! Replication primitives: what a node has (its version vector), what another lacks, and applying
//! foreign events idempotently. The sync protocol itself builds on these.

use crate::append::{head, set_head};
use crate::holding::{
    Stub, apply_stub, insert_event, local_holding, mark_filled, needs_history, stub_at,
};
use crate::projections as projection;
use crate::record::StoredEvent;
use crate::verify::{
    SELECT_EVENTS, load_keys, read_stored_event, retired, retired_nodes, trusted_nodes, untrusted,
};
use crate::{Journal, JournalError, identity};
use lantern_core::event::Event;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::BTreeMap;

/// For each origin node, the highest sequence held.
pub type VersionVector = BTreeMap<String, u64>;

/// What applying a batch of foreign events did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Newly applied.
    pub applied: usize,
    /// Already held (identical), skipped.
    pub already_held: usize,
    /// Held as stubs (events this node does not take whole).
    pub withheld: usize,
}

impl Journal {
    /// The version vector: highest sequence held per origin node.
    pub fn version_vector(&self) -> Result<VersionVector, JournalError> {
        let mut st = self.conn.prepare("SELECT node_id, seq FROM node_heads")?;
        let vv = st
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<Result<_, _>>()?;
        Ok(vv)
    }

    /// Every event this node holds that a node with version vector `theirs` lacks, in local order
    /// (which respects each origin's sequence and causality).
    pub fn events_after(&self, theirs: &VersionVector) -> Result<Vec<StoredEvent>, JournalError> {
        let mut out: Vec<(i64, StoredEvent)> = Vec::new();
        let mut st = self.conn.prepare(&format!(
            "{SELECT_EVENTS} WHERE node_id = ?1 AND seq > ?2 ORDER BY pos"
        ))?;
        for (node, have) in self.version_vector()? {
            let after = theirs.get(&node).copied().unwrap_or(0);
            if have <= after {
                continue;
            }
            let mut rows = st.query(params![node, after as i64])?;
            while let Some(row) = rows.next()? {
                let pos: i64 = row.get(0)?;
                let ev = read_stored_event(row)
                    .map_err(|e| JournalError::corrupt(format!("event at position {pos}"), e))?;
                out.push((pos, ev));
            }
        }
        out.sort_by_key(|(pos, _)| *pos);
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    /// Public keys of every node this one knows, to send with events.
    pub fn node_keys(&self) -> Result<BTreeMap<String, String>, JournalError> {
        let mut st = self.conn.prepare("SELECT node_id, public_key FROM nodes")?;
        let keys = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(keys)
    }

    /// Apply events from another node: each is checked (chain, hash, signature, payload) and
    /// projected; events already held are skipped, so applying twice changes nothing. All or none.
    /// Only events of trusted nodes are taken: this node, the nodes enrolled by nodes it trusts
    /// (enrolments held or in the batch), and `vouched` (nodes the caller enrols in the same
    /// operation, as an import of a whole export does).
    pub fn apply_foreign(
        &mut self,
        keys: &BTreeMap<String, String>,
        events: &[StoredEvent],
    ) -> Result<ApplyReport, JournalError> {
        self.apply_foreign_vouched(keys, events, &[])
    }

    pub(crate) fn apply_foreign_vouched(
        &mut self,
        keys: &BTreeMap<String, String>,
        events: &[StoredEvent],
        vouched: &[String],
    ) -> Result<ApplyReport, JournalError> {
        self.apply_all(keys, &[], events, &[], vouched, false)
    }

    /// Apply a batch of the changes feed: `history` first (events this node holds only as
    /// stubs, whole: their people came into its services), then `events` whole and `withheld`
    /// as stubs, each origin's in its sequence. Only a node holding some services takes stubs.
    /// With `check_history`, a batch that brings people into this node's services whose earlier
    /// events it holds only as stubs is refused with [`JournalError::NeedsHistory`] (fetch it,
    /// then apply again). All or none.
    pub fn apply_changes(
        &mut self,
        keys: &BTreeMap<String, String>,
        history: &[StoredEvent],
        events: &[StoredEvent],
        withheld: &[Stub],
        check_history: bool,
    ) -> Result<ApplyReport, JournalError> {
        self.apply_all(keys, history, events, withheld, &[], check_history)
    }

    fn apply_all(
        &mut self,
        keys: &BTreeMap<String, String>,
        history: &[StoredEvent],
        events: &[StoredEvent],
        withheld: &[Stub],
        vouched: &[String],
        check_history: bool,
    ) -> Result<ApplyReport, JournalError> {
        self.writable()?;
        let local = self.node_id().to_string();
        let _writer = crate::write_lock();
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let holding = local_holding(&tx)?;
        if holding.is_whole()
            && let Some(s) = withheld.first()
        {
            return Err(JournalError::Foreign {
                node: s.node_id.clone(),
                seq: s.seq,
                detail: "a stub was sent to a node holding the whole organisation, which takes every event whole".into(),
            });
        }
        let mut known = load_keys(&tx)?;
        // The signers' keys for reading enrolments: those held, and those sent that are their
        // node's own.
        let mut signers = known.clone();
        for (node, k) in keys {
            if let Ok(key) = identity::parse_public_key(k)
                && identity::node_id_for(&key) == *node
            {
                signers.entry(node.clone()).or_insert(key);
            }
        }
        let mut trusted = trusted_nodes(&tx, &local, &signers, events.iter())?;
        trusted.extend(vouched.iter().cloned());
        let retired_after = retired_nodes(&tx, &signers, &trusted, events.iter())?;
        let mut ctx = Ctx {
            keys,
            signers: &signers,
            known: &mut known,
            trusted: &trusted,
            retired: &retired_after,
            last_data: None,
            report: ApplyReport::default(),
        };
        // History first: each must be an event held here as a stub not yet filled.
        for ev in history {
            match stub_at(&tx, &ev.node_id, ev.seq)? {
                Some(h) if h.filled_pos.is_none() => ctx.fill(&tx, ev, &h.stub)?,
                _ => ctx.report.already_held += 1,
            }
        }
        if check_history && !holding.is_whole() {
            let needs = needs_history(&tx, &holding, events)?;
            if !needs.is_empty() {
                return Err(JournalError::NeedsHistory { people: needs });
            }
        }
        // Stubs go in each origin's sequence, before the next event of that origin.
        let mut pending: BTreeMap<&str, Vec<&Stub>> = BTreeMap::new();
        for st in withheld {
            pending.entry(st.node_id.as_str()).or_default().push(st);
        }
        for list in pending.values_mut() {
            list.sort_by_key(|s| std::cmp::Reverse(s.seq));
        }
        for ev in events {
            if let Some(list) = pending.get_mut(ev.node_id.as_str()) {
                while list.last().is_some_and(|s| s.seq < ev.seq) {
                    if let Some(st) = list.pop() {
                        ctx.stub(&tx, st)?;
                    }
                }
            }
            ctx.event(&tx, ev)?;
        }
        for list in pending.values_mut() {
            while let Some(st) = list.pop() {
                ctx.stub(&tx, st)?;
            }
        }
        projection::set_data_version(&tx, ctx.last_data)?;
        let report = ctx.report;
        tx.commit()?;
        Ok(report)
    }
}

/// What one application of a batch carries from event to event.
struct Ctx<'a> {
    keys: &'a BTreeMap<String, String>,
    /// Keys held and sent, to name an untrusted node's key.
    signers: &'a BTreeMap<String, ed25519_dalek::VerifyingKey>,
    known: &'a mut BTreeMap<String, ed25519_dalek::VerifyingKey>,
    trusted: &'a std::collections::BTreeSet<String>,
    retired: &'a BTreeMap<String, crate::verify::Retired>,
    last_data: Option<i64>,
    report: ApplyReport,
}

fn foreign(node: &str, seq: u64, detail: String) -> JournalError {
    JournalError::Foreign {
        node: node.to_string(),
        seq,
        detail,
    }
}

impl Ctx<'_> {
    /// Trusted, unretired, its key known (taken from those sent if new).
    fn admit(&mut self, tx: &Transaction<'_>, node: &str, seq: u64) -> Result<(), JournalError> {
        let bad = |d: String| foreign(node, seq, d);
        if !self.trusted.contains(node) {
            return Err(bad(untrusted(node, self.signers)));
        }
        if let Some(r) = self.retired.get(node)
            && seq > r.last_seq
        {
            return Err(bad(retired(node, seq, r.last_seq)));
        }
        if !self.known.contains_key(node) {
            let hex_key = self
                .keys
                .get(node)
                .ok_or_else(|| bad("no public key was sent for its node".into()))?;
            let key = identity::parse_public_key(hex_key).map_err(bad)?;
            if identity::node_id_for(&key) != node {
                return Err(bad(
                    "the public key sent does not belong to this node id".into()
                ));
            }
            tx.execute(
                "INSERT OR IGNORE INTO nodes (node_id, public_key, is_local) VALUES (?1, ?2, 0)",
                params![node, hex_key],
            )?;
            self.known.insert(node.to_string(), key);
        }
        Ok(())
    }

    /// The seal and payload of an event arriving whole.
    fn parse(&self, ev: &StoredEvent) -> Result<Event, JournalError> {
        let bad = |d: String| foreign(&ev.node_id, ev.seq, d);
        ev.check_seal(&self.known[&ev.node_id])
            .map_err(|e| bad(e.into()))?;
        let parsed: Event =
            crate::event_format::decode(&ev.payload).map_err(|e| bad(format!("payload: {e}")))?;
        if parsed.kind() != ev.kind {
            return Err(bad("kind does not match payload".into()));
        }
        Ok(parsed)
    }

    /// An event held here as a stub arrives whole: it must be that event.
    fn fill(
        &mut self,
        tx: &Transaction<'_>,
        ev: &StoredEvent,
        stub: &Stub,
    ) -> Result<(), JournalError> {
        if ev.hash != stub.hash || ev.prev_hash != stub.prev_hash {
            return Err(foreign(
                &ev.node_id,
                ev.seq,
                "it is not the event whose stub is held here (a different hash)".into(),
            ));
        }
        self.admit(tx, &ev.node_id, ev.seq)?;
        let parsed = self.parse(ev)?;
        let (pos, data) = insert_event(tx, ev, &parsed)?;
        mark_filled(tx, &ev.node_id, ev.seq, pos)?;
        if data {
            self.last_data = Some(pos);
        }
        self.report.applied += 1;
        Ok(())
    }

    /// Whether the hash `held` for this identity (if any) is this one's: already held, skipped.
    /// A different one means the node forked.
    fn identical(
        &mut self,
        held: Option<String>,
        node: &str,
        seq: u64,
        hash: &str,
    ) -> Result<bool, JournalError> {
        match held {
            Some(h) if h == hash => {
                self.report.already_held += 1;
                Ok(true)
            }
            Some(_) => Err(foreign(
                node,
                seq,
                "a different event with the same identity is already held (the node forked)".into(),
            )),
            None => Ok(false),
        }
    }

    fn event(&mut self, tx: &Transaction<'_>, ev: &StoredEvent) -> Result<(), JournalError> {
        let held = tx
            .query_row(
                "SELECT hash FROM events WHERE node_id = ?1 AND seq = ?2",
                params![ev.node_id, ev.seq as i64],
                |r| r.get(0),
            )
            .optional()?;
        if self.identical(held, &ev.node_id, ev.seq, &ev.hash)? {
            return Ok(());
        }
        if let Some(h) = stub_at(tx, &ev.node_id, ev.seq)? {
            return self.fill(tx, ev, &h.stub);
        }
        self.admit(tx, &ev.node_id, ev.seq)?;
        let (head_seq, head_hash) = head(tx, &ev.node_id)?;
        let bad = |d: String| foreign(&ev.node_id, ev.seq, d);
        if ev.seq != head_seq + 1 {
            return Err(bad(format!(
                "expected seq {} next from this node",
                head_seq + 1
            )));
        }
        if ev.prev_hash != head_hash {
            return Err(bad("prev_hash does not continue the node's chain".into()));
        }
        let parsed = self.parse(ev)?;
        let (pos, data) = insert_event(tx, ev, &parsed)?;
        if data {
            self.last_data = Some(pos);
        }
        set_head(tx, &ev.node_id, ev.seq, &ev.hash)?;
        self.report.applied += 1;
        Ok(())
    }

    fn stub(&mut self, tx: &Transaction<'_>, st: &Stub) -> Result<(), JournalError> {
        let held = tx
            .query_row(
                "SELECT hash FROM events WHERE node_id = ?1 AND seq = ?2
                 UNION ALL SELECT hash FROM withheld_events WHERE node_id = ?1 AND seq = ?2",
                params![st.node_id, st.seq as i64],
                |r| r.get(0),
            )
            .optional()?;
        if self.identical(held, &st.node_id, st.seq, &st.hash)? {
            return Ok(());
        }
        self.admit(tx, &st.node_id, st.seq)?;
        apply_stub(tx, st, &self.known[&st.node_id])
            .map_err(|d| foreign(&st.node_id, st.seq, d))?;
        self.report.withheld += 1;
        Ok(())
    }
}
