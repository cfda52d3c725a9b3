//! Replication bookkeeping kept beside the journal (not in it, as sessions are not): each peer's
//! checkpoint and freshness, one-time invitations for new nodes, the signatures nodes put on
//! their requests to each other, and the changes feed in batches.

use crate::holding::{Changes, Stub, passable_upto, taken};
use crate::record::StoredEvent;
use crate::verify::{
    SELECT_EVENTS, load_keys, read_stored_event, retired_nodes, trusted_nodes, untrusted,
};
use crate::{Journal, JournalError, VersionVector, identity};
use lantern_core::holding::Taken;
use rusqlite::{OptionalExtension, params};

/// One peer as this node last saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerRow {
    /// The URL this node reaches it at.
    pub url: String,
    /// Its node id, once it has answered.
    pub node_id: Option<String>,
    /// When a round was last tried (RFC 3339).
    pub last_attempt_at: String,
    /// When a round last succeeded.
    pub last_ok_at: Option<String>,
    /// When this node last held everything the peer held (and the peer everything this held).
    pub in_step_at: Option<String>,
    /// Why the last round failed.
    pub last_error: Option<String>,
    /// The peer's version vector as last seen (the checkpoint).
    pub their_vector: VersionVector,
    /// Events the peer held that this node did not, at the last answer.
    pub behind: u64,
    /// Events this node held that the peer did not, at the last answer.
    pub ahead: u64,
}

/// A one-time invitation for a node to join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    /// Its id (in the invitation file).
    pub id: String,
    /// The name the new node will be known by.
    pub name: String,
    /// hub, office or laptop.
    pub role: String,
    /// Who issued it (journal actor).
    pub issued_by: String,
    /// When (RFC 3339).
    pub issued_at: String,
    /// Until when it may be used.
    pub expires_at: String,
    /// The node that used it.
    pub used_by: Option<String>,
    /// The services whose people the new node holds (empty: the whole organisation).
    pub services: Vec<String>,
}

/// The text a node signs for a request to a peer: method, path, time and the body's SHA-256.
pub fn request_message(method: &str, path: &str, time: &str, body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    format!(
        "lantern-node-request v1\n{method}\n{path}\n{time}\n{}",
        hex::encode(Sha256::digest(body))
    )
    .into_bytes()
}

/// The text a node signs for its answer: bound to the request it answers (its signature).
pub fn response_message(request_signature: &str, time: &str, body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    format!(
        "lantern-node-response v1\n{request_signature}\n{time}\n{}",
        hex::encode(Sha256::digest(body))
    )
    .into_bytes()
}

impl Journal {
    /// Sign `msg` with this node's key (hex).
    pub fn sign_message(&self, msg: &[u8]) -> String {
        hex::encode(self.identity.sign(msg))
    }

    /// Check that `node` is one this node trusts and has not retired, and that `signature` over
    /// `msg` is its. The error says which.
    pub fn check_node_signature(
        &self,
        node: &str,
        msg: &[u8],
        signature: &str,
    ) -> Result<(), String> {
        let fail = |e: JournalError| e.to_string();
        let keys = load_keys(&self.conn).map_err(fail)?;
        let trusted =
            trusted_nodes(&self.conn, self.node_id(), &keys, std::iter::empty()).map_err(fail)?;
        if !trusted.contains(node) {
            return Err(untrusted(node, &keys));
        }
        let retired =
            retired_nodes(&self.conn, &keys, &trusted, std::iter::empty()).map_err(fail)?;
        if retired.contains_key(node) {
            return Err(format!(
                "node {node} is retired: its key is no longer accepted"
            ));
        }
        let key = keys
            .get(node)
            .ok_or_else(|| format!("node {node}: its key is not held"))?;
        if identity::verify_signature(key, msg, signature) {
            Ok(())
        } else {
            Err(format!(
                "the signature is not node {node}'s over this request"
            ))
        }
    }

    /// The changes feed for node `to`: at most `limit` events a node with vector `theirs` lacks,
    /// in local order (each origin's events stay contiguous), and whether more follow. Events of a
    /// retired node after its retirement are never sent; a node holding some services gets the
    /// events it does not take whole as stubs; and a node that holds some events only as stubs
    /// passes each origin's events on only up to its first stub.
    pub fn changes_after(
        &self,
        theirs: &VersionVector,
        limit: usize,
        to: &str,
    ) -> Result<Changes, JournalError> {
        let keys = load_keys(&self.conn)?;
        let trusted = trusted_nodes(&self.conn, self.node_id(), &keys, std::iter::empty())?;
        let retired = retired_nodes(&self.conn, &keys, &trusted, std::iter::empty())?;
        let passable = passable_upto(&self.conn)?;
        let holding = self.holding_of(to)?;
        let mut out: Vec<(i64, StoredEvent)> = Vec::new();
        // One origin's events are held in the order of their sequence (each is applied after the
        // one before it, or filled in where its stub was), so its next `limit` are a range of the
        // (node_id, seq) index.
        let mut st = self.conn.prepare(&format!(
            "{SELECT_EVENTS} WHERE node_id = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq LIMIT ?4"
        ))?;
        for (node, have) in self.version_vector()? {
            let after = theirs.get(&node).copied().unwrap_or(0);
            let mut upto = retired.get(&node).map_or(have, |r| r.last_seq.min(have));
            if let Some(p) = passable.get(&node) {
                upto = upto.min(*p);
            }
            if upto <= after {
                continue;
            }
            let mut rows = st.query(params![node, after as i64, upto as i64, limit as i64 + 1])?;
            while let Some(row) = rows.next()? {
                let pos: i64 = row.get(0)?;
                let ev = read_stored_event(row)
                    .map_err(|e| JournalError::corrupt(format!("event at position {pos}"), e))?;
                out.push((pos, ev));
            }
        }
        out.sort_by_key(|(pos, _)| *pos);
        let more = out.len() > limit;
        out.truncate(limit);
        let mut changes = Changes {
            more,
            ..Changes::default()
        };
        for (_, ev) in out {
            match taken(&self.conn, &holding, &ev) {
                Taken::Whole => changes.events.push(ev),
                Taken::Withheld { person } => changes
                    .withheld
                    .push(Stub::of(&ev, person.map(|p| p.to_string()))),
            }
        }
        Ok(changes)
    }

    /// Every peer's checkpoint, by URL.
    pub fn peers(&self) -> Result<Vec<PeerRow>, JournalError> {
        let mut st = self.conn.prepare(
            "SELECT url, node_id, last_attempt_at, last_ok_at, in_step_at, last_error, their_vector, behind, ahead
             FROM replication_peers ORDER BY url",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    PeerRow {
                        url: r.get(0)?,
                        node_id: r.get(1)?,
                        last_attempt_at: r.get(2)?,
                        last_ok_at: r.get(3)?,
                        in_step_at: r.get(4)?,
                        last_error: r.get(5)?,
                        their_vector: VersionVector::new(),
                        behind: r.get::<_, i64>(7)? as u64,
                        ahead: r.get::<_, i64>(8)? as u64,
                    },
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut p, v)| {
                p.their_vector = serde_json::from_str(&v).map_err(|e| {
                    JournalError::corrupt(format!("checkpoint of peer {}", p.url), e)
                })?;
                Ok(p)
            })
            .collect()
    }

    /// Keep a peer's checkpoint after a round (successful or not).
    pub fn record_peer(&self, p: &PeerRow) -> Result<(), JournalError> {
        self.writable()?;
        let vector = serde_json::to_string(&p.their_vector)
            .map_err(|e| JournalError::corrupt("peer checkpoint", e))?;
        self.conn.execute(
            "INSERT INTO replication_peers (url, node_id, last_attempt_at, last_ok_at, in_step_at, last_error, their_vector, behind, ahead)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (url) DO UPDATE SET node_id = excluded.node_id, last_attempt_at = excluded.last_attempt_at,
               last_ok_at = excluded.last_ok_at, in_step_at = excluded.in_step_at, last_error = excluded.last_error,
               their_vector = excluded.their_vector, behind = excluded.behind, ahead = excluded.ahead",
            params![
                p.url,
                p.node_id,
                p.last_attempt_at,
                p.last_ok_at,
                p.in_step_at,
                p.last_error,
                vector,
                p.behind as i64,
                p.ahead as i64
            ],
        )?;
        Ok(())
    }

    /// Forget the addresses `node` was reached at other than `url` (it moved, or was first
    /// reached directly when it joined): one peer, one line of freshness.
    pub fn forget_other_addresses(&self, node: &str, url: &str) -> Result<(), JournalError> {
        self.writable()?;
        self.conn.execute(
            "DELETE FROM replication_peers WHERE node_id = ?1 AND url <> ?2 AND url LIKE 'http%'",
            params![node, url],
        )?;
        Ok(())
    }

    /// What an invitation's secret is kept as: a MAC under a key derived from this node's key.
    pub fn invitation_mac(&self, secret: &str) -> String {
        let key = self.identity.derived_key("invitation");
        hex::encode(identity::hmac_sha256(&key, secret.as_bytes()))
    }

    /// Keep a new invitation (its secret only as [`Journal::invitation_mac`]).
    pub fn create_invitation(
        &self,
        inv: &InvitationRow,
        secret_mac: &str,
    ) -> Result<(), JournalError> {
        self.writable()?;
        self.conn.execute(
            "INSERT INTO node_invitations (id, secret_mac, name, role, issued_by, issued_at, expires_at, services)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                inv.id,
                secret_mac,
                inv.name,
                inv.role,
                inv.issued_by,
                inv.issued_at,
                inv.expires_at,
                inv.services.join(" ")
            ],
        )?;
        Ok(())
    }

    /// The invitation `id` if `secret_mac` is its secret's MAC, whether used or not; `None` if
    /// there is no such invitation or the secret is wrong. (Found by the MAC, as sessions are: a
    /// MAC under a key only this node holds cannot be guessed a byte at a time.)
    pub fn invitation(
        &self,
        id: &str,
        secret_mac: &str,
    ) -> Result<Option<InvitationRow>, JournalError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, role, issued_by, issued_at, expires_at, used_by, services FROM node_invitations WHERE id = ?1 AND secret_mac = ?2",
                params![id, secret_mac],
                |r| {
                    Ok(InvitationRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: r.get(2)?,
                        issued_by: r.get(3)?,
                        issued_at: r.get(4)?,
                        expires_at: r.get(5)?,
                        used_by: r.get(6)?,
                        services: r
                            .get::<_, String>(7)?
                            .split_whitespace()
                            .map(str::to_string)
                            .collect(),
                    })
                },
            )
            .optional()?)
    }

    /// Mark an invitation used by `node`; false if it was already used (one time only).
    pub fn use_invitation(&self, id: &str, node: &str) -> Result<bool, JournalError> {
        self.writable()?;
        let n = self.conn.execute(
            "UPDATE node_invitations SET used_by = ?2 WHERE id = ?1 AND used_by IS NULL",
            params![id, node],
        )?;
        Ok(n == 1)
    }
}
