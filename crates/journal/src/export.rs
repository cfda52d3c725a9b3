//! The whole journal out and back in (supplier exit, S8): events as JSON Lines, the nodes' public
//! keys, a schema document and a manifest with counts, heads, a digest of every projection and the
//! SHA-256 of every file. Importing into an empty node reproduces an identical state.

use crate::record::StoredEvent;
use crate::{Journal, JournalError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

/// The export format's name and version.
pub const FORMAT: &str = "lantern-journal-export/1";
const SCHEMA: &str = include_str!("export_schema.json");
const FILES: [&str; 3] = ["events.jsonl", "nodes.json", "schema.json"];

/// An export read back: its manifest, the nodes' public keys and the events.
pub type ExportContents = (Manifest, BTreeMap<String, String>, Vec<StoredEvent>);

/// One exported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileEntry {
    /// File name in the export folder.
    pub name: String,
    /// Size.
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// The manifest written beside the files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When it was exported.
    pub exported_at: String,
    /// The exporting node.
    pub exported_by_node: String,
    /// Events in all.
    pub events: u64,
    /// Events per kind.
    pub events_by_kind: BTreeMap<String, u64>,
    /// Each origin node's last `(seq, hash)`.
    pub heads: BTreeMap<String, (u64, String)>,
    /// SHA-256 of each projection's rows: an import must reproduce them.
    pub projections: BTreeMap<String, String>,
    /// Every file with its size and hash.
    pub files: Vec<FileEntry>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> JournalError + '_ {
    move |e| JournalError::Io(path.to_path_buf(), e)
}

fn sha_file(path: &Path) -> Result<FileEntry, JournalError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    Ok(FileEntry {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(&bytes)),
    })
}

impl Journal {
    /// SHA-256 of every projection table's rows, in a fixed order.
    pub fn projection_digest(&self) -> Result<BTreeMap<String, String>, JournalError> {
        let mut out = BTreeMap::new();
        for t in crate::projections::tables(&self.conn)? {
            let mut h = Sha256::new();
            for row in crate::verify::table_rows(&self.conn, &t)? {
                h.update(format!("{row:?}\n").as_bytes());
            }
            out.insert(t, hex::encode(h.finalize()));
        }
        Ok(out)
    }

    /// What two replicas holding the same events must agree on, whatever order the events
    /// reached each: a digest of the set of events (each origin's chain), and one of every
    /// projection with each local position written as the event it is (`node:seq`) and the
    /// rows sorted. (`p_version` is left out: it is this node's latest position.)
    pub fn replica_digest(&self) -> Result<(String, BTreeMap<String, String>), JournalError> {
        use rusqlite::types::Value;
        let tx = self.conn.unchecked_transaction()?;
        let mut at: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        let mut ids: Vec<String> = Vec::new();
        {
            let mut st = tx.prepare("SELECT pos, node_id, seq, hash FROM events")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let id = format!("{}:{}", r.get::<_, String>(1)?, r.get::<_, i64>(2)?);
                ids.push(format!("{id}:{}", r.get::<_, String>(3)?));
                at.insert(r.get(0)?, id);
            }
        }
        {
            // Stubs stand for events held elsewhere: a node holding some services holds the same
            // chains as the hub.
            let mut st = tx.prepare(
                "SELECT node_id, seq, hash FROM withheld_events WHERE filled_pos IS NULL",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                ids.push(format!(
                    "{}:{}:{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?
                ));
            }
        }
        ids.sort();
        let events = hex::encode(Sha256::digest(ids.join("\n").as_bytes()));
        let mut out = BTreeMap::new();
        for t in crate::projections::tables(&tx)? {
            if t == "p_version" {
                continue;
            }
            let names: Vec<String> = tx
                .prepare(&format!("SELECT * FROM \"{t}\" LIMIT 0"))?
                .column_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            let mut rows: Vec<String> = crate::verify::table_rows(&tx, &t)?
                .into_iter()
                .map(|row| {
                    let cells: Vec<String> = row
                        .into_iter()
                        .zip(&names)
                        .map(|(v, name)| match v {
                            Value::Integer(p) if name == "pos" || name.ends_with("_pos") => {
                                at.get(&p).cloned().unwrap_or_else(|| format!("pos {p}?"))
                            }
                            other => format!("{other:?}"),
                        })
                        .collect();
                    cells.join("|")
                })
                .collect();
            rows.sort();
            out.insert(t, hex::encode(Sha256::digest(rows.join("\n").as_bytes())));
        }
        Ok((events, out))
    }

    /// A consistent copy of the whole database, taken while others keep writing (one read
    /// transaction: `VACUUM INTO`), written to `to` (which must not exist) with mode 0600.
    pub fn snapshot_to(&self, to: &Path) -> Result<(), JournalError> {
        if to.exists() {
            return Err(JournalError::Io(
                to.to_path_buf(),
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "already exists"),
            ));
        }
        let p = to
            .to_str()
            .ok_or_else(|| JournalError::corrupt("backup", "the path is not UTF-8"))?;
        self.conn.execute("VACUUM INTO ?1", [p])?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600)).map_err(io(to))?;
        }
        Ok(())
    }

    /// Write the whole journal to `out` (created; must be empty if it exists).
    pub fn export_all(&self, out: &Path, now: jiff::Timestamp) -> Result<Manifest, JournalError> {
        self.require_whole("An export of everything")?;
        std::fs::create_dir_all(out).map_err(io(out))?;
        if std::fs::read_dir(out).map_err(io(out))?.next().is_some() {
            return Err(JournalError::Io(
                out.to_path_buf(),
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "the export folder must be empty",
                ),
            ));
        }
        // One read transaction for the events, the keys and the projections' digest, so an
        // export taken while the server writes is one consistent moment and imports cleanly.
        let tx = self.conn.unchecked_transaction()?;
        let events_path = out.join("events.jsonl");
        let mut w = BufWriter::new(std::fs::File::create(&events_path).map_err(io(&events_path))?);
        let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
        let mut heads = BTreeMap::new();
        let mut count = 0;
        for ev in self.events_after(&BTreeMap::new())? {
            serde_json::to_writer(&mut w, &ev).map_err(|e| JournalError::corrupt("export", e))?;
            w.write_all(b"\n").map_err(io(&events_path))?;
            *by_kind.entry(ev.kind.clone()).or_default() += 1;
            heads.insert(ev.node_id.clone(), (ev.seq, ev.hash.clone()));
            count += 1;
        }
        w.into_inner()
            .map_err(|e| JournalError::Io(events_path.clone(), e.into_error()))?
            .sync_all()
            .map_err(io(&events_path))?;
        let nodes_path = out.join("nodes.json");
        std::fs::write(
            &nodes_path,
            serde_json::to_vec_pretty(&self.node_keys()?).unwrap_or_default(),
        )
        .map_err(io(&nodes_path))?;
        let schema_path = out.join("schema.json");
        std::fs::write(&schema_path, SCHEMA).map_err(io(&schema_path))?;
        let files = FILES
            .iter()
            .map(|f| sha_file(&out.join(f)))
            .collect::<Result<Vec<_>, _>>()?;
        let manifest = Manifest {
            format: FORMAT.into(),
            exported_at: now.to_string(),
            exported_by_node: self.node_id().to_string(),
            events: count,
            events_by_kind: by_kind,
            heads,
            projections: self.projection_digest()?,
            files,
        };
        // Read only: ending it changes nothing.
        tx.rollback()?;
        let mpath = out.join("manifest.json");
        std::fs::write(
            &mpath,
            serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
        )
        .map_err(io(&mpath))?;
        Ok(manifest)
    }

    /// Check an export folder against its manifest (every file's size and hash) and read it.
    pub fn read_export(from: &Path) -> Result<ExportContents, String> {
        let mpath = from.join("manifest.json");
        let m: Manifest = serde_json::from_slice(
            &std::fs::read(&mpath).map_err(|e| format!("{}: {e}", mpath.display()))?,
        )
        .map_err(|e| format!("{}: not a Lantern export manifest: {e}", mpath.display()))?;
        if m.format != FORMAT {
            return Err(format!(
                "{}: format {:?}, expected {FORMAT}",
                mpath.display(),
                m.format
            ));
        }
        for name in FILES {
            let listed = m
                .files
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| format!("manifest.json does not list {name}"))?;
            let actual = sha_file(&from.join(name)).map_err(|e| format!("{name}: {e}"))?;
            if actual != *listed {
                return Err(format!(
                    "{name}: SHA-256 {} ({} bytes) does not match the manifest's {} ({} bytes): the export was changed or is incomplete",
                    actual.sha256, actual.bytes, listed.sha256, listed.bytes
                ));
            }
        }
        let keys: BTreeMap<String, String> = serde_json::from_slice(
            &std::fs::read(from.join("nodes.json")).map_err(|e| format!("nodes.json: {e}"))?,
        )
        .map_err(|e| format!("nodes.json: {e}"))?;
        let f = std::fs::File::open(from.join("events.jsonl"))
            .map_err(|e| format!("events.jsonl: {e}"))?;
        let mut events = Vec::new();
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.map_err(|e| format!("events.jsonl line {}: {e}", i + 1))?;
            events.push(
                serde_json::from_str(&line)
                    .map_err(|e| format!("events.jsonl line {}: {e}", i + 1))?,
            );
        }
        if events.len() as u64 != m.events {
            return Err(format!(
                "events.jsonl has {} events, the manifest says {}",
                events.len(),
                m.events
            ));
        }
        Ok((m, keys, events))
    }

    /// Create a node in `dir` from an export: every event is checked (chain, hash, signature) as
    /// it is applied, then the projections are compared with the manifest's digest.
    pub fn import_all(dir: &Path, from: &Path) -> Result<(Journal, Manifest), ImportAllError> {
        let (m, keys, events) = Journal::read_export(from).map_err(ImportAllError::Export)?;
        let mut j = Journal::create(dir)?;
        // A refused import leaves no half-made node behind.
        let undo = |j: Journal| {
            drop(j);
            for f in [
                crate::DB_FILE.to_string(),
                format!("{}-wal", crate::DB_FILE),
                format!("{}-shm", crate::DB_FILE),
                crate::KEY_FILE.to_string(),
            ] {
                let _ = std::fs::remove_file(dir.join(f));
            }
        };
        // Importing an export is the operator's decision to trust the node that made it: that
        // node is vouched for now and enrolled (signed by this new node) once the import holds.
        let origin = m.exported_by_node.clone();
        if let Err(e) = j.apply_foreign_vouched(&keys, &events, std::slice::from_ref(&origin)) {
            undo(j);
            return Err(e.into());
        }
        let digest = j.projection_digest()?;
        if digest != m.projections {
            undo(j);
            let t = m
                .projections
                .iter()
                .find(|(k, v)| digest.get(*k) != Some(*v))
                .map(|(k, _)| k.clone())
                .unwrap_or_default();
            return Err(ImportAllError::Export(format!(
                "after import, projection {t} differs from the exporting node's"
            )));
        }
        if origin != j.node_id() && !j.trusted_nodes()?.contains(&origin) {
            let public_key = keys.get(&origin).cloned().unwrap_or_default();
            let enrol = lantern_core::event::Event::NodeEnrolled {
                node: origin.clone(),
                public_key,
                name: format!("node {origin}"),
                role: "import".into(),
                reason: format!(
                    "its export ({} events) was imported to make this node",
                    m.events
                ),
                services: vec![],
            };
            let now = jiff::Timestamp::now();
            j.append(crate::NewEvent::now("system:import", enrol), now)?;
        }
        Ok((j, m))
    }
}

/// Why a whole-journal import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportAllError {
    /// The export folder is not a complete, unchanged export.
    #[error("{0}")]
    Export(String),
    /// The journal refused it (an event failed its checks) or the database failed.
    #[error(transparent)]
    Journal(#[from] JournalError),
}
