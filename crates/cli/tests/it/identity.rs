//! Clinical safety of imports (issue 13): five patients sharing one fullUrl with different NHS
//! numbers are never merged into one person; an older version never overwrites a newer one; a
//! stopped medicine never comes back. Bundles are shaped like NHS England's prescription-service
//! examples, which reuse one `urn:uuid` for different patients.

use crate::import_fhir::import;
use crate::support::{demo, event_count, fails, init_home, json, lantern};
use serde_json::{Value, json};
use std::path::Path;

/// Valid NHS numbers (modulus 11), one per patient.
const NHS: [&str; 5] = [
    "9434765919",
    "9000000009",
    "9449306060",
    "9449310394",
    "9449304130",
];
const MEDICINES: [&str; 5] = [
    "Morphine sulfate 10mg/5ml oral solution",
    "Fentanyl 25micrograms/hour transdermal patches",
    "Methotrexate 2.5mg tablets",
    "Levothyroxine 50microgram tablets",
    "Warfarin 1mg tablets",
];
const NAMES: [(&str, &str, &str); 5] = [
    ("Alice", "Penrose", "1941-03-12"),
    ("Brian", "Okoro", "1950-07-30"),
    ("Carol", "Dunmore", "1938-11-02"),
    ("Derek", "Hale", "1946-01-19"),
    ("Elsie", "Moreton", "1952-05-25"),
];

/// One prescription-style bundle: the Patient and a MedicationRequest about them, both with
/// fullUrls that every bundle reuses.
fn bundle(i: usize) -> Value {
    let (given, family, dob) = NAMES[i];
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:78d3c2eb-009e-4ec8-a358-b042954aa9b2",
                "resource": {
                    "resourceType": "Patient",
                    "id": "78d3c2eb-009e-4ec8-a358-b042954aa9b2",
                    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": NHS[i]}],
                    "name": [{"use": "usual", "family": family, "given": [given]}],
                    "birthDate": dob,
                    "address": [{"line": [format!("{} Church Lane", i + 1)], "city": "Leeds", "postalCode": "LS1 4AP"}]
                }
            },
            {
                "fullUrl": "urn:uuid:a54219b8-f741-4c47-b662-e4f8dfa49ab6",
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": "a54219b8-f741-4c47-b662-e4f8dfa49ab6",
                    "status": "active",
                    "intent": "order",
                    "medicationCodeableConcept": {"text": MEDICINES[i]},
                    "subject": {"reference": "urn:uuid:78d3c2eb-009e-4ec8-a358-b042954aa9b2"},
                    "dosageInstruction": [{"text": "as directed"}]
                }
            }
        ]
    })
}

fn write(dir: &Path, name: &str, v: &Value) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

fn people(d: &Path) -> Vec<Value> {
    json(d, &["person", "list"]).as_array().unwrap().clone()
}

fn mei(d: &Path, person: &str) -> String {
    json(d, &["mei", "show", person]).to_string()
}

#[test]
fn five_patients_sharing_a_full_url_are_never_merged_into_one_person() {
    let d = tempfile::tempdir().unwrap();
    init_home(d.path());
    let files = tempfile::tempdir().unwrap();
    for i in 0..5 {
        write(files.path(), &format!("prescription-{i}.json"), &bundle(i));
    }
    let dir = files.path().to_str().unwrap();
    let (code, r) = import(d.path(), &[dir, "--source", "eps", "--service", "home"]);
    assert_eq!(code, 0, "{r}");
    // The first file makes the person; each of the other four is held as a conflict.
    assert_eq!(r["people_added"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["people_updated"].as_array().unwrap().len(), 0, "{r}");
    let conflicts = r["identity_conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 4, "{r}");
    assert!(conflicts[0].as_str().unwrap().contains(NHS[1]), "{r}");
    assert_eq!(r["by_type"]["Patient"]["identity_conflict"], 4, "{r}");
    assert_eq!(
        r["by_type"]["MedicationRequest"]["identity_conflict"], 4,
        "{r}"
    );
    let all = people(d.path());
    assert_eq!(all.len(), 1);
    let person = all[0]["person"]["id"].as_str().unwrap().to_string();
    assert_eq!(all[0]["person"]["nhs_number"], NHS[0]);
    assert_eq!(all[0]["person"]["family_name"], "Penrose");
    // Only Alice's medicine is Alice's; nothing of the other four reached her sections.
    let shown = mei(d.path(), &person);
    assert!(shown.contains("Morphine"), "{shown}");
    for m in &MEDICINES[1..] {
        let word = m.split(' ').next().unwrap();
        assert!(
            !shown.contains(word),
            "{word} reached the wrong person: {shown}"
        );
    }
    // Importing the same files again appends nothing and holds nothing twice.
    let before = event_count(d.path());
    let (_, again) = import(d.path(), &[dir, "--source", "eps", "--service", "home"]);
    assert_eq!(event_count(d.path()), before, "{again}");

    // The conflicts are listed for a person to resolve.
    let open = json(d.path(), &["identity", "list"]);
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), 4);
    assert!(open.iter().all(|c| c["person"] == person.as_str()));
    let brian = open
        .iter()
        .find(|c| c["detail"].as_str().unwrap().contains(NHS[1]))
        .unwrap();
    let elsie = open
        .iter()
        .find(|c| c["detail"].as_str().unwrap().contains(NHS[4]))
        .unwrap();
    // A reason is required; nothing changes without one.
    let err = fails(
        d.path(),
        &[
            "identity",
            "resolve",
            brian["id"].as_str().unwrap(),
            "--new-person",
            "--reason",
            " ",
        ],
    );
    assert!(err.contains("reason"), "{err}");
    // Brian is a different person: made from the held records, with his medicine only.
    let done = json(
        d.path(),
        &[
            "identity",
            "resolve",
            brian["id"].as_str().unwrap(),
            "--new-person",
            "--reason",
            "Different NHS number and name: the prescription service reuses fullUrls",
        ],
    );
    assert!(
        done["resolution"].as_str().unwrap().contains("new person"),
        "{done}"
    );
    let all = people(d.path());
    assert_eq!(all.len(), 2);
    let b = all
        .iter()
        .find(|p| p["person"]["nhs_number"] == NHS[1])
        .unwrap();
    assert_eq!(b["person"]["family_name"], "Okoro");
    let shown = mei(d.path(), b["person"]["id"].as_str().unwrap());
    assert!(
        shown.contains("Fentanyl") && !shown.contains("Morphine"),
        "{shown}"
    );
    // Elsie's records are rejected: they stay held, reaching nobody, and the decision is kept.
    json(
        d.path(),
        &[
            "identity",
            "resolve",
            elsie["id"].as_str().unwrap(),
            "--reject",
            "--reason",
            "Not someone we support",
        ],
    );
    assert_eq!(people(d.path()).len(), 2);
    let all_conflicts = json(d.path(), &["identity", "list", "--all"]);
    assert_eq!(all_conflicts.as_array().unwrap().len(), 4);
    assert_eq!(
        json(d.path(), &["identity", "list"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A resolved conflict cannot be resolved again.
    let err = fails(
        d.path(),
        &[
            "identity",
            "resolve",
            elsie["id"].as_str().unwrap(),
            "--reject",
            "--reason",
            "again",
        ],
    );
    assert!(err.contains("an open conflict"), "{err}");
    let held = json(d.path(), &["identity", "held"]);
    assert_eq!(held.as_array().unwrap().len(), 8, "{held}");
    lantern(d.path()).arg("verify").assert().success();
}

fn patient(version: &str, updated: &str, street: &str) -> Value {
    json!({
        "resourceType": "Patient",
        "id": "pat-1",
        "meta": {"versionId": version, "lastUpdated": updated},
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": NHS[0]}],
        "name": [{"family": "Penrose", "given": ["Alice"]}],
        "birthDate": "1941-03-12",
        "address": [{"line": [street], "city": "Leeds"}]
    })
}

fn statement(version: &str, updated: &str, status: &str) -> Value {
    json!({
        "resourceType": "MedicationStatement",
        "id": "med-1",
        "meta": {"versionId": version, "lastUpdated": updated},
        "status": status,
        "medicationCodeableConcept": {"text": "Morphine sulfate 10mg/5ml oral solution"},
        "subject": {"reference": "Patient/pat-1"}
    })
}

fn collection(resources: &[Value]) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": resources.iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()
    })
}

#[test]
fn an_older_extract_after_a_newer_one_changes_nothing_and_a_stopped_medicine_stays_stopped() {
    let d = tempfile::tempdir().unwrap();
    init_home(d.path());
    let files = tempfile::tempdir().unwrap();
    let today = write(
        files.path(),
        "today.json",
        &collection(&[
            patient("2", "2026-11-20T09:00:00Z", "2 New Road"),
            statement("2", "2026-11-20T09:00:00Z", "stopped"),
        ]),
    );
    let yesterday = write(
        files.path(),
        "yesterday.json",
        &collection(&[
            patient("1", "2026-11-19T09:00:00Z", "1 Old Street"),
            statement("1", "2026-11-19T09:00:00Z", "active"),
        ]),
    );
    let args = |f: &Path| vec![f.to_str().unwrap().to_string()];
    let run = |f: &Path| {
        let mut a = args(f);
        a.extend(["--source", "ehr", "--service", "home"].map(String::from));
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        import(d.path(), &a)
    };
    let (code, r) = run(&today);
    assert_eq!(code, 0, "{r}");
    let person = people(d.path())[0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!mei(d.path(), &person).contains("Morphine"));
    // Yesterday's extract, imported after today's: both records are older, kept as history.
    let before = event_count(d.path());
    let (code, r) = run(&yesterday);
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["older_than_held"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["by_type"]["Patient"]["older_than_held"], 1, "{r}");
    assert_eq!(r["people_updated"].as_array().unwrap().len(), 0, "{r}");
    assert_eq!(r["sections_changed"], 0, "{r}");
    assert_eq!(
        event_count(d.path()),
        before + 1,
        "one event holds the two records"
    );
    let p = &people(d.path())[0]["person"];
    assert!(p["address"].as_str().unwrap().contains("2 New Road"), "{p}");
    assert!(
        !mei(d.path(), &person).contains("Morphine"),
        "a stopped medicine came back"
    );
    // Again: nothing more is appended (reading the person above was audited, so count anew).
    let before = event_count(d.path());
    run(&yesterday);
    assert_eq!(event_count(d.path()), before);
    let held = json(d.path(), &["identity", "held"]);
    assert!(
        held.to_string().contains("older than the version held"),
        "{held}"
    );

    // A folder holding both versions of each record gives the newest, whichever file comes
    // first, and importing it again appends nothing.
    let d2 = tempfile::tempdir().unwrap();
    init_home(d2.path());
    let both = tempfile::tempdir().unwrap();
    std::fs::copy(&today, both.path().join("a-today.json")).unwrap();
    std::fs::copy(&yesterday, both.path().join("b-yesterday.json")).unwrap();
    let dir = both.path().to_str().unwrap();
    let (code, r) = import(d2.path(), &[dir, "--source", "ehr", "--service", "home"]);
    assert_eq!(code, 0, "{r}");
    let p = &people(d2.path())[0]["person"];
    assert!(p["address"].as_str().unwrap().contains("2 New Road"), "{p}");
    let n = event_count(d2.path());
    import(d2.path(), &[dir, "--source", "ehr", "--service", "home"]);
    assert_eq!(
        event_count(d2.path()),
        n,
        "re-importing a folder of versions appends nothing"
    );
    // One bundle holding both versions of the record: the newest wins there too.
    let d3 = tempfile::tempdir().unwrap();
    init_home(d3.path());
    let one = write(
        files.path(),
        "one.json",
        &collection(&[
            patient("2", "2026-11-20T09:00:00Z", "2 New Road"),
            patient("1", "2026-11-19T09:00:00Z", "1 Old Street"),
        ]),
    );
    let (code, r) = import(
        d3.path(),
        &[
            one.to_str().unwrap(),
            "--source",
            "ehr",
            "--service",
            "home",
        ],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["by_type"]["Patient"]["older_than_held"], 1, "{r}");
    let p = &people(d3.path())[0]["person"];
    assert!(p["address"].as_str().unwrap().contains("2 New Road"), "{p}");
}

#[test]
fn deceased_invalid_nhs_numbers_and_restricted_records_are_kept_flagged_and_handled() {
    let d = crate::support::demo();
    let files = tempfile::tempdir().unwrap();
    let people_in = |nhs: &str, family: &str, extra: Value| {
        let mut p = json!({
            "resourceType": "Patient",
            "id": format!("pat-{family}"),
            "meta": {"lastUpdated": "2026-11-30T10:00:00Z"},
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs}],
            "name": [{"family": family, "given": ["Test"]}],
            "birthDate": "1944-02-02",
            "address": [{"line": ["7 Quiet Close"], "city": "Leeds"}]
        });
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        json!({"resource": p})
    };
    let b = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            people_in("9449306060", "Gone", json!({"deceasedDateTime": "2026-10-03T04:00:00Z"})),
            people_in("1234567890", "Typo", json!({})),
            people_in("9449310394", "Hidden", json!({"meta": {
                "lastUpdated": "2026-11-30T10:00:00Z",
                "security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R", "display": "restricted"}]
            }, "contact": [{
                "relationship": [{"text": "sister"}],
                "name": {"family": "Marsh", "given": ["Olive"]},
                "telecom": [{"system": "phone", "value": "01632 960777"}]
            }]})),
        ]
    });
    let f = write(files.path(), "pds.json", &b);
    let before = json(d.path(), &["dashboard"]);
    let (code, r) = import(
        d.path(),
        &[
            f.to_str().unwrap(),
            "--source",
            "pds",
            "--service",
            "riverside-homecare",
        ],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(r["people_added"].as_array().unwrap().len(), 3, "{r}");
    let deceased = r["deceased"].as_array().unwrap();
    assert_eq!(deceased.len(), 1, "{r}");
    assert!(
        deceased[0]
            .as_str()
            .unwrap()
            .contains("deceased 2026-10-03"),
        "{r}"
    );
    let flagged = r["flagged"].to_string();
    assert!(
        flagged.contains("1234567890") && flagged.contains("restricted"),
        "{r}"
    );
    let all = json(d.path(), &["person", "list"]);
    let find = |family: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|p| p["person"]["family_name"] == family)
            .unwrap()["person"]
            .clone()
    };
    assert_eq!(find("Gone")["deceased"]["on"], "2026-10-03");
    // The invalid number is kept as given, never dropped, and not used as an NHS number.
    assert_eq!(find("Typo")["nhs_number_as_given"], "1234567890");
    assert!(find("Typo")["nhs_number"].is_null());
    // The deceased person leaves the active caseload: the dashboard counts the other two.
    let count = |v: &Value| -> u64 {
        v["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["people"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(count(&json(d.path(), &["dashboard"])), count(&before) + 2);
    // A restricted record's address is shown to managers only.
    let hidden = find("Hidden")["id"].as_str().unwrap().to_string();
    let as_coordinator = json(d.path(), &["--as", "s-lucy-turner", "mei", "show", &hidden]);
    assert!(
        as_coordinator
            .to_string()
            .contains("RESTRICTED RECORD: withheld"),
        "{as_coordinator}"
    );
    assert!(!as_coordinator.to_string().contains("Quiet Close"));
    // Her contacts too (they can say where she is), saying they are withheld, not "none". (The
    // escalation route, confirmed for her care, stays: carers must be able to escalate.)
    let contacts = as_coordinator["person"]["key_contacts"].to_string();
    assert!(
        !contacts.contains("Marsh") && !contacts.contains("960777"),
        "{contacts}"
    );
    assert!(contacts.contains("1 contact(s) withheld"), "{contacts}");
    let as_manager = json(d.path(), &["--as", "s-amara-osei", "mei", "show", &hidden]);
    assert!(
        as_manager.to_string().contains("Quiet Close")
            && as_manager["person"]["key_contacts"]
                .to_string()
                .contains("Marsh"),
        "{as_manager}"
    );
}

#[test]
fn two_records_of_one_person_are_merged_and_unmerged_from_the_command_line() {
    let d = demo();
    let edith = json(d.path(), &["person", "show", "p-edith-marlow"]);
    let dob = edith["person"]["date_of_birth"]
        .as_str()
        .unwrap()
        .to_string();
    json(
        d.path(),
        &[
            "--as",
            "s-amara-osei",
            "person",
            "add",
            "--id",
            "p-edith-2",
            "--given",
            "Edith",
            "--family",
            "Marlow",
            "--dob",
            &dob,
            "--service",
            "riverside-homecare",
        ],
    );
    let dup = json(
        d.path(),
        &[
            "--as",
            "s-amara-osei",
            "person",
            "duplicates",
            "p-edith-marlow",
        ],
    );
    assert_eq!(dup["likely"][0][0], "p-edith-2", "{dup}");
    // A reason is required, and named when missing.
    let out = lantern(d.path())
        .args([
            "--as",
            "s-amara-osei",
            "person",
            "merge",
            "p-edith-marlow",
            "p-edith-2",
            "--reason",
            " ",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reason"));
    let decided = json(
        d.path(),
        &[
            "--as",
            "s-amara-osei",
            "person",
            "merge",
            "p-edith-marlow",
            "p-edith-2",
            "--reason",
            "Entered twice by the office",
        ],
    );
    assert!(
        decided[0]["decision"]
            .as_str()
            .unwrap()
            .contains("was merged into this record"),
        "{decided}"
    );
    let merged = json(d.path(), &["person", "show", "p-edith-2"]);
    assert_eq!(merged["person"]["merged_into"], "p-edith-marlow");
    json(
        d.path(),
        &[
            "--as",
            "s-amara-osei",
            "person",
            "undo-decision",
            "p-edith-2",
            "p-edith-marlow",
            "--reason",
            "Wrong pair",
        ],
    );
    let back = json(d.path(), &["person", "show", "p-edith-2"]);
    assert!(back["person"]["merged_into"].is_null());
    lantern(d.path()).arg("verify").assert().success();
}
