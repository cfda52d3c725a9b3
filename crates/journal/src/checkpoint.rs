//! Signed checkpoints of a node's head (like a Certificate Transparency signed tree head): one
//! line a node signs saying "my event seq N has hash H". Kept outside the database — printed on
//! every pack, in every evidence pack, appended to a witness file — a checkpoint lets `verify
//! --against` catch a journal rolled back or truncated, even after its heads were rewound and its
//! projections rebuilt to match.

use crate::identity::verify_signature;
use crate::record::GENESIS;
use crate::verify::load_keys;
use crate::{Journal, JournalError};
use rusqlite::OptionalExtension;

/// The first word of a checkpoint line.
pub const CHECKPOINT_TAG: &str = "lantern-checkpoint";

/// One signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The node whose head it is.
    pub node: String,
    /// Its last event's sequence (0 before any).
    pub seq: u64,
    /// That event's hash.
    pub hash: String,
    /// When it was signed (RFC 3339).
    pub at: String,
    /// The node's Ed25519 signature (hex) of [`Checkpoint::statement`].
    pub signature: String,
}

impl Checkpoint {
    /// The exact bytes signed.
    pub fn statement(&self) -> String {
        format!(
            "lantern/checkpoint/v1\n{}\n{}\n{}\n{}\n",
            self.node, self.seq, self.hash, self.at
        )
    }

    /// As one line of text: `lantern-checkpoint v1 NODE SEQ HASH AT SIGNATURE`.
    pub fn line(&self) -> String {
        format!(
            "{CHECKPOINT_TAG} v1 {} {} {} {} {}",
            self.node, self.seq, self.hash, self.at, self.signature
        )
    }

    /// As printed on paper: the signature in groups of 32 so the line wraps cleanly.
    pub fn printed(&self) -> String {
        let groups: Vec<&str> = self
            .signature
            .as_bytes()
            .chunks(32)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        format!(
            "{CHECKPOINT_TAG} v1 {} {} {} {} {}",
            self.node,
            self.seq,
            self.hash,
            self.at,
            groups.join(" ")
        )
    }

    /// Read a checkpoint from text that starts with one (what follows it is ignored; the
    /// signature may be split into groups, as printed, and across lines).
    pub fn parse(text: &str) -> Result<Checkpoint, String> {
        let at = text
            .find(CHECKPOINT_TAG)
            .ok_or_else(|| format!("expected text starting '{CHECKPOINT_TAG} v1'"))?;
        let mut w = text[at..].split_whitespace();
        let mut next = |what: &str| {
            w.next().map(str::to_string).ok_or_else(|| {
                format!(
                    "expected '{CHECKPOINT_TAG} v1 NODE SEQ HASH TIME SIGNATURE': {what} missing"
                )
            })
        };
        let (_, version) = (next("tag")?, next("version")?);
        if version != "v1" {
            return Err(format!("version: expected v1, found {version:?}"));
        }
        let node = next("node")?;
        let seq = next("sequence")?;
        let seq = seq
            .parse()
            .map_err(|_| format!("sequence: expected a number, found {seq:?}"))?;
        let (hash, time) = (next("hash")?, next("time")?);
        let mut signature = String::new();
        while signature.len() < 128 {
            let part = next("signature")?;
            if !part.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("signature: expected hexadecimal, found {part:?}"));
            }
            signature.push_str(&part);
        }
        Ok(Checkpoint {
            node,
            seq,
            hash,
            at: time,
            signature,
        })
    }

    /// Every checkpoint in a text (a witness file holds one per line; a printed pack's text has
    /// one on its cover).
    ///
    /// A saved email (quoted-printable wraps long lines with a trailing `=`) reads the same
    /// as its text: checkpoint lines hold no `=`, so soft line breaks are simply joined.
    pub fn all_in(text: &str) -> Result<Vec<Checkpoint>, String> {
        let joined = text.replace("=\r\n", "").replace("=\n", "");
        let text = joined.as_str();
        text.match_indices(CHECKPOINT_TAG)
            .enumerate()
            .map(|(i, (at, _))| {
                Checkpoint::parse(&text[at..]).map_err(|e| format!("checkpoint {}: {e}", i + 1))
            })
            .collect()
    }
}

impl Journal {
    /// A checkpoint of this node's head, signed now.
    pub fn checkpoint(&self, now: jiff::Timestamp) -> Result<Checkpoint, JournalError> {
        let (seq, hash): (i64, String) = self
            .conn
            .query_row(
                "SELECT seq, hash FROM node_heads WHERE node_id = ?1",
                [self.node_id()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, GENESIS.to_string()));
        let mut c = Checkpoint {
            node: self.node_id().to_string(),
            seq: seq as u64,
            hash,
            at: now.to_string(),
            signature: String::new(),
        };
        c.signature = hex::encode(self.identity.sign(c.statement().as_bytes()));
        Ok(c)
    }

    /// Whether this journal still holds what `c` says its node had: `Ok(Err(why))` for a
    /// checkpoint that is not genuine (unknown or untrusted node, bad signature) or that this
    /// journal contradicts (rolled back, truncated or rewritten).
    pub fn check_against(&self, c: &Checkpoint) -> Result<Result<(), String>, JournalError> {
        let keys = load_keys(&self.conn)?;
        let Some(key) = keys.get(&c.node) else {
            return Ok(Err(format!(
                "the checkpoint is of node {}, which this journal does not know",
                c.node
            )));
        };
        if !self.trusted_nodes()?.contains(&c.node) {
            return Ok(Err(format!(
                "the checkpoint is of node {}, which this journal does not trust",
                c.node
            )));
        }
        if !verify_signature(key, c.statement().as_bytes(), &c.signature) {
            return Ok(Err(format!(
                "the checkpoint of {} seq {} does not carry a valid signature of that node",
                c.node, c.seq
            )));
        }
        if c.seq == 0 {
            return Ok(Ok(()));
        }
        let held: Option<String> = self
            .conn
            .query_row(
                "SELECT hash FROM events WHERE node_id = ?1 AND seq = ?2
                 UNION ALL SELECT hash FROM withheld_events WHERE node_id = ?1 AND seq = ?2 LIMIT 1",
                rusqlite::params![c.node, c.seq as i64],
                |r| r.get(0),
            )
            .optional()?;
        let head: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM (SELECT seq FROM events WHERE node_id = ?1
             UNION ALL SELECT seq FROM withheld_events WHERE node_id = ?1)",
            [&c.node],
            |r| r.get(0),
        )?;
        Ok(match held {
            None => Err(format!(
                "rolled back or truncated: on {} node {} signed that it held event {} (hash {}), but this journal holds only up to {}",
                c.at, c.node, c.seq, c.hash, head
            )),
            Some(h) if h != c.hash => Err(format!(
                "history rewritten: on {} node {} signed that its event {} had hash {}, but the event held now has hash {h}",
                c.at, c.node, c.seq, c.hash
            )),
            Some(_) => Ok(()),
        })
    }
}
