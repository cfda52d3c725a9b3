//! Issue 20: a node holding some services only (a laptop for the services its owner covers).

use crate::support::*;
use lantern_core::event::Event;
use lantern_core::ids::{PersonId, ServiceId};
use lantern_core::mei::{Method, Provenance, SectionKind};
use lantern_journal::{Journal, JournalError, NewEvent};

/// A person of service `svc`.
fn person_in(i: usize, svc: &str) -> Event {
    let Event::PersonAdded(mut p) = person(i) else {
        unreachable!()
    };
    p.service = ServiceId::parse(svc).unwrap();
    Event::PersonAdded(p)
}

fn moved(j: &Journal, i: usize, svc: &str) -> Event {
    let mut p = j.person(&format!("p-{i:04}")).unwrap().unwrap();
    p.service = ServiceId::parse(svc).unwrap();
    Event::PersonUpdated(p)
}

/// One pull of `to` from `from`, fetching history when asked for, as the client does.
fn pull(from: &Journal, to: &mut Journal) -> Result<(usize, usize), JournalError> {
    let theirs = to.version_vector()?;
    let changes = from.changes_after(&theirs, 500, to.node_id())?;
    let keys = from.node_keys()?;
    let r = match to.apply_changes(&keys, &[], &changes.events, &changes.withheld, true) {
        Err(JournalError::NeedsHistory { people }) => {
            let history = from.history_for(to.node_id(), &people, &theirs)?;
            to.apply_changes(&keys, &history, &changes.events, &changes.withheld, false)?
        }
        other => other?,
    };
    Ok((r.applied, r.withheld))
}

/// What the hub lacks of the laptop's, pushed: never a stub.
fn push(from: &Journal, to: &mut Journal) -> usize {
    let up = from
        .changes_after(&to.version_vector().unwrap(), 500, to.node_id())
        .unwrap();
    assert!(up.withheld.is_empty());
    to.apply_changes(&from.node_keys().unwrap(), &[], &up.events, &[], true)
        .unwrap()
        .applied
}

#[test]
fn a_node_of_one_service_holds_its_people_whole_and_everyone_elses_events_as_stubs() {
    let (dh, dl) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut hub = Journal::create(dh.path()).unwrap();
    let mut evs = vec![
        NewEvent::now("t", service(0)),
        NewEvent::now("t", service(1)),
    ];
    for i in 0..4 {
        evs.push(NewEvent::now(
            "t",
            person_in(i, if i < 2 { "svc-0" } else { "svc-1" }),
        ));
        evs.push(NewEvent::now("t", mobility(i)));
    }
    hub.append_batch(evs, now()).unwrap();
    let mut laptop = Journal::create(dl.path()).unwrap();
    laptop.set_holding(&["svc-0".into()]).unwrap();
    enrol_holding(&mut laptop, &hub, &[]);
    enrol_holding(&mut hub, &laptop, &["svc-0"]);

    let (whole, stubs) = pull(&hub, &mut laptop).unwrap();
    assert_eq!(stubs, 2, "the two svc-1 people's sections are stubs");
    assert_eq!(
        whole, 9,
        "services, four people, two sections, the enrolment"
    );
    // Everyone's name is held; only svc-0's essential information.
    assert_eq!(laptop.people(None).unwrap().len(), 4);
    assert_eq!(laptop.mei("p-0000").unwrap().len(), 1);
    assert!(laptop.mei("p-0002").unwrap().is_empty());
    assert!(laptop.holds_stubs().unwrap());
    // The same chains as the hub (once the hub has the laptop's own); it verifies; nothing is
    // passed on as if it were whole.
    assert!(laptop.verify().unwrap().is_ok(), "{:?}", laptop.verify());
    push(&laptop, &mut hub);
    assert_eq!(
        laptop.replica_digest().unwrap().0,
        hub.replica_digest().unwrap().0
    );
    let onward = laptop
        .changes_after(&Default::default(), 500, laptop.node_id())
        .unwrap();
    assert!(onward.withheld.is_empty());
    assert!(
        onward
            .events
            .iter()
            .all(|e| e.node_id != hub.node_id() || e.seq < 8),
        "stops at the first stub of the hub's chain"
    );
    // Whole-organisation work is refused plainly.
    let e = laptop
        .export_all(&dl.path().join("x"), now())
        .unwrap_err()
        .to_string();
    assert!(e.contains("only as stubs"), "{e}");
    // A node holding the whole organisation takes no stubs.
    let (dx,) = (tempfile::tempdir().unwrap(),);
    let mut other = Journal::create(dx.path()).unwrap();
    enrol_holding(&mut other, &hub, &[]);
    let c = laptop
        .changes_after(&other.version_vector().unwrap(), 500, hub.node_id())
        .unwrap();
    let fake: Vec<_> = hub
        .changes_after(&other.version_vector().unwrap(), 500, laptop.node_id())
        .unwrap()
        .withheld;
    let e = other
        .apply_changes(&hub.node_keys().unwrap(), &[], &c.events, &fake, true)
        .unwrap_err()
        .to_string();
    assert!(e.contains("holding the whole organisation"), "{e}");

    // A svc-1 person moves into svc-0 and their section is confirmed: the laptop fetches their
    // history whole, then holds them like anyone of its service.
    let base = hub.mei("p-0002").unwrap()[0].1.version.clone();
    let ev = moved(&hub, 2, "svc-0");
    hub.append(NewEvent::now("t", ev), now()).unwrap();
    hub.append(
        NewEvent::now(
            "t",
            Event::MeiSectionConfirmed {
                person: PersonId::parse("p-0002").unwrap(),
                section: SectionKind::Mobility,
                provenance: Provenance {
                    records: vec![],
                    source: "call".into(),
                    confirmed_at: now(),
                    confirmed_by: "nadia".into(),
                    method: Method::InPerson,
                    stale_after_days: 30,
                },
                base,
                content_sha256: None,
                still_stands: None,
            },
        ),
        now(),
    )
    .unwrap();
    // Without the history the batch is refused, naming the person; nothing lands.
    let before = laptop.version_vector().unwrap();
    let c = hub.changes_after(&before, 500, laptop.node_id()).unwrap();
    let e = laptop
        .apply_changes(&hub.node_keys().unwrap(), &[], &c.events, &c.withheld, true)
        .unwrap_err();
    assert!(
        matches!(&e, JournalError::NeedsHistory { people } if people == &vec!["p-0002".to_string()]),
        "{e}"
    );
    assert_eq!(laptop.version_vector().unwrap(), before);
    pull(&hub, &mut laptop).unwrap();
    let held = laptop.mei("p-0002").unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].1.provenance.confirmed_by, "nadia");
    assert!(laptop.verify().unwrap().is_ok(), "{:?}", laptop.verify());
    assert_eq!(
        laptop.replica_digest().unwrap().0,
        hub.replica_digest().unwrap().0
    );
    // The laptop's own records reach the hub whole.
    laptop
        .append(NewEvent::now("t", mobility(0)), now())
        .unwrap();
    assert_eq!(push(&laptop, &mut hub), 1);
    assert!(hub.verify().unwrap().is_ok());
    // A stub tampered with is found by verify.
    drop(laptop);
    let db = rusqlite::Connection::open(dl.path().join("lantern.db")).unwrap();
    db.execute(
        "UPDATE withheld_events SET hash = 'ab' || substr(hash, 3) WHERE person = 'p-0003'",
        [],
    )
    .unwrap();
    drop(db);
    let laptop = Journal::open(dl.path()).unwrap();
    let f = laptop.verify().unwrap().unwrap_err();
    assert!(f.problem.contains("stub"), "{}", f.problem);
}
