//! Evidence packs: a chosen set of events with the proof that they are the journal's own — each
//! event's hash and origin signature, the chain of hashes from it to the node's head, and the
//! exporting node's signature over the files — checkable on any machine without the database.
//! One changed byte anywhere fails.

use crate::identity::{node_id_for, parse_public_key, verify_signature};
use crate::queries::EventRow;
use crate::record::StoredEvent;
use crate::verify::SELECT_EVENTS;
use crate::{Journal, JournalError};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// A pack's files: name and bytes.
pub type PackFiles = Vec<(String, Vec<u8>)>;

/// The bundle format.
pub const EVIDENCE_FORMAT: &str = "lantern-evidence/1";

/// One link of a node's hash chain (no contents: other people's data stays out of the pack).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Link {
    /// Sequence.
    pub seq: u64,
    /// The previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// The machine-readable bundle: the events themselves and their proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Bundle {
    /// `lantern-evidence/1`.
    pub format: String,
    /// What the pack covers, in words.
    pub scope: String,
    /// When it was made.
    pub generated_at: String,
    /// Public key (hex) of every node whose events are included.
    pub nodes: BTreeMap<String, String>,
    /// The events, exactly as stored, in journal order.
    pub events: Vec<StoredEvent>,
    /// For each origin node, every link from its first included event to its head.
    pub chain: BTreeMap<String, Vec<Link>>,
    /// The signed enrolments that make each other node trusted by the signing node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enrolments: Vec<StoredEvent>,
}

/// The signed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EvidenceManifest {
    /// `lantern-evidence/1`.
    pub format: String,
    /// The node that made the pack.
    pub node_id: String,
    /// Its public key, hex (the node id is derived from it).
    pub public_key: String,
    /// When.
    pub generated_at: String,
    /// Each file's name, size and SHA-256.
    pub files: Vec<crate::FileEntry>,
    /// Each origin node's head `(seq, hash)` the events chain to.
    pub heads: BTreeMap<String, (u64, String)>,
    /// Ed25519 signature (hex) of [`EvidenceManifest::statement`].
    pub signature: String,
}

impl EvidenceManifest {
    /// The exact bytes signed: every field but the signature, one per line.
    pub fn statement(&self) -> String {
        let mut s = format!(
            "lantern/evidence/v1\nformat {}\nnode {} {}\ngenerated {}\n",
            self.format, self.node_id, self.public_key, self.generated_at
        );
        for f in &self.files {
            s.push_str(&format!("file {} {} {}\n", f.name, f.bytes, f.sha256));
        }
        for (n, (seq, h)) in &self.heads {
            s.push_str(&format!("head {n} {seq} {h}\n"));
        }
        s
    }
}

/// What a successful check found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EvidenceReport {
    /// What the pack covers.
    pub scope: String,
    /// The node that signed it.
    pub node_id: String,
    /// Events checked.
    pub events: usize,
    /// Events per kind.
    pub kinds: BTreeMap<String, usize>,
    /// Heads they chain to.
    pub heads: BTreeMap<String, (u64, String)>,
    /// Files checked.
    pub files: Vec<String>,
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Journal {
    /// Every event for which `keep` is true, in journal order.
    pub fn select_events(
        &self,
        keep: impl Fn(&EventRow) -> bool,
    ) -> Result<Vec<EventRow>, JournalError> {
        let mut out = Vec::new();
        self.each_event(|r| {
            if keep(&r) {
                out.push(r);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Every event in journal order, one at a time (only the one in hand is held).
    pub fn each_event(
        &self,
        f: impl FnMut(EventRow) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        self.each_event_row(&format!("{SELECT_EVENTS} ORDER BY pos"), [], f)
    }

    /// The bundle for these events: their nodes' keys and each node's chain to its head.
    pub fn evidence_bundle(
        &self,
        scope: &str,
        rows: &[EventRow],
        now: jiff::Timestamp,
    ) -> Result<Bundle, JournalError> {
        self.require_whole("An evidence pack")?;
        let keys = self.node_keys()?;
        // Only the organisation's own events go into evidence: a node nobody trusted enrolled
        // is refused here, as `verify` refuses it.
        let trusted = self.trusted_nodes()?;
        if let Some(r) = rows.iter().find(|r| !trusted.contains(&r.stored.node_id)) {
            let parsed = crate::verify::load_keys(&self.conn)?;
            return Err(JournalError::corrupt(
                format!("event {}/{}", r.stored.node_id, r.stored.seq),
                crate::verify::untrusted(&r.stored.node_id, &parsed),
            ));
        }
        let enrolments: Vec<StoredEvent> = if keys.len() > 1 {
            self.event_rows(
                &format!("{SELECT_EVENTS} WHERE kind = 'node_enrolled' ORDER BY pos"),
                [],
            )?
            .into_iter()
            .map(|r| r.stored)
            .filter(|e| trusted.contains(&e.node_id))
            .collect()
        } else {
            Vec::new()
        };
        let mut first: BTreeMap<String, u64> = BTreeMap::new();
        for r in rows {
            let e = first
                .entry(r.stored.node_id.clone())
                .or_insert(r.stored.seq);
            *e = (*e).min(r.stored.seq);
        }
        let mut chain = BTreeMap::new();
        let mut nodes = BTreeMap::new();
        // Always the exporting node's chain, so its signed head is pinned even for an empty pack.
        first.entry(self.node_id().to_string()).or_insert(u64::MAX);
        for (node, from) in &first {
            let mut st = self.conn.prepare_cached(
                "SELECT seq, prev_hash, hash FROM events WHERE node_id = ?1 AND seq >= ?2 ORDER BY seq",
            )?;
            let from = if *from == u64::MAX {
                self.node_head(node)?.map_or(1, |h| h.0)
            } else {
                *from
            };
            let links = st
                .query_map(rusqlite::params![node, from as i64], |r| {
                    Ok(Link {
                        seq: r.get::<_, i64>(0)? as u64,
                        prev_hash: r.get(1)?,
                        hash: r.get(2)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            chain.insert(node.clone(), links);
            if let Some(k) = keys.get(node) {
                nodes.insert(node.clone(), k.clone());
            }
        }
        for e in &enrolments {
            if let Some(k) = keys.get(&e.node_id) {
                nodes.insert(e.node_id.clone(), k.clone());
            }
        }
        Ok(Bundle {
            format: EVIDENCE_FORMAT.into(),
            scope: scope.to_string(),
            generated_at: now.to_string(),
            nodes,
            events: rows.iter().map(|r| r.stored.clone()).collect(),
            chain,
            enrolments,
        })
    }

    fn node_head(&self, node: &str) -> Result<Option<(u64, String)>, JournalError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash FROM node_heads WHERE node_id = ?1",
                [node],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()?)
    }

    /// A pack's files: `bundle.json`, the given others (the PDF), and `manifest.json` signed by
    /// this node, in that order.
    pub fn evidence_files(
        &self,
        bundle: &Bundle,
        others: Vec<(&str, Vec<u8>)>,
    ) -> Result<(EvidenceManifest, PackFiles), JournalError> {
        let bundle_bytes =
            serde_json::to_vec_pretty(bundle).map_err(|e| JournalError::corrupt("evidence", e))?;
        let mut files: Vec<(String, Vec<u8>)> = vec![("bundle.json".into(), bundle_bytes)];
        files.extend(others.into_iter().map(|(n, b)| (n.to_string(), b)));
        let heads = bundle
            .chain
            .iter()
            .filter_map(|(n, links)| links.last().map(|l| (n.clone(), (l.seq, l.hash.clone()))))
            .collect();
        let entries = files
            .iter()
            .map(|(name, bytes)| crate::FileEntry {
                name: name.clone(),
                bytes: bytes.len() as u64,
                sha256: sha(bytes),
            })
            .collect();
        let m = self.sign_manifest(&bundle.generated_at, entries, heads);
        let mbytes =
            serde_json::to_vec_pretty(&m).map_err(|e| JournalError::corrupt("evidence", e))?;
        files.push(("manifest.json".into(), mbytes));
        Ok((m, files))
    }
}

/// Write a pack's files into a new or empty folder.
pub fn write_evidence(out: &Path, files: &[(String, Vec<u8>)]) -> Result<(), JournalError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| JournalError::Io(p.clone(), e)
    };
    prepare_evidence_dir(out)?;
    for (name, bytes) in files {
        let p = out.join(name);
        std::fs::write(&p, bytes).map_err(io(&p))?;
    }
    Ok(())
}

/// Make the folder a pack is written into: new, or empty.
pub fn prepare_evidence_dir(out: &Path) -> Result<(), JournalError> {
    let io = |e| JournalError::Io(out.to_path_buf(), e);
    std::fs::create_dir_all(out).map_err(io)?;
    if std::fs::read_dir(out).map_err(io)?.next().is_some() {
        return Err(JournalError::Io(
            out.to_path_buf(),
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the evidence folder must be new or empty",
            ),
        ));
    }
    Ok(())
}

/// Write one file of a pack into its folder and say what it is (for the manifest).
pub fn write_pack_file(
    out: &Path,
    name: &str,
    bytes: &[u8],
) -> Result<crate::FileEntry, JournalError> {
    let p = out.join(name);
    std::fs::write(&p, bytes).map_err(|e| JournalError::Io(p.clone(), e))?;
    Ok(crate::FileEntry {
        name: name.to_string(),
        bytes: bytes.len() as u64,
        sha256: sha(bytes),
    })
}

/// Check a pack on any machine, with nothing but its folder: the manifest's signature by the
/// node its key names, every file's size and hash, every event's hash and origin signature, and
/// each event's place in its node's chain up to the signed head. Says what failed first.
pub fn verify_evidence(dir: &Path) -> Result<EvidenceReport, String> {
    verify_evidence_files(|name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| format!("{name}: cannot be read ({e})"))
    })
}

/// [`verify_evidence`] over files given by name (`read`), so that a pack can be checked
/// wherever its bytes are (and fuzzed without a file system). The names the manifest lists must
/// be plain file names: a pack never points outside itself.
pub fn verify_evidence_files(
    read: impl Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<EvidenceReport, String> {
    let m: EvidenceManifest = serde_json::from_slice(&read("manifest.json")?)
        .map_err(|e| format!("manifest.json: not a Lantern evidence manifest ({e})"))?;
    if m.format != EVIDENCE_FORMAT {
        return Err(format!(
            "manifest.json: format {} is not {EVIDENCE_FORMAT}",
            m.format
        ));
    }
    let key = parse_public_key(&m.public_key).map_err(|e| format!("manifest.json: {e}"))?;
    if node_id_for(&key) != m.node_id {
        return Err(format!(
            "manifest.json: node id {} does not belong to the public key given",
            m.node_id
        ));
    }
    if !verify_signature(&key, m.statement().as_bytes(), &m.signature) {
        return Err(format!(
            "manifest.json: the signature of node {} does not verify: the manifest was changed",
            m.node_id
        ));
    }
    if !m.files.iter().any(|f| f.name == "bundle.json") {
        return Err("manifest.json does not list bundle.json".to_string());
    }
    // The document for people: an evidence pack's, or a governance report's.
    if !m
        .files
        .iter()
        .any(|f| f.name == "evidence.pdf" || f.name == "report.pdf")
    {
        return Err("manifest.json does not list evidence.pdf (or report.pdf)".to_string());
    }
    for f in &m.files {
        if f.name.is_empty() || f.name.contains(['/', '\\']) || f.name == ".." || f.name == "." {
            return Err(format!(
                "manifest.json lists {:?}: expected a plain file name inside the pack",
                f.name
            ));
        }
        let bytes = read(&f.name)?;
        if bytes.len() as u64 != f.bytes || sha(&bytes) != f.sha256 {
            return Err(format!(
                "{}: its contents differ from what the signed manifest records (SHA-256 {})",
                f.name, f.sha256
            ));
        }
    }
    let b: Bundle = serde_json::from_slice(&read("bundle.json")?)
        .map_err(|e| format!("bundle.json: not an evidence bundle ({e})"))?;
    let mut kinds = BTreeMap::new();
    // Each node's key, parsed and checked against its id once.
    let mut keys = BTreeMap::new();
    for (node, k) in &b.nodes {
        let key = parse_public_key(k).map_err(|e| format!("bundle.json: node {node}: {e}"))?;
        if node_id_for(&key) != *node {
            return Err(format!(
                "bundle.json: the key given for node {node} is not its own"
            ));
        }
        keys.insert(node.as_str(), key);
    }
    // Trusted: the signing node, and the nodes it enrolled (or nodes it trusts enrolled), by
    // enrolments whose seal holds.
    let mut vouched = Vec::new();
    for e in &b.enrolments {
        let k = keys.get(e.node_id.as_str()).ok_or(format!(
            "bundle.json: enrolment {}/{}: no public key for its node",
            e.node_id, e.seq
        ))?;
        e.check_seal(k)
            .map_err(|x| format!("bundle.json: enrolment {}/{}: {x}", e.node_id, e.seq))?;
        if let Ok(lantern_core::event::Event::NodeEnrolled {
            node, public_key, ..
        }) = crate::event_format::decode(&e.payload)
            && crate::identity::node_id_for_key(&public_key).as_deref() == Ok(node.as_str())
        {
            vouched.push((e.node_id.clone(), node));
        }
    }
    let trusted = crate::verify::trust_closure(&m.node_id, &vouched);
    for (i, ev) in b.events.iter().enumerate() {
        let at = format!("bundle.json: event {} ({}/{})", i + 1, ev.node_id, ev.seq);
        if !trusted.contains(&ev.node_id) {
            return Err(format!(
                "{at}: signed by node {}, which the pack's signing node {} did not enrol: not the organisation's own",
                ev.node_id, m.node_id
            ));
        }
        let k = keys
            .get(ev.node_id.as_str())
            .ok_or(format!("{at}: no public key for its node"))?;
        ev.check_seal(k).map_err(|e| format!("{at}: {e}"))?;
        // A chain is consecutive (checked below), so an event's link is found by its offset.
        let link = b
            .chain
            .get(&ev.node_id)
            .and_then(|c| {
                let first = c.first()?.seq;
                c.get(usize::try_from(ev.seq.checked_sub(first)?).ok()?)
            })
            .filter(|l| l.seq == ev.seq)
            .ok_or(format!("{at}: not in its node's chain"))?;
        if link.hash != ev.hash || link.prev_hash != ev.prev_hash {
            return Err(format!("{at}: does not match its place in the chain"));
        }
        *kinds.entry(ev.kind.clone()).or_insert(0) += 1;
    }
    for (node, links) in &b.chain {
        for w in links.windows(2) {
            if w[1].seq != w[0].seq + 1 || w[1].prev_hash != w[0].hash {
                return Err(format!(
                    "bundle.json: the chain of node {node} breaks at seq {}",
                    w[1].seq
                ));
            }
        }
        let head = links.last().map(|l| (l.seq, l.hash.clone()));
        if head.as_ref() != m.heads.get(node) {
            return Err(format!(
                "bundle.json: the chain of node {node} does not end at the signed head"
            ));
        }
    }
    if b.chain.len() != m.heads.len() {
        return Err("bundle.json: the chains do not match the signed heads".into());
    }
    Ok(EvidenceReport {
        scope: b.scope,
        node_id: m.node_id,
        events: b.events.len(),
        kinds,
        heads: m.heads,
        files: m.files.iter().map(|f| f.name.clone()).collect(),
    })
}

impl Journal {
    /// [`verify_evidence`], then the pack against this journal's trust (the organisation's own
    /// record of its nodes, which a pack alone cannot carry: a stolen node's key signs packs as
    /// well as ever). Its signing node and every event's node must be trusted here, and nothing a
    /// retired node signed after its retirement is accepted, unless this journal holds that very
    /// event (taken in good faith before the retirement arrived).
    pub fn verify_evidence_here(&self, dir: &Path) -> Result<EvidenceReport, String> {
        self.verify_evidence_files_here(|name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| format!("{name}: cannot be read ({e})"))
        })
    }

    /// [`Journal::verify_evidence_here`] over files given by name (an uploaded archive).
    pub fn verify_evidence_files_here(
        &self,
        read: impl Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Result<EvidenceReport, String> {
        let report = verify_evidence_files(&read)?;
        let b: Bundle = serde_json::from_slice(&read("bundle.json")?)
            .map_err(|e| format!("bundle.json: not an evidence bundle ({e})"))?;
        let db = |e: JournalError| format!("this node's record of its nodes: {e}");
        let trusted = self.trusted_nodes().map_err(db)?;
        let retired = self.retired_nodes().map_err(db)?;
        if !trusted.contains(&report.node_id) {
            return Err(format!(
                "the pack is signed by node {}, which this organisation's nodes do not trust",
                report.node_id
            ));
        }
        if let (Some(r), Some((head, _))) = (
            retired.get(&report.node_id),
            report.heads.get(&report.node_id),
        ) && *head > r.last_seq
        {
            return Err(format!(
                "the pack is signed by node {}, retired here: it holds that node's events up to {head}, beyond the last accepted ({})",
                report.node_id, r.last_seq
            ));
        }
        for (i, ev) in b.events.iter().enumerate() {
            let at = format!("bundle.json: event {} ({}/{})", i + 1, ev.node_id, ev.seq);
            if !trusted.contains(&ev.node_id) {
                return Err(format!(
                    "{at}: signed by node {}, which this organisation's nodes do not trust",
                    ev.node_id
                ));
            }
            if let Some(r) = retired.get(&ev.node_id)
                && ev.seq > r.last_seq
            {
                let held: Option<String> = self
                    .conn
                    .query_row(
                        "SELECT hash FROM events WHERE node_id = ?1 AND seq = ?2",
                        rusqlite::params![ev.node_id, ev.seq as i64],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(|e| db(e.into()))?;
                if held.as_deref() != Some(ev.hash.as_str()) {
                    return Err(format!(
                        "{at}: {}",
                        crate::verify::retired(&ev.node_id, ev.seq, r.last_seq)
                    ));
                }
            }
        }
        Ok(report)
    }
}
