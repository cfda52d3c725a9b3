//! The resilience programme on the command line, with a fixed clock: the on-call rota changes at
//! 20:00 and a ladder firing at 21:00 calls the night on-call (a swap, the organisation's night
//! cover, a gap); gaps are flagged ahead; improvement actions from any source, overdue once past
//! their date; bad input refused naming the field with nothing written.

use crate::support::{demo_at, ok, refused};
use serde_json::Value;
use std::path::Path;

const QUALITY_LEAD: &str = "s-nadia-ali";
const COORDINATOR: &str = "s-lucy-turner";
const ON_CALL: &str = "s-daniel-hughes";
const CARE_WORKER: &str = "s-emma-clarke";

fn t(day: u8, hm: &str) -> String {
    format!("2026-12-{day:02}T{hm}:00Z")
}

fn first_person(data: &Path, service: &str) -> String {
    let v = ok(
        data,
        &t(2, "12:00"),
        QUALITY_LEAD,
        &["person", "list", "--service", service],
    );
    v[0]["person"]["id"].as_str().unwrap().to_string()
}

/// Start the on-call ladder about a person at `now` and tick: the steps this run took, in words.
fn ladder_for(data: &Path, now: &str, person: &str, about: &str) -> Vec<String> {
    let e = ok(
        data,
        now,
        QUALITY_LEAD,
        &[
            "escalation",
            "start",
            "--ladder",
            "on-call",
            "--person",
            person,
            "--about",
            about,
        ],
    );
    let id = format!("{} ", e["escalation"]["id"].as_str().unwrap());
    e["tick"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .filter(|s| s.starts_with(&id))
        .collect()
}

fn due(data: &Path, now: &str) -> Vec<Value> {
    ok(data, now, QUALITY_LEAD, &["governance", "due"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_rota_changes_at_20_00_and_a_ladder_at_21_00_calls_the_night_on_call() {
    let d = demo_at(&t(2, "12:00"));
    let data = d.path();
    let maple = first_person(data, "maple-court");
    let riverside = first_person(data, "riverside-homecare");

    // Tonight Amara Osei covers Maple Court herself (a swap over the organisation's night cover).
    let swap = ok(
        data,
        &t(2, "12:05"),
        COORDINATOR,
        &[
            "on-call",
            "add",
            "--staff",
            "s-amara-osei",
            "--service",
            "maple-court",
            "--from",
            "2026-12-02 20:00",
            "--to",
            "2026-12-03 08:00",
            "--note",
            "Maple Court's night: Amara knows the new admissions",
        ],
    );
    assert_eq!(swap["phone"], "07700 900100", "her work phone by default");

    ok(
        data,
        &t(2, "19:00"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Shared care record unavailable",
            "--dependency",
            "shared-care-record",
        ],
    );
    // 19:30: Maple Court's day on-call answers.
    let steps = ladder_for(data, &t(2, "19:30"), &maple, "Family cannot reach the home");
    assert!(
        steps[0].contains("call Joe Parker, on call for Maple Court Supported Living until Wed 2 Dec 2026 20:00 on 07700 900105"),
        "{steps:?}"
    );
    // 21:00, after the 20:00 hand-over: the night on-call for Maple Court is Amara (the swap);
    // for Riverside it is the organisation's night on-call, Daniel.
    let steps = ladder_for(data, &t(2, "21:00"), &maple, "Medication query at night");
    assert!(
        steps[0].contains("call Amara Osei, on call for Maple Court Supported Living until Thu 3 Dec 2026 08:00 on 07700 900100"),
        "{steps:?}"
    );
    let steps = ladder_for(data, &t(2, "21:00"), &riverside, "Carer cannot get in");
    assert!(
        steps[0].contains("call Daniel Hughes, on call for Whole organisation until Thu 3 Dec 2026 08:00 on 07700 900101"),
        "{steps:?}"
    );
    // What the console shows while the call waits: the person found in the rota.
    let status = ok(data, &t(2, "21:01"), ON_CALL, &["disruption", "status"]);
    let text = status.to_string();
    assert!(
        text.contains("Amara Osei, on call for Maple Court"),
        "{text}"
    );

    // Tomorrow night's organisation cover is cancelled: the gap is flagged ahead of time,
    // owned by each service's registered manager...
    let rota = ok(data, &t(2, "21:05"), QUALITY_LEAD, &["on-call", "list"]);
    let tomorrow_night = rota["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["cover"] == "Whole organisation" && s["from"] == "Thu 3 Dec 2026 20:00")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        data,
        &t(2, "21:06"),
        COORDINATOR,
        &[
            "on-call",
            "cancel",
            &tomorrow_night,
            "--reason",
            "Amara on leave",
        ],
    );
    let gaps: Vec<String> = due(data, &t(2, "21:07"))
        .iter()
        .filter(|d| d["register"] == "On-call rota")
        .map(|d| {
            format!(
                "{} {}",
                d["state"].as_str().unwrap(),
                d["what"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        gaps.contains(&"DUE SOON Nobody on call for Riverside Homecare from Thu 3 Dec 2026 20:00 to Fri 4 Dec 2026 08:00".to_string()),
        "{gaps:?}"
    );
    // ...and a ladder firing inside it skips the on-call step, saying why, and goes on.
    let steps = ladder_for(
        data,
        &t(3, "21:00"),
        &riverside,
        "Carer cannot get in again",
    );
    assert!(
        steps[0].contains("nobody is on call for Riverside Homecare at Thu 3 Dec 2026 21:00 (a gap in the on-call rota)"),
        "{steps:?}"
    );
    assert!(
        steps[1].contains("call Amara Osei, registered manager on 07700 900100"),
        "{steps:?}"
    );
    // Once it has begun, the gap is overdue.
    assert!(
        due(data, &t(3, "20:30"))
            .iter()
            .any(|d| d["register"] == "On-call rota" && d["state"] == "OVERDUE"),
    );
}

#[test]
fn bad_shifts_are_refused_naming_the_field() {
    let d = demo_at(&t(2, "12:00"));
    let data = d.path();
    let now = t(2, "12:05");
    let add = |extra: &[&str]| {
        let mut a = vec!["on-call", "add"];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &[
                "--staff",
                "s-amara-osei",
                "--from",
                "2026-12-02 20:00",
                "--to",
                "2026-12-02 08:00",
            ],
            "to",
            COORDINATOR,
        ),
        (
            &[
                "--staff",
                "s-amara-osei",
                "--from",
                "2026-12-02 20:00",
                "--to",
                "2026-12-20 08:00",
            ],
            "to",
            COORDINATOR,
        ),
        (
            &[
                "--staff",
                "s-emma-clarke",
                "--from",
                "2026-12-02 20:00",
                "--to",
                "2026-12-03 08:00",
            ],
            "staff",
            COORDINATOR,
        ),
        (
            &[
                "--staff",
                "s-jo-fletcher",
                "--from",
                "2026-12-02 20:00",
                "--to",
                "2026-12-03 08:00",
            ],
            "staff",
            COORDINATOR,
        ),
        (
            &[
                "--staff",
                "s-amara-osei",
                "--service",
                "nowhere",
                "--from",
                "2026-12-02 20:00",
                "--to",
                "2026-12-03 08:00",
            ],
            "service",
            COORDINATOR,
        ),
        (
            &[
                "--staff",
                "s-amara-osei",
                "--from",
                "tonight",
                "--to",
                "2026-12-03 08:00",
            ],
            "from",
            COORDINATOR,
        ),
    ];
    for (args, field, who) in cases {
        let a = add(args);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let err = refused(data, &now, who, &a);
        assert!(err.contains(field), "{args:?}: {err}");
    }
    let a = add(&[
        "--staff",
        "s-amara-osei",
        "--from",
        "2026-12-02 20:00",
        "--to",
        "2026-12-03 08:00",
    ]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let err = refused(data, &now, CARE_WORKER, &a);
    assert!(err.contains("may not"), "{err}");
    let err = refused(
        data,
        &now,
        COORDINATOR,
        &["on-call", "cancel", "oc-99999", "--reason", "x"],
    );
    assert!(err.contains("oc-99999"), "{err}");
}

#[test]
fn an_action_from_a_meeting_joins_the_plan_and_is_flagged_once_overdue() {
    let d = demo_at(&t(2, "12:00"));
    let data = d.path();
    let a = ok(
        data,
        &t(2, "12:05"),
        QUALITY_LEAD,
        &[
            "qi",
            "add",
            "Rehearse the paper MAR with night staff",
            "--owner",
            "s-amara-osei",
            "--due",
            "2026-12-10",
            "--source",
            "meeting",
            "--reference",
            "governance meeting of Wed 2 Dec 2026",
        ],
    );
    let id = a["id"].as_str().unwrap().to_string();
    let flagged = |now: &str| {
        due(data, now)
            .iter()
            .find(|d| d["subject"] == id.as_str())
            .map(|d| d["state"].as_str().unwrap().to_string())
    };
    assert_eq!(
        flagged(&t(2, "12:10")),
        None,
        "eight days ahead: nothing due yet"
    );
    assert_eq!(flagged(&t(4, "12:00")).as_deref(), Some("DUE SOON"));
    assert_eq!(flagged(&t(11, "09:00")).as_deref(), Some("OVERDUE"));
    let plan = ok(data, &t(11, "09:00"), QUALITY_LEAD, &["qi", "list"]);
    let row = plan
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"]["id"] == id.as_str())
        .unwrap();
    assert_eq!(
        row["source"],
        "governance meeting: governance meeting of Wed 2 Dec 2026"
    );
    // Done: no longer flagged.
    ok(
        data,
        &t(11, "09:05"),
        QUALITY_LEAD,
        &["qi", "update", &id, "--status", "done"],
    );
    assert_eq!(flagged(&t(11, "09:10")), None);

    for (args, field) in [
        (
            [
                "--due",
                "2026-11-01",
                "--source",
                "meeting",
                "--owner",
                "s-amara-osei",
            ],
            "due",
        ),
        (
            [
                "--due",
                "2026-12-20",
                "--source",
                "gossip",
                "--owner",
                "s-amara-osei",
            ],
            "source",
        ),
        (
            [
                "--due",
                "2026-12-20",
                "--source",
                "meeting",
                "--owner",
                "s-nobody",
            ],
            "owner",
        ),
    ] {
        let mut a = vec!["qi", "add", "Something", "--reference", "x"];
        a.extend_from_slice(&args);
        let err = refused(data, &t(11, "09:20"), QUALITY_LEAD, &a);
        assert!(err.contains(field), "{args:?}: {err}");
    }
    let err = refused(
        data,
        &t(11, "09:20"),
        CARE_WORKER,
        &[
            "qi",
            "add",
            "x",
            "--reference",
            "x",
            "--due",
            "2026-12-20",
            "--source",
            "other",
            "--owner",
            "s-amara-osei",
        ],
    );
    assert!(err.contains("may not"), "{err}");
}

fn comms_states(data: &Path, now: &str, id: &str) -> Vec<(String, String)> {
    ok(data, now, QUALITY_LEAD, &["comms", "due", id])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap().to_string(),
                c["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_disruptions_protocol_lists_the_commissioner_due_in_2_hours_and_flags_it_at_2_h_1_min() {
    let d = demo_at(&t(2, "08:00"));
    let data = d.path();
    let v = ok(
        data,
        &t(2, "09:00"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Shared care record unavailable",
            "--dependency",
            "shared-care-record",
            "--severity",
            "major",
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    let due = ok(data, &t(2, "09:01"), ON_CALL, &["comms", "due", &id]);
    let first = &due[0];
    assert_eq!(first["rule"], "cr-1");
    assert_eq!(first["who"], "Northshire County Council commissioning team");
    assert_eq!(first["due"], "Wed 2 Dec 2026 11:00");
    assert!(
        first["message"].as_str().unwrap().starts_with(
            "Riverside Homecare: Shared care record unavailable since Wed 2 Dec 2026 09:00 (major)"
        ),
        "{first}"
    );
    // The commissioner of each service the shared care record feeds (Riverside, Maple Court:
    // not Willow House), and Riverside's families; by due time.
    let rules: Vec<String> = comms_states(data, &t(2, "09:01"), &id)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(rules, ["cr-1", "cr-3", "cr-2"]);
    let state = |now: &str| {
        comms_states(data, now, &id)
            .into_iter()
            .find(|(r, _)| r == "cr-1")
            .unwrap()
            .1
    };
    assert_eq!(state(&t(2, "11:00")), "DUE");
    assert_eq!(state(&t(2, "11:01")), "OVERDUE");
    // Told at 11:05 (late, and recorded so): done, with the protocol's words.
    let r = ok(
        data,
        &t(2, "11:05"),
        ON_CALL,
        &["comms", "told", &id, "--rule", "cr-1"],
    );
    assert_eq!(
        r["record"]["body"]["who"], "Northshire County Council commissioning team",
        "{r}"
    );
    assert_eq!(state(&t(2, "11:06")), "DONE");
    // The line must be one this disruption calls for.
    let err = refused(
        data,
        &t(2, "11:07"),
        ON_CALL,
        &["comms", "told", &id, "--rule", "cr-5"],
    );
    assert!(err.contains("`rule`"), "{err}");

    // A minor eMAR outage at Willow House calls only for the GP practice, within the hour.
    let v = ok(
        data,
        &t(2, "12:00"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "eMAR down",
            "--dependency",
            "emar",
            "--severity",
            "minor",
            "--service",
            "willow-house",
        ],
    );
    let emar = v["id"].as_str().unwrap().to_string();
    assert_eq!(
        comms_states(data, &t(2, "12:30"), &emar),
        [("cr-5".to_string(), "DUE".to_string())]
    );
    assert_eq!(
        comms_states(data, &t(2, "13:01"), &emar),
        [("cr-5".to_string(), "OVERDUE".to_string())]
    );
}

#[test]
fn a_protocol_line_is_added_through_the_cli_and_bad_ones_refused_naming_the_field() {
    let d = demo_at(&t(2, "08:00"));
    let data = d.path();
    let now = t(2, "08:05");
    let base = |over: &[(&str, &str)]| {
        let mut f = vec![
            ("--service", "maple-court"),
            ("--audience", "regulator"),
            ("--who", "CQC"),
            ("--trigger", "critical"),
            ("--within-minutes", "1440"),
            ("--how", "Notification through the provider portal"),
            ("--template", "{service}: {title}"),
        ];
        for (k, v) in over {
            f.iter_mut().find(|(x, _)| x == k).unwrap().1 = v;
        }
        let mut a = vec!["comms".to_string(), "add".to_string()];
        for (k, v) in f {
            a.push(k.to_string());
            a.push(v.to_string());
        }
        a
    };
    for (over, field) in [
        (("--within-minutes", "two hours"), "within_minutes"),
        (("--trigger", "sometimes"), "trigger"),
        (("--audience", "press"), "audience"),
        (("--service", "nowhere"), "service"),
        (("--template", " "), "template"),
    ] {
        let a = base(&[over]);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let err = refused(data, &now, QUALITY_LEAD, &a);
        assert!(err.contains(field), "{over:?}: {err}");
    }
    let a = base(&[]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let err = refused(data, &now, COORDINATOR, &a);
    assert!(err.contains("may not"), "{err}");
    let r = ok(data, &now, QUALITY_LEAD, &a);
    assert_eq!(r["id"], "cr-6");
    let list = ok(data, &now, QUALITY_LEAD, &["comms", "list"]);
    let maple = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["service"] == "maple-court")
        .unwrap();
    assert!(
        maple["rules"]
            .to_string()
            .contains("within 1 day of the declaration"),
        "{maple}"
    );
    ok(
        data,
        &now,
        QUALITY_LEAD,
        &[
            "comms",
            "remove",
            "cr-6",
            "--reason",
            "Covered by the regulator's own process",
        ],
    );
    let err = refused(
        data,
        &now,
        QUALITY_LEAD,
        &["comms", "remove", "cr-6", "--reason", "again"],
    );
    assert!(err.contains("cr-6"), "{err}");
}

#[test]
fn a_near_miss_outside_an_outage_is_recorded_reviewed_and_its_action_joins_the_plan() {
    let d = demo_at(&t(2, "08:00"));
    let data = d.path();
    let carer = "s-hannah-lee";
    let n = ok(
        data,
        &t(2, "08:30"),
        carer,
        &[
            "near-miss",
            "add",
            "--service",
            "maple-court",
            "--at",
            "2026-12-02 08:10",
            "--what",
            "The tablet showed yesterday's round after a failed sync; a dose already given nearly was again",
            "--dependency",
            "emar",
            "--action-taken",
            "Checked the paper MAR; did not give the dose",
        ],
    );
    let id = n["id"].as_str().unwrap().to_string();
    let review_state = |now: &str| {
        due(data, now)
            .iter()
            .find(|d| d["subject"] == id.as_str())
            .map(|d| d["state"].as_str().unwrap().to_string())
    };
    assert_eq!(review_state(&t(2, "09:00")).as_deref(), Some("DUE SOON"));
    assert_eq!(review_state(&t(17, "09:00")).as_deref(), Some("OVERDUE"));
    let shown = ok(
        data,
        &t(17, "09:00"),
        QUALITY_LEAD,
        &["near-miss", "show", &id],
    );
    assert_eq!(shown["state"], "REVIEW OVERDUE");
    assert_eq!(shown["systems"], "Electronic MAR", "{shown}");
    assert!(
        shown["recorded"]
            .as_str()
            .unwrap()
            .ends_with("by Hannah Lee"),
        "{shown}"
    );

    // Reviewed with an action: no longer due; the action is in the plan, from the near miss.
    ok(
        data,
        &t(17, "09:30"),
        QUALITY_LEAD,
        &[
            "near-miss",
            "review",
            &id,
            "--root-cause",
            "The eMAR app shows its last synced round without saying how old it is",
            "--learning",
            "Check the round's date on the tablet before any dose",
            "--training-needed",
            "--action",
            "Ask MedsTrack to show the sync time on every round|s-nadia-ali|2026-12-31",
        ],
    );
    assert_eq!(review_state(&t(17, "09:31")), None);
    let plan = ok(data, &t(17, "09:31"), QUALITY_LEAD, &["qi", "list"]);
    let row = plan
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"]["id"] == format!("qi-{id}-1"))
        .unwrap();
    assert_eq!(row["source"], format!("near miss or incident: {id}"));
    let shown = ok(
        data,
        &t(17, "09:32"),
        QUALITY_LEAD,
        &["near-miss", "show", &id],
    );
    assert_eq!(shown["state"], "REVIEWED");
    assert_eq!(shown["actions"][0]["owner"], "Nadia Ali");

    // Bad input, named, nothing written.
    let add = |extra: &[&str]| {
        let mut a = vec!["near-miss", "add", "--what", "x", "--action-taken", "y"];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    for (extra, field) in [
        (&["--at", "2026-12-25 08:00"][..], "occurred_at"),
        (&["--dependency", "telepathy"][..], "dependencies[0]"),
        (&["--kind", "accident"][..], "kind"),
        (&["--service", "nowhere"][..], "service"),
    ] {
        let a = add(extra);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let err = refused(data, &t(17, "10:00"), carer, &a);
        assert!(err.contains(field), "{extra:?}: {err}");
    }
    let a = add(&[]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let err = refused(data, &t(17, "10:00"), "s-peter-grant", &a);
    assert!(err.contains("may not"), "{err}");
    for (action, field) in [
        ("Something|s-nadia-ali|2026-12-01", "actions[0].due"),
        ("Something|s-nobody|2026-12-31", "actions[0].owner"),
    ] {
        let err = refused(
            data,
            &t(17, "10:00"),
            QUALITY_LEAD,
            &[
                "near-miss",
                "review",
                &id,
                "--root-cause",
                "r",
                "--learning",
                "l",
                "--action",
                action,
            ],
        );
        assert!(err.contains(field), "{action}: {err}");
    }
    let err = refused(
        data,
        &t(17, "10:00"),
        carer,
        &[
            "near-miss",
            "review",
            &id,
            "--root-cause",
            "r",
            "--learning",
            "l",
        ],
    );
    assert!(err.contains("may not"), "{err}");
}

#[test]
fn drills_are_scheduled_run_held_with_attendance_and_flagged_when_not_held() {
    let d = demo_at(&t(1, "08:00"));
    let data = d.path();
    let now = t(1, "09:00");
    let schedule = |scenario: &str, due: &str, every: &str| {
        ok(
            data,
            &now,
            QUALITY_LEAD,
            &[
                "drill",
                "schedule",
                "--service",
                "maple-court",
                "--scenario",
                scenario,
                "--due",
                due,
                "--invite",
                "s-joe-parker",
                "--invite",
                COORDINATOR,
                "--invite",
                ON_CALL,
                "--every-months",
                every,
                "--owner",
                QUALITY_LEAD,
            ],
        )["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let quarterly = schedule("s6", "2026-12-15", "3");
    let once = schedule("s4", "2026-12-20", "");
    // (The demo's own drills are left out.)
    let states = |now: &str| -> Vec<(String, String)> {
        ok(data, now, QUALITY_LEAD, &["drill", "list"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["id"] == quarterly.as_str() || l["id"] == once.as_str())
            .map(|l| {
                (
                    l["id"].as_str().unwrap().to_string(),
                    l["state"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        states(&t(1, "09:05")),
        [
            (quarterly.clone(), "DUE SOON".into()),
            (once.clone(), "SCHEDULED".into())
        ]
    );

    // Run on the 10th: a drill disruption of devices for Maple Court only.
    let run = ok(
        data,
        &t(10, "10:00"),
        ON_CALL,
        &["drill", "run", &quarterly],
    );
    let dis = run["disruption"].as_str().unwrap().to_string();
    let v = ok(
        data,
        &t(10, "10:01"),
        ON_CALL,
        &["disruption", "status", &dis],
    );
    assert_eq!(v["disruption"]["drill"], true);
    assert_eq!(v["disruption"]["limited_to"], "maple-court");
    assert_eq!(
        v["disruption"]["dependencies"],
        serde_json::json!(["devices"])
    );
    assert_eq!(states(&t(10, "10:02"))[0].1, "RUNNING");
    // Held with two of the three invited, an action into the plan; the next one is scheduled.
    ok(
        data,
        &t(10, "12:00"),
        QUALITY_LEAD,
        &[
            "drill",
            "held",
            &quarterly,
            "--attended",
            "s-joe-parker",
            "--attended",
            ON_CALL,
            "--outcome",
            "Paper MARs found and in use within 10 minutes",
            "--lessons",
            "The spare tablet was not charged",
            "--action",
            "Charge the spare tablets every Monday|s-joe-parker|2026-12-14",
        ],
    );
    let list = ok(data, &t(10, "12:01"), QUALITY_LEAD, &["drill", "list"]);
    let held = list
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == quarterly.as_str())
        .unwrap();
    assert_eq!(held["state"], "HELD");
    assert_eq!(held["absent"], "Lucy Turner");
    let next = list
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["due"] == "Wed 10 Mar 2027")
        .unwrap();
    assert_eq!(next["state"], "SCHEDULED");
    let plan = ok(data, &t(10, "12:02"), QUALITY_LEAD, &["qi", "list"]);
    assert!(
        plan.to_string().contains(&format!("drill: {quarterly}")),
        "{plan}"
    );

    // The other was never held: overdue the day after its date, on the governance list.
    let overdue: Vec<_> = due(data, &t(21, "09:00"))
        .into_iter()
        .filter(|d| d["register"] == "Drills" && d["service"] == "Maple Court Supported Living")
        .filter(|d| d["subject"] != "drill-3")
        .collect();
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert_eq!(overdue[0]["subject"], once.as_str());
    assert_eq!(overdue[0]["state"], "OVERDUE");

    // Bad input, named, nothing written.
    for (args, field) in [
        (
            vec![
                "--scenario",
                "s10",
                "--invite",
                COORDINATOR,
                "--invite",
                ON_CALL,
            ],
            "scenario",
        ),
        (
            vec![
                "--scenario",
                "s7",
                "--invite",
                COORDINATOR,
                "--invite",
                ON_CALL,
            ],
            "scenario",
        ),
        (
            vec!["--scenario", "s6", "--invite", "s-hannah-lee"],
            "invited",
        ),
        (
            vec![
                "--scenario",
                "s6",
                "--invite",
                COORDINATOR,
                "--invite",
                ON_CALL,
                "--every-months",
                "quarterly",
            ],
            "every_months",
        ),
    ] {
        let mut a = vec![
            "drill",
            "schedule",
            "--service",
            "maple-court",
            "--due",
            "2027-01-10",
            "--owner",
            QUALITY_LEAD,
        ];
        a.extend(args.iter());
        let err = refused(data, &t(21, "09:00"), QUALITY_LEAD, &a);
        assert!(err.contains(field), "{args:?}: {err}");
    }
    let err = refused(
        data,
        &t(21, "09:00"),
        QUALITY_LEAD,
        &[
            "drill",
            "held",
            &quarterly,
            "--attended",
            ON_CALL,
            "--outcome",
            "x",
            "--lessons",
            "y",
        ],
    );
    assert!(err.contains("a drill not yet held"), "{err}");
}

/// The quarter the issue asks to hold, on a fixed clock: drills scheduled (one held with
/// attendance, one overdue), training expiring and renewed, the on-call rota changing at 20:00
/// with a ladder at 21:00 calling the night on-call, a disruption whose protocol lists the
/// commissioner due in 2 hours and overdue at 2 h 1 min, a near miss, an action; then a governance
/// meeting whose agenda holds each of these, minutes with an action into the plan, later overdue,
/// and the minutes as a PDF.
#[test]
fn a_quarter_of_the_resilience_programme_comes_together_at_the_governance_meeting() {
    let d = demo_at(&t(1, "08:00"));
    let data = d.path();
    let maple = first_person(data, "maple-court");

    // December 2nd: a disruption at 09:00; the commissioner is due by 11:00, overdue at 11:01.
    let v = ok(
        data,
        &t(2, "09:00"),
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Shared care record unavailable",
            "--dependency",
            "shared-care-record",
            "--severity",
            "major",
        ],
    );
    let dis = v["id"].as_str().unwrap().to_string();
    let cr1 = |now: &str| {
        comms_states(data, now, &dis)
            .into_iter()
            .find(|(r, _)| r == "cr-1")
            .unwrap()
            .1
    };
    assert_eq!(cr1(&t(2, "11:00")), "DUE");
    assert_eq!(cr1(&t(2, "11:01")), "OVERDUE");
    // The rota changes at 20:00; a ladder firing at 21:00 calls the night on-call.
    ok(
        data,
        &t(2, "12:00"),
        COORDINATOR,
        &[
            "on-call",
            "add",
            "--staff",
            "s-amara-osei",
            "--service",
            "maple-court",
            "--from",
            "2026-12-02 20:00",
            "--to",
            "2026-12-03 08:00",
        ],
    );
    let steps = ladder_for(data, &t(2, "21:00"), &maple, "Night medication query");
    assert!(
        steps[0].contains("call Amara Osei, on call for Maple Court Supported Living"),
        "{steps:?}"
    );
    ok(
        data,
        &t(2, "22:00"),
        ON_CALL,
        &["disruption", "stage", &dis, "recovered", "--note", "Back"],
    );

    // A near miss and an action from an audit, due on the 10th.
    ok(
        data,
        &t(3, "10:00"),
        "s-hannah-lee",
        &[
            "near-miss",
            "add",
            "--service",
            "maple-court",
            "--what",
            "A referral arrived by email without its medication list",
            "--action-taken",
            "Phoned the discharge team for it",
        ],
    );
    ok(
        data,
        &t(3, "10:05"),
        QUALITY_LEAD,
        &[
            "qi",
            "add",
            "Audit referral completeness weekly",
            "--owner",
            "s-amara-osei",
            "--due",
            "2026-12-10",
            "--source",
            "audit",
            "--reference",
            "referral audit, November",
        ],
    );

    // Training: someone who never did the paper MAR did it a year ago (so it is expiring), and
    // renews it on the 5th.
    let items = [
        "downtime_procedure",
        "paper_mar",
        "escalation_ladder",
        "essential_information",
        "lantern",
    ];
    let list = ok(data, &t(1, "09:00"), QUALITY_LEAD, &["training", "list"]);
    let (who, item) = list["people"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|p| {
            // (Not "using Lantern": it is valid for two years.)
            let j = p["items"].as_array().unwrap()[..4]
                .iter()
                .position(|x| x[0] == "NEVER")?;
            Some((p["staff"].as_str().unwrap().to_string(), j))
        })
        .unwrap();
    let standing = |now: &str| -> String {
        let v = ok(data, now, QUALITY_LEAD, &["training", "list"]);
        let p = v["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["staff"] == who.as_str())
            .unwrap()
            .clone();
        p["items"][item][0].as_str().unwrap().to_string()
    };
    ok(
        data,
        &t(1, "09:00"),
        QUALITY_LEAD,
        &[
            "training",
            "record",
            "--staff",
            &who,
            "--item",
            items[item],
            "--on",
            "2025-12-20",
            "--evidence",
            "Session register",
        ],
    );
    assert_eq!(standing(&t(2, "09:00")), "EXPIRING");
    ok(
        data,
        &t(5, "09:00"),
        QUALITY_LEAD,
        &[
            "training",
            "record",
            "--staff",
            &who,
            "--item",
            items[item],
            "--on",
            "2026-12-05",
            "--evidence",
            "Refresher with the senior carer",
        ],
    );
    assert_eq!(standing(&t(5, "09:01")), "CURRENT");

    // Drills: one held with attendance, one never held.
    let schedule = |scenario: &str, due: &str| {
        ok(
            data,
            &t(1, "10:00"),
            QUALITY_LEAD,
            &[
                "drill",
                "schedule",
                "--service",
                "maple-court",
                "--scenario",
                scenario,
                "--due",
                due,
                "--invite",
                "s-joe-parker",
                "--invite",
                COORDINATOR,
                "--invite",
                ON_CALL,
                "--owner",
                QUALITY_LEAD,
            ],
        )["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let held = schedule("s6", "2026-12-15");
    schedule("s4", "2026-12-12");
    ok(data, &t(10, "10:00"), ON_CALL, &["drill", "run", &held]);
    ok(
        data,
        &t(10, "12:00"),
        QUALITY_LEAD,
        &[
            "drill",
            "held",
            &held,
            "--attended",
            "s-joe-parker",
            "--attended",
            ON_CALL,
            "--outcome",
            "Paper MARs in use within 10 minutes",
            "--lessons",
            "The spare tablet was flat",
        ],
    );

    // The demo's next meeting, on the 15th: its agenda, assembled that morning, holds each of
    // these (since the demo's last meeting in October).
    let morning = "2026-12-15T10:00:00Z";
    let m = ok(data, morning, QUALITY_LEAD, &["meeting", "show", "gm-2"]);
    assert_eq!(m["at"], "Tue 15 Dec 2026 14:00");
    let section = |h: &str| -> String {
        m["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["heading"].as_str().unwrap().starts_with(h))
            .unwrap_or_else(|| panic!("no section {h}: {m}"))["items"]
            .to_string()
    };
    assert!(
        section("Disruptions").contains("Shared care record unavailable"),
        "{m}"
    );
    assert!(
        section("Disruptions").contains("DRILL: S6 Tablet failure"),
        "{m}"
    );
    assert!(section("Near misses").contains("without its medication list"));
    assert!(section("Overdue improvement actions").contains("Audit referral completeness weekly"));
    assert!(section("Risks above appetite").contains("residual"), "{m}");
    assert!(
        section("Registers").contains("On-call rota") || section("Registers").contains("Assets")
    );
    let drills = section("Drills");
    assert!(drills.contains("Held Thu 10 Dec 2026: S6 Tablet failure during medication rounds at Maple Court Supported Living, 2 took part"), "{drills}");
    assert!(
        drills.contains("OVERDUE: hold the drill \\\"S4 Internet outage"),
        "{drills}"
    );
    assert!(section("Training").contains("Riverside Homecare: "), "{m}");

    // Minutes after the meeting: an action into the plan, overdue once past its date.
    let err = refused(
        data,
        morning,
        QUALITY_LEAD,
        &[
            "meeting",
            "minutes",
            "gm-2",
            "--present",
            QUALITY_LEAD,
            "--notes",
            "x",
        ],
    );
    assert!(err.contains("a meeting that has been held"), "{err}");
    ok(
        data,
        "2026-12-15T16:00:00Z",
        QUALITY_LEAD,
        &[
            "meeting",
            "minutes",
            "gm-2",
            "--present",
            QUALITY_LEAD,
            "--present",
            "s-amara-osei",
            "--notes",
            "Reviewed the quarter: one disruption, a near miss, drills and training",
            "--decision",
            "Print the Maple Court pack every morning",
            "--action",
            "Rehearse the paper MAR with night staff|s-amara-osei|2027-01-05",
        ],
    );
    let action = |now: &str| {
        due(data, now)
            .into_iter()
            .find(|d| d["subject"] == "qi-gm-2-1")
            .map(|d| d["state"].as_str().unwrap().to_string())
    };
    assert_eq!(action("2026-12-15T16:05:00Z"), None, "due in three weeks");
    assert_eq!(action("2027-01-06T09:00:00Z").as_deref(), Some("OVERDUE"));
    let shown = ok(
        data,
        "2026-12-15T16:05:00Z",
        QUALITY_LEAD,
        &["meeting", "show", "gm-2"],
    );
    assert_eq!(
        shown["minutes"]["absent"],
        serde_json::json!(["Daniel Hughes", "Lucy Turner"])
    );
    // The next is scheduled from the command line.
    let next = ok(
        data,
        "2026-12-15T16:06:00Z",
        QUALITY_LEAD,
        &[
            "meeting",
            "schedule",
            "--title",
            "Quality and governance meeting",
            "--at",
            "2027-03-16 14:00",
            "--chair",
            QUALITY_LEAD,
            "--invite",
            "s-amara-osei",
        ],
    );
    assert_eq!(next["id"], "gm-3");

    // The minutes as a PDF, read back.
    let pdf = data.join("minutes.pdf");
    ok(
        data,
        "2026-12-15T16:10:00Z",
        QUALITY_LEAD,
        &["meeting", "pdf", "gm-2", "--out", pdf.to_str().unwrap()],
    );
    let text = crate::support::pdf_text(&pdf);
    assert!(
        text.contains("Minutes: Quality and governance meeting"),
        "{text}"
    );
    assert!(text.contains("Print the Maple Court pack every morning"));
    assert!(text.contains("Rehearse the paper MAR with night staff"));
    assert!(
        text.contains("Invited, absent: Daniel Hughes, Lucy Turner"),
        "{text}"
    );
    assert!(text.contains("A referral arrived by email without its medication list"));

    // The period's evidence pack carries the minutes and the drill, and verifies.
    let out = data.join("period");
    ok(
        data,
        "2026-12-15T16:20:00Z",
        QUALITY_LEAD,
        &[
            "evidence",
            "--from",
            "2026-12-01T00:00:00Z",
            "--to",
            "2026-12-15T17:00:00Z",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let text = crate::support::pdf_text(&out.join("evidence.pdf"));
    assert!(text.contains("Governance meeting"), "{text}");
    assert!(
        text.contains("Print the Maple Court pack every morning"),
        "{text}"
    );
    assert!(
        text.contains("Paper MARs in use within 10 minutes"),
        "{text}"
    );
    ok(
        data,
        "2026-12-15T16:21:00Z",
        QUALITY_LEAD,
        &["verify-evidence", out.to_str().unwrap()],
    );
}

#[test]
fn a_new_downtime_procedure_is_approved_read_by_staff_and_printed_at_the_front_of_the_pack() {
    let d = demo_at(&t(2, "08:00"));
    let data = d.path();
    let now = t(2, "09:00");
    let id = "downtime-procedure-maple-court";
    let v2 = ok(
        data,
        &now,
        QUALITY_LEAD,
        &[
            "plan",
            "add",
            "--kind",
            "downtime_procedure",
            "--service",
            "maple-court",
            "--title",
            "Maple Court downtime procedure",
            "--owner",
            "s-joe-parker",
            "--review-by",
            "2027-06-01",
            "--summary",
            "Spare tablets are in the office cupboard, charged every Monday. Medicines go on the paper MAR.",
            "--change",
            "Added where the spare tablets are",
        ],
    );
    assert_eq!(v2["version"], 2);
    // Not in force until approved: staff still read version 1, and the approval is due.
    let mine = ok(data, &now, "s-hannah-lee", &["plan", "mine"]);
    assert_eq!(mine[0]["version"], 1);
    assert!(due(data, &now).iter().any(
        |d| d["subject"] == id && d["what"].as_str().unwrap().starts_with("approve version 2")
    ));
    ok(data, &now, "s-amara-osei", &["plan", "approve", id]);
    // Reading the old version is refused; the new one is recorded and counts as training.
    let err = refused(
        data,
        &now,
        "s-hannah-lee",
        &["plan", "read", id, "--version", "1"],
    );
    assert!(err.contains("read it again"), "{err}");
    ok(
        data,
        &now,
        "s-hannah-lee",
        &["plan", "read", id, "--version", "2"],
    );
    let shown = ok(data, &now, QUALITY_LEAD, &["plan", "show", id]);
    assert_eq!(
        shown["line"]["read"],
        "1 of 2 staff of Maple Court Supported Living have read version 2"
    );
    let training = ok(data, &now, QUALITY_LEAD, &["training", "list"]);
    let hannah = training["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["staff"] == "s-hannah-lee")
        .unwrap();
    assert_eq!(hannah["items"][0][0], "CURRENT", "{hannah}");

    // The pack prints the procedure in force at the front, and the week's on-call rota.
    let pdf = data.join("pack.pdf");
    ok(
        data,
        &now,
        "s-sam-morgan",
        &[
            "print",
            "pack",
            "--service",
            "maple-court",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let text = crate::support::pdf_text(&pdf);
    assert!(
        text.contains("How we work when systems fail: Maple Court downtime procedure"),
        "{}",
        &text[..3000.min(text.len())]
    );
    assert!(text.contains("Spare tablets are in the office cupboard"));
    assert!(text.contains("On-call rota for this service"));
    assert!(text.contains("Joe Parker"));

    // Bad input, named, nothing written.
    for (over, field) in [
        (("--review-by", "2026-11-01"), "review_by"),
        (("--kind", "wish"), "kind"),
        (("--owner", "s-nobody"), "owner"),
    ] {
        let mut a = vec![
            "plan",
            "add",
            "--kind",
            "continuity_plan",
            "--title",
            "BCP",
            "--owner",
            "s-amara-osei",
            "--review-by",
            "2027-06-01",
            "--summary",
            "x",
            "--change",
            "y",
        ];
        let i = a.iter().position(|x| *x == over.0).unwrap();
        a[i + 1] = over.1;
        let err = refused(data, &now, QUALITY_LEAD, &a);
        assert!(err.contains(field), "{over:?}: {err}");
    }
    let err = refused(data, &now, "s-hannah-lee", &["plan", "approve", id]);
    assert!(err.contains("may not"), "{err}");
}
