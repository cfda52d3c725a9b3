//! Replication primitives: what a node has (its version vector), what another lacks, and applying
//! foreign events idempotently. The sync protocol itself builds on these.

use crate::projections::{self as projection, At};
use crate::record::{GENESIS, StoredEvent};
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
        self.writable()?;
        let local = self.node_id().to_string();
        let _writer = crate::write_lock();
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
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
        let mut last_data = None;
        let mut report = ApplyReport::default();
        for ev in events {
            let bad = |detail: String| JournalError::Foreign {
                node: ev.node_id.clone(),
                seq: ev.seq,
                detail,
            };
            let held: Option<String> = tx
                .query_row(
                    "SELECT hash FROM events WHERE node_id = ?1 AND seq = ?2",
                    params![ev.node_id, ev.seq as i64],
                    |r| r.get(0),
                )
                .optional()?;
            match held {
                Some(h) if h == ev.hash => {
                    report.already_held += 1;
                    continue;
                }
                Some(_) => return Err(bad(
                    "a different event with the same identity is already held (the node forked)"
                        .into(),
                )),
                None => {}
            }
            if !trusted.contains(&ev.node_id) {
                return Err(bad(untrusted(&ev.node_id, &signers)));
            }
            if let Some(r) = retired_after.get(&ev.node_id)
                && ev.seq > r.last_seq
            {
                return Err(bad(retired(&ev.node_id, ev.seq, r.last_seq)));
            }
            if !known.contains_key(&ev.node_id) {
                let hex_key = keys
                    .get(&ev.node_id)
                    .ok_or_else(|| bad("no public key was sent for its node".into()))?;
                let key = identity::parse_public_key(hex_key).map_err(bad)?;
                if identity::node_id_for(&key) != ev.node_id {
                    return Err(bad(
                        "the public key sent does not belong to this node id".into()
                    ));
                }
                tx.execute(
                    "INSERT OR IGNORE INTO nodes (node_id, public_key, is_local) VALUES (?1, ?2, 0)",
                    params![ev.node_id, hex_key],
                )?;
                known.insert(ev.node_id.clone(), key);
            }
            let (head_seq, head_hash) = head(&tx, &ev.node_id)?;
            if ev.seq != head_seq + 1 {
                return Err(bad(format!(
                    "expected seq {} next from this node",
                    head_seq + 1
                )));
            }
            if ev.prev_hash != head_hash {
                return Err(bad("prev_hash does not continue the node's chain".into()));
            }
            ev.check_seal(&known[&ev.node_id])
                .map_err(|e| bad(e.into()))?;
            let parsed: Event = crate::event_format::decode(&ev.payload)
                .map_err(|e| bad(format!("payload: {e}")))?;
            if parsed.kind() != ev.kind {
                return Err(bad("kind does not match payload".into()));
            }
            tx.execute(
                "INSERT INTO events (node_id, seq, occurred_at, recorded_at, actor, kind, payload, prev_hash, hash, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![ev.node_id, ev.seq as i64, ev.occurred_at, ev.recorded_at, ev.actor, ev.kind, ev.payload, ev.prev_hash, ev.hash, ev.signature],
            )?;
            let pos = tx.last_insert_rowid();
            let at = At {
                pos,
                node_id: &ev.node_id,
                seq: ev.seq,
                recorded_at: &ev.recorded_at,
                occurred_at: &ev.occurred_at,
                actor: &ev.actor,
            };
            if projection::apply(&tx, &at, &parsed)? {
                last_data = Some(pos);
            }
            tx.execute(
                "INSERT INTO node_heads (node_id, seq, hash) VALUES (?1, ?2, ?3)
                 ON CONFLICT (node_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                params![ev.node_id, ev.seq as i64, ev.hash],
            )?;
            report.applied += 1;
        }
        projection::set_data_version(&tx, last_data)?;
        tx.commit()?;
        Ok(report)
    }
}

fn head(tx: &Transaction<'_>, node: &str) -> Result<(u64, String), JournalError> {
    Ok(tx
        .query_row(
            "SELECT seq, hash FROM node_heads WHERE node_id = ?1",
            [node],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}
