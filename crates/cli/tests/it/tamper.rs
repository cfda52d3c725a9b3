//! `lantern verify` detects edits to stored data and names the first bad event.

use crate::support::*;

#[test]
fn verify_names_the_first_bad_event_and_exits_non_zero() {
    let dir = demo();
    let d = dir.path();
    let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
    db.execute_batch("DROP TRIGGER events_append_only_update;")
        .unwrap();
    db.execute("UPDATE events SET payload = replace(payload, 'Penicillin', 'Paracetamol') WHERE pos = (SELECT min(pos) FROM events WHERE payload LIKE '%Penicillin%')", []).unwrap();
    let pos: i64 = db.query_row("SELECT min(pos) FROM events WHERE payload LIKE '%Paracetamol%' AND kind = 'mei_section_set' AND payload NOT LIKE '%Paracetamol 500mg%'", [], |r| r.get(0)).unwrap_or(0);
    drop(db);
    let out = lantern(d).arg("verify").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("VERIFY FAILED") && err.contains("hash does not match"),
        "{err}"
    );
    if pos > 0 {
        assert!(err.contains(&format!("position {pos}")), "{err}");
    }
}

#[test]
fn rebuild_repairs_projections_edited_behind_lantern() {
    let dir = demo();
    let d = dir.path();
    let db = rusqlite::Connection::open(d.join("lantern.db")).unwrap();
    db.execute(
        "DELETE FROM p_mei WHERE person = 'p-0001' AND section = 'medication'",
        [],
    )
    .unwrap();
    drop(db);
    let err = fails(d, &["verify"]);
    assert!(err.contains("projection p_mei"), "{err}");
    lantern(d).arg("rebuild").assert().success();
    lantern(d).arg("verify").assert().success();
}
