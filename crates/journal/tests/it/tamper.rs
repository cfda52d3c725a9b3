//! Property: any single-byte change to a stored event, any reordering and any removal is caught.

use crate::support::*;
use lantern_journal::{DB_FILE, Journal};
use proptest::prelude::*;
use rusqlite::types::Value;

const COLS: [&str; 10] = [
    "node_id",
    "seq",
    "occurred_at",
    "recorded_at",
    "actor",
    "kind",
    "payload",
    "prev_hash",
    "hash",
    "signature",
];

#[derive(Debug, Clone)]
enum Tamper {
    Byte {
        row: usize,
        col: usize,
        at: usize,
        xor: u8,
    },
    Swap {
        a: usize,
        b: usize,
    },
    Delete {
        row: usize,
    },
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        4 => (any::<usize>(), 0..COLS.len(), any::<usize>(), 1u8..=255).prop_map(|(row, col, at, xor)| Tamper::Byte { row, col, at, xor }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Tamper::Swap { a, b }),
        1 => any::<usize>().prop_map(|row| Tamper::Delete { row }),
    ]
}

/// Apply a tamper; false when SQLite itself refuses it (a sequence number made equal to another
/// event's breaks the unique identity constraint), so that case is not a stored change at all.
fn apply(raw: &rusqlite::Connection, n: usize, t: &Tamper) -> bool {
    raw.execute_batch(
        "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;",
    )
    .unwrap();
    match *t {
        Tamper::Byte { row, col, at, xor } => {
            let pos = (row % n) as i64 + 1;
            let name = COLS[col];
            let v: Value = raw
                .query_row(
                    &format!("SELECT {name} FROM events WHERE pos = ?1"),
                    [pos],
                    |r| r.get(0),
                )
                .unwrap();
            let new = match v {
                Value::Integer(i) => Value::Integer(i ^ i64::from(xor)),
                Value::Text(s) => {
                    let mut b = s.into_bytes();
                    let k = at % b.len();
                    b[k] ^= xor;
                    match String::from_utf8(b) {
                        Ok(s) => Value::Text(s),
                        Err(e) => Value::Blob(e.into_bytes()),
                    }
                }
                other => panic!("unexpected {other:?}"),
            };
            if raw
                .execute(
                    &format!("UPDATE events SET {name} = ?1 WHERE pos = ?2"),
                    rusqlite::params![new, pos],
                )
                .is_err()
            {
                return false;
            }
        }
        Tamper::Swap { a, b } => {
            let (a, b) = ((a % n) as i64 + 1, (b % n) as i64 + 1);
            let (a, b) = if a == b {
                (a, if a == 1 { 2 } else { a - 1 })
            } else {
                (a, b)
            };
            raw.execute_batch(&format!(
                "UPDATE events SET pos = -1 WHERE pos = {a}; UPDATE events SET pos = {a} WHERE pos = {b}; UPDATE events SET pos = {b} WHERE pos = -1;"
            ))
            .unwrap();
        }
        Tamper::Delete { row } => {
            raw.execute("DELETE FROM events WHERE pos = ?1", [(row % n) as i64 + 1])
                .unwrap();
        }
    }
    true
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn any_single_change_is_caught(people in 1usize..6, t in tamper()) {
        let dir = tempfile::tempdir().unwrap();
        let j = populated(dir.path(), people);
        let n = j.event_count().unwrap() as usize;
        prop_assert!(j.verify().unwrap().is_ok());
        drop(j);
        let raw = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        prop_assume!(apply(&raw, n, &t));
        drop(raw);
        let j = Journal::open(dir.path()).unwrap();
        let outcome = j.verify().unwrap();
        prop_assert!(outcome.is_err(), "tamper {:?} went unnoticed", t);
    }
}

/// Issue 15: a row added to `nodes` for a fresh key, with events signed by that key written
/// straight into the database, is refused by `verify` (before and after a rebuild), naming the
/// node: only the node's own key and nodes enrolled by a trusted node are trusted.
#[test]
fn events_of_a_node_nobody_enrolled_fail_verify_naming_it() {
    let (da, dm) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = populated(da.path(), 2);
    let mut mallory = Journal::create(dm.path()).unwrap();
    mallory
        .append(
            lantern_journal::NewEvent::now("mallory", degraded(true)),
            now(),
        )
        .unwrap();
    let forged = mallory
        .events_after(&lantern_journal::VersionVector::new())
        .unwrap();
    let mkey = mallory.node_keys().unwrap()[mallory.node_id()].clone();
    let mid = mallory.node_id().to_string();
    drop(a);
    let raw = rusqlite::Connection::open(da.path().join(DB_FILE)).unwrap();
    raw.execute(
        "INSERT INTO nodes (node_id, public_key, is_local) VALUES (?1, ?2, 0)",
        (&mid, &mkey),
    )
    .unwrap();
    for ev in &forged {
        raw.execute(
            "INSERT INTO events (node_id, seq, occurred_at, recorded_at, actor, kind, payload, prev_hash, hash, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params![ev.node_id, ev.seq as i64, ev.occurred_at, ev.recorded_at, ev.actor, ev.kind, ev.payload, ev.prev_hash, ev.hash, ev.signature],
        )
        .unwrap();
    }
    raw.execute(
        "INSERT INTO node_heads (node_id, seq, hash) VALUES (?1, ?2, ?3)",
        (&mid, forged.len() as i64, &forged.last().unwrap().hash),
    )
    .unwrap();
    drop(raw);
    let mut a = Journal::open(da.path()).unwrap();
    a.rebuild().unwrap();
    let f = a.verify().unwrap().unwrap_err();
    assert!(f.problem.contains("no trusted node enrolled"), "{f}");
    assert!(f.problem.contains(&mid), "{f}");
    assert!(!a.trusted_nodes().unwrap().contains(&mid));
}

/// Issue 15: a session row written by someone who can edit the database but does not hold
/// `node.key` opens nothing: tokens are kept as a MAC keyed from the node key.
#[test]
fn a_forged_session_row_opens_nothing() {
    use sha2::{Digest, Sha256};
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = populated(da.path(), 1);
    let other = Journal::create(db.path()).unwrap();
    let later = now()
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap();
    let token = "chosen-by-the-attacker";
    // A plain hash of a token, and a MAC made with another node's key: neither opens a session.
    for forged in [
        hex::encode(Sha256::digest(token.as_bytes())),
        other.session_mac(token),
    ] {
        a.create_session(&forged, "mallory", "csrf", now(), later)
            .unwrap();
        assert!(a.session(&a.session_mac(token), now()).unwrap().is_none());
    }
    a.create_session(&a.session_mac(token), "amara", "csrf", now(), later)
        .unwrap();
    assert_eq!(
        a.session(&a.session_mac(token), now())
            .unwrap()
            .unwrap()
            .username,
        "amara"
    );
}

/// Issue 15: deleting the newest events and rewinding `node_heads`, then rebuilding, passes
/// `verify` (nothing inside the database says more was there), but a checkpoint kept outside it
/// catches the rollback; a checkpoint with a changed byte is refused as not genuine.
#[test]
fn a_checkpoint_kept_outside_catches_truncation_after_a_rebuild() {
    use lantern_journal::Checkpoint;
    let dir = tempfile::tempdir().unwrap();
    let j = populated(dir.path(), 3);
    let cp = j.checkpoint(now()).unwrap();
    let line = cp.line();
    assert_eq!(Checkpoint::parse(&line).unwrap(), cp);
    assert!(j.check_against(&cp).unwrap().is_ok());
    let mut forged = cp.clone();
    forged.seq += 5;
    assert!(
        j.check_against(&forged)
            .unwrap()
            .unwrap_err()
            .contains("signature")
    );
    let n = j.event_count().unwrap() as i64;
    drop(j);
    let raw = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    raw.execute_batch("DROP TRIGGER events_append_only_delete;")
        .unwrap();
    raw.execute("DELETE FROM events WHERE pos > ?1", [n - 2])
        .unwrap();
    raw.execute(
        "UPDATE node_heads SET seq = ?1, hash = (SELECT hash FROM events WHERE pos = ?1)",
        [n - 2],
    )
    .unwrap();
    drop(raw);
    let mut j = Journal::open(dir.path()).unwrap();
    j.rebuild().unwrap();
    assert!(
        j.verify().unwrap().is_ok(),
        "nothing inside says more was there"
    );
    let why = j
        .check_against(&Checkpoint::parse(&line).unwrap())
        .unwrap()
        .unwrap_err();
    assert!(why.contains("rolled back or truncated"), "{why}");
}
