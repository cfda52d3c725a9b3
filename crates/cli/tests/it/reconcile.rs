//! Reconciliation into the main record: export for back-entry (FHIR validated in CI, CSV), the
//! no-loss check catching a dropped field, confirmation with the main system's reference.

use crate::support::{event_count, lantern};
use base64::Engine;
use serde_json::Value;
use std::path::Path;

fn run(data: &Path, now: &str, args: &[&str]) -> std::process::Output {
    lantern(data)
        .env("LANTERN_NOW", now)
        .args(["--as", "s-daniel-hughes"])
        .args(args)
        .output()
        .unwrap()
}

fn json(data: &Path, now: &str, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = run(data, now, &a);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// S3 after recovery: every record exported, checked whole, a dropped field caught, settled.
pub fn s3_reconciled_with_nothing_lost(data: &Path, now: &str, id: &str) {
    let b = json(data, now, &["reconcile", "status", id]);
    let total = b["figures"]["total"].as_u64().unwrap();
    assert!(total >= 4);
    assert_eq!(b["figures"]["outstanding"], total);
    // Export as FHIR into target/fhir-export, which scripts/test.sh validates.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-export");
    std::fs::create_dir_all(&dir).unwrap();
    let fhir = dir.join("s3-back-entry.json");
    json(
        data,
        now,
        &[
            "reconcile",
            "export",
            id,
            "--format",
            "fhir",
            "--out",
            fhir.to_str().unwrap(),
        ],
    );
    let b = json(data, now, &["reconcile", "status", id]);
    assert_eq!(b["figures"]["exported"], total);
    let out = run(
        data,
        now,
        &["reconcile", "check", id, "--file", fhir.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("all {total} exported records"))
    );
    // The CSV says the same.
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("back-entry.csv");
    json(
        data,
        now,
        &[
            "reconcile",
            "export",
            id,
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(
        run(
            data,
            now,
            &["reconcile", "check", id, "--file", csv.to_str().unwrap()]
        )
        .status
        .success()
    );
    // A back-entry file that lost the referral reference is caught, naming record and field.
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(&fhir).unwrap()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut call_id = String::new();
    for e in bundle["entry"].as_array_mut().unwrap() {
        let r = &mut e["resource"];
        if r["resourceType"] != "DocumentReference"
            || !r["description"].as_str().unwrap().starts_with("Call to")
        {
            continue;
        }
        call_id = r["identifier"][0]["value"].as_str().unwrap().to_string();
        let att = &mut r["content"][1]["attachment"]["data"];
        let mut c: Value =
            serde_json::from_slice(&b64.decode(att.as_str().unwrap()).unwrap()).unwrap();
        c["record"]["body"]
            .as_object_mut()
            .unwrap()
            .remove("reference");
        *att = b64.encode(c.to_string()).into();
    }
    assert!(!call_id.is_empty());
    let lossy = tmp.path().join("lossy.json");
    std::fs::write(&lossy, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let out = run(
        data,
        now,
        &["reconcile", "check", id, "--file", lossy.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(5));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("{call_id}: record.body.reference is missing")),
        "{said}"
    );
    // Confirmed entered with the main system's reference; the briefing set aside.
    let all: Vec<Value> = json(data, now, &["reconcile", "status", id])["items"]
        .as_array()
        .unwrap()
        .clone();
    let mut confirm = vec!["reconcile", "confirm", id, "--ref", "CP-2026-7781"];
    let mut briefing = String::new();
    for i in &all {
        let rid = i["entry"]["record"]["id"].as_str().unwrap();
        if i["entry"]["record"]["body"]["kind"] == "instruction" {
            briefing = rid.to_string();
        } else {
            confirm.extend(["--record", rid]);
        }
    }
    // Nothing is settled twice; unknown records and empty references are refused.
    let before = event_count(data);
    assert!(
        !run(
            data,
            now,
            &[
                "reconcile",
                "confirm",
                id,
                "--record",
                "no-such",
                "--ref",
                "X"
            ]
        )
        .status
        .success()
    );
    assert!(
        !run(
            data,
            now,
            &[
                "reconcile",
                "confirm",
                id,
                "--record",
                &briefing,
                "--ref",
                " "
            ]
        )
        .status
        .success()
    );
    assert_eq!(event_count(data), before);
    json(data, now, &confirm);
    json(
        data,
        now,
        &[
            "reconcile",
            "not-applicable",
            id,
            "--record",
            &briefing,
            "--reason",
            "A verbal briefing; nothing to enter",
        ],
    );
    let f = &json(data, now, &["reconcile", "status", id])["figures"];
    assert_eq!(f["complete_percent"], 100.0);
    assert_eq!(f["outstanding"], 0);
    assert!(f["median_minutes"].as_f64().unwrap() > 0.0);
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).unwrap();
    p.to_str().unwrap().to_string()
}

/// S3's review: the restriction used must be reviewed; actions go to the QI plan.
pub fn s3_reviewed(data: &Path, now: &str, id: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let mut review = serde_json::json!({
        "disruption": id,
        "went_well": "The ladder skipped email at once; the hub took the referral by phone within 5 minutes",
        "not_well": "The paper incident form was entered seven hours later",
        "root_cause": "Mail provider outage", "supplier": "Microsoft 365",
        "followed_policy": "Yes: the downtime protocol was followed",
        "training_needed": false, "supervision_needed": true,
        "reflection": "The on-call senior's increased oversight worked; enter paper forms within the shift",
        "actions": [{"what": "Enter paper incident forms within the shift", "owner": "s-amara-osei", "due": "2026-12-15"}]
    });
    let amara = |args: &[&str]| {
        lantern(data)
            .env("LANTERN_NOW", now)
            .args(["--as", "s-amara-osei", "--json"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = amara(&[
        "review",
        "record",
        "--file",
        &write(tmp.path(), "r1.json", &review),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("restrictive_practice_review"),
        "the restriction must be reviewed"
    );
    review["restrictive_practice_review"] =
        "Visitor restriction was necessary and proportionate; lifted once the hub visited".into();
    let out = amara(&[
        "review",
        "record",
        "--file",
        &write(tmp.path(), "r2.json", &review),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let action = r["actions"][0]["id"].as_str().unwrap().to_string();
    assert!(
        amara(&[
            "qi",
            "update",
            &action,
            "--status",
            "in_progress",
            "--note",
            "Briefed at team meeting"
        ])
        .status
        .success()
    );
    assert!(
        !amara(&["qi", "update", &action, "--status", "dropped"])
            .status
            .success(),
        "dropping needs a note"
    );
    let plan: Value = serde_json::from_slice(&amara(&["qi", "list"]).stdout).unwrap();
    assert_eq!(plan[0]["status"], "in_progress");
    assert_eq!(plan[0]["action"]["owner"], "s-amara-osei");
}

#[test]
fn s1_portal_outage_review_publishes_a_stricter_rule_and_the_evidence_verifies() {
    let d = crate::support::demo();
    let data = d.path();
    let now = |hm: &str| format!("2026-11-23T{hm}:00Z");
    let on_call = |at: &str, args: &[&str]| json(data, at, args);
    // The portal is transferring partial referrals: declared as a disruption.
    let v = on_call(
        &now("07:00"),
        &[
            "disruption",
            "declare",
            "--title",
            "Referral portal sending partial referrals",
            "--dependency",
            "referral-portal",
            "--started-at",
            &now("06:40"),
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    on_call(
        &now("07:10"),
        &[
            "record",
            "call",
            "--direction",
            "outgoing",
            "--party",
            "Tom Reynolds",
            "--organisation",
            "Northshire General discharge team",
            "--purpose",
            "Confirm Mrs Marlow's mobility after her fall",
            "--outcome",
            "Uses a frame indoors; one carer",
            "--person",
            "p-edith-marlow",
        ],
    );
    on_call(
        &now("07:15"),
        &[
            "record",
            "decision",
            "--person",
            "p-edith-marlow",
            "--what",
            "Start today with a senior carer",
            "--rationale",
            "Care needed within 24 hours; mobility confirmed by phone with the ward",
        ],
    );
    on_call(&now("12:00"), &["disruption", "stage", &id, "recovered"]);
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("back.json");
    on_call(
        &now("12:30"),
        &["reconcile", "export", &id, "--out", f.to_str().unwrap()],
    );
    let items = json(data, &now("12:31"), &["reconcile", "status", &id])["items"]
        .as_array()
        .unwrap()
        .clone();
    let mut confirm = vec!["reconcile", "confirm", &id, "--ref", "PORTAL-REF-2291"];
    let ids: Vec<String> = items
        .iter()
        .map(|i| i["entry"]["record"]["id"].as_str().unwrap().to_string())
        .collect();
    for i in &ids {
        confirm.extend(["--record", i.as_str()]);
    }
    on_call(&now("13:00"), &confirm);
    // The review, then a stricter rule as its outcome.
    let review = serde_json::json!({
        "disruption": id, "went_well": "Mobility was confirmed by phone before the first visit",
        "not_well": "The portal's confirmation would have been accepted had the coordinator not noticed",
        "root_cause": "Portal release truncated falls-risk updates", "supplier": "Northshire County Council",
        "followed_policy": "Yes", "reflection": "Make the phone confirmation a rule, not a habit",
        "actions": [{"what": "Ask the council for release notes before portal upgrades", "owner": "s-amara-osei", "due": "2026-12-31"}]
    });
    let out = lantern(data)
        .env("LANTERN_NOW", now("14:00"))
        .args([
            "--as",
            "s-amara-osei",
            "review",
            "record",
            "--file",
            &write(tmp.path(), "review.json", &review),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rules: Value = serde_json::from_slice(
        &lantern(data)
            .args(["--json", "rules", "show", "rapid-start"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    rules.as_array_mut().unwrap().push(serde_json::json!({
        "id": "portal-mobility-explicit", "section": "mobility", "when": ["confirmed", "stale", "disputed"],
        "not_confirmed_via": ["phone", "in_person"], "only_when_degraded": "referral-portal",
        "effect": {"effect": "restrict", "paused_tasks": ["manual handling"], "staffing": [], "actions": ["Confirm mobility explicitly by phone or in person"]},
        "message": "Portal degraded: require explicit mobility confirmation"
    }));
    let out = lantern(data)
        .env("LANTERN_NOW", now("14:10"))
        .args([
            "--as",
            "s-amara-osei",
            "rules",
            "publish",
            "rapid-start",
            "--review",
            &id,
            "--reason",
            "require explicit mobility confirmation when the portal is degraded",
            "--file",
            &write(tmp.path(), "rules.json", &rules),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = lantern(data)
        .env("LANTERN_NOW", now("14:10"))
        .args([
            "--as",
            "s-amara-osei",
            "rules",
            "publish",
            "rapid-start",
            "--review",
            "no-review-here",
            "--reason",
            "x",
            "--file",
            &write(tmp.path(), "rules2.json", &rules),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "rules from a review need the review");
    on_call(&now("15:00"), &["disruption", "close", &id]);
    // The evidence pack verifies and carries the review, the rule versions and the reconciliation.
    let pack = tmp.path().join("pack");
    lantern(data)
        .env("LANTERN_NOW", now("15:05"))
        .args([
            "--as",
            "s-peter-grant",
            "evidence",
            "--disruption",
            &id,
            "--out",
        ])
        .arg(&pack)
        .assert()
        .success();
    lantern(data)
        .args(["verify-evidence"])
        .arg(&pack)
        .assert()
        .success();
    let text = String::from_utf8_lossy(
        &std::process::Command::new("pdftotext")
            .args([pack.join("evidence.pdf").to_str().unwrap(), "-"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    // However a cell wraps the words.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Post-incident review",
        "Portal release truncated",
        "Rapid start rules, version 2",
        "Post-incident review of disruption",
        "PORTAL-REF-2291",
        "Ask the council",
    ] {
        assert!(text.contains(want), "the PDF lacks {want}:\n{text}");
    }
    lantern(data).arg("verify").assert().success();
}

#[test]
fn s9_integrity_audit_finds_dropped_notes_then_accuracy_recovers() {
    let d = crate::support::demo();
    let data = d.path();
    let at = |day: u8, hm: &str| format!("2026-11-{day:02}T{hm}:00Z");
    let v = json(
        data,
        &at(24, "08:00"),
        &[
            "disruption",
            "declare",
            "--title",
            "Care notes failing to sync to the shared record",
            "--dependency",
            "shared-care-record",
            "--started-at",
            &at(23, "18:00"),
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    for (day, hm, person, what) in [
        (23, "19:00", "p-0001", "Evening call: ate well"),
        (23, "21:00", "p-0001", "Bed call: settled"),
        (24, "07:40", "p-0001", "Morning call: slept well"),
        (
            23,
            "20:00",
            "p-0002",
            "Tea call: declined food, fluids taken",
        ),
    ] {
        json(
            data,
            &at(24, "08:10"),
            &[
                "record",
                "comms",
                "--occurred-at",
                &at(day, hm),
                "--person",
                person,
                "--who",
                "Care note",
                "--what",
                what,
                "--channel",
                "visit note",
            ],
        );
    }
    json(
        data,
        &at(24, "09:00"),
        &["disruption", "stage", &id, "recovered"],
    );
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("back.csv");
    json(
        data,
        &at(24, "09:10"),
        &[
            "reconcile",
            "export",
            &id,
            "--format",
            "csv",
            "--out",
            f.to_str().unwrap(),
        ],
    );
    let items = json(data, &at(24, "09:20"), &["reconcile", "status", &id])["items"]
        .as_array()
        .unwrap()
        .clone();
    let mut confirm = vec![
        "reconcile".to_string(),
        "confirm".into(),
        id.clone(),
        "--ref".into(),
        "SCR-BATCH-88".into(),
    ];
    let mut rows = Vec::new();
    for i in &items {
        let rid = i["entry"]["record"]["id"].as_str().unwrap().to_string();
        let date = i["entry"]["occurred_at"].as_str().unwrap()[..10].to_string();
        let person = i["entry"]["record"]["people"][0]
            .as_str()
            .unwrap()
            .to_string();
        rows.push((
            person,
            date,
            rid.clone(),
            i["row"]["hash"].as_str().unwrap().to_string(),
        ));
        confirm.extend(["--record".to_string(), rid]);
    }
    let confirm: Vec<&str> = confirm.iter().map(String::as_str).collect();
    json(data, &at(24, "09:30"), &confirm);
    let csv = |rows: &[(String, String, String, String)]| {
        let mut s = "person,date,record,sha256\n".to_string();
        for r in rows {
            s.push_str(&format!("{},{},{},{}\n", r.0, r.1, r.2, r.3));
        }
        s
    };
    // The main system lost one note and altered another.
    let mut held = rows.clone();
    let dropped = held.remove(0);
    held[0].3 = "0".repeat(64);
    let altered = held[0].2.clone();
    let amara = |now: &str, args: &[&str]| {
        lantern(data)
            .env("LANTERN_NOW", now)
            .args(["--as", "s-amara-osei"])
            .args(args)
            .output()
            .unwrap()
    };
    let main = tmp.path().join("main-system-notes.csv");
    std::fs::write(&main, csv(&held)).unwrap();
    let out = amara(
        &at(24, "10:00"),
        &[
            "--json",
            "audit",
            "integrity",
            "--disruption",
            &id,
            "--file",
            main.to_str().unwrap(),
            "--incident-actions",
            "Notes re-entered from Lantern; supplier ticket raised",
            "--told",
            "Registered manager; CareNotes Cloud support",
            "--task",
            "Temporary supervision of night-shift notes|s-amara-osei|2026-12-08",
            "--task",
            "Spot checks of 10 notes a week|s-nadia-ali|2026-12-22",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["expected"], 4);
    assert_eq!(a["whole"], 2);
    assert_eq!(a["accuracy_permille"], 500);
    let findings = a["findings"].as_array().unwrap();
    let text = serde_json::to_string(findings).unwrap();
    assert!(
        text.contains(&dropped.2) && text.contains(&altered),
        "{text}"
    );
    assert!(findings.iter().any(|f| f["person"] == dropped.0
        && f["date"] == dropped.1
        && f["missing"][0] == dropped.2.as_str()));
    // The incident was raised and the tasks scheduled.
    let v = json(data, &at(24, "10:05"), &["disruption", "status", &id]);
    assert!(v["records"].as_array().unwrap().iter().any(|r| {
        r["record"]["body"]["kind"] == "incident"
            && r["record"]["body"]["key_facts"]
                .as_str()
                .unwrap()
                .contains("2 of 4 notes whole")
    }));
    let plan = json(data, &at(24, "10:05"), &["qi", "list"]);
    assert_eq!(plan.as_array().unwrap().len(), 2);
    // Bad input changes nothing.
    let before = event_count(data);
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "person,date,record,sha256\np-0001,not-a-date,x,y\n").unwrap();
    let out = amara(
        &at(24, "10:06"),
        &[
            "audit",
            "integrity",
            "--disruption",
            &id,
            "--file",
            bad.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("row 2 date"));
    assert_eq!(event_count(data), before);
    // Later, the supplier fixed the sync and the notes were re-sent: accuracy recovered.
    std::fs::write(&main, csv(&rows)).unwrap();
    let out = amara(
        &at(30, "10:00"),
        &[
            "audit",
            "integrity",
            "--disruption",
            &id,
            "--file",
            main.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let trend = json(data, &at(30, "10:01"), &["audit", "trend"]);
    let acc: Vec<f64> = trend
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["accuracy_percent"].as_f64().unwrap())
        .collect();
    assert_eq!(acc, [50.0, 100.0]);
    // And the evidence pack for it verifies.
    let pack = tmp.path().join("pack");
    lantern(data)
        .env("LANTERN_NOW", at(30, "11:00"))
        .args([
            "--as",
            "s-amara-osei",
            "evidence",
            "--disruption",
            &id,
            "--out",
        ])
        .arg(&pack)
        .assert()
        .success();
    lantern(data)
        .args(["verify-evidence"])
        .arg(&pack)
        .assert()
        .success();
    lantern(data).arg("verify").assert().success();
}

#[test]
fn s4_internet_outage_in_a_care_home_paper_then_back_entry_review_into_the_qi_plan() {
    let d = crate::support::demo();
    let data = d.path();
    let at = |hm: &str| format!("2026-11-25T{hm}:00Z");
    let as_ = |who: &str, now: &str, args: &[&str]| as_at(data, now, who, args);
    let tmp = tempfile::tempdir().unwrap();
    // Date-stamped summaries and medication instructions printed the evening before.
    let pdf = tmp.path().join("pack.pdf");
    as_(
        "s-mark-bennett",
        &at("06:00"),
        &[
            "print",
            "pack",
            "--service",
            "willow-house",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let v = as_(
        "s-mark-bennett",
        &at("08:00"),
        &[
            "disruption",
            "declare",
            "--title",
            "Internet down at Willow House",
            "--dependency",
            "internet",
            "--started-at",
            &at("07:30"),
        ],
    );
    let id = v["id"].as_str().unwrap().to_string();
    as_(
        "s-mark-bennett",
        &at("08:05"),
        &[
            "disruption",
            "tick",
            &id,
            "2",
            "--note",
            "Pack printed 06:00 is current",
        ],
    );
    // Staff record on paper; the forms are entered when the connection is back, with their times.
    as_(
        "s-liam-walsh",
        &at("15:00"),
        &[
            "record",
            "mar",
            "--occurred-at",
            &at("08:10"),
            "--paper-ref",
            "MAR-WH-0091",
            "--person",
            "p-0050",
            "--medicine",
            "Levothyroxine 50 micrograms",
            "--dose",
            "1 tablet",
            "--due-at",
            &at("08:00"),
            "--outcome",
            "given",
        ],
    );
    as_(
        "s-liam-walsh",
        &at("15:02"),
        &[
            "record",
            "mar",
            "--occurred-at",
            &at("12:05"),
            "--paper-ref",
            "MAR-WH-0092",
            "--person",
            "p-0050",
            "--medicine",
            "Paracetamol 500mg",
            "--dose",
            "2 tablets",
            "--due-at",
            &at("12:00"),
            "--outcome",
            "refused",
            "--reason",
            "Said she had no pain",
        ],
    );
    as_(
        "s-mark-bennett",
        &at("14:30"),
        &["disruption", "stage", &id, "recovered"],
    );
    // Printable back-entry sheets per person, every field and a box to tick.
    let sheets = tmp.path().join("sheets.pdf");
    as_(
        "s-mark-bennett",
        &at("15:05"),
        &[
            "reconcile",
            "sheets",
            &id,
            "--out",
            sheets.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(
        &std::process::Command::new("pdftotext")
            .args([sheets.to_str().unwrap(), "-"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    for want in [
        "Back-entry: Aisha Begum",
        "Paracetamol 500mg",
        "Said she had no pain",
        "WH-0092",
        "Entered in main record",
    ] {
        assert!(text.contains(want), "the sheets lack {want}:\n{text}");
    }
    let f = tmp.path().join("back.json");
    as_(
        "s-mark-bennett",
        &at("15:10"),
        &["reconcile", "export", &id, "--out", f.to_str().unwrap()],
    );
    let items = as_(
        "s-mark-bennett",
        &at("15:11"),
        &["reconcile", "status", &id],
    )["items"]
        .as_array()
        .unwrap()
        .clone();
    let mut confirm = vec![
        "reconcile".to_string(),
        "confirm".into(),
        id.clone(),
        "--ref".into(),
        "EMAR-IMPORT-5531".into(),
    ];
    for i in &items {
        confirm.extend([
            "--record".to_string(),
            i["entry"]["record"]["id"].as_str().unwrap().to_string(),
        ]);
    }
    let confirm: Vec<&str> = confirm.iter().map(String::as_str).collect();
    as_("s-mark-bennett", &at("15:30"), &confirm);
    assert!(
        run(
            data,
            &at("15:31"),
            &["reconcile", "check", &id, "--file", f.to_str().unwrap()]
        )
        .status
        .success()
    );
    // The review's improvement action goes into the quality improvement plan.
    let review = serde_json::json!({
        "disruption": id, "went_well": "Printed pack and paper MAR were current and used",
        "not_well": "Paper MARs were entered seven hours later", "root_cause": "Fibre cut in the street",
        "supplier": "Northshire Fibre", "followed_policy": "Yes", "training_needed": true,
        "reflection": "A 4G router would have kept cloud records available",
        "actions": [{"what": "Install a 4G failover router at Willow House", "owner": "s-amara-osei", "due": "2026-12-20"}]
    });
    let rf = tmp.path().join("review.json");
    std::fs::write(&rf, review.to_string()).unwrap();
    as_(
        "s-amara-osei",
        &at("16:00"),
        &["review", "record", "--file", rf.to_str().unwrap()],
    );
    let plan = as_("s-amara-osei", &at("16:01"), &["qi", "list"]);
    assert!(plan.as_array().unwrap().iter().any(|a| a["action"]["what"]
        == "Install a 4G failover router at Willow House"
        && a["status"] == "open"));
    as_(
        "s-mark-bennett",
        &at("16:30"),
        &["disruption", "close", &id],
    );
    // The evidence pack verifies and holds the pack printed before the outage.
    let pack = tmp.path().join("evidence");
    lantern(data)
        .env("LANTERN_NOW", at("17:00"))
        .args([
            "--as",
            "s-peter-grant",
            "evidence",
            "--disruption",
            &id,
            "--out",
        ])
        .arg(&pack)
        .assert()
        .success();
    let report: Value = serde_json::from_slice(
        &lantern(data)
            .args(["--json", "verify-evidence"])
            .arg(&pack)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(report["kinds"]["printed"], 1, "{report}");
    assert_eq!(report["kinds"]["downtime_recorded"], 2);
    assert_eq!(report["kinds"]["review_recorded"], 1);
    lantern(data).arg("verify").assert().success();
}

/// `lantern` at `now` as `who`, expected to succeed; its JSON.
fn as_at(data: &Path, now: &str, who: &str, args: &[&str]) -> Value {
    let out = lantern(data)
        .env("LANTERN_NOW", now)
        .args(["--as", who, "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn set_mobility(data: &Path, now: &str, person: &str, transfers: &str) {
    let content = serde_json::json!({
        "falls_risk": "high",
        "aids_indoors": ["walking frame"],
        "aids_outdoors": ["wheelchair"],
        "transfers": transfers,
        "manual_handling_plan": "Two carers for every transfer until reassessed",
        "recent_falls_or_admissions": ["Fall at home, 2026-11-21 (phoned in by daughter)"],
    })
    .to_string();
    as_at(
        data,
        now,
        "s-amara-osei",
        &[
            "mei",
            "set",
            person,
            "mobility",
            "--content",
            &content,
            "--source",
            "phone call from daughter",
            "--method",
            "phone",
            "--contact",
            "daughter",
        ],
    );
}

fn mei_records(data: &Path, now: &str, id: &str) -> Vec<Value> {
    as_at(data, now, "s-amara-osei", &["reconcile", "status", id])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["entry"]["record"]["body"]["kind"] == "mei_change")
        .cloned()
        .collect()
}

/// An essential-information change made in Lantern while the main system is down is a record to
/// reconcile like any other: on the board of each real, active disruption of the person's service,
/// exported whole, confirmed, and in the evidence pack. Drills, other services and changes after
/// recovery put nothing on the board.
#[test]
fn mei_changes_during_an_outage_are_on_the_reconciliation_board() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(
        lantern(data)
            .env("LANTERN_NOW", "2026-11-21T18:00:00Z")
            .arg("demo")
            .output()
            .unwrap()
            .status
            .success()
    );
    let now = "2026-11-21T19:00:00Z";
    let rm = "s-amara-osei";
    // Call monitoring feeds Riverside home care only; the email drill touches every service.
    let real = as_at(
        data,
        now,
        rm,
        &[
            "disruption",
            "declare",
            "--title",
            "Call monitoring down",
            "--dependency",
            "call-monitoring",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let drill = as_at(
        data,
        now,
        rm,
        &[
            "disruption",
            "declare",
            "--drill",
            "--title",
            "Email drill",
            "--dependency",
            "email",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    // p-0001 is Riverside's; p-0050 is Willow House's.
    set_mobility(
        data,
        now,
        "p-0001",
        "Stand-aid with two carers since the fall",
    );
    // Willow House is outside Amara's service: she breaks glass first, with a reason.
    as_at(
        data,
        now,
        "s-amara-osei",
        &[
            "person",
            "show",
            "p-0050",
            "--break-glass",
            "Daughter phoned the office about a fall",
        ],
    );
    set_mobility(data, now, "p-0050", "Hoist for all transfers");
    let recs = mei_records(data, now, &real);
    assert_eq!(recs.len(), 1, "{recs:?}");
    let r = &recs[0];
    assert_eq!(r["state"], "outstanding");
    assert_eq!(r["entry"]["record"]["people"][0], "p-0001");
    assert_eq!(
        r["entry"]["record"]["body"]["content"]["transfers"],
        "Stand-aid with two carers since the fall"
    );
    assert_eq!(
        r["entry"]["record"]["body"]["provenance"]["source"],
        "phone call from daughter"
    );
    assert!(
        mei_records(data, now, &drill).is_empty(),
        "drills hold none"
    );
    let status = as_at(data, now, rm, &["disruption", "status", &real]);
    assert!(
        status["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["what"]
                .as_str()
                .unwrap()
                .contains("Essential information changed: Mobility and falls")),
        "{status}"
    );
    // Nobody writes one by hand.
    let before = event_count(data);
    let out = lantern(data)
        .env("LANTERN_NOW", now)
        .args(["--as", rm, "record", "mei", "--disruption", &real])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(event_count(data), before);

    // Recovered: the main system takes changes itself, so a later change is not on the board.
    let later = "2026-11-21T21:00:00Z";
    as_at(
        data,
        later,
        rm,
        &["disruption", "stage", &real, "recovered"],
    );
    set_mobility(data, later, "p-0001", "Stand-aid with one carer again");
    assert_eq!(mei_records(data, later, &real).len(), 1);

    // Exported whole, checked, confirmed.
    // Into target/fhir-export, which scripts/test.sh validates.
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fhir-export");
    std::fs::create_dir_all(&out_dir).unwrap();
    let fhir = out_dir.join("mei-change-back-entry.json");
    as_at(
        data,
        later,
        rm,
        &[
            "reconcile",
            "export",
            &real,
            "--format",
            "fhir",
            "--out",
            fhir.to_str().unwrap(),
        ],
    );
    let file = std::fs::read_to_string(&fhir).unwrap();
    assert!(file.contains("Essential information changed: Mobility and falls"));
    as_at(
        data,
        later,
        rm,
        &[
            "reconcile",
            "check",
            &real,
            "--file",
            fhir.to_str().unwrap(),
        ],
    );
    let rid = mei_records(data, later, &real)[0]["entry"]["record"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    as_at(
        data,
        later,
        rm,
        &[
            "reconcile",
            "confirm",
            &real,
            "--record",
            &rid,
            "--ref",
            "CP-MOB-118",
        ],
    );
    assert_eq!(mei_records(data, later, &real)[0]["state"], "confirmed");

    // The evidence pack shows the change with its source.
    let pack = tmp.path().join("pack");
    as_at(
        data,
        later,
        rm,
        &[
            "evidence",
            "--disruption",
            &real,
            "--out",
            pack.to_str().unwrap(),
        ],
    );
    let pdf = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pack.join("evidence.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&pdf.stdout);
    assert!(
        text.contains("Essential information changed in Lantern"),
        "{text}"
    );
    // However a cell wraps the words.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("phone call from daughter"), "{text}");
}
