//! The event format is pinned. Events are signed and kept for ever, so a change to a core type
//! that alters how an event serialises would make every existing journal unreadable (or, worse,
//! read differently). These tests hold today's format still:
//!
//! - `tests/fixtures/events/KIND.json`: one golden payload per event kind, exactly as stored. Each
//!   must decode, re-encode to the same bytes, and keep its hash (`HASHES`: the payload's SHA-256
//!   and the hash of a fixed stored event around it, which also pins the canonical encoding).
//! - `tests/fixtures/journal/v0.1`: a journal written by release 0.1; every payload in it must
//!   decode and re-encode to the same bytes, and it must open, verify and rebuild (the CLI test
//!   `fixture_journal` checks what people see in it).
//!
//! A new event kind needs its golden: copy one payload from `lantern export all`'s
//! `events.jsonl` (its `payload` field) to `tests/fixtures/events/KIND.json`, then run this test
//! with `LANTERN_BLESS_EVENTS=1` once to add its line to `HASHES` (existing lines are never
//! rewritten). Changing an existing kind's shape needs an upcast (`event_format::decode`, and
//! ARCHITECTURE.md), never an edited golden.

use lantern_journal::StoredEvent;
use lantern_journal::event_format::{decode, encode};
use lantern_testkit::fixture;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Every kind the journal knows: the export schema's list, which a test keeps equal to `Event`.
fn kinds() -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../src/export_schema.json")).unwrap();
    schema["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

/// A stored event around a payload, with every other field fixed.
fn fixed(kind: &str, payload: &str) -> StoredEvent {
    StoredEvent {
        node_id: "golden-node".into(),
        seq: 1,
        occurred_at: "2026-12-01T02:00:00Z".into(),
        recorded_at: "2026-12-01T02:05:00Z".into(),
        actor: "staff:s-golden".into(),
        kind: kind.into(),
        payload: payload.into(),
        prev_hash: lantern_journal::GENESIS.into(),
        hash: String::new(),
        signature: String::new(),
    }
}

fn hashes() -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(fixture("events").join("HASHES")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(
                f.len(),
                3,
                "HASHES line {l:?}: expected KIND PAYLOAD_SHA256 EVENT_HASH"
            );
            (f[0].to_string(), (f[1].to_string(), f[2].to_string()))
        })
        .collect()
}

#[test]
fn every_kind_has_a_golden_payload_that_reads_and_writes_byte_for_byte() {
    let dir = fixture("events");
    let mut pinned = hashes();
    let bless = std::env::var_os("LANTERN_BLESS_EVENTS").is_some();
    let mut added = Vec::new();
    let mut problems = Vec::new();
    for kind in kinds() {
        let pin = pinned.remove(&kind);
        let path = dir.join(format!("{kind}.json"));
        let Ok(golden) = std::fs::read_to_string(&path) else {
            problems.push(format!("{kind}: no golden file {}", path.display()));
            continue;
        };
        let event = match decode(&golden) {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("{kind}: the golden payload no longer reads: {e}"));
                continue;
            }
        };
        if event.kind() != kind {
            problems.push(format!("{kind}: the golden reads as {}", event.kind()));
        }
        let again = encode(&event).unwrap();
        if again != golden {
            problems.push(format!(
                "{kind}: writes differently now\n  golden: {golden}\n  now:    {again}"
            ));
        }
        let payload_sha = hex::encode(Sha256::digest(golden.as_bytes()));
        let event_hash = fixed(&kind, &golden).compute_hash();
        match pin {
            Some((p, h)) => {
                if p != payload_sha {
                    problems.push(format!(
                        "{kind}: the golden file was edited (SHA-256 {payload_sha}, pinned {p})"
                    ));
                }
                if h != event_hash {
                    problems.push(format!(
                        "{kind}: the canonical encoding changed (event hash {event_hash}, pinned {h})"
                    ));
                }
            }
            None if bless => added.push(format!("{kind} {payload_sha} {event_hash}")),
            None => problems.push(format!(
                "{kind}: not in HASHES (run once with LANTERN_BLESS_EVENTS=1 to add it)"
            )),
        }
    }
    for kind in pinned.keys() {
        problems.push(format!(
            "{kind}: pinned in HASHES but no longer a kind of event"
        ));
    }
    if !added.is_empty() {
        let path = dir.join("HASHES");
        let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            "# KIND PAYLOAD_SHA256 EVENT_HASH (a stored event with fixed fields around the payload)\n"
                .into()
        });
        for l in &added {
            text.push_str(l);
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        files,
        kinds().len() + 1,
        "a golden file for a kind that does not exist"
    );
}

#[test]
fn every_payload_in_the_release_fixture_journal_reads_and_writes_byte_for_byte() {
    // A copy: even a read-only open of a WAL database writes beside it, and the committed
    // fixture must never change.
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("lantern.db");
    std::fs::copy(fixture("journal/v0.1/lantern.db"), &db).unwrap();
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut st = conn
        .prepare("SELECT pos, kind, payload FROM events ORDER BY pos")
        .unwrap();
    let rows: Vec<(i64, String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 175);
    for (pos, kind, payload) in rows {
        let e = decode(&payload)
            .unwrap_or_else(|e| panic!("event {pos} ({kind}) no longer reads: {e}"));
        assert_eq!(e.kind(), kind, "event {pos}");
        assert_eq!(
            encode(&e).unwrap(),
            payload,
            "event {pos} ({kind}) writes differently now"
        );
    }
}

#[test]
fn the_release_fixture_journal_opens_verifies_and_rebuilds_the_same_projections() {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["lantern.db", "node.key"] {
        std::fs::copy(fixture(&format!("journal/v0.1/{f}")), tmp.path().join(f)).unwrap();
    }
    let mut j = lantern_journal::Journal::open(tmp.path()).expect("a later build opens it");
    let report = j.verify().unwrap().expect("it verifies");
    assert_eq!(report.events, 175);
    let before = j.projection_digest().unwrap();
    j.rebuild().unwrap();
    assert_eq!(j.projection_digest().unwrap(), before);
    j.verify().unwrap().expect("it verifies after a rebuild");
}
