use crate::support::*;
use lantern_core::event::Event;
use lantern_core::ids::PersonId;
use lantern_core::mei::{Method, Mobility, Provenance, SectionContent, SectionStatus};
use lantern_journal::{Journal, NewEvent, VersionVector};

/// `who` enrols `other`'s key: from then on it takes `other`'s events.
fn enrol(who: &mut Journal, other: &Journal) {
    enrol_holding(who, other, &[]);
}

fn sync(from: &Journal, to: &mut Journal) -> usize {
    let evs = from.events_after(&to.version_vector().unwrap()).unwrap();
    to.apply_foreign(&from.node_keys().unwrap(), &evs)
        .unwrap()
        .applied
}

#[test]
fn events_after_a_version_vector_are_exactly_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let j = populated(dir.path(), 3);
    let all = j.events_after(&VersionVector::new()).unwrap();
    assert_eq!(all.len(), 7);
    let mut vv = VersionVector::new();
    vv.insert(j.node_id().to_string(), 4);
    let rest = j.events_after(&vv).unwrap();
    assert_eq!(
        rest.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![5, 6, 7]
    );
    assert!(
        j.events_after(&j.version_vector().unwrap())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn applying_foreign_events_is_idempotent_and_verifies() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = populated(da.path(), 2);
    let mut b = Journal::create(db.path()).unwrap();
    // Not enrolled: refused, naming the node, and nothing lands.
    let evs = a.events_after(&VersionVector::new()).unwrap();
    let e = b.apply_foreign(&a.node_keys().unwrap(), &evs).unwrap_err();
    assert!(e.to_string().contains("no trusted node enrolled"), "{e}");
    assert!(e.to_string().contains(a.node_id()), "{e}");
    assert_eq!(b.event_count().unwrap(), 0);
    enrol(&mut b, &a);
    b.append(NewEvent::now("b", degraded(true)), now()).unwrap();
    assert_eq!(sync(&a, &mut b), 5);
    // Applying the same events again changes nothing.
    let again = b
        .apply_foreign(
            &a.node_keys().unwrap(),
            &a.events_after(&VersionVector::new()).unwrap(),
        )
        .unwrap();
    assert_eq!((again.applied, again.already_held), (0, 5));
    assert_eq!(b.people(None).unwrap().len(), 2);
    assert!(b.verify().unwrap().is_ok());
    assert_eq!(b.version_vector().unwrap().len(), 2);
}

#[test]
fn a_forged_foreign_event_is_refused_and_nothing_lands() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = populated(da.path(), 2);
    let mut b = Journal::create(db.path()).unwrap();
    enrol(&mut b, &a);
    let mut evs = a.events_after(&VersionVector::new()).unwrap();
    evs[3].actor = "someone else".into();
    assert!(b.apply_foreign(&a.node_keys().unwrap(), &evs).is_err());
    assert_eq!(b.event_count().unwrap(), 1);
}

#[test]
fn concurrent_edits_of_a_section_become_a_visible_conflict_on_both_nodes() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = populated(da.path(), 1);
    let mut b = Journal::create(db.path()).unwrap();
    enrol(&mut b, &a);
    enrol(&mut a, &b);
    sync(&a, &mut b);
    let base = a.mei("p-0000").unwrap()[0].1.version.clone();
    let edit = |aid: &str| Event::MeiSectionSet {
        person: PersonId::parse("p-0000").unwrap(),
        content: SectionContent::Mobility(Mobility {
            aids_indoors: vec![aid.into()],
            ..Default::default()
        }),
        provenance: Provenance {
            records: Vec::new(),
            source: "x".into(),
            confirmed_at: now(),
            confirmed_by: "y".into(),
            method: Method::InPerson,
            stale_after_days: 30,
        },
        base: Some(base.clone()),
    };
    a.append(NewEvent::now("a", edit("frame")), now()).unwrap();
    b.append(NewEvent::now("b", edit("stick")), now()).unwrap();
    sync(&a, &mut b);
    sync(&b, &mut a);
    let (ra, rb) = (
        a.mei("p-0000").unwrap().remove(0).1,
        b.mei("p-0000").unwrap().remove(0).1,
    );
    assert_eq!(ra, rb, "both nodes converge on the same record");
    assert_eq!(ra.status_at(now()), SectionStatus::Disputed);
    assert_eq!(ra.conflicts.len(), 1);
    assert!(a.verify().unwrap().is_ok() && b.verify().unwrap().is_ok());
}

/// Issue 15: an evidence pack holding another node's events carries the enrolment that makes
/// that node trusted, and verifies anywhere; without the enrolment it is refused.
#[test]
fn evidence_with_an_enrolled_nodes_events_verifies_and_without_it_is_refused() {
    let (da, db, dp) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let b = populated(db.path(), 1);
    let mut a = Journal::create(da.path()).unwrap();
    enrol(&mut a, &b);
    sync(&b, &mut a);
    let rows = a.select_events(|_| true).unwrap();
    let bundle = a.evidence_bundle("everything", &rows, now()).unwrap();
    assert_eq!(bundle.enrolments.len(), 1);
    let (_, files) = a
        .evidence_files(&bundle, vec![("evidence.pdf", b"%PDF".to_vec())])
        .unwrap();
    let ok = dp.path().join("ok");
    lantern_journal::write_evidence(&ok, &files).unwrap();
    lantern_journal::verify_evidence(&ok).unwrap();
    // The same pack made without the enrolment (signed again by A): refused, naming B.
    let mut stripped = bundle.clone();
    stripped.enrolments.clear();
    let (_, files) = a
        .evidence_files(&stripped, vec![("evidence.pdf", b"%PDF".to_vec())])
        .unwrap();
    let bad = dp.path().join("bad");
    lantern_journal::write_evidence(&bad, &files).unwrap();
    let e = lantern_journal::verify_evidence(&bad).unwrap_err();
    assert!(
        e.contains(b.node_id()) && e.contains("did not enrol"),
        "{e}"
    );
}

/// Issue 20: a retired node's events after its retirement are refused everywhere; those another
/// node took in good faith before the retirement reached it stay there (it still verifies) and are
/// never passed on.
#[test]
fn a_retired_nodes_later_events_are_refused_and_never_passed_on() {
    let (da, db, dc) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let mut b = populated(db.path(), 1); // the laptop: 3 events
    let mut a = Journal::create(da.path()).unwrap(); // the hub
    let mut c = Journal::create(dc.path()).unwrap(); // the office
    enrol(&mut a, &b);
    enrol(&mut c, &a);
    sync(&b, &mut a);
    sync(&a, &mut c);
    // The laptop records two more; only the office hears of them.
    b.append(NewEvent::now("b", degraded(true)), now()).unwrap();
    b.append(NewEvent::now("b", degraded(false)), now())
        .unwrap();
    sync(&b, &mut c);
    assert_eq!(c.version_vector().unwrap()[b.node_id()], 5);
    // The hub retires the laptop at the last event it holds.
    a.append(
        NewEvent::now(
            "staff:s-admin",
            Event::NodeRetired {
                node: b.node_id().to_string(),
                last_seq: 3,
                reason: "stolen".into(),
            },
        ),
        now(),
    )
    .unwrap();
    sync(&a, &mut c);
    // The office took 4 and 5 in good faith: kept, and it still verifies.
    assert!(c.verify().unwrap().is_ok());
    // It never passes them on.
    let evs = c
        .changes_after(&a.version_vector().unwrap(), 500, a.node_id())
        .unwrap()
        .events;
    assert!(evs.iter().all(|e| e.node_id != b.node_id()), "{evs:?}");
    // And the laptop's later events are refused by both, naming the retirement.
    b.append(NewEvent::now("b", degraded(true)), now()).unwrap();
    for j in [&mut a, &mut c] {
        let evs = b.events_after(&j.version_vector().unwrap()).unwrap();
        let e = j.apply_foreign(&b.node_keys().unwrap(), &evs).unwrap_err();
        assert!(e.to_string().contains("retired"), "{e}");
    }
    assert!(a.verify().unwrap().is_ok());
    assert_eq!(a.retired_nodes().unwrap()[b.node_id()].last_seq, 3);
}
