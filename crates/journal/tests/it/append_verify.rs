use crate::support::*;
use lantern_journal::{Journal, JournalError, NewEvent};

#[test]
fn appended_events_chain_verify_and_project() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = populated(dir.path(), 3);
    let e = j.append(NewEvent::now("t", degraded(true)), now()).unwrap();
    assert_eq!(e.seq, 8);
    let report = j.verify().unwrap().unwrap();
    assert_eq!(report.events, 8);
    assert_eq!(j.people(None).unwrap().len(), 3);
    assert_eq!(j.mei("p-0001").unwrap().len(), 1);
    assert!(j.dependencies().unwrap()[0].degraded);
}

#[test]
fn reopen_keeps_identity_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let node = populated(dir.path(), 2).node_id().to_string();
    let j = Journal::open(dir.path()).unwrap();
    assert_eq!(j.node_id(), node);
    assert_eq!(j.event_count().unwrap(), 5);
    assert!(j.verify().unwrap().is_ok());
}

#[test]
fn key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    Journal::create(dir.path()).unwrap();
    let mode = std::fs::metadata(dir.path().join(lantern_journal::KEY_FILE))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn open_uninitialised_and_create_twice_say_so() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Journal::open(dir.path()),
        Err(JournalError::NotInitialised(_))
    ));
    Journal::create(dir.path()).unwrap();
    assert!(matches!(
        Journal::create(dir.path()),
        Err(JournalError::AlreadyInitialised(_))
    ));
}

#[test]
fn a_rejected_event_rolls_back_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = populated(dir.path(), 1);
    let before = j.version_vector().unwrap();
    // The second person is a duplicate: the projection refuses it, and nothing of the batch lands.
    let err = j
        .append_batch(
            vec![NewEvent::now("t", person(5)), NewEvent::now("t", person(0))],
            now(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(j.version_vector().unwrap(), before);
    assert!(j.person("p-0005").unwrap().is_none());
    assert!(j.verify().unwrap().is_ok());
}

#[test]
fn rebuild_restores_a_damaged_projection() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = populated(dir.path(), 2);
    drop(j);
    let raw = rusqlite::Connection::open(dir.path().join(lantern_journal::DB_FILE)).unwrap();
    raw.execute(
        "UPDATE p_people SET family_name = 'Tampered' WHERE id = 'p-0000'",
        [],
    )
    .unwrap();
    drop(raw);
    j = Journal::open(dir.path()).unwrap();
    let failure = j.verify().unwrap().unwrap_err();
    assert!(failure.problem.contains("p_people"), "{failure}");
    assert_eq!(j.rebuild().unwrap(), 5);
    assert!(j.verify().unwrap().is_ok());
}

#[test]
fn the_journal_refuses_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    drop(populated(dir.path(), 1));
    let raw = rusqlite::Connection::open(dir.path().join(lantern_journal::DB_FILE)).unwrap();
    assert!(raw.execute("UPDATE events SET actor = 'x'", []).is_err());
    assert!(raw.execute("DELETE FROM events", []).is_err());
}

#[test]
fn a_bad_signature_is_named_at_its_position_even_with_later_damage() {
    let dir = tempfile::tempdir().unwrap();
    drop(populated(dir.path(), 3));
    let raw = rusqlite::Connection::open(dir.path().join(lantern_journal::DB_FILE)).unwrap();
    raw.execute_batch("DROP TRIGGER events_append_only_update;")
        .unwrap();
    // A valid signature, but of another event: only the signature check can tell.
    let other: String = raw
        .query_row("SELECT signature FROM events WHERE pos = 5", [], |r| {
            r.get(0)
        })
        .unwrap();
    raw.execute("UPDATE events SET signature = ?1 WHERE pos = 3", [other])
        .unwrap();
    raw.execute("UPDATE events SET actor = 'x' WHERE pos = 6", [])
        .unwrap();
    drop(raw);
    let f = Journal::open(dir.path())
        .unwrap()
        .verify()
        .unwrap()
        .unwrap_err();
    assert_eq!(f.pos, Some(3), "{f}");
    assert!(f.problem.contains("signature"), "{f}");
}

/// Issue 15: the data directory is 0700 and the database, its WAL and shared-memory files and the
/// key are 0600 (health data and password hashes); a looser directory is tightened on open.
#[cfg(unix)]
#[test]
fn the_data_directory_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let j = populated(&dir, 2);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for f in ["lantern.db", "lantern.db-wal", "lantern.db-shm", "node.key"] {
        let p = dir.join(f);
        assert!(p.exists(), "{f}");
        assert_eq!(mode(&p), 0o600, "{f}");
    }
    drop(j);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let _j = lantern_journal::Journal::open(&dir).unwrap();
    assert_eq!(mode(&dir), 0o700);
}

/// `verify` on a live node: another connection (a server, replication) keeps appending while it
/// checks. Everything is checked as of one moment, so it never reports the head it read after
/// the events as "events were removed or added" (before the fix, over half such runs did).
#[test]
fn verify_holds_while_another_connection_appends() {
    let dir = tempfile::tempdir().unwrap();
    let j = populated(dir.path(), 200);
    let path = dir.path().to_path_buf();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = done.clone();
    let writer = std::thread::spawn(move || {
        let mut w = Journal::open(&path).unwrap();
        for i in 0..300 {
            w.append(NewEvent::now("t", degraded(i % 2 == 0)), now())
                .unwrap();
        }
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let mut runs = 0;
    while !done.load(std::sync::atomic::Ordering::SeqCst) || runs < 3 {
        let r = j.verify().unwrap();
        assert!(r.is_ok(), "run {runs}: {r:?}");
        runs += 1;
    }
    writer.join().unwrap();
}
