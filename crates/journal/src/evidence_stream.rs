//! An evidence bundle written straight to its file, a row at a time: the events a pack holds and
//! each node's chain of hashes to its head, hashed as they are written, so that a pack over the
//! whole journal needs no more memory than a pack over a day. The file is the same
//! `lantern-evidence/1` bundle [`crate::verify_evidence`] reads (compact rather than indented,
//! its fields in another order).

use crate::evidence::{EVIDENCE_FORMAT, EvidenceManifest, Link};
use crate::record::StoredEvent;
use crate::verify::SELECT_EVENTS;
use crate::{FileEntry, Journal, JournalError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// What a streamed bundle holds: its file entry, how many events, each node's head.
#[derive(Debug, Clone)]
pub struct StreamedBundle {
    /// `bundle.json`: its size and SHA-256.
    pub file: FileEntry,
    /// Events written.
    pub events: usize,
    /// Each origin node's head `(seq, hash)` the events chain to.
    pub heads: BTreeMap<String, (u64, String)>,
}

/// A writer that counts and hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    sha: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Journal {
    /// Write `bundle.json` at `path` with every event `keep` accepts (read without decoding its
    /// payload), in journal order, then each node's links from its first included event to its
    /// head (always the writing node's own head), the nodes' keys and the enrolments that make
    /// them trusted. An event of a node nobody trusted enrolled is refused, as `verify` refuses
    /// it.
    pub fn write_bundle(
        &self,
        path: &Path,
        scope: &str,
        now: jiff::Timestamp,
        mut keep: impl FnMut(&StoredEvent) -> bool,
    ) -> Result<StreamedBundle, JournalError> {
        self.require_whole("An evidence pack")?;
        let io = |e: std::io::Error| JournalError::Io(path.to_path_buf(), e);
        let json = |e: serde_json::Error| JournalError::corrupt("evidence bundle", e);
        let keys = self.node_keys()?;
        let trusted = self.trusted_nodes()?;
        let file = std::fs::File::create(path).map_err(io)?;
        let mut w = Hashing {
            inner: std::io::BufWriter::with_capacity(1 << 20, file),
            sha: Sha256::new(),
            bytes: 0,
        };
        write!(
            w,
            "{{\"format\":{},\"scope\":{},\"generated_at\":{},\"events\":[",
            serde_json::to_string(EVIDENCE_FORMAT).map_err(json)?,
            serde_json::to_string(scope).map_err(json)?,
            serde_json::to_string(&now.to_string()).map_err(json)?,
        )
        .map_err(io)?;
        let mut first: BTreeMap<String, u64> = BTreeMap::new();
        let mut events = 0usize;
        {
            let mut st = self
                .conn
                .prepare(&format!("{SELECT_EVENTS} ORDER BY pos"))?;
            let mut rows = st.query([])?;
            while let Some(row) = rows.next()? {
                let pos: i64 = row.get(0)?;
                let e = crate::verify::read_stored_event(row)
                    .map_err(|e| JournalError::corrupt(format!("event at position {pos}"), e))?;
                if !keep(&e) {
                    continue;
                }
                if !trusted.contains(&e.node_id) {
                    let parsed = crate::verify::load_keys(&self.conn)?;
                    return Err(JournalError::corrupt(
                        format!("event {}/{}", e.node_id, e.seq),
                        crate::verify::untrusted(&e.node_id, &parsed),
                    ));
                }
                if events > 0 {
                    w.write_all(b",").map_err(io)?;
                }
                serde_json::to_writer(&mut w, &e).map_err(json)?;
                events += 1;
                let f = first.entry(e.node_id.clone()).or_insert(e.seq);
                *f = (*f).min(e.seq);
            }
        }
        w.write_all(b"],\"chain\":{").map_err(io)?;
        // Always the writing node's chain, so its signed head is pinned even for an empty pack.
        let own = self.node_id().to_string();
        if let std::collections::btree_map::Entry::Vacant(e) = first.entry(own) {
            let head: Option<i64> = self
                .conn
                .query_row(
                    "SELECT seq FROM node_heads WHERE node_id = ?1",
                    [e.key()],
                    |r| r.get(0),
                )
                .ok();
            e.insert(head.map_or(1, |h| h as u64));
        }
        let mut heads = BTreeMap::new();
        for (i, (node, from)) in first.iter().enumerate() {
            if i > 0 {
                w.write_all(b",").map_err(io)?;
            }
            write!(w, "{}:[", serde_json::to_string(node).map_err(json)?).map_err(io)?;
            let mut st = self.conn.prepare_cached(
                "SELECT seq, prev_hash, hash FROM events WHERE node_id = ?1 AND seq >= ?2 ORDER BY seq",
            )?;
            let mut rows = st.query(rusqlite::params![node, *from as i64])?;
            let mut last: Option<Link> = None;
            while let Some(r) = rows.next()? {
                let l = Link {
                    seq: r.get::<_, i64>(0)? as u64,
                    prev_hash: r.get(1)?,
                    hash: r.get(2)?,
                };
                if last.is_some() {
                    w.write_all(b",").map_err(io)?;
                }
                serde_json::to_writer(&mut w, &l).map_err(json)?;
                last = Some(l);
            }
            w.write_all(b"]").map_err(io)?;
            if let Some(l) = last {
                heads.insert(node.clone(), (l.seq, l.hash));
            }
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
        let nodes: BTreeMap<&String, &String> = keys
            .iter()
            .filter(|(n, _)| first.contains_key(*n) || enrolments.iter().any(|e| &e.node_id == *n))
            .collect();
        write!(
            w,
            "}},\"nodes\":{},\"enrolments\":{}}}",
            serde_json::to_string(&nodes).map_err(json)?,
            serde_json::to_string(&enrolments).map_err(json)?
        )
        .map_err(io)?;
        w.flush().map_err(io)?;
        let Hashing {
            inner, sha, bytes, ..
        } = w;
        inner
            .into_inner()
            .map_err(|e| io(e.into_error()))?
            .sync_all()
            .map_err(io)?;
        Ok(StreamedBundle {
            file: FileEntry {
                name: path.file_name().map_or("bundle.json".to_string(), |n| {
                    n.to_string_lossy().to_string()
                }),
                bytes,
                sha256: hex::encode(sha.finalize()),
            },
            events,
            heads,
        })
    }

    /// The manifest over a pack's files (as written), signed by this node.
    pub fn sign_manifest(
        &self,
        generated_at: &str,
        files: Vec<FileEntry>,
        heads: BTreeMap<String, (u64, String)>,
    ) -> EvidenceManifest {
        let mut m = EvidenceManifest {
            format: EVIDENCE_FORMAT.into(),
            node_id: self.node_id().to_string(),
            public_key: self.identity().public_key_hex(),
            generated_at: generated_at.to_string(),
            files,
            heads,
            signature: String::new(),
        };
        m.signature = hex::encode(self.identity().sign(m.statement().as_bytes()));
        m
    }
}
