//! Bad input gets an error naming the record, the field and what was expected — and changes nothing.

use crate::support::*;

/// Run a command that must fail, check its message mentions each of `needles`, and that the
/// journal is unchanged.
fn rejected(d: &std::path::Path, args: &[&str], needles: &[&str]) {
    let before = event_count(d);
    let err = fails(d, args);
    for n in needles {
        assert!(
            err.contains(n),
            "lantern {args:?}: expected {n:?} in {err:?}"
        );
    }
    assert_eq!(
        event_count(d),
        before,
        "lantern {args:?} changed the journal"
    );
}

#[test]
fn bad_people_are_refused_and_named() {
    let dir = demo();
    let d = dir.path();
    let add = |extra: &[&'static str]| {
        let mut a = vec![
            "person",
            "add",
            "--id",
            "p-0900",
            "--given",
            "Ann",
            "--family",
            "Test",
            "--service",
            "riverside-homecare",
        ];
        a.extend_from_slice(extra);
        a
    };
    rejected(
        d,
        &add(&["--dob", "1950-01-01", "--nhs", "943 476 5918"]),
        &["person p-0900", "nhs_number", "modulus-11"],
    );
    rejected(
        d,
        &add(&["--dob", "1950-02-30"]),
        &["person p-0900", "date_of_birth", "YYYY-MM-DD"],
    );
    rejected(
        d,
        &add(&["--dob", "2999-01-01"]),
        &["date_of_birth", "between 1890-01-01 and today"],
    );
    rejected(
        d,
        &[
            "person",
            "add",
            "--id",
            "P 900",
            "--given",
            "Ann",
            "--family",
            "Test",
            "--dob",
            "1950-01-01",
            "--service",
            "riverside-homecare",
        ],
        &["field `id`", "identifier"],
    );
    rejected(
        d,
        &[
            "person",
            "add",
            "--id",
            "p-0901",
            "--given",
            "Ann",
            "--family",
            "Test",
            "--dob",
            "1950-01-01",
            "--service",
            "nowhere",
        ],
        &["person p-0901", "service", "an existing service"],
    );
    rejected(
        d,
        &add(&["--dob", "1950-01-01", "--nhs", "9990001200"]),
        &["nhs_number", "p-edith-marlow"],
    );
    // And a good one works.
    json(d, &add(&["--dob", "1950-01-01", "--nhs", "943 476 5919"]));
}

#[test]
fn bad_sections_are_refused_and_named() {
    let dir = demo();
    let d = dir.path();
    let set = |person: &'static str, section: &'static str, content: &'static str| {
        vec![
            "--as",
            "s-fatima-khan",
            "mei",
            "set",
            person,
            section,
            "--content",
            content,
            "--source",
            "test",
            "--method",
            "in_person",
        ]
    };
    rejected(
        d,
        &set("p-0404", "mobility", "{}"),
        &["person p-0404 not found"],
    );
    rejected(
        d,
        &set("p-0001", "hobbies", "{}"),
        &["section", "one of risks, medication"],
    );
    rejected(
        d,
        &set("p-0001", "mobility", r#"{"falls_risk": 3}"#),
        &["mobility section of person p-0001", "falls_risk"],
    );
    rejected(
        d,
        &set("p-0001", "mobility", r#"{"falls_risk": "very"}"#),
        &["falls_risk", "unknown variant"],
    );
    rejected(
        d,
        &set("p-0001", "mobility", r#"{"wheels": 4}"#),
        &["unknown field `wheels`"],
    );
    rejected(
        d,
        &set("p-0001", "mobility", r#"{"aids_indoors": ["frame""#),
        &["mobility section of person p-0001"],
    );
    rejected(
        d,
        &set(
            "p-0001",
            "medication",
            r#"{"support_level":"assist","medicines":[{"name":"X","times":["8am"]}]}"#,
        ),
        &["medicines[0].times[0]", "HH:MM"],
    );
    rejected(
        d,
        &set(
            "p-0001",
            "escalation",
            r#"{"route":[{"name":"A","phone":"call me"}]}"#,
        ),
        &["route[0].phone", "telephone number"],
    );
    rejected(
        d,
        &set("p-0001", "escalation", r#"{"route":[]}"#),
        &["route", "at least one named contact"],
    );
    rejected(
        d,
        &[
            "--as",
            "s-fatima-khan",
            "mei",
            "confirm",
            "p-0001",
            "mobility",
            "--source",
            "x",
            "--method",
            "phone",
        ],
        &["contact", "the name of the person spoken to"],
    );
    rejected(
        d,
        &[
            "--as",
            "s-fatima-khan",
            "mei",
            "confirm",
            "p-0001",
            "mobility",
            "--source",
            "x",
            "--method",
            "in_person",
            "--confirmed-at",
            "yesterday",
        ],
        &["confirmed_at", "2026-11-21"],
    );
    rejected(
        d,
        &[
            "--as",
            "s-fatima-khan",
            "mei",
            "confirm",
            "p-0001",
            "mobility",
            "--source",
            "x",
            "--method",
            "carrier-pigeon",
        ],
        &["method", "one of portal"],
    );
    rejected(
        d,
        &[
            "--as",
            "s-nobody",
            "mei",
            "confirm",
            "p-0001",
            "mobility",
            "--source",
            "x",
            "--method",
            "in_person",
        ],
        &["staff member s-nobody not found"],
    );
    rejected(
        d,
        &[
            "--as",
            "s-peter-grant",
            "mei",
            "confirm",
            "p-0001",
            "mobility",
            "--source",
            "x",
            "--method",
            "in_person",
        ],
        &["may not"],
    );
}

#[test]
fn huge_input_is_refused_without_reading_it_all() {
    let dir = demo();
    let d = dir.path();
    let big = format!(r#"{{"aids_indoors":["{}"]}}"#, "x".repeat(300 * 1024));
    let file = d.join("big.json");
    std::fs::write(&file, big).unwrap();
    rejected(
        d,
        &[
            "--as",
            "s-fatima-khan",
            "mei",
            "set",
            "p-0001",
            "mobility",
            "--file",
            file.to_str().unwrap(),
            "--source",
            "x",
            "--method",
            "in_person",
        ],
        &["content", "at most 262144 bytes"],
    );
}

#[test]
fn json_errors_carry_the_field() {
    let dir = demo();
    let out = lantern(dir.path())
        .args([
            "--json",
            "person",
            "add",
            "--id",
            "p-0902",
            "--given",
            "A",
            "--family",
            "B",
            "--dob",
            "1950-01-01",
            "--service",
            "riverside-homecare",
            "--nhs",
            "123",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let e: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(e["error"]["kind"], "invalid");
    assert_eq!(e["error"]["field"]["field"], "nhs_number");
    assert_eq!(e["error"]["field"]["record"], "person p-0902");
    assert_eq!(e["error"]["field"]["got"], "123");
}

#[test]
fn key_contacts_are_parsed_and_bad_ones_named() {
    let dir = demo();
    let d = dir.path();
    let base = [
        "person",
        "add",
        "--id",
        "p-0903",
        "--given",
        "Ann",
        "--family",
        "Test",
        "--dob",
        "1950-01-01",
    ];
    let mut bad = base.to_vec();
    bad.extend([
        "--service",
        "riverside-homecare",
        "--key-contact",
        "Sam;son;not a number",
    ]);
    rejected(d, &bad, &["person p-0903", "key_contacts[0].phone"]);
    let mut bad = base.to_vec();
    bad.extend([
        "--service",
        "riverside-homecare",
        "--key-contact",
        "Sam only",
    ]);
    rejected(d, &bad, &["key_contacts[0]", "NAME;RELATIONSHIP;PHONE"]);
    let mut good = base.to_vec();
    good.extend([
        "--service",
        "riverside-homecare",
        "--key-contact",
        "Sam Test;son;07700 900777",
    ]);
    let p = json(d, &good);
    assert_eq!(p["key_contacts"][0]["relationship"], "son");
    assert_eq!(p["key_contacts"][0]["phone"], "07700 900777");
}
