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
