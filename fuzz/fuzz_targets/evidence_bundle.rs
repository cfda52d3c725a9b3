//! Any bytes offered as an evidence pack's bundle.json under a manifest that is correctly
//! signed (by a fixed test key) for exactly those bytes, so that the fuzzer reaches the checks
//! behind the signature: trust, seals, chains and heads. Never a crash.
#![no_main]
use lantern_journal::{EVIDENCE_FORMAT, EvidenceManifest, FileEntry, NodeIdentity};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let id = NodeIdentity::from_secret([7; 32]);
    let pdf = b"%PDF-1.7".to_vec();
    let entry = |name: &str, b: &[u8]| FileEntry {
        name: name.into(),
        bytes: b.len() as u64,
        sha256: hex::encode(Sha256::digest(b)),
    };
    // The heads the bundle's chains end at, so that a well-formed bundle gets past them.
    let mut heads = BTreeMap::new();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data)
        && let Some(chain) = v.get("chain").and_then(|c| c.as_object())
    {
        for (node, links) in chain {
            if let Some(last) = links.as_array().and_then(|l| l.last())
                && let (Some(seq), Some(hash)) = (last["seq"].as_u64(), last["hash"].as_str())
            {
                heads.insert(node.clone(), (seq, hash.to_string()));
            }
        }
    }
    let mut m = EvidenceManifest {
        format: EVIDENCE_FORMAT.into(),
        node_id: id.node_id().into(),
        public_key: id.public_key_hex(),
        generated_at: "2026-12-01T00:00:00Z".into(),
        files: vec![entry("bundle.json", data), entry("evidence.pdf", &pdf)],
        heads,
        signature: String::new(),
    };
    m.signature = hex::encode(id.sign(m.statement().as_bytes()));
    let manifest = serde_json::to_vec(&m).unwrap_or_default();
    let _ = lantern_journal::verify_evidence_files(|name: &str| match name {
        "manifest.json" => Ok(manifest.clone()),
        "bundle.json" => Ok(data.to_vec()),
        "evidence.pdf" => Ok(pdf.clone()),
        other => Err(format!("{other}: no such file")),
    });
});
