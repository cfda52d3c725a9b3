//! Nodes holding only some services (see `lantern_core::holding`): what a node holds, the stubs
//! that stand in for the events it does not take whole, and the changes feed as such a node
//! receives it.

use crate::projections::{self as projection, At};
use crate::record::StoredEvent;
use crate::{Journal, JournalError, VersionVector, identity};
use ed25519_dalek::VerifyingKey;
use lantern_core::event::Event;
use lantern_core::holding::{About, Holding, Taken};
use lantern_core::ids::{PersonId, ReferralId, ServiceId};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// An event a node holds only as its identity, time, chain link, hash and signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Stub {
    /// Origin node.
    pub node_id: String,
    /// Sequence on the origin node.
    pub seq: u64,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// Hash of the origin node's previous event.
    pub prev_hash: String,
    /// The event's hash.
    pub hash: String,
    /// The origin node's signature of the hash.
    pub signature: String,
    /// Whom it is about, when one person: their history is fetched whole if they come into
    /// the node's services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

impl Stub {
    /// The stub of `ev`.
    pub fn of(ev: &StoredEvent, person: Option<String>) -> Stub {
        Stub {
            node_id: ev.node_id.clone(),
            seq: ev.seq,
            recorded_at: ev.recorded_at.clone(),
            prev_hash: ev.prev_hash.clone(),
            hash: ev.hash.clone(),
            signature: ev.signature.clone(),
            person,
        }
    }

    /// Whether its origin signed its hash.
    pub fn signed_by(&self, key: &VerifyingKey) -> bool {
        identity::verify_signature(key, self.hash.as_bytes(), &self.signature)
    }
}

/// One batch of the changes feed as a node receives it: events whole, stubs of those it does not
/// take whole, and whether more follow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Events taken whole, in the sending node's order.
    pub events: Vec<StoredEvent>,
    /// Stubs, in the sending node's order.
    pub withheld: Vec<Stub>,
    /// Whether more follow.
    pub more: bool,
}

/// A stub as held, with where its event was appended once it arrived whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeldStub {
    pub stub: Stub,
    pub filled_pos: Option<i64>,
}

const SELECT_STUBS: &str = "SELECT node_id, seq, recorded_at, prev_hash, hash, signature, person, filled_pos FROM withheld_events";

fn read_stub(r: &rusqlite::Row<'_>) -> rusqlite::Result<HeldStub> {
    Ok(HeldStub {
        stub: Stub {
            node_id: r.get(0)?,
            seq: r.get::<_, i64>(1)? as u64,
            recorded_at: r.get(2)?,
            prev_hash: r.get(3)?,
            hash: r.get(4)?,
            signature: r.get(5)?,
            person: r.get(6)?,
        },
        filled_pos: r.get(7)?,
    })
}

/// Every stub held, by origin and sequence.
pub(crate) fn all_stubs(
    conn: &Connection,
) -> Result<BTreeMap<(String, u64), HeldStub>, JournalError> {
    let mut st = conn.prepare(SELECT_STUBS)?;
    let rows = st.query_map([], read_stub)?;
    let mut out = BTreeMap::new();
    for r in rows {
        let h = r?;
        out.insert((h.stub.node_id.clone(), h.stub.seq), h);
    }
    Ok(out)
}

pub(crate) fn stub_at(
    conn: &Connection,
    node: &str,
    seq: u64,
) -> Result<Option<HeldStub>, JournalError> {
    Ok(conn
        .query_row(
            &format!("{SELECT_STUBS} WHERE node_id = ?1 AND seq = ?2"),
            params![node, seq as i64],
            read_stub,
        )
        .optional()?)
}

/// Hold a stub (its chain link already checked).
pub(crate) fn insert_stub(tx: &Transaction<'_>, s: &Stub) -> Result<(), JournalError> {
    tx.execute(
        "INSERT INTO withheld_events (node_id, seq, recorded_at, prev_hash, hash, signature, person)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            s.node_id,
            s.seq as i64,
            s.recorded_at,
            s.prev_hash,
            s.hash,
            s.signature,
            s.person
        ],
    )?;
    Ok(())
}

/// Mark a stub's event as arrived whole at `pos`.
pub(crate) fn mark_filled(
    tx: &Transaction<'_>,
    node: &str,
    seq: u64,
    pos: i64,
) -> Result<(), JournalError> {
    tx.execute(
        "UPDATE withheld_events SET filled_pos = ?3 WHERE node_id = ?1 AND seq = ?2",
        params![node, seq as i64, pos],
    )?;
    Ok(())
}

/// This node's holding, as set when it joined.
pub(crate) fn local_holding(conn: &Connection) -> Result<Holding, JournalError> {
    let services: Option<String> = conn
        .query_row("SELECT services FROM node_holding WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    parse_services(services.as_deref().unwrap_or(""))
}

fn parse_services(text: &str) -> Result<Holding, JournalError> {
    let services = text
        .split_whitespace()
        .map(|s| ServiceId::parse(s).map_err(|e| JournalError::corrupt("this node's holding", e)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Holding::of(&services))
}

/// The service a person is in now, on this node.
fn service_of(conn: &Connection, p: &PersonId) -> Option<ServiceId> {
    conn.prepare_cached("SELECT service FROM p_people WHERE id = ?1")
        .ok()?
        .query_row([p.as_str()], |r| r.get::<_, String>(0))
        .ok()
        .and_then(|s| ServiceId::parse(&s).ok())
}

/// A referral's person, on this node.
fn person_of(conn: &Connection, r: &ReferralId) -> Option<PersonId> {
    conn.prepare_cached("SELECT person FROM p_referrals WHERE id = ?1")
        .ok()?
        .query_row([r.as_str()], |r| r.get::<_, String>(0))
        .ok()
        .and_then(|s| PersonId::parse(&s).ok())
}

/// The one person an event is about, if any (a referral's found here).
fn subject(conn: &Connection, ev: &Event) -> Option<PersonId> {
    match ev.about() {
        About::Person(p) => Some(p.clone()),
        About::Referral(r) => person_of(conn, r),
        _ => None,
    }
}

/// How a node holding `holding` takes `ev`, decided on this node (people's services as they are
/// here now). An event whose payload does not read is not sent whole.
pub(crate) fn taken(conn: &Connection, holding: &Holding, ev: &StoredEvent) -> Taken {
    if holding.is_whole() {
        return Taken::Whole;
    }
    match crate::event_format::decode(&ev.payload) {
        Ok(parsed) => holding.takes(
            &parsed.about(),
            |p| service_of(conn, p),
            |r| person_of(conn, r),
        ),
        Err(_) => Taken::Withheld { person: None },
    }
}

impl Journal {
    /// What this node holds: the whole organisation, or the people of some services.
    pub fn holding(&self) -> Result<Holding, JournalError> {
        local_holding(&self.conn)
    }

    /// Set what this node holds (when it joins, before any event arrives; never changed after).
    pub fn set_holding(&self, services: &[String]) -> Result<(), JournalError> {
        self.writable()?;
        self.conn.execute(
            "INSERT INTO node_holding (id, services) VALUES (1, ?1)",
            [services.join(" ")],
        )?;
        Ok(())
    }

    /// What another node holds, as its enrolment says (a node not enrolled here: the whole
    /// organisation, which only its own journal can be).
    pub fn holding_of(&self, node: &str) -> Result<Holding, JournalError> {
        if node == self.node_id() {
            return self.holding();
        }
        let doc: Option<String> = self
            .conn
            .query_row("SELECT doc FROM p_nodes WHERE node_id = ?1", [node], |r| {
                r.get(0)
            })
            .optional()?;
        match doc.map(|d| serde_json::from_str::<Event>(&d)) {
            Some(Ok(Event::NodeEnrolled { services, .. })) => Ok(Holding::of(&services)),
            Some(Ok(_)) | None => Ok(Holding::Whole),
            Some(Err(e)) => Err(JournalError::corrupt(
                format!("enrolment of node {node}"),
                e,
            )),
        }
    }

    /// Whether this node holds any event only as a stub.
    pub fn holds_stubs(&self) -> Result<bool, JournalError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM withheld_events WHERE filled_pos IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Refuse what only a node holding the whole organisation can do (an export of everything,
    /// an evidence pack), naming what this node holds.
    pub fn require_whole(&self, what: &str) -> Result<(), JournalError> {
        if self.holds_stubs()? {
            return Err(JournalError::Partial(format!(
                "{what} needs every event, and this node holds some only as stubs (it holds the people of some services only): do this on a node holding the whole organisation, such as the hub"
            )));
        }
        Ok(())
    }

    /// The events about `people` that a node `to` holds only as stubs, whole: every event about
    /// each of them up to its version vector `theirs`, in this node's order. Only people `to`
    /// holds now are sent; this node must hold them whole.
    pub fn history_for(
        &self,
        to: &str,
        people: &[String],
        theirs: &VersionVector,
    ) -> Result<Vec<StoredEvent>, JournalError> {
        let holding = self.holding_of(to)?;
        let wanted: BTreeSet<&str> = people
            .iter()
            .map(String::as_str)
            .filter(|p| {
                PersonId::parse(p).is_ok_and(|id| {
                    service_of(&self.conn, &id).is_some_and(|s| holding.holds_service(&s))
                })
            })
            .collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.select_events(|r| {
            r.stored.seq <= theirs.get(&r.stored.node_id).copied().unwrap_or(0)
                && subject(&self.conn, &r.event).is_some_and(|p| wanted.contains(p.as_str()))
        })?;
        Ok(rows.into_iter().map(|r| r.stored).collect())
    }
}

/// People this batch leaves in the node's services (their service as the batch's identity
/// events leave it, or as held) whose earlier events are held only as stubs.
pub(crate) fn needs_history(
    tx: &Transaction<'_>,
    holding: &Holding,
    events: &[StoredEvent],
) -> Result<Vec<String>, JournalError> {
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for ev in events {
        if matches!(ev.kind.as_str(), "person_added" | "person_updated")
            && let Ok(Event::PersonAdded(p) | Event::PersonUpdated(p)) =
                crate::event_format::decode(&ev.payload)
        {
            moved.insert(p.id.to_string(), p.service.to_string());
        }
    }
    let mut out = Vec::new();
    for (person, service) in stubbed_people(tx)? {
        let now = moved.get(&person).cloned().or(service);
        if now
            .and_then(|s| ServiceId::parse(&s).ok())
            .is_some_and(|s| holding.holds_service(&s))
        {
            out.push(person);
        }
    }
    Ok(out)
}

/// Stubs held for people, not yet filled, and the people's services here now.
fn stubbed_people(conn: &Connection) -> Result<BTreeMap<String, Option<String>>, JournalError> {
    let mut st = conn.prepare(
        "SELECT DISTINCT w.person, p.service FROM withheld_events w LEFT JOIN p_people p ON p.id = w.person
         WHERE w.filled_pos IS NULL AND w.person IS NOT NULL",
    )?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The last sequence of each origin this node can pass on whole: up to (not including) its first
/// stub not yet filled. A node never passes a stub on as an event.
pub(crate) fn passable_upto(conn: &Connection) -> Result<BTreeMap<String, u64>, JournalError> {
    let mut st = conn.prepare(
        "SELECT node_id, MIN(seq) FROM withheld_events WHERE filled_pos IS NULL GROUP BY node_id",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (r.get::<_, i64>(1)? as u64).saturating_sub(1),
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Apply a stub whose identity is not held: trusted and unretired origin (checked by the caller),
/// the chain continued, the signature the origin's.
pub(crate) fn apply_stub(tx: &Transaction<'_>, s: &Stub, key: &VerifyingKey) -> Result<(), String> {
    let (head_seq, head_hash) = crate::append::head(tx, &s.node_id).map_err(|e| e.to_string())?;
    if s.seq != head_seq + 1 {
        return Err(format!("expected seq {} next from this node", head_seq + 1));
    }
    if s.prev_hash != head_hash {
        return Err("the stub's prev_hash does not continue the node's chain".into());
    }
    if !s.signed_by(key) {
        return Err("the stub's signature is not its node's".into());
    }
    if s.recorded_at.parse::<jiff::Timestamp>().is_err() {
        return Err("the stub's recorded_at is not a timestamp".into());
    }
    insert_stub(tx, s).map_err(|e| e.to_string())?;
    crate::append::set_head(tx, &s.node_id, s.seq, &s.hash).map_err(|e| e.to_string())?;
    Ok(())
}

/// Append an event whole and project it; returns its position and whether it changed data.
pub(crate) fn insert_event(
    tx: &Transaction<'_>,
    ev: &StoredEvent,
    parsed: &Event,
) -> Result<(i64, bool), JournalError> {
    tx.execute(
        "INSERT INTO events (node_id, seq, occurred_at, recorded_at, actor, kind, payload, prev_hash, hash, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![ev.node_id, ev.seq as i64, ev.occurred_at, ev.recorded_at, ev.actor, ev.kind, ev.payload, ev.prev_hash, ev.hash, ev.signature],
    )?;
    let pos = tx.last_insert_rowid();
    let data = projection::apply(tx, &At::of(pos, ev), parsed)?;
    Ok((pos, data))
}
