//! Appending events: sequence, chain, hash, sign, insert and project in one durable transaction.

use crate::projections::{self as projection, At};
use crate::record::{GENESIS, StoredEvent};
use crate::{Journal, JournalError};
use jiff::Timestamp;
use lantern_core::event::Event;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Who is recording it.
    pub actor: String,
    /// When it happened in the world, if not now (a paper form's time).
    pub occurred_at: Option<Timestamp>,
    /// The event.
    pub event: Event,
}

impl NewEvent {
    /// An event that happens now.
    pub fn now(actor: impl Into<String>, event: Event) -> Self {
        NewEvent {
            actor: actor.into(),
            occurred_at: None,
            event,
        }
    }

    /// An event that happened at `occurred_at` (earlier than its recording).
    pub fn at(actor: impl Into<String>, occurred_at: Timestamp, event: Event) -> Self {
        NewEvent {
            actor: actor.into(),
            occurred_at: Some(occurred_at),
            event,
        }
    }
}

impl Journal {
    /// Append one event durably; returns it as stored.
    pub fn append(&mut self, ev: NewEvent, now: Timestamp) -> Result<StoredEvent, JournalError> {
        Ok(self.append_batch(vec![ev], now)?.remove(0))
    }

    /// Append many events in one transaction: all or none.
    pub fn append_batch(
        &mut self,
        evs: Vec<NewEvent>,
        now: Timestamp,
    ) -> Result<Vec<StoredEvent>, JournalError> {
        self.writable()?;
        let _writer = crate::write_lock();
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let node = self.identity.node_id().to_string();
        let (mut seq, mut prev) = head(&tx, &node)?;
        let recorded_at = now.to_string();
        let mut last_data = None;
        let mut out = Vec::with_capacity(evs.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (node_id, seq, occurred_at, recorded_at, actor, kind, payload, prev_hash, hash, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for ev in evs {
                seq += 1;
                let payload =
                    crate::event_format::encode(&ev.event).map_err(|e| JournalError::Rejected {
                        kind: ev.event.kind().into(),
                        detail: e.to_string(),
                    })?;
                let stored = StoredEvent {
                    node_id: node.clone(),
                    seq,
                    occurred_at: ev.occurred_at.unwrap_or(now).to_string(),
                    recorded_at: recorded_at.clone(),
                    actor: ev.actor,
                    kind: ev.event.kind().to_string(),
                    payload,
                    prev_hash: prev,
                    hash: String::new(),
                    signature: String::new(),
                }
                .seal(&self.identity);
                insert.execute(params![
                    stored.node_id,
                    stored.seq as i64,
                    stored.occurred_at,
                    stored.recorded_at,
                    stored.actor,
                    stored.kind,
                    stored.payload,
                    stored.prev_hash,
                    stored.hash,
                    stored.signature
                ])?;
                let pos = tx.last_insert_rowid();
                if projection::apply(&tx, &At::of(pos, &stored), &ev.event)? {
                    last_data = Some(pos);
                }
                prev = stored.hash.clone();
                out.push(stored);
            }
        }
        projection::set_data_version(&tx, last_data)?;
        set_head(&tx, &node, seq, &prev)?;
        tx.commit()?;
        Ok(out)
    }
}

/// The last sequence and hash held of `node`'s chain (its genesis when none).
pub(crate) fn head(tx: &Transaction<'_>, node: &str) -> Result<(u64, String), JournalError> {
    Ok(tx
        .query_row(
            "SELECT seq, hash FROM node_heads WHERE node_id = ?1",
            [node],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// Record `node`'s chain as held up to `seq` with hash `hash`.
pub(crate) fn set_head(
    tx: &Transaction<'_>,
    node: &str,
    seq: u64,
    hash: &str,
) -> Result<(), JournalError> {
    tx.execute(
        "INSERT INTO node_heads (node_id, seq, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (node_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![node, seq as i64, hash],
    )?;
    Ok(())
}
