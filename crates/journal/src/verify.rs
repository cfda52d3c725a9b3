//! Verification (chain, hashes, signatures, heads, projections) and rebuild.

use crate::projections::{self as projection, At};
use crate::record::{GENESIS, StoredEvent};
use crate::{Journal, JournalError, identity, migrations};
use ed25519_dalek::VerifyingKey;
use lantern_core::event::Event;
use rusqlite::types::Value;
use rusqlite::{Connection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Events checked.
    pub events: u64,
    /// Origin nodes seen.
    pub nodes: usize,
    /// Projection tables compared with a fresh rebuild.
    pub projections: usize,
}

/// The first problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyFailure {
    /// Local position of the first bad event, when the problem is in one.
    pub pos: Option<i64>,
    /// Its origin node and sequence, when readable.
    pub event: Option<(String, u64)>,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.pos, &self.event) {
            (Some(p), Some((n, s))) => {
                write!(f, "event at position {p} ({n}/{s}): {}", self.problem)
            }
            (Some(p), None) => write!(f, "event at position {p}: {}", self.problem),
            _ => f.write_str(&self.problem),
        }
    }
}

fn text(row: &Row<'_>, i: usize) -> Result<String, String> {
    match row.get_ref(i) {
        Ok(rusqlite::types::ValueRef::Text(t)) => {
            String::from_utf8(t.to_vec()).map_err(|_| format!("column {i} is not UTF-8"))
        }
        _ => Err(format!("column {i} is not text")),
    }
}

pub(crate) fn read_stored_event(row: &Row<'_>) -> Result<StoredEvent, String> {
    let seq = match row.get_ref(2) {
        Ok(rusqlite::types::ValueRef::Integer(i)) if i > 0 => i as u64,
        _ => return Err("seq is not a positive integer".into()),
    };
    Ok(StoredEvent {
        node_id: text(row, 1)?,
        seq,
        occurred_at: text(row, 3)?,
        recorded_at: text(row, 4)?,
        actor: text(row, 5)?,
        kind: text(row, 6)?,
        payload: text(row, 7)?,
        prev_hash: text(row, 8)?,
        hash: text(row, 9)?,
        signature: text(row, 10)?,
    })
}

pub(crate) const SELECT_EVENTS: &str = "SELECT pos, node_id, seq, occurred_at, recorded_at, actor, kind, payload, prev_hash, hash, signature FROM events";

/// Check one stored event against its node's chain; returns the parsed event.
fn check_event(
    ev: &StoredEvent,
    keys: &BTreeMap<String, VerifyingKey>,
    heads: &BTreeMap<String, (u64, String)>,
) -> Result<Event, String> {
    let key = keys
        .get(&ev.node_id)
        .ok_or_else(|| format!("origin node {} is unknown (no public key)", ev.node_id))?;
    let (last_seq, last_hash) = heads
        .get(&ev.node_id)
        .cloned()
        .unwrap_or((0, GENESIS.to_string()));
    if ev.seq != last_seq + 1 {
        return Err(format!(
            "sequence broken: expected {}/{} next, found seq {} (an event is missing, duplicated or out of order)",
            ev.node_id,
            last_seq + 1,
            ev.seq
        ));
    }
    if ev.prev_hash != last_hash {
        return Err(
            "prev_hash does not match the hash of the node's previous event (chain broken)".into(),
        );
    }
    // The signature is checked on another thread (see `first_bad_signature`); the hash here.
    let _ = key;
    if ev.compute_hash() != ev.hash {
        return Err("hash does not match the event's contents".into());
    }
    for (name, t) in [
        ("occurred_at", &ev.occurred_at),
        ("recorded_at", &ev.recorded_at),
    ] {
        t.parse::<jiff::Timestamp>()
            .map_err(|_| format!("{name} is not a timestamp"))?;
    }
    let parsed: Event = crate::event_format::decode(&ev.payload)
        .map_err(|e| format!("payload does not parse: {e}"))?;
    if parsed.kind() != ev.kind {
        return Err(format!(
            "kind column {} does not match the payload's kind {}",
            ev.kind,
            parsed.kind()
        ));
    }
    Ok(parsed)
}

/// The index of the first event in a chunk whose signature does not verify (events that cannot
/// be read, or whose node is unknown, are reported by the other checks).
fn first_bad_signature(
    chunk: &[(i64, Result<StoredEvent, String>)],
    keys: &BTreeMap<String, VerifyingKey>,
) -> Option<usize> {
    // The whole chunk at once (Ed25519 batch verification shares the costly part); only if the
    // batch fails is each signature checked on its own, to name the first bad one.
    if batch_holds(chunk, keys) {
        return None;
    }
    chunk.iter().position(|(_, ev)| match ev {
        Ok(ev) => keys
            .get(&ev.node_id)
            .is_some_and(|k| !identity::verify_signature(k, ev.hash.as_bytes(), &ev.signature)),
        Err(_) => false,
    })
}

/// Whether every readable event of a known node in the chunk carries a valid signature, checked
/// as one batch. Signatures not in canonical lower-case hex, and weak keys, fail the batch (the
/// one-by-one check then names them), so the batch accepts nothing the strict check refuses for
/// those reasons.
fn batch_holds(
    chunk: &[(i64, Result<StoredEvent, String>)],
    keys: &BTreeMap<String, VerifyingKey>,
) -> bool {
    let mut msgs: Vec<&[u8]> = Vec::with_capacity(chunk.len());
    let mut sigs = Vec::with_capacity(chunk.len());
    let mut ks = Vec::with_capacity(chunk.len());
    for (_, ev) in chunk {
        let Ok(ev) = ev else { continue };
        let Some(k) = keys.get(&ev.node_id) else {
            continue;
        };
        let Ok(Ok(bytes)) = hex::decode(&ev.signature).map(<[u8; 64]>::try_from) else {
            return false;
        };
        if hex::encode(bytes) != ev.signature || k.is_weak() {
            return false;
        }
        msgs.push(ev.hash.as_bytes());
        sigs.push(ed25519_dalek::Signature::from_bytes(&bytes));
        ks.push(*k);
    }
    msgs.is_empty() || ed25519_dalek::verify_batch(&msgs, &sigs, &ks).is_ok()
}

pub(crate) fn load_keys(conn: &Connection) -> Result<BTreeMap<String, VerifyingKey>, JournalError> {
    let mut st = conn.prepare("SELECT node_id, public_key FROM nodes")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut keys = BTreeMap::new();
    for row in rows {
        let (node, k) = row?;
        let key = identity::parse_public_key(&k)
            .map_err(|e| JournalError::corrupt(format!("public key of node {node}"), e))?;
        if identity::node_id_for(&key) != node {
            return Err(JournalError::corrupt(
                format!("public key of node {node}"),
                "does not match the node id",
            ));
        }
        keys.insert(node, key);
    }
    Ok(keys)
}

/// The nodes a journal trusts: `local` (its own key), and every node enrolled by a
/// `node_enrolled` event whose seal holds and whose signer is trusted, to a fixed point. Events
/// held and `batch` (events about to be applied) are both read; `keys` are the signers' keys.
pub(crate) fn trusted_nodes<'a>(
    conn: &Connection,
    local: &str,
    keys: &BTreeMap<String, VerifyingKey>,
    batch: impl Iterator<Item = &'a StoredEvent>,
) -> Result<BTreeSet<String>, JournalError> {
    let mut enrolments: Vec<StoredEvent> = Vec::new();
    {
        let mut st = conn.prepare(&format!(
            "{SELECT_EVENTS} WHERE kind = 'node_enrolled' ORDER BY pos"
        ))?;
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            // An unreadable row is reported by the full check; it enrols nobody.
            if let Ok(ev) = read_stored_event(row) {
                enrolments.push(ev);
            }
        }
    }
    enrolments.extend(batch.filter(|e| e.kind == "node_enrolled").cloned());
    let vouched: Vec<(String, String)> = enrolments
        .iter()
        .filter_map(|ev| {
            let key = keys.get(&ev.node_id)?;
            ev.check_seal(key).ok()?;
            match crate::event_format::decode(&ev.payload).ok()? {
                Event::NodeEnrolled {
                    node, public_key, ..
                } => {
                    let k = identity::parse_public_key(&public_key).ok()?;
                    (identity::node_id_for(&k) == node).then(|| (ev.node_id.clone(), node))
                }
                _ => None,
            }
        })
        .collect();
    Ok(trust_closure(local, &vouched))
}

/// The retired nodes and the last of each one's events still accepted: `node_retired` events
/// (held and in `batch`) whose seal holds and whose signer is trusted. Two retirements of one
/// node keep the lower head, so every node draws the same line whatever order they arrived in.
pub(crate) fn retired_nodes<'a>(
    conn: &Connection,
    keys: &BTreeMap<String, VerifyingKey>,
    trusted: &BTreeSet<String>,
    batch: impl Iterator<Item = &'a StoredEvent>,
) -> Result<BTreeMap<String, Retired>, JournalError> {
    let mut retirements: Vec<(i64, StoredEvent)> = Vec::new();
    {
        let mut st = conn.prepare(&format!(
            "{SELECT_EVENTS} WHERE kind = 'node_retired' ORDER BY pos"
        ))?;
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            if let Ok(ev) = read_stored_event(row) {
                retirements.push((row.get(0)?, ev));
            }
        }
    }
    retirements.extend(
        batch
            .filter(|e| e.kind == "node_retired")
            .map(|e| (i64::MAX, e.clone())),
    );
    let mut out: BTreeMap<String, Retired> = BTreeMap::new();
    for (pos, ev) in &retirements {
        let Some(key) = keys.get(&ev.node_id) else {
            continue;
        };
        if !trusted.contains(&ev.node_id) || ev.check_seal(key).is_err() {
            continue;
        }
        if let Ok(Event::NodeRetired { node, last_seq, .. }) =
            crate::event_format::decode(&ev.payload)
        {
            let e = out.entry(node).or_insert(Retired {
                last_seq,
                pos: *pos,
            });
            e.last_seq = e.last_seq.min(last_seq);
            e.pos = e.pos.min(*pos);
        }
    }
    Ok(out)
}

/// A retired node: the last of its events accepted from anyone, and where the (first) retirement
/// sits in this journal. Events beyond `last_seq` held before `pos` came while the retirement
/// was on its way and stay (they were taken in good faith); none is taken after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retired {
    /// The last sequence accepted.
    pub last_seq: u64,
    /// The retirement's local position (`i64::MAX` for one not yet held).
    pub pos: i64,
}

impl Retired {
    /// Whether event `seq` of this node, at local position `at`, is refused.
    pub fn refuses(&self, seq: u64, at: i64) -> bool {
        seq > self.last_seq && at > self.pos
    }
}

/// Why an event of a retired node is refused.
pub(crate) fn retired(node: &str, seq: u64, last: u64) -> String {
    format!(
        "signed by node {node} after it was retired (its events up to {last} stay; this is event {seq}): a retired node's key is no longer accepted"
    )
}

/// Who is trusted from `root`, given who vouched for whom (`(by, node)`): the root, and every
/// node vouched for by a trusted node, to a fixed point.
pub(crate) fn trust_closure(root: &str, vouched: &[(String, String)]) -> BTreeSet<String> {
    let mut trusted = BTreeSet::from([root.to_string()]);
    loop {
        let before = trusted.len();
        for (by, node) in vouched {
            if trusted.contains(by) {
                trusted.insert(node.clone());
            }
        }
        if trusted.len() == before {
            return trusted;
        }
    }
}

/// Why an event's node is refused: it is not among the trusted.
pub(crate) fn untrusted(node: &str, keys: &BTreeMap<String, VerifyingKey>) -> String {
    let key = keys
        .get(node)
        .map(|k| hex::encode(k.to_bytes()))
        .unwrap_or_else(|| "unknown".into());
    format!(
        "signed by node {node} (public key {key}), which no trusted node enrolled: a node trusts only its own key and the nodes enrolled by nodes it trusts (forged, or from a node never enrolled)"
    )
}

/// Move `node`'s head forward through the stubs held for the events before `upto`: each must
/// continue the chain and carry its trusted node's signature.
fn through_stubs(
    heads: &mut BTreeMap<String, (u64, String)>,
    stubs: &BTreeMap<(String, u64), crate::holding::HeldStub>,
    keys: &BTreeMap<String, VerifyingKey>,
    trusted: &BTreeSet<String>,
    node: &str,
    upto: u64,
) -> Result<(), String> {
    let (mut seq, mut hash) = heads.get(node).cloned().unwrap_or((0, GENESIS.to_string()));
    while seq + 1 < upto {
        let Some(h) = stubs.get(&(node.to_string(), seq + 1)) else {
            break;
        };
        let s = &h.stub;
        let at = format!("the stub of {node}/{}", s.seq);
        if s.prev_hash != hash {
            return Err(format!(
                "{at}: its prev_hash does not continue the node's chain (chain broken)"
            ));
        }
        if !trusted.contains(node) {
            return Err(format!("{at}: {}", untrusted(node, keys)));
        }
        match keys.get(node) {
            Some(k) if s.signed_by(k) => {}
            _ => {
                return Err(format!(
                    "{at}: its signature does not verify with the origin node's key"
                ));
            }
        }
        seq = s.seq;
        hash = s.hash.clone();
        heads.insert(node.to_string(), (seq, hash.clone()));
    }
    Ok(())
}

fn fresh_projection_db() -> Result<Connection, JournalError> {
    let mut fresh = Connection::open_in_memory()?;
    migrations::run(&mut fresh)?;
    Ok(fresh)
}

pub(crate) fn table_rows(conn: &Connection, table: &str) -> Result<Vec<Vec<Value>>, JournalError> {
    let probe = conn.prepare(&format!("SELECT * FROM \"{table}\" LIMIT 0"))?;
    let n = probe.column_count();
    let order: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    let mut st = conn.prepare(&format!(
        "SELECT * FROM \"{table}\" ORDER BY {}",
        order.join(",")
    ))?;
    let rows = st.query_map([], |r| {
        (0..n)
            .map(|i| r.get::<_, Value>(i))
            .collect::<Result<Vec<_>, _>>()
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

impl Journal {
    /// The nodes this journal trusts: its own and those enrolled, directly or through a chain of
    /// enrolments, by nodes it trusts.
    pub fn trusted_nodes(&self) -> Result<BTreeSet<String>, JournalError> {
        let keys = load_keys(&self.conn)?;
        trusted_nodes(&self.conn, self.node_id(), &keys, std::iter::empty())
    }

    /// The retired nodes, each with the last of its events still accepted.
    pub fn retired_nodes(&self) -> Result<BTreeMap<String, Retired>, JournalError> {
        let keys = load_keys(&self.conn)?;
        let trusted = trusted_nodes(&self.conn, self.node_id(), &keys, std::iter::empty())?;
        retired_nodes(&self.conn, &keys, &trusted, std::iter::empty())
    }

    /// Verify everything: every event's chain link, hash and signature in local order, the heads,
    /// and that every projection equals a fresh rebuild. `Ok(Err(..))` names the first problem.
    pub fn verify(&self) -> Result<Result<VerifyReport, VerifyFailure>, JournalError> {
        // One read transaction: everything is checked as of one moment, though a server (or
        // replication) keeps appending meanwhile.
        let _snapshot = self.conn.unchecked_transaction()?;
        let keys = load_keys(&self.conn)?;
        let trusted = trusted_nodes(&self.conn, self.node_id(), &keys, std::iter::empty())?;
        let retired_after = retired_nodes(&self.conn, &keys, &trusted, std::iter::empty())?;
        let fresh = fresh_projection_db()?;
        let stubs = crate::holding::all_stubs(&self.conn)?;
        let mut heads: BTreeMap<String, (u64, String)> = BTreeMap::new();
        let mut last_data = None;
        let mut count = 0u64;
        let mut st = self
            .conn
            .prepare(&format!("{SELECT_EVENTS} ORDER BY pos"))?;
        let mut rows = st.query([])?;
        // Events are checked in chunks: signatures (the costly part) on a second thread while
        // this one checks chains, hashes and payloads and replays the projections; the earlier
        // of the two first failures is the one reported.
        const CHUNK: usize = 2048;
        let mut chunk: Vec<(i64, Result<StoredEvent, String>)> = Vec::with_capacity(CHUNK);
        loop {
            chunk.clear();
            while chunk.len() < CHUNK {
                let Some(row) = rows.next()? else { break };
                chunk.push((row.get(0)?, read_stored_event(row)));
            }
            if chunk.is_empty() {
                break;
            }
            let (bad_sig, bad_other) = std::thread::scope(|s| {
                let sigs = s.spawn(|| first_bad_signature(&chunk, &keys));
                let mut other: Option<(usize, VerifyFailure)> = None;
                for (i, (pos, ev)) in chunk.iter().enumerate() {
                    let pos = *pos;
                    let fail = |event: Option<(String, u64)>, problem: String| {
                        Some((
                            i,
                            VerifyFailure {
                                pos: Some(pos),
                                event,
                                problem,
                            },
                        ))
                    };
                    let ev = match ev {
                        Ok(ev) => ev,
                        Err(p) => {
                            other = fail(None, p.clone());
                            break;
                        }
                    };
                    let id = Some((ev.node_id.clone(), ev.seq));
                    // An event that arrived whole where its stub was held sits later than the
                    // events after it: it must be the stub's event; the chain runs through stubs.
                    let filled = stubs
                        .get(&(ev.node_id.clone(), ev.seq))
                        .filter(|h| h.filled_pos == Some(pos));
                    let checked = match filled {
                        Some(h) if h.stub.hash != ev.hash || h.stub.prev_hash != ev.prev_hash => {
                            Err(
                                "it is not the event whose stub is held for it (a different hash)"
                                    .to_string(),
                            )
                        }
                        Some(_) => {
                            let link = BTreeMap::from([(
                                ev.node_id.clone(),
                                (ev.seq.saturating_sub(1), ev.prev_hash.clone()),
                            )]);
                            check_event(ev, &keys, &link)
                        }
                        None => {
                            through_stubs(&mut heads, &stubs, &keys, &trusted, &ev.node_id, ev.seq)
                                .and_then(|()| check_event(ev, &keys, &heads))
                        }
                    };
                    let parsed = match checked {
                        Ok(p) => p,
                        Err(p) => {
                            other = fail(id, p);
                            break;
                        }
                    };
                    if !trusted.contains(&ev.node_id) {
                        other = fail(id, untrusted(&ev.node_id, &keys));
                        break;
                    }
                    if let Some(r) = retired_after.get(&ev.node_id)
                        && r.refuses(ev.seq, pos)
                    {
                        other = fail(id, retired(&ev.node_id, ev.seq, r.last_seq));
                        break;
                    }
                    match projection::apply(&fresh, &At::of(pos, ev), &parsed) {
                        Ok(true) => last_data = Some(pos),
                        Ok(false) => {}
                        Err(e) => {
                            other = fail(id, format!("replaying it fails: {e}"));
                            break;
                        }
                    }
                    if filled.is_none() {
                        heads.insert(ev.node_id.clone(), (ev.seq, ev.hash.clone()));
                    }
                    count += 1;
                }
                (sigs.join().unwrap_or(Some(0)), other)
            });
            let sig_failure = bad_sig.map(|i| {
                let (pos, ev) = &chunk[i];
                let event = ev.as_ref().ok().map(|e| (e.node_id.clone(), e.seq));
                (
                    i,
                    VerifyFailure {
                        pos: Some(*pos),
                        event,
                        problem: "signature does not verify with the origin node's key".into(),
                    },
                )
            });
            let first = match (sig_failure, bad_other) {
                (Some(a), Some(b)) => Some(if a.0 < b.0 { a.1 } else { b.1 }),
                (Some(a), None) => Some(a.1),
                (None, Some(b)) => Some(b.1),
                (None, None) => None,
            };
            if let Some(f) = first {
                return Ok(Err(f));
            }
        }
        drop(rows);
        drop(st);
        // Stubs after each origin's last event held whole.
        let origins: BTreeSet<String> = stubs.keys().map(|(n, _)| n.clone()).collect();
        for node in origins {
            if let Err(problem) =
                through_stubs(&mut heads, &stubs, &keys, &trusted, &node, u64::MAX)
            {
                return Ok(Err(VerifyFailure {
                    pos: None,
                    event: None,
                    problem,
                }));
            }
        }
        let mut st = self
            .conn
            .prepare("SELECT node_id, seq, hash FROM node_heads ORDER BY node_id")?;
        let stored: BTreeMap<String, (u64, String)> = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (r.get::<_, i64>(1)? as u64, r.get::<_, String>(2)?),
                ))
            })?
            .collect::<Result<_, _>>()?;
        if stored != heads {
            let node = stored
                .iter()
                .find(|(n, h)| heads.get(*n) != Some(*h))
                .map(|(n, _)| n.clone())
                .or_else(|| heads.keys().find(|n| !stored.contains_key(*n)).cloned())
                .unwrap_or_default();
            return Ok(Err(VerifyFailure {
                pos: None,
                event: None,
                problem: format!(
                    "the recorded head of node {node} does not match its last event: events were removed or added"
                ),
            }));
        }
        projection::set_data_version(&fresh, last_data)?;
        let tables = projection::tables(&self.conn)?;
        for t in &tables {
            let (a, b) = (table_rows(&self.conn, t)?, table_rows(&fresh, t)?);
            if a != b {
                let row = a
                    .iter()
                    .zip(&b)
                    .position(|(x, y)| x != y)
                    .unwrap_or(a.len().min(b.len()));
                return Ok(Err(VerifyFailure {
                    pos: None,
                    event: None,
                    problem: format!(
                        "projection {t} differs from a fresh rebuild of the events at row {} ({} rows stored, {} rebuilt): run `lantern rebuild` after finding out why",
                        row + 1,
                        a.len(),
                        b.len()
                    ),
                }));
            }
        }
        Ok(Ok(VerifyReport {
            events: count,
            nodes: heads.len(),
            projections: tables.len(),
        }))
    }

    /// Rebuild every projection from the events, in one transaction. Returns the events replayed.
    pub fn rebuild(&mut self) -> Result<u64, JournalError> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        for t in projection::tables(&tx)? {
            tx.execute(&format!("DELETE FROM \"{t}\""), [])?;
        }
        let mut last_data = None;
        let mut n = 0;
        {
            let mut st = tx.prepare(&format!("{SELECT_EVENTS} ORDER BY pos"))?;
            let mut rows = st.query([])?;
            while let Some(row) = rows.next()? {
                let pos: i64 = row.get(0)?;
                let ev = read_stored_event(row)
                    .map_err(|e| JournalError::corrupt(format!("event at position {pos}"), e))?;
                let parsed: Event = crate::event_format::decode(&ev.payload)
                    .map_err(|e| JournalError::corrupt(format!("event at position {pos}"), e))?;
                if projection::apply(&tx, &At::of(pos, &ev), &parsed)? {
                    last_data = Some(pos);
                }
                n += 1;
            }
        }
        projection::set_data_version(&tx, last_data)?;
        tx.commit()?;
        Ok(n)
    }
}
