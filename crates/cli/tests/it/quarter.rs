//! A quarter of referrals, disruptions and audits on a fixed clock (issue 19): referrals started
//! on time, delayed and started late, declined, and one missed; two disruptions reconciled at
//! different speeds; one late visit, one explained, one never verified; a safeguarding referral;
//! a start with restrictions and no recorded decision. Every audit figure is asserted exactly,
//! the governance report carries them, verifies, and fails on a changed byte; a commissioner's
//! report names nobody.

use crate::support::{at, demo_at, ok, pdf_text, refused};
use serde_json::Value;
use std::path::Path;

const COORDINATOR: &str = "s-lucy-turner";
const ON_CALL: &str = "s-daniel-hughes";
const MANAGER: &str = "s-amara-osei";
const QUALITY_LEAD: &str = "s-nadia-ali";
const COMMISSIONER: &str = "s-peter-grant";
const CARE_WORKER: &str = "s-emma-clarke";
const END: &str = "2027-01-04T10:00:00Z";

fn confirm_all(data: &Path, now: &str, person: &str) {
    for s in [
        "risks",
        "medication",
        "mobility",
        "communication",
        "consent",
        "escalation",
    ] {
        ok(
            data,
            now,
            COORDINATOR,
            &[
                "mei",
                "confirm",
                person,
                s,
                "--source",
                "Referrer's care plan",
                "--method",
                "phone",
                "--contact",
                "Discharge nurse",
            ],
        );
    }
}

fn referral(data: &Path, now: &str, person: &str, from: &str, received: &str, due: &str) -> String {
    let v = ok(
        data,
        now,
        COORDINATOR,
        &[
            "referral",
            "add",
            "--person",
            person,
            "--from",
            from,
            "--referrer",
            "Northshire County Council brokerage",
            "--channel",
            "portal",
            "--package",
            "Two calls a day",
            "--received",
            received,
            "--due",
            due,
            "--arrived",
            "medication",
            "--arrived",
            "risks",
        ],
    );
    v["id"].as_str().unwrap().to_string()
}

fn figures(a: &Value) -> Vec<(String, String)> {
    a["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["label"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn audit(data: &Path, name: &str, who: &str) -> Value {
    ok(
        data,
        END,
        who,
        &[
            "audit",
            name,
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--service",
            "riverside-homecare",
        ],
    )
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Export every record of a disruption and confirm them all entered, at `now`.
fn reconcile_all(data: &Path, now: &str, id: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("back-entry.csv");
    ok(
        data,
        now,
        ON_CALL,
        &[
            "reconcile",
            "export",
            id,
            "--format",
            "csv",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let board = ok(data, now, ON_CALL, &["reconcile", "status", id]);
    let mut args: Vec<String> = ["reconcile", "confirm", id, "--ref", "CP-REF-1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for i in board["items"].as_array().unwrap() {
        args.push("--record".into());
        args.push(i["entry"]["record"]["id"].as_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(data, now, ON_CALL, &args);
    let board = ok(data, now, ON_CALL, &["reconcile", "status", id]);
    assert_eq!(board["figures"]["complete_percent"], 100.0);
}

#[test]
fn a_quarter_of_referrals_and_disruptions_gives_exact_audit_figures_and_a_verifiable_report() {
    let d = demo_at("2026-10-01T05:00:00Z");
    let data = d.path();

    // 1 Oct, 06:30: the rota tool fails at Riverside Homecare through the morning calls.
    ok(
        data,
        "2026-10-01T05:30:00Z",
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Rota tool down",
            "--dependency",
            "rota-tool",
            "--service",
            "riverside-homecare",
            "--id",
            "d-rota-oct",
        ],
    );
    // (The watch exits 4 while visits are not yet verified: its answer is read all the same.)
    let watch = at(
        data,
        "2026-10-01T08:59:00Z",
        ON_CALL,
        &["--json", "disruption", "watch", "d-rota-oct"],
    );
    let watch: Value = serde_json::from_slice(&watch.stdout).unwrap();
    let visits: Vec<(String, String)> = watch["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["visit"]["id"].as_str().unwrap().to_string(),
                v["visit"]["person"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(visits.len(), 31, "every morning call in the window");
    let record = |now: &str, args: &[&str]| {
        let mut a = vec!["record"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--disruption", "d-rota-oct"]);
        ok(data, now, ON_CALL, &a)
    };
    // 28 verified on time, one 50 minutes late, one explained, one never verified.
    for (visit, person) in &visits[..28] {
        record(
            "2026-10-01T07:00:00Z",
            &[
                "visit",
                "--visit",
                visit,
                "--person",
                person,
                "--actual-at",
                "2026-10-01 07:35",
                "--method",
                "phone",
                "--at",
                "2026-10-01 07:40",
            ],
        );
    }
    let (late_visit, late_person) = &visits[28];
    record(
        "2026-10-01T07:30:00Z",
        &[
            "visit",
            "--visit",
            late_visit,
            "--person",
            late_person,
            "--actual-at",
            "2026-10-01 08:20",
            "--method",
            "phone",
            "--at",
            "2026-10-01 08:25",
        ],
    );
    let (gone_visit, gone_person) = &visits[29];
    record(
        "2026-10-01T07:30:00Z",
        &[
            "visit",
            "--visit",
            gone_visit,
            "--person",
            gone_person,
            "--method",
            "phone",
            "--deviation",
            "Visit did not take place",
            "--reason",
            "Admitted to hospital overnight",
            "--at",
            "2026-10-01 08:30",
        ],
    );
    // 08:00 a safeguarding allegation; 08:40 the hub takes the referral by phone (40 minutes).
    let person = &visits[0].1;
    record(
        "2026-10-01T07:00:00Z",
        &[
            "incident",
            "--person",
            person,
            "--at",
            "2026-10-01 08:00",
            "--key-facts",
            "Safeguarding allegation: bruising reported by a relative",
            "--protective-actions",
            "Two staff for personal care",
            "--told",
            "On-call manager",
            "--reg18",
            "undecided",
        ],
    );
    record(
        "2026-10-01T07:45:00Z",
        &[
            "call",
            "--person",
            person,
            "--at",
            "2026-10-01 08:40",
            "--direction",
            "outgoing",
            "--party",
            "Duty social worker",
            "--organisation",
            "Northshire safeguarding hub",
            "--purpose",
            "Safeguarding referral",
            "--outcome",
            "Referral taken",
            "--reference",
            "SG-1001",
        ],
    );
    record(
        "2026-10-01T08:00:00Z",
        &[
            "decision",
            "--person",
            person,
            "--at",
            "2026-10-01 09:00",
            "--what",
            "Two staff for personal care",
            "--rationale",
            "Allegation under investigation",
            "--restriction",
            "No lone working",
            "--review-at",
            "2026-10-08 09:00",
        ],
    );
    ok(
        data,
        "2026-10-01T09:00:00Z",
        ON_CALL,
        &["disruption", "stage", "d-rota-oct", "recovered"],
    );
    // Reconciled the next morning: 24 hours after recovery.
    reconcile_all(data, "2026-10-02T09:00:00Z", "d-rota-oct");

    // Referrals. David Chen: on time, every section confirmed.
    let a = referral(
        data,
        "2026-10-05T08:00:00Z",
        "p-0001",
        "local_authority",
        "2026-10-05 09:00",
        "2026-10-06 09:00",
    );
    confirm_all(data, "2026-10-06T07:00:00Z", "p-0001");
    let started = ok(
        data,
        "2026-10-06T07:30:00Z",
        COORDINATOR,
        &["referral", "start", &a],
    );
    assert_eq!(started["label"], "STARTED ON TIME");
    // Gwen Green: the falls-risk update did not come; started on time with restrictions, and
    // nobody recorded a decision.
    let b = referral(
        data,
        "2026-10-12T08:00:00Z",
        "p-0002",
        "hospital_discharge",
        "2026-10-12 09:00",
        "2026-10-13 09:00",
    );
    confirm_all(data, "2026-10-13T06:00:00Z", "p-0002");
    ok(
        data,
        "2026-10-13T06:30:00Z",
        COORDINATOR,
        &[
            "mei",
            "mark",
            "p-0002",
            "mobility",
            "--reason",
            "Falls-risk update after the admission did not arrive",
        ],
    );
    let started = ok(
        data,
        "2026-10-13T07:45:00Z",
        COORDINATOR,
        &["referral", "start", &b],
    );
    assert_eq!(started["label"], "STARTED ON TIME");
    // Stanley Green: delayed, then started late with the reason.
    let c = referral(
        data,
        "2026-11-02T09:00:00Z",
        "p-0003",
        "prime_provider",
        "2026-11-02 09:00",
        "2026-11-03 09:00",
    );
    ok(
        data,
        "2026-11-02T17:00:00Z",
        COORDINATOR,
        &[
            "referral",
            "delay",
            &c,
            "--reason",
            "No double-handed team free",
            "--expected",
            "2026-11-04 09:00",
        ],
    );
    // Starting late without a reason is refused, naming the field; nothing is written.
    let e = refused(
        data,
        "2026-11-04T09:10:00Z",
        COORDINATOR,
        &["referral", "start", &c],
    );
    assert!(e.contains("late_reason"), "{e}");
    confirm_all(data, "2026-11-04T08:00:00Z", "p-0003");
    let started = ok(
        data,
        "2026-11-04T09:10:00Z",
        COORDINATOR,
        &[
            "referral",
            "start",
            &c,
            "--late-reason",
            "Waited for a double-handed team",
        ],
    );
    assert_eq!(started["label"], "STARTED LATE");
    // Aisha Begum: declined.
    let dd = referral(
        data,
        "2026-11-20T10:00:00Z",
        "p-0005",
        "local_authority",
        "2026-11-20 10:00",
        "2026-11-21 10:00",
    );
    ok(
        data,
        "2026-11-20T12:00:00Z",
        COORDINATOR,
        &["referral", "decline", &dd, "--reason", "Outside our area"],
    );

    // 10 Nov: email down for three hours; its one record reconciled four days later (96 h).
    ok(
        data,
        "2026-11-10T09:00:00Z",
        ON_CALL,
        &[
            "disruption",
            "declare",
            "--title",
            "Email down",
            "--dependency",
            "email",
            "--service",
            "riverside-homecare",
            "--id",
            "d-email-nov",
        ],
    );
    ok(
        data,
        "2026-11-10T10:00:00Z",
        ON_CALL,
        &[
            "record",
            "call",
            "--disruption",
            "d-email-nov",
            "--direction",
            "outgoing",
            "--party",
            "Commissioning team",
            "--organisation",
            "Northshire County Council",
            "--purpose",
            "Told them email is down",
            "--outcome",
            "Noted",
        ],
    );
    ok(
        data,
        "2026-11-10T12:00:00Z",
        ON_CALL,
        &["disruption", "stage", "d-email-nov", "recovered"],
    );
    reconcile_all(data, "2026-11-14T12:00:00Z", "d-email-nov");

    // The audits, exactly.
    let r = audit(data, "referrals", MANAGER);
    assert_eq!(
        figures(&r),
        pairs(&[
            ("Referrals received", "5"),
            ("Started", "3 (2 on time, 1 late)"),
            (
                "All six sections confirmed before the first visit",
                "2 of 3 (66.7%)"
            ),
            ("Started with restrictions", "1 of 3 (33.3%)"),
            (
                "Delayed or missed starts",
                "2 (1 started late, 0 delayed, 1 missed)"
            ),
            ("Declined", "1"),
            (
                "Sections not confirmed at the start",
                "Mobility and falls (1)"
            ),
        ]),
        "the demo's rapid start for Edith Marlow (received 1 Oct) was never started: a missed start"
    );
    let rec = audit(data, "reconciliation", MANAGER);
    assert_eq!(
        figures(&rec),
        pairs(&[
            ("Disruptions recovered", "2"),
            ("Fully reconciled", "2"),
            ("Median time to reconcile", "60 hours"),
            ("90th percentile time to reconcile", "96 hours"),
            ("Within the 48-hour target", "1 of 2 (50%)"),
            ("Still outstanding", "0 disruptions (0 records)"),
        ])
    );
    let v = audit(data, "visits", MANAGER);
    assert_eq!(
        figures(&v),
        pairs(&[
            ("Disruptions affecting visits", "1"),
            ("Visits planned in their windows", "31"),
            ("Verified", "29 of 31 (93.5%)"),
            ("Verified late (over 30 minutes)", "1 of 31 (3.2%)"),
            ("Explained", "1 of 31 (3.2%)"),
            ("Missed or unverified", "1 of 31 (3.2%)"),
            ("Not yet verified (disruption still on)", "0"),
        ])
    );
    let dec = audit(data, "decisions", MANAGER);
    assert_eq!(
        figures(&dec),
        pairs(&[
            ("Decisions recorded", "1"),
            (
                "With a rationale and, where they restrict care, a review time",
                "1 of 1 (100%)"
            ),
            ("Starts not GO backed by a recorded decision", "0 of 1 (0%)"),
            ("Restrictions reviewed on time", "none"),
            ("Restrictive practice looked at in a review", "none"),
            ("Decision trail complete", "1 of 2 (50%)"),
        ])
    );
    let missing: Vec<&Value> = dec["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["state"] == "Incomplete")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["reference"], b.as_str());
    assert!(
        missing[0]["detail"]
            .as_str()
            .unwrap()
            .contains("no decision with its rationale recorded")
    );
    let sg = audit(data, "safeguarding", MANAGER);
    assert_eq!(
        figures(&sg),
        pairs(&[
            ("Safeguarding concerns", "1"),
            ("Referred with a reference", "1 of 1 (100%)"),
            ("Median time from concern to reference", "40 minutes"),
            ("Within 24 hours", "1 of 1 (100%)"),
            ("By channel", "phone: 1 (median 40 minutes)"),
        ])
    );
    // The late visit is listed under its person, with how late.
    let late = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["state"] == "Verified late")
        .unwrap();
    assert_eq!(late["reference"], late_visit.as_str());
    assert!(late["detail"].as_str().unwrap().contains("50 minutes"));

    // A manager signs the referral audit off: the figures as they were are in the journal.
    let e = refused(
        data,
        END,
        MANAGER,
        &[
            "audit",
            "referrals",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--sign-off",
            " ",
        ],
    );
    assert!(e.contains("comments"), "{e}");
    let signed = ok(
        data,
        END,
        MANAGER,
        &[
            "audit",
            "referrals",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--sign-off",
            "Mobility confirmation is the gap: see the new rule",
        ],
    );
    assert_eq!(
        signed["signoffs"][0]["comments"],
        "Mobility confirmation is the gap: see the new rule"
    );
    assert_eq!(
        signed["signoffs"][0]["figures"][2]["value"],
        "2 of 3 (66.7%)"
    );
    // Care workers see no audits; a manager of one service cannot audit another.
    let e = refused(
        data,
        END,
        CARE_WORKER,
        &[
            "audit",
            "referrals",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
        ],
    );
    assert!(e.contains("not permitted"), "{e}");
    let e = refused(
        data,
        END,
        MANAGER,
        &[
            "audit",
            "visits",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--service",
            "maple-court",
        ],
    );
    assert!(e.contains("not permitted"), "{e}");
    let e = refused(
        data,
        END,
        MANAGER,
        &[
            "audit",
            "visits",
            "--from",
            "2026-10-01",
            "--to",
            "2026-09-01",
        ],
    );
    assert!(e.contains("field `to`"), "{e}");

    // The governance report for the quarter: every figure above, in a PDF that verifies.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    ok(
        data,
        END,
        QUALITY_LEAD,
        &[
            "report",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--service",
            "riverside-homecare",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let text = pdf_text(&out.join("report.pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Governance report",
        "2 of 3 (66.7%)",
        "60 hours",
        "96 hours",
        "29 of 31 (93.5%)",
        "1 of 2 (50%)",
        "40 minutes",
        "Referral completeness: by month",
        "2026-10",
        "2026-11",
        "Readiness checks recorded, by month and outcome",
        "CQC Safe: safeguarding",
        "DSPT 7 (continuity planning)",
        "Rota tool down",
        "Gwen Green",
    ] {
        assert!(flat.contains(want), "{want:?} not in the report:\n{text}");
    }
    let check = at(data, END, "", &["verify-evidence", out.to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let mut pdf = std::fs::read(out.join("report.pdf")).unwrap();
    let mid = pdf.len() / 2;
    pdf[mid] ^= 1;
    std::fs::write(out.join("report.pdf"), &pdf).unwrap();
    let check = at(data, END, "", &["verify-evidence", out.to_str().unwrap()]);
    assert!(!check.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(said.contains("report.pdf"), "{said}");

    // The commissioner's report: the same figures, nobody named, no personal event in its bundle.
    let out = tmp.path().join("commissioner");
    ok(
        data,
        END,
        COMMISSIONER,
        &[
            "report",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let text = pdf_text(&out.join("report.pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("no person is named"), "{text}");
    assert!(flat.contains("2 of 3 (66.7%)"), "{text}");
    let bundle = std::fs::read_to_string(out.join("bundle.json")).unwrap();
    for name in ["Gwen Green", "David Chen", "Stanley Green", "Edith Marlow"] {
        assert!(!flat.contains(name), "{name} named to a commissioner");
        assert!(!bundle.contains(name), "{name} in a commissioner's bundle");
    }
    for kind in [
        "\"referral_received\"",
        "\"downtime_recorded\"",
        "\"readiness_checked\"",
    ] {
        assert!(!bundle.contains(kind), "{kind} in a commissioner's bundle");
    }
    let check = at(data, END, "", &["verify-evidence", out.to_str().unwrap()]);
    assert!(check.status.success());
    // A commissioner of Maple Court only sees Maple Court's audits.
    ok(
        data,
        END,
        "",
        &[
            "staff",
            "add",
            "s-maple-commissioner",
            "--name",
            "Maple Court commissioner",
            "--role",
            "auditor",
            "--service",
            "maple-court",
        ],
    );
    let e = refused(
        data,
        END,
        "s-maple-commissioner",
        &[
            "audit",
            "referrals",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
            "--service",
            "riverside-homecare",
        ],
    );
    assert!(e.contains("not permitted"), "{e}");
    let own = ok(
        data,
        END,
        "s-maple-commissioner",
        &[
            "audit",
            "referrals",
            "--from",
            "2026-10-01",
            "--to",
            "2026-12-31",
        ],
    );
    assert_eq!(own["service"], "Maple Court Supported Living");
    assert_eq!(own["figures"][0]["value"], "0");
    // ...and their audits list references, never names or what records say.
    let r = audit(data, "referrals", COMMISSIONER);
    for i in r["items"].as_array().unwrap() {
        assert_eq!(i["subject"], i["reference"]);
        assert_eq!(i["detail"], "");
    }
}
