//! This node's identity: an Ed25519 signing key in a 0600 file, and the node id derived from it.

use crate::JournalError;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// A node's signing key and identifier.
pub struct NodeIdentity {
    key: SigningKey,
    node_id: String,
}

impl NodeIdentity {
    /// Make a new key and write it to `path` with mode 0600 (failing if it exists).
    pub fn create(path: &Path) -> Result<Self, JournalError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|e| JournalError::Key(path.to_path_buf(), e.to_string()))?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(path)
            .map_err(|e| JournalError::Io(path.to_path_buf(), e))?;
        f.write_all(format!("{}\n", hex::encode(secret)).as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| JournalError::Io(path.to_path_buf(), e))?;
        Ok(Self::from_secret(secret))
    }

    /// Load the key from `path`.
    pub fn load(path: &Path) -> Result<Self, JournalError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| JournalError::Io(path.to_path_buf(), e))?;
        let bytes = hex::decode(text.trim()).map_err(|_| {
            JournalError::Key(
                path.to_path_buf(),
                "expected 64 hexadecimal characters".into(),
            )
        })?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| JournalError::Key(path.to_path_buf(), "expected a 32-byte key".into()))?;
        Ok(Self::from_secret(secret))
    }

    /// An identity from raw secret bytes (tests and benches).
    pub fn from_secret(secret: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&secret);
        let node_id = node_id_for(&key.verifying_key());
        NodeIdentity { key, node_id }
    }

    /// The node id: `n` and the first 16 hex digits of SHA-256 of the public key.
    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// The public key as hex.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// Sign bytes.
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }

    /// A secret for one purpose, derived from the node key (never stored in the database): what
    /// a copied or edited database alone cannot compute.
    pub(crate) fn derived_key(&self, purpose: &str) -> [u8; 32] {
        hmac_sha256(
            &self.key.to_bytes(),
            format!("lantern/{purpose}/v1").as_bytes(),
        )
    }
}

/// HMAC-SHA-256 (RFC 2104).
pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.map(|x| x ^ b);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The node id for a public key.
pub fn node_id_for(key: &VerifyingKey) -> String {
    let h = Sha256::digest(key.to_bytes());
    format!("n{}", &hex::encode(h)[..16])
}

/// The node id of a hex public key.
pub fn node_id_for_key(hex_key: &str) -> Result<String, String> {
    Ok(node_id_for(&parse_public_key(hex_key)?))
}

/// Parse a hex public key.
pub fn parse_public_key(hex_key: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key)
        .map_err(|_| "public key is not hex".to_string())?
        .try_into()
        .map_err(|_| "public key is not 32 bytes".to_string())?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| e.to_string())
}

/// Check a hex signature over `msg` (strict: no malleable signatures).
pub fn verify_signature(key: &VerifyingKey, msg: &[u8], sig_hex: &str) -> bool {
    let Ok(Ok(bytes)) = hex::decode(sig_hex).map(<[u8; 64]>::try_from) else {
        return false;
    };
    // Only the canonical (lower-case) spelling counts, so no stored byte can change unnoticed.
    if hex::encode(bytes) != sig_hex {
        return false;
    }
    let sig = Signature::from_bytes(&bytes);
    key.verify_strict(msg, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hmac_matches_rfc_4231() {
        let mac = super::hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
