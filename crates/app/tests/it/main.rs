//! Use-case tests against a real data directory.

use lantern_app::admin::demo::{DEMO_MANAGER, S1_PERSON};
use lantern_app::core::mei::Mark;
use lantern_app::{Actor, App, Clock, SectionInput};

fn demo() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let now = "2026-11-21T08:00:00Z".parse().unwrap();
    let (app, summary) = App::demo(dir.path(), Clock::Fixed(now)).unwrap();
    assert!(summary.loaded);
    (dir, app)
}

#[test]
fn caseload_readiness_agrees_with_each_persons_check() {
    let (_d, app) = demo();
    let all = app.caseload_readiness("rapid-start").unwrap();
    assert_eq!(all.len(), 60);
    for (p, r) in all {
        assert_eq!(
            app.evaluate_readiness(
                &Actor::LocalOperator("test".into()),
                p.id.as_str(),
                "rapid-start"
            )
            .unwrap(),
            r,
            "person {}",
            p.id
        );
    }
}

#[test]
fn the_demo_is_deterministic_for_a_given_clock() {
    let (_a, a) = demo();
    let (_b, b) = demo();
    // Node identities differ (each has its own key); everything else is the same.
    let pa = serde_json::to_string(
        &a.list_people(&Actor::LocalOperator("t".into()), None)
            .unwrap(),
    )
    .unwrap()
    .replace(a.node_id(), "NODE");
    let pb = serde_json::to_string(
        &b.list_people(&Actor::LocalOperator("t".into()), None)
            .unwrap(),
    )
    .unwrap()
    .replace(b.node_id(), "NODE");
    assert!(pa == pb, "two demos with the same clock differ");
    assert!(a.verify().unwrap().is_ok());
}

#[test]
fn a_decision_captures_the_outcome_and_rule_version_in_force() {
    let (_d, mut app) = demo();
    let manager = app.actor(Some(DEMO_MANAGER), "t").unwrap();
    let ev = app
        .record_decision(
            &manager,
            S1_PERSON,
            "rapid-start",
            "Start with restrictions",
            "Needed today",
            None,
        )
        .unwrap();
    let text = serde_json::to_string(&ev).unwrap();
    assert!(
        text.contains("\"outcome_at_decision\":\"go_with_restrictions\""),
        "{text}"
    );
    assert!(text.contains("\"rule_set_version\":1"));
    assert_eq!(app.decisions(&manager, S1_PERSON).unwrap().len(), 1);
}

#[test]
fn every_use_case_on_a_person_checks_scope_itself() {
    let (_d, mut app) = demo();
    let sub = app.actor(Some("s-jo-fletcher"), "t").unwrap();
    let theirs = app.list_people(&sub, None).unwrap();
    assert_eq!(
        theirs.len(),
        4,
        "a subcontractor lists only their assigned people"
    );
    let all = app
        .list_people(&Actor::LocalOperator("t".into()), None)
        .unwrap();
    let outside = all
        .iter()
        .find(|v| theirs.iter().all(|t| t.person.id != v.person.id))
        .unwrap()
        .person
        .id
        .to_string();
    let not_found = |r: Result<(), lantern_app::AppError>, what: &str| match r {
        Err(lantern_app::AppError::NotFound { .. }) => {}
        other => panic!("{what} on a person outside scope: {other:?}"),
    };
    not_found(
        app.person_in_reach(&sub, &outside, "test").map(drop),
        "person_in_reach",
    );
    not_found(
        app.evaluate_readiness(&sub, &outside, "rapid-start")
            .map(drop),
        "evaluate_readiness",
    );
    not_found(app.calls(&sub, &outside).map(drop), "calls");
    not_found(
        app.person_history(&sub, &outside).map(drop),
        "person_history",
    );
    not_found(
        app.check_readiness(&sub, &outside, "rapid-start", true)
            .map(drop),
        "check_readiness",
    );
    // A coordinator of another service may edit essential information, but not this person's.
    let coord = app.actor(Some("s-mark-bennett"), "t").unwrap();
    let riverside = app
        .list_people(
            &Actor::LocalOperator("t".into()),
            Some("riverside-homecare"),
        )
        .unwrap()[0]
        .person
        .id
        .to_string();
    let before = app.verify().unwrap();
    let input = lantern_app::SectionInput {
        source: "phone call".into(),
        method: "phone".into(),
        contact: Some("daughter".into()),
        ..Default::default()
    };
    not_found(
        app.confirm_section(&coord, &riverside, "mobility", &input)
            .map(drop),
        "confirm_section",
    );
    not_found(
        app.mark_section(&coord, &riverside, "mobility", false, "looks old")
            .map(drop),
        "mark_section",
    );
    not_found(
        app.set_section(&coord, &riverside, "mobility", "{}", &input)
            .map(drop),
        "set_section",
    );
    assert_eq!(
        format!("{before:?}"),
        format!("{:?}", app.verify().unwrap()),
        "nothing was written"
    );
    // Inside scope the same calls work.
    let mine = theirs[0].person.id.to_string();
    app.person_in_reach(&sub, &mine, "test").unwrap();
    app.evaluate_readiness(&sub, &mine, "rapid-start").unwrap();
}

/// Issue 13: Lantern reads its own FHIR export back. Every person of the demo, exported as FHIR
/// and imported into a fresh node, has the same essential information: every section's content,
/// its as-of and its marks.
#[test]
fn a_fhir_export_read_into_a_fresh_node_gives_the_same_essential_information() {
    let (_d, mut app) = demo();
    let manager = app.actor(Some(DEMO_MANAGER), "t").unwrap();
    // A mark that was cleared exports as inactive and does not come back; one standing does.
    app.mark_section(
        &manager,
        S1_PERSON,
        "consent",
        false,
        "Daughter to confirm LPA",
    )
    .unwrap();
    // The local operator sees every service (a registered manager exports only their own).
    let bundle = app
        .export_fhir(&Actor::LocalOperator("t".into()), None, None)
        .unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&bundle).unwrap()).unwrap();
    // `scripts/test.sh` checks it with the two third-party validators.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(file.path(), dir.join("demo-all.json")).unwrap();

    let fresh_dir = tempfile::tempdir().unwrap();
    let now = "2026-11-21T08:00:00Z".parse().unwrap();
    let mut fresh = App::init(fresh_dir.path(), "Reader", "t", Clock::Fixed(now)).unwrap();
    let op = Actor::LocalOperator("t".into());
    fresh
        .add_service(&op, "reader-homecare", "Reader homecare", "homecare")
        .unwrap();
    let opts = lantern_app::ImportOptions {
        source: "lantern-demo".into(),
        service: None,
        full: false,
    };
    let report = fresh
        .import_fhir(&op, &opts, &[file.path().to_path_buf()], &mut |_, _| {})
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(report.dangling.is_empty(), "{:?}", report.dangling);

    let theirs = fresh.list_people(&op, None).unwrap();
    let ours = app.list_people(&op, None).unwrap();
    assert_eq!(theirs.len(), ours.len());
    let mut compared = 0;
    for p in &ours {
        let q = theirs
            .iter()
            .find(|q| {
                q.person.given_name == p.person.given_name
                    && q.person.family_name == p.person.family_name
                    && q.person.date_of_birth == p.person.date_of_birth
            })
            .unwrap_or_else(|| panic!("{} not read back", p.person.id));
        assert_eq!(q.person.nhs_number, p.person.nhs_number);
        assert_eq!(q.person.address, p.person.address);
        assert_eq!(q.person.lives_alone, p.person.lives_alone);
        assert_eq!(q.person.restricted, p.person.restricted);
        assert_eq!(q.person.deceased, p.person.deceased);
        let a = app
            .view_person(&op, p.person.id.as_str(), "test", None)
            .unwrap();
        let b = fresh
            .view_person(&op, q.person.id.as_str(), "test", None)
            .unwrap();
        for (x, y) in a.sections.iter().zip(&b.sections) {
            let who = format!("{} {}", p.person.id, x.section);
            match (&x.record, &y.record) {
                (None, None) => {}
                (Some(x), Some(y)) => {
                    assert_eq!(
                        x.content.without_sources(),
                        y.content.without_sources(),
                        "{who}"
                    );
                    assert_eq!(
                        x.provenance.confirmed_at, y.provenance.confirmed_at,
                        "{who} as of"
                    );
                    if let Some(m) = &x.mark {
                        assert_eq!(y.mark.as_ref(), Some(m), "{who} mark");
                    }
                    compared += 1;
                }
                _ => panic!("{who}: held on one node and not the other"),
            }
        }
    }
    assert!(compared > 200, "only {compared} sections compared");
    // Importing the same export again changes nothing.
    let again = fresh
        .import_fhir(&op, &opts, &[file.path().to_path_buf()], &mut |_, _| {})
        .unwrap();
    assert_eq!(again.events, 0, "{again:?}");
}

fn bundle_file(dir: &std::path::Path, name: &str, medicine: &str) -> std::path::PathBuf {
    let b = serde_json::json!({
        "resourceType": "Bundle", "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:pat-1", "resource": {
                "resourceType": "Patient", "id": "pat-1",
                "meta": {"lastUpdated": "2026-11-20T09:00:00Z"},
                "name": [{"family": "Okoro", "given": ["Grace"]}], "birthDate": "1944-05-06"}},
            {"fullUrl": "urn:uuid:med-1", "resource": {
                "resourceType": "MedicationStatement", "id": "med-1", "status": "active",
                "meta": {"lastUpdated": "2026-11-20T09:00:00Z"},
                "medicationCodeableConcept": {"text": medicine},
                "subject": {"reference": "urn:uuid:pat-1"}}}
        ]
    });
    let f = dir.join(name);
    std::fs::write(&f, b.to_string()).unwrap();
    f
}

/// Issue 13: two records of one person are merged, or kept apart, only by a person with a
/// reason; both decisions are journaled and can be undone, and nothing is lost either way.
#[test]
fn likely_duplicates_are_merged_or_kept_apart_reversibly_and_nothing_is_lost() {
    let (d, mut app) = demo();
    let manager = app.actor(Some(DEMO_MANAGER), "t").unwrap();
    let input = |id: &str| lantern_app::core::person::PersonInput {
        id: id.into(),
        given_name: "Grace".into(),
        family_name: "Okoro".into(),
        date_of_birth: "1944-05-06".into(),
        nhs_number: None,
        address: "9 Elm Road".into(),
        access_note: None,
        key_contacts: vec![],
        service: "riverside-homecare".into(),
        lives_alone: false,
    };
    app.add_person(&manager, &input("p-grace-a")).unwrap();
    let section = |source: &str| SectionInput {
        source: source.into(),
        method: "document".into(),
        ..SectionInput::default()
    };
    app.set_section(
        &manager,
        "p-grace-a",
        "medication",
        r#"{"support_level":"prompt","medicines":[],"allergies":[]}"#,
        &section("GP letter"),
    )
    .unwrap();
    // The second record comes from a prescription service, with a medicine and an allergy-free
    // escalation route the first does not hold.
    let opts = lantern_app::ImportOptions {
        source: "eps".into(),
        service: Some("riverside-homecare".into()),
        full: false,
    };
    let f = bundle_file(d.path(), "eps-1.json", "Warfarin 1mg tablets");
    let report = app
        .import_fhir(&manager, &opts, &[f], &mut |_, _| {})
        .unwrap();
    assert_eq!(report.flagged.len(), 1, "{:?}", report.flagged);
    let b = app
        .list_people(&manager, None)
        .unwrap()
        .into_iter()
        .find(|v| v.person.given_name == "Grace" && v.person.id.as_str() != "p-grace-a")
        .unwrap()
        .person
        .id
        .to_string();
    app.set_section(
        &manager,
        &b,
        "escalation",
        r#"{"route":[{"name":"Ade Okoro","role":"son","phone":"07700 900777","when":"any change"}]}"#,
        &section("Son, by phone"),
    )
    .unwrap();
    let likely = app.likely_duplicates_of(&manager, "p-grace-a").unwrap();
    assert_eq!(likely.len(), 1);

    // Refused without a reason, or by someone who may not decide, or across NHS numbers.
    assert!(app.merge_people(&manager, "p-grace-a", &b, " ").is_err());
    let worker = app.actor(Some("s-emma-clarke"), "t").unwrap();
    assert!(app.merge_people(&worker, "p-grace-a", &b, "same").is_err());
    let before = app.event_count().unwrap();

    // Merge: the escalation route only B held is copied, the differing medication is disputed
    // (both stay readable), B leaves the caseload and is no longer flagged.
    app.merge_people(
        &manager,
        "p-grace-a",
        &b,
        "Same GP, same address; daughter confirmed",
    )
    .unwrap();
    assert!(app.event_count().unwrap() > before);
    let a = app
        .view_person(&manager, "p-grace-a", "test", None)
        .unwrap();
    let of = |v: &lantern_app::PersonView, k: &str| {
        v.sections
            .iter()
            .find(|s| s.section.as_str() == k)
            .and_then(|s| s.record.clone())
    };
    let esc = of(&a, "escalation").expect("copied from the merged record");
    assert!(format!("{:?}", esc.content).contains("Ade Okoro"));
    let med = of(&a, "medication").unwrap();
    assert!(
        matches!(&med.mark, Some(Mark::Disputed { reason }) if reason.contains("whose record holds different medication")),
        "{:?}",
        med.mark
    );
    let merged = app.view_person(&manager, &b, "test", None).unwrap();
    assert_eq!(
        merged.person.merged_into.as_ref().map(|p| p.as_str()),
        Some("p-grace-a")
    );
    assert!(
        of(&merged, "medication").is_some(),
        "the merged record stays readable"
    );
    assert!(
        app.likely_duplicates_of(&manager, "p-grace-a")
            .unwrap()
            .is_empty()
    );
    assert!(
        !app.caseload_readiness("rapid-start")
            .unwrap()
            .iter()
            .any(|(p, _)| p.id.as_str() == b),
        "out of the caseload"
    );
    // A second decision on the pair is refused until the first is undone.
    assert!(app.keep_apart(&manager, "p-grace-a", &b, "no").is_err());

    // The prescription service's next extract now updates the record kept.
    let f = bundle_file(d.path(), "eps-2.json", "Apixaban 5mg tablets");
    app.import_fhir(&manager, &opts, &[f], &mut |_, _| {})
        .unwrap();
    let a = app
        .view_person(&manager, "p-grace-a", "test", None)
        .unwrap();
    assert!(format!("{:?}", of(&a, "medication").unwrap().content).contains("Apixaban"));

    // Undo: B is back in the caseload, its links go back, the copied route is marked stale.
    app.undo_duplicate_decision(
        &manager,
        &b,
        "p-grace-a",
        "Different people: the GP says two patients",
    )
    .unwrap();
    let back = app.view_person(&manager, &b, "test", None).unwrap();
    assert!(back.person.merged_into.is_none());
    let a = app
        .view_person(&manager, "p-grace-a", "test", None)
        .unwrap();
    assert!(matches!(
        of(&a, "escalation").unwrap().mark,
        Some(Mark::Stale { .. })
    ));
    assert_eq!(
        app.likely_duplicates_of(&manager, "p-grace-a")
            .unwrap()
            .len(),
        1
    );

    // Keep apart, then undo that too: flagged again.
    app.keep_apart(
        &manager,
        "p-grace-a",
        &b,
        "Different people: the GP says two patients",
    )
    .unwrap();
    assert!(
        app.likely_duplicates_of(&manager, "p-grace-a")
            .unwrap()
            .is_empty()
    );
    let decided = app.duplicate_decisions(&manager, &b).unwrap();
    assert_eq!(decided.len(), 1);
    assert!(decided[0].decision.contains("kept apart"), "{decided:?}");
    assert_eq!(decided[0].decided_by, "Amara Osei");
    app.undo_duplicate_decision(&manager, "p-grace-a", &b, "Entered on the wrong pair")
        .unwrap();
    assert_eq!(
        app.likely_duplicates_of(&manager, "p-grace-a")
            .unwrap()
            .len(),
        1
    );
    // Every decision is in the journal, and the projections rebuild to the same state.
    assert!(app.verify().unwrap().is_ok());
}

/// Issue 14: printing another service's people needs the break-glass reason opening them needs,
/// and each is audited as such; a pack past its destroy-by date is expired.
#[test]
fn printing_outside_your_service_needs_a_reason_and_old_packs_expire() {
    let (d, mut app) = demo();
    let on_call = app
        .actor(Some(lantern_app::admin::demo::DEMO_ON_CALL), "t")
        .unwrap();
    let e = app
        .print_pack(&on_call, "maple-court", &[], None, None)
        .unwrap_err();
    assert!(
        matches!(e, lantern_app::AppError::BreakGlassRequired(_)),
        "{e}"
    );
    assert!(app.print_status().unwrap().is_empty(), "nothing printed");
    let coordinator = app.actor(Some("s-lucy-turner"), "t").unwrap();
    assert!(
        app.print_pack(
            &coordinator,
            "maple-court",
            &[],
            None,
            Some("Covering tonight")
        )
        .is_err(),
        "a coordinator may not break glass"
    );
    let p = app
        .print_pack(
            &on_call,
            "maple-court",
            &[],
            None,
            Some("Covering Maple Court tonight: their office is closed"),
        )
        .unwrap();
    let manager = app.actor(Some(DEMO_MANAGER), "t").unwrap();
    let audit = app.audit_log(&manager, None, true, 500).unwrap();
    let printed = serde_json::to_string(&audit).unwrap();
    assert_eq!(
        printed.matches("\"channel\":\"print\"").count(),
        p.record.people.len(),
        "each person printed is a break-glass read: {printed}"
    );
    let status = app.print_status().unwrap();
    assert!(!status[0].expired);
    // Eight days on, the copy is expired and listed for destruction.
    drop(app);
    let later = "2026-11-29T09:00:00Z".parse().unwrap();
    let app = App::open(d.path(), Clock::Fixed(later)).unwrap();
    let status = app.print_status().unwrap();
    assert!(status[0].expired, "{:?}", status[0].destroy_by);
}

/// Issue 14: a page printed with a section STALE is superseded once the section is reconfirmed,
/// even though its content (and mark) did not change.
#[test]
fn reconfirming_a_section_printed_stale_supersedes_its_page() {
    let (_d, mut app) = demo();
    let manager = app.actor(Some(DEMO_MANAGER), "t").unwrap();
    let op = Actor::LocalOperator("t".into());
    let (person, kind) = app
        .list_people(&op, Some("riverside-homecare"))
        .unwrap()
        .into_iter()
        .find_map(|v| {
            let id = v.person.id.to_string();
            v.sections.iter().find_map(|s| {
                let r = s.record.as_ref()?;
                (s.status == lantern_app::core::mei::SectionStatus::Stale && r.mark.is_none())
                    .then(|| (id.clone(), s.section))
            })
        })
        .expect("the demo has a section stale by age");
    app.print_pack(&manager, "riverside-homecare", &[], None, None)
        .unwrap();
    assert!(app.print_status().unwrap()[0].changes.is_empty());
    app.confirm_section(
        &manager,
        &person,
        kind.as_str(),
        &SectionInput {
            source: "GP practice".into(),
            method: "phone".into(),
            contact: Some("Dr Shah".into()),
            ..SectionInput::default()
        },
    )
    .unwrap();
    let changes = &app.print_status().unwrap()[0].changes;
    assert!(
        changes
            .iter()
            .any(|c| c.what.contains("printed STALE, now CONFIRMED")),
        "{changes:?}"
    );
}

/// Issue 15: a backup taken while 50 writers keep appending restores into a new data directory
/// and verifies; a restore test is recorded; a damaged backup is refused and leaves nothing.
#[test]
fn a_backup_under_fifty_concurrent_writers_restores_and_verifies() {
    use lantern_app::admin::backup::restore;
    let (d, mut app) = demo();
    let op = Actor::LocalOperator("t".into());
    let before = app.event_count().unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("nightly.backup");
    let writers: Vec<_> = (0..50)
        .map(|_| {
            let dir = d.path().to_path_buf();
            std::thread::spawn(move || {
                let now = "2026-11-21T08:00:00Z".parse().unwrap();
                let mut w = App::open(&dir, Clock::Fixed(now)).unwrap();
                let op = Actor::LocalOperator("writer".into());
                for _ in 0..4 {
                    w.view_person(&op, "p-edith-marlow", "test", None).unwrap();
                }
            })
        })
        .collect();
    let report = app.backup(&op, &file).unwrap();
    for w in writers {
        w.join().unwrap();
    }
    let after = app.event_count().unwrap();
    assert!(
        (before..=after).contains(&report.manifest.events),
        "{before} <= {} <= {after}",
        report.manifest.events
    );
    assert!(report.verified.starts_with("OK"), "{}", report.verified);
    // Restored into a new directory: the same node, verified, every event it recorded.
    let target = out.path().join("restored");
    let (restored, r) = restore(
        &file,
        &target,
        Clock::Fixed("2026-11-21T08:00:00Z".parse().unwrap()),
    )
    .unwrap();
    assert_eq!(restored.node_id(), app.node_id());
    assert_eq!(restored.event_count().unwrap(), r.manifest.events);
    assert!(restored.verify().unwrap().is_ok());
    // A restore test is recorded in the journal.
    app.test_restore(&op, &file).unwrap();
    let kinds: Vec<String> = app
        .recent_events(3)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&"restore_tested".to_string()), "{kinds:?}");
    // One changed byte: refused, and the target directory is never made.
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    let damaged = out.path().join("damaged.backup");
    std::fs::write(&damaged, &bytes).unwrap();
    let nowhere = out.path().join("nowhere");
    assert!(
        restore(
            &damaged,
            &nowhere,
            Clock::Fixed("2026-11-21T08:00:00Z".parse().unwrap())
        )
        .is_err()
    );
    assert!(!nowhere.exists());
    // A backup never overwrites a file.
    assert!(app.backup(&op, &file).is_err());
}

/// A page refreshing itself in the background does not keep a session from its idle timeout;
/// what a person does does.
#[test]
fn background_refreshes_do_not_keep_an_idle_session_open() {
    let (d, app) = demo();
    let password = lantern_app::admin::demo::DEMO_PASSWORD;
    let (polled, _) = app.sign_in_from("amara", password, "127.0.0.1").unwrap();
    let (used, _) = app.sign_in_from("amara", password, "127.0.0.1").unwrap();
    drop(app);
    let at = |mins: i64| {
        let t: jiff::Timestamp = "2026-11-21T08:00:00Z".parse().unwrap();
        App::open(
            d.path(),
            Clock::Fixed(t + jiff::SignedDuration::from_mins(mins)),
        )
        .unwrap()
    };
    let idle = lantern_app::admin::accounts::idle_minutes();
    let mid = at(idle - 5);
    assert!(mid.session_seen(&polled, false).unwrap().is_some());
    assert!(mid.session_seen(&used, true).unwrap().is_some());
    let late = at(idle + 5);
    assert!(
        late.session_seen(&polled, false).unwrap().is_none(),
        "only refreshed in the background: ended by the idle timeout"
    );
    assert!(
        late.session_seen(&used, false).unwrap().is_some(),
        "used by the person ten minutes ago: still open"
    );
}

#[test]
fn a_disruption_limited_to_one_service_restricts_that_services_people_and_nobody_elses() {
    use lantern_app::core::readiness::Outcome;
    use lantern_app::disruption::lifecycle::DeclareInput;
    let (_d, mut app) = demo();
    let lead = app.actor(Some("s-nadia-ali"), "t").unwrap();
    // A rule that only applies while devices are down: medication confirmed by anything but
    // a visit pauses medication support.
    let mut rs = app.rule_set("routine-visit", None).unwrap().rule_set;
    rs.rules.push(lantern_app::core::rules::Rule {
        id: "devices-down-medication".into(),
        section: lantern_app::core::mei::SectionKind::Medication,
        when: {
            use lantern_app::core::mei::SectionStatus::*;
            vec![Confirmed, Stale, Missing, Disputed]
        },
        not_confirmed_via: vec![],
        when_content: vec![],
        only_when_degraded: Some(lantern_app::core::ids::DependencyId::parse("devices").unwrap()),
        effect: lantern_app::core::rules::Effect::Restrict {
            paused_tasks: vec!["medication from the eMAR".into()],
            staffing: vec![],
            actions: vec!["Use the printed MAR".into()],
        },
        message: "Devices down: medication from the paper MAR".into(),
    });
    app.publish_rule_set(
        &lead,
        "routine-visit",
        &serde_json::to_string(&rs.rules).unwrap(),
        "Devices down: paper MAR",
    )
    .unwrap();
    let everyone = app.caseload_readiness("routine-visit").unwrap();
    let fired = |all: &[(
        lantern_app::core::person::Person,
        lantern_app::core::readiness::Readiness,
    )],
                 service: &str| {
        all.iter()
            .filter(|(p, _)| p.service.as_str() == service)
            .filter(|(_, r)| {
                r.reasons
                    .iter()
                    .any(|x| x.rule == "devices-down-medication")
            })
            .count()
    };
    assert_eq!(fired(&everyone, "maple-court"), 0, "nothing is down yet");
    let v = app
        .declare_disruption(
            &lead,
            &DeclareInput {
                title: "Tablet failed".into(),
                dependencies: vec!["devices".into()],
                service: Some("maple-court".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let after = app.caseload_readiness("routine-visit").unwrap();
    let in_maple = after
        .iter()
        .filter(|(p, _)| p.service.as_str() == "maple-court")
        .count();
    assert!(in_maple > 0);
    assert!(
        fired(&after, "maple-court") > 0,
        "Maple Court goes to paper"
    );
    assert_eq!(fired(&after, "riverside-homecare"), 0, "Riverside does not");
    assert_eq!(fired(&after, "willow-house"), 0, "Willow House does not");
    // Each person's own check agrees with the caseload (the person page and the API).
    for (p, r) in &after {
        assert_eq!(
            &app.evaluate_readiness(
                &Actor::LocalOperator("t".into()),
                p.id.as_str(),
                "routine-visit"
            )
            .unwrap(),
            r,
            "{}",
            p.id
        );
        if p.service.as_str() != "maple-court" {
            assert_ne!(r.outcome, Outcome::DoNotStart, "{}", p.id);
        }
    }
    // Limited to a service the dependency does not feed is refused, naming the field.
    let e = app
        .declare_disruption(
            &lead,
            &DeclareInput {
                title: "Call monitoring down in Maple Court".into(),
                dependencies: vec!["call-monitoring".into()],
                service: Some("maple-court".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("field `service`"), "{e}");
    assert_eq!(v.disruption.unwrap().services.len(), 1);
}
