//! `lantern import csv`: documented column sets, templates, idempotency and clear rejections.

use crate::support::{demo, event_count, json, lantern};
use serde_json::Value;
use std::path::Path;

fn import(data: &Path, kind: &str, file: &Path) -> (i32, Value) {
    let out = lantern(data)
        .args(["--json", "import", "csv", kind])
        .arg(file)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

#[test]
fn templates_are_header_rows_of_the_documented_columns() {
    let d = tempfile::tempdir().unwrap();
    for (kind, first) in [
        ("people", "person_id,given_name"),
        ("medication", "person_id,support_level,medicine"),
        ("visits", "visit_id,person_id,date"),
    ] {
        let out = lantern(d.path())
            .args(["import", "csv", kind, "--template"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(first), "{text}");
        assert_eq!(text.lines().count(), 1);
        let doc = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/csv-import.md"),
        )
        .unwrap();
        for col in text.trim().split(',') {
            assert!(doc.contains(&format!("`{col}`")), "{col} undocumented");
        }
    }
}

#[test]
fn people_and_sections_import_once_and_a_changed_row_changes_exactly_that_person() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people.csv");
    std::fs::write(
        &people,
        "person_id,given_name,family_name,date_of_birth,nhs_number,address,service,lives_alone,key_contacts\n\
         p-csv-1,Mary,Quinn,1938-05-14,,2 Elm Road,riverside-homecare,yes,Tom Quinn;son;07700 900111\n\
         p-csv-2,Arthur,Blake,1944-11-02,,9 Ash Close,maple-court,no,\n",
    )
    .unwrap();
    let (code, r) = import(d.path(), "people", &people);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["people_added"].as_array().unwrap().len(), 2);
    let mary = json(d.path(), &["person", "show", "p-csv-1"]);
    assert_eq!(mary["person"]["lives_alone"], true);
    assert_eq!(mary["person"]["key_contacts"][0]["relationship"], "son");

    let meds = dir.path().join("medication.csv");
    let write_meds = |dose: &str| {
        std::fs::write(
            &meds,
            format!(
                "person_id,support_level,medicine,dose,times,time_critical,notes,allergy,reaction\n\
                 p-csv-1,administer,Co-careldopa 25/100,{dose},08:00;12:00;16:00,yes,with food,Penicillin,rash\n\
                 p-csv-1,,Paracetamol 500mg,two tablets,08:00,no,,,\n\
                 p-csv-2,prompt,Ramipril 5mg,one capsule,09:00,no,,N.K.A.,\n"
            ),
        )
        .unwrap()
    };
    write_meds("one tablet");
    let (code, r) = import(d.path(), "medication", &meds);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["sections_changed"], 2);
    let shown = json(d.path(), &["mei", "show", "p-csv-1", "medication"]).to_string();
    assert!(
        shown.contains("Co-careldopa") && shown.contains("Penicillin"),
        "{shown}"
    );
    assert!(
        shown.contains("\"resource_type\":\"csv-medication\""),
        "{shown}"
    );
    // "NKA" in the allergy column is a statement that none is known, not an allergy called NKA.
    let blake = json(d.path(), &["mei", "show", "p-csv-2", "medication"]);
    let m = &blake["sections"][0]["record"]["content"];
    assert_eq!(m["no_known_allergies"], true, "{blake}");
    assert_eq!(m["allergies"], serde_json::json!([]), "{blake}");

    // Unchanged: nothing appended.
    let before = event_count(d.path());
    let (_, again) = import(d.path(), "medication", &meds);
    assert_eq!(again["events"], 0, "{again}");
    assert_eq!(event_count(d.path()), before);

    // One person's dose changes: their record and their section, nothing else.
    write_meds("two tablets");
    let (_, changed) = import(d.path(), "medication", &meds);
    assert_eq!(changed["events"], 2, "{changed}");
    assert_eq!(changed["by_type"]["csv-medication"]["updated"], 1);
    assert_eq!(changed["by_type"]["csv-medication"]["unchanged"], 1);
    json(d.path(), &["verify"]);
}

#[test]
fn bad_rows_are_rejected_naming_row_and_column_and_nothing_is_written() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let before = event_count(d.path());
    for (kind, body, needle) in [
        (
            "people",
            "person_id,given_name,family_name,date_of_birth,service\np-ok,A,B,1950-01-01,maple-court\np-bad,C,D,1950-13-01,maple-court\n",
            "row 3 (p-bad): date_of_birth: expected a date",
        ),
        (
            "people",
            "person_id,given_name,family_name,date_of_birth,service\np-x,A,B,1950-01-01,nowhere\n",
            "row 2: service: expected an existing service",
        ),
        (
            "medication",
            "person_id,medicine,times\np-0001,Insulin,8am\n",
            "row 2 (p-0001): times: expected a time of day",
        ),
        (
            "medication",
            "person_id,medicine,allergy\np-0001,Insulin,NKDA\n",
            "row 2 (p-0001): allergy: expected a substance, or NKA when no allergies at all are known (NKDA says nothing about food or latex)",
        ),
        (
            "medication",
            "person_id,medicine\np-nobody,Insulin\n",
            "row 2: person_id: expected an existing person",
        ),
        (
            "mobility",
            "person_id,falls_risk\np-0001,extreme\n",
            "falls_risk: expected one of low, medium, high",
        ),
        (
            "risks",
            "person_id,risk,colour\np-0001,Falls,red\n",
            "header: colour: expected only the risks columns",
        ),
        (
            "visits",
            "visit_id,person_id,date,start,end\nv-new,p-0001,2026-11-25,10:00,09:00\n",
            "row 2 (v-new): end: expected a time after the start",
        ),
        (
            "escalation",
            "person_id,name,phone\np-0001,GP surgery,call them\n",
            "phone: expected a telephone number",
        ),
    ] {
        let f = dir.path().join(format!("{kind}.csv"));
        std::fs::write(&f, body).unwrap();
        let (code, r) = import(d.path(), kind, &f);
        assert_eq!(code, 2, "{kind}: {r}");
        let msg = r["rejected"][0].as_str().unwrap();
        assert!(msg.contains(needle), "{kind}: {msg}");
        assert_eq!(r["events"], 0);
    }
    assert_eq!(event_count(d.path()), before);
}

#[test]
fn contacts_and_visits_are_added_once_and_never_rewritten() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let partner = json(d.path(), &["partner", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let contacts = dir.path().join("contacts.csv");
    std::fs::write(
        &contacts,
        format!("contact_id,partner_id,name,role,phone\nc-csv-1,{partner},Jo Hart,Duty social worker,01632 960555\n"),
    )
    .unwrap();
    let (code, r) = import(d.path(), "contacts", &contacts);
    assert_eq!((code, r["events"].as_u64()), (0, Some(1)), "{r}");
    let (_, again) = import(d.path(), "contacts", &contacts);
    assert_eq!(again["events"], 0);

    let visits = dir.path().join("visits.csv");
    std::fs::write(
        &visits,
        "visit_id,person_id,date,start,end,priorities,tasks\nv-csv-1,p-0001,2026-11-25,08:00,08:30,time_critical_medication;lives_alone,medication;breakfast\n",
    )
    .unwrap();
    let (code, r) = import(d.path(), "visits", &visits);
    assert_eq!((code, r["events"].as_u64()), (0, Some(1)), "{r}");
    std::fs::write(
        &visits,
        "visit_id,person_id,date,start,end\nv-csv-1,p-0001,2026-11-25,09:00,09:30\n",
    )
    .unwrap();
    let (code, r) = import(d.path(), "visits", &visits);
    assert_eq!(code, 2);
    assert!(
        r["rejected"][0]
            .as_str()
            .unwrap()
            .contains("does not change planned visits")
    );
}

#[test]
fn files_as_excel_writes_them_are_read_as_a_uk_user_means_them() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    // Excel's plain "CSV" in a UK locale: Windows-1252 (ë is 0xEB), day-first dates, empty
    // columns to the right, a formatted empty row below, and one person entered twice.
    let people = dir.path().join("people.csv");
    let mut bytes =
        b"person_id,given_name,family_name,date_of_birth,address,service,,\r\n".to_vec();
    bytes.extend(b"p-xl-1,Zo\xEB,Hart,01/02/1950,1 Mill Lane,riverside-homecare,,\r\n");
    bytes.extend(b"p-xl-2,Zo\xEB,Hart,01/02/1950,1 Mill Lane,riverside-homecare,,\r\n");
    bytes.extend(b",,,,,,,\r\n");
    std::fs::write(&people, bytes).unwrap();
    let (code, r) = import(d.path(), "people", &people);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["people_added"].as_array().unwrap().len(), 2, "{r}");
    assert!(r["notes"].to_string().contains("Windows-1252"), "{r}");
    assert!(r["notes"].to_string().contains("CSV UTF-8"), "{r}");
    let flagged = r["flagged"].to_string();
    assert!(
        flagged.contains("likely the same person") && flagged.contains("p-xl-1"),
        "{r}"
    );
    let zoe = json(d.path(), &["person", "show", "p-xl-1"]);
    assert_eq!(zoe["person"]["given_name"], "Zoë");
    assert_eq!(zoe["person"]["date_of_birth"], "1950-02-01", "day first");

    // A sleep-in (22:00 to 07:00) ends the next morning; 8:00 is read as 08:00.
    let visits = dir.path().join("visits.csv");
    std::fs::write(
        &visits,
        "visit_id,person_id,date,start,end,carers,priorities\n\
         v-xl-1,p-xl-1,03/12/2026,22:00,07:00,,\n\
         v-xl-2,p-xl-1,04/12/2026,8:00,08:30:00,,\n",
    )
    .unwrap();
    let (code, r) = import(d.path(), "visits", &visits);
    assert_eq!(code, 0, "{r}");
    let planned = json(d.path(), &["visits", "--date", "2026-12-03"]).to_string();
    assert!(planned.contains("v-xl-1"), "{planned}");
    assert!(
        planned.contains("2026-12-04T07:00:00Z"),
        "ends the next morning: {planned}"
    );

    // Excel dropped the leading zero of a phone number: refused, naming the cell, not guessed.
    let route = dir.path().join("escalation.csv");
    std::fs::write(
        &route,
        "person_id,name,role,phone,when\np-xl-1,Sam Hart,son,7700900123,any time\n",
    )
    .unwrap();
    let before = event_count(d.path());
    let (code, r) = import(d.path(), "escalation", &route);
    assert_eq!(code, 2, "{r}");
    let why = r["rejected"][0].as_str().unwrap();
    assert!(why.contains("phone") && why.contains("leading 0"), "{why}");
    assert_eq!(event_count(d.path()), before);

    // A refused Windows-1252 file says how it was read too (a misread character may be why).
    let bad = dir.path().join("bad-people.csv");
    std::fs::write(
        &bad,
        b"person_id,given_name,family_name,date_of_birth,address,service
p-xl-9,Zo\xEB,Hart,31/02/1950,1 Mill Lane,riverside-homecare
",
    )
    .unwrap();
    let (code, r) = import(d.path(), "people", &bad);
    assert_eq!(code, 2, "{r}");
    assert!(r["notes"].to_string().contains("Windows-1252"), "{r}");
    assert_eq!(event_count(d.path()), before);
}

#[test]
fn an_empty_safeguarding_cell_is_to_be_confirmed_not_no_concern() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let risks = dir.path().join("risks.csv");
    std::fs::write(&risks, "person_id,risk\np-0001,Falls at night\n").unwrap();
    let (code, r) = import(d.path(), "risks", &risks);
    assert_eq!(code, 0, "{r}");
    let shown = json(d.path(), &["mei", "show", "p-0001", "risks"]).to_string();
    assert!(shown.contains("\"to_confirm\""), "{shown}");
    assert!(!shown.contains("\"status\":\"none\""), "{shown}");
}
