//! A stored event and its canonical encoding, hash and signature.

use crate::identity::{self, NodeIdentity};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of a node's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event exactly as stored and exchanged between nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredEvent {
    /// Origin node.
    pub node_id: String,
    /// Sequence on the origin node, from 1.
    pub seq: u64,
    /// When it happened in the world (RFC 3339, UTC).
    pub occurred_at: String,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: String,
    /// Who recorded it.
    pub actor: String,
    /// Event kind.
    pub kind: String,
    /// The event as JSON.
    pub payload: String,
    /// Hash of the origin node's previous event.
    pub prev_hash: String,
    /// SHA-256 of the canonical encoding, hex.
    pub hash: String,
    /// Ed25519 signature of the hash by the origin node, hex.
    pub signature: String,
}

impl StoredEvent {
    /// The canonical encoding, fed to `sink` piece by piece (the payload is never copied): a
    /// domain tag, then every field length-prefixed, so no two different events encode alike.
    fn write_canonical(&self, mut sink: impl FnMut(&[u8])) {
        sink(b"lantern/event/v1");
        let mut field = |b: &[u8]| {
            sink(&(b.len() as u64).to_be_bytes());
            sink(b);
        };
        field(self.node_id.as_bytes());
        field(&self.seq.to_be_bytes());
        field(self.occurred_at.as_bytes());
        field(self.recorded_at.as_bytes());
        field(self.actor.as_bytes());
        field(self.kind.as_bytes());
        field(self.payload.as_bytes());
        field(self.prev_hash.as_bytes());
    }

    /// SHA-256 of the canonical encoding, hex: hashed as it is written, so a large payload is
    /// never copied.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        self.write_canonical(|b| h.update(b));
        hex::encode(h.finalize())
    }

    /// Fill in hash and signature.
    pub fn seal(mut self, identity: &NodeIdentity) -> Self {
        self.hash = self.compute_hash();
        self.signature = hex::encode(identity.sign(self.hash.as_bytes()));
        self
    }

    /// Check hash and signature; on failure say which.
    pub fn check_seal(&self, key: &VerifyingKey) -> Result<(), &'static str> {
        if self.compute_hash() != self.hash {
            return Err("hash does not match the event's contents");
        }
        if !identity::verify_signature(key, self.hash.as_bytes(), &self.signature) {
            return Err("signature does not verify with the origin node's key");
        }
        Ok(())
    }
}
