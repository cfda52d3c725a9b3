//! Referrals from a FHIR ServiceRequest: the document goes through the ordinary import (the
//! person added, the sections that came composed), and the referral names what arrived and from
//! where; a document that is not one referral is refused whole, nothing written.

use crate::support::{demo_at, ok, refused};
use lantern_testkit::fixture;

const NOW: &str = "2026-10-05T08:00:00Z";
const MANAGER: &str = "s-amara-osei";

#[test]
fn a_referral_arrives_as_a_fhir_service_request_with_part_of_the_essential_information() {
    let d = demo_at(NOW);
    let data = d.path();
    let file = fixture("fhir/referrals/rapid-start-referral.json");
    let r = ok(
        data,
        NOW,
        MANAGER,
        &[
            "referral",
            "add",
            "--fhir",
            file.to_str().unwrap(),
            "--from",
            "local_authority",
            "--service",
            "riverside-homecare",
        ],
    );
    assert_eq!(r["name"], "Samira Haddad");
    assert_eq!(r["their_ref"], "NCC-REF-4471");
    assert_eq!(r["label"], "AWAITING START");
    assert_eq!(r["due"], "Tue 6 Oct 2026 09:00");
    assert_eq!(r["received"], "Mon 5 Oct 2026 08:45 by FHIR message");
    assert!(
        r["package"]
            .as_str()
            .unwrap()
            .starts_with("Rapid-start homecare: three calls a day")
    );
    let arrived: Vec<(String, String)> = serde_json::from_value(r["arrived"].clone()).unwrap();
    assert_eq!(
        arrived[1],
        (
            "Medication support".to_string(),
            "arrived from referral-portal (ServiceRequest/ncc-ref-4471)".to_string()
        )
    );
    assert_eq!(
        arrived[2],
        (
            "Mobility and falls".to_string(),
            "did not arrive".to_string()
        )
    );
    // The person's allergy reached their essential information through the import.
    let person = r["person"].as_str().unwrap();
    let mei = ok(data, NOW, MANAGER, &["mei", "show", person]);
    assert!(mei.to_string().contains("Penicillin"), "{mei}");

    // Two referrals in one document: refused whole, nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let mut twin = doc["entry"][1].clone();
    twin["resource"]["id"] = "ncc-ref-4472".into();
    twin["fullUrl"] = "urn:uuid:7d2f0a4e-1b3c-4d5e-8f60-7a8b9c0d1e25".into();
    doc["entry"].as_array_mut().unwrap().push(twin);
    let two = tmp.path().join("two.json");
    std::fs::write(&two, doc.to_string()).unwrap();
    let e = refused(
        data,
        NOW,
        MANAGER,
        &[
            "referral",
            "add",
            "--fhir",
            two.to_str().unwrap(),
            "--from",
            "local_authority",
        ],
    );
    assert!(e.contains("exactly one ServiceRequest"), "{e}");
    // A ServiceRequest with no due time, and none given: refused naming the field, before the
    // import writes anything.
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    doc["entry"][1]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("occurrencePeriod");
    doc["entry"][0]["resource"]["id"] = "ncc-p-4480".into();
    let undated = tmp.path().join("undated.json");
    std::fs::write(&undated, doc.to_string()).unwrap();
    let e = refused(
        data,
        NOW,
        MANAGER,
        &[
            "referral",
            "add",
            "--fhir",
            undated.to_str().unwrap(),
            "--from",
            "local_authority",
        ],
    );
    assert!(e.contains("first_visit_due"), "{e}");
    // A manager of one service cannot bring a referral into another: refused before the import.
    let e = refused(
        data,
        NOW,
        MANAGER,
        &[
            "referral",
            "add",
            "--fhir",
            file.to_str().unwrap(),
            "--from",
            "local_authority",
            "--service",
            "maple-court",
        ],
    );
    assert!(e.contains("field `service`"), "{e}");
    // A coordinator may record referrals but not import: told so.
    let e = refused(
        data,
        NOW,
        "s-lucy-turner",
        &[
            "referral",
            "add",
            "--fhir",
            file.to_str().unwrap(),
            "--from",
            "local_authority",
        ],
    );
    assert!(e.contains("not permitted"), "{e}");
}
