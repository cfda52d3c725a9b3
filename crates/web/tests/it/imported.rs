//! Information taken from other systems shows where it came from and "as of" when.

use crate::support::Site;
use axum::http::{Method, StatusCode};
use lantern_app::{Actor, ImportOptions};
use lantern_testkit::fixture;

#[tokio::test]
async fn the_person_page_shows_imported_facts_with_their_source_and_as_of_time() {
    let site = Site::demo();
    let file = fixture("fhir/bundles/Alfred_Okafor_3b1f6c2e-8d4a-4f7e-9a51-0c2d7e9f1a01.json");
    let report = site
        .state
        .run(move |app| {
            app.import_fhir(
                &Actor::LocalOperator("test".into()),
                &ImportOptions {
                    source: "ehr".into(),
                    service: Some("riverside-homecare".into()),
                    full: false,
                },
                &[file],
                &mut |_, _| {},
            )
        })
        .await
        .unwrap();
    let person = report.people_added[0].clone();
    let s = site.login("amara").await;
    let r = site
        .page(
            Some(&s),
            Method::GET,
            &format!("/people/{person}"),
            &[],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("From other systems"), "{}", r.body);
    assert!(
        r.body.contains("From ehr, as of"),
        "section provenance says as of"
    );
    assert!(
        r.body.contains("[from ehr AllergyIntolerance/"),
        "each fact names its record"
    );
    assert!(
        r.body.contains("kept, not mapped"),
        "claims and encounters are listed as kept"
    );
}

fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----lantern-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    site: &Site,
    s: &crate::support::Session,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> crate::support::Reply {
    let (ct, body) = multipart(fields, file);
    site.send(
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/interop/import")
            .header("cookie", format!("lantern_session={}", s.token))
            .header("content-type", ct)
            .body(axum::body::Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn managers_import_files_through_the_web_and_auditors_may_not_export() {
    let site = Site::demo();
    let s = site.login("amara").await;
    let bundle = std::fs::read(fixture(
        "fhir/bundles/Beatrice_Lowe_7c9e2a14-5b3d-4c8f-b2e6-1d4f8a0b2c02.json",
    ))
    .unwrap();
    let before = site.event_count().await;

    // Without the form's CSRF token: refused, nothing written.
    let r = upload(&site, &s, &[("kind", "fhir")], ("liz.json", &bundle)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(site.event_count().await, before);

    // With it: imported, and the report says what happened per resource type.
    let fields = [
        ("_csrf", s.csrf.as_str()),
        ("kind", "fhir"),
        ("source", "ehr"),
        ("service", "riverside-homecare"),
    ];
    let r = upload(&site, &s, &fields, ("liz.json", &bundle)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("import-report") && r.body.contains("Patient"),
        "{}",
        r.body
    );
    assert!(site.event_count().await > before);

    // A broken file: rejected with the element named, nothing written.
    let broken = std::fs::read(fixture("fhir/broken/bundle-invalid-date.json")).unwrap();
    let mid = site.event_count().await;
    let r = upload(&site, &s, &fields, ("broken.json", &broken)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("birthDate"), "{}", r.body);
    assert_eq!(site.event_count().await, mid);

    // A CSV with a person Lantern does not hold: refused, naming the row.
    let csv_fields = [
        ("_csrf", s.csrf.as_str()),
        ("kind", "medication"),
        ("source", "csv"),
    ];
    let r = upload(
        &site,
        &s,
        &csv_fields,
        ("m.csv", b"person_id,medicine\np-nobody,Insulin\n"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("row 2"), "{}", r.body);

    // Care workers may not import; auditors neither import nor export essential information.
    let worker = site.login("emma").await;
    let r = site
        .page(Some(&worker), Method::GET, "/interop", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let auditor = site.login("peter").await;
    let r = site
        .page(Some(&auditor), Method::GET, "/interop", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = site
        .page(Some(&auditor), Method::GET, "/export/fhir", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

fn prescription(nhs: &str, family: &str, medicine: &str) -> Vec<u8> {
    serde_json::json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:shared-patient", "resource": {
                "resourceType": "Patient", "id": "shared-patient",
                "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs}],
                "name": [{"family": family, "given": ["Pat"]}], "birthDate": "1945-06-06"}},
            {"fullUrl": "urn:uuid:shared-request", "resource": {
                "resourceType": "MedicationRequest", "id": "shared-request",
                "status": "active", "intent": "order",
                "medicationCodeableConcept": {"text": medicine},
                "subject": {"reference": "urn:uuid:shared-patient"}}}
        ]
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn a_manager_resolves_an_identity_conflict_on_the_import_page() {
    let site = Site::demo();
    let s = site.login("amara").await;
    let fields = [
        ("_csrf", s.csrf.as_str()),
        ("kind", "fhir"),
        ("source", "eps"),
        ("service", "riverside-homecare"),
    ];
    let first = prescription("9449306060", "Quinn", "Methotrexate 2.5mg tablets");
    let r = upload(&site, &s, &fields, ("first.json", &first)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The same fullUrls, another person: held, and said so at the top of the report.
    let second = prescription("9449310394", "Rowe", "Fentanyl 25micrograms/hour patches");
    let r = upload(&site, &s, &fields, ("second.json", &second)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Identity conflicts: held"), "{}", r.body);
    assert!(
        r.body.contains("Identity conflicts to resolve (1)"),
        "{}",
        r.body
    );
    let id = r
        .body
        .split("action=\"/interop/identity/")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .unwrap()
        .to_string();
    // No reason: the error is shown beside the form, nothing written.
    let before = site.event_count().await;
    let path = format!("/interop/identity/{id}");
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &path,
            &[("decision", "new-person"), ("reason", "")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Expected why"), "{}", r.body);
    assert_eq!(site.event_count().await, before);
    // A care worker may not resolve it.
    let care = site.login("emma").await;
    let r = site
        .page(
            Some(&care),
            Method::POST,
            &path,
            &[("decision", "reject"), ("reason", "x")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The manager makes a new person; the conflict leaves the page.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            &path,
            &[
                ("decision", "new-person"),
                ("reason", "Different NHS number and surname"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(Some(&s), Method::GET, "/interop", &[], false)
        .await;
    assert!(
        !r.body.contains("Identity conflicts to resolve"),
        "{}",
        r.body
    );
    let r = site
        .page(Some(&s), Method::GET, "/people?q=rowe", &[], false)
        .await;
    assert!(r.body.contains("Pat Rowe"), "{}", r.body);
}

#[tokio::test]
async fn a_likely_duplicate_is_flagged_on_import_and_on_both_person_pages() {
    let site = Site::demo();
    let s = site.login("amara").await;
    let edith = site
        .page(
            Some(&s),
            Method::GET,
            "/api/v1/people/p-edith-marlow",
            &[],
            false,
        )
        .await;
    let dob = edith
        .body
        .split("\"date_of_birth\":\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .unwrap()
        .to_string();
    // The same woman under a hospital's id, with no NHS number to tell them apart.
    let patient = serde_json::json!({
        "resourceType": "Patient", "id": "hosp-771",
        "meta": {"lastUpdated": "2026-11-20T10:00:00Z"},
        "name": [{"family": "Marlow", "given": ["Edith"]}], "birthDate": dob
    })
    .to_string()
    .into_bytes();
    let fields = [
        ("_csrf", s.csrf.as_str()),
        ("kind", "fhir"),
        ("source", "hospital"),
        ("service", "riverside-homecare"),
    ];
    let r = upload(&site, &s, &fields, ("edith.json", &patient)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("likely the same person"), "{}", r.body);
    let r = site
        .page(Some(&s), Method::GET, "/people/p-edith-marlow", &[], false)
        .await;
    assert!(
        r.body
            .contains("Possibly the same person as <a href=\"/people/hospital-hosp-771\">"),
        "{}",
        r.body
    );
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/people/hospital-hosp-771",
            &[],
            false,
        )
        .await;
    assert!(
        r.body.contains("href=\"/people/p-edith-marlow\""),
        "{}",
        r.body
    );

    // A manager decides on the page: a refused decision keeps the reason typed, beside the error.
    assert!(
        r.body
            .contains("action=\"/people/hospital-hosp-771/duplicates\"")
    );
    let path = "/people/p-edith-marlow/duplicates";
    let r = site
        .page(
            Some(&s),
            Method::POST,
            path,
            &[
                ("_csrf", s.csrf.as_str()),
                ("other", "hospital-hosp-771"),
                (
                    "reason",
                    "Same woman: her daughter confirmed the hospital number",
                ),
            ],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("Expected merge, keep_apart or undo."),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("her daughter confirmed the hospital number</textarea>")
    );
    let r = site
        .page(
            Some(&s),
            Method::POST,
            path,
            &[
                ("_csrf", s.csrf.as_str()),
                ("other", "hospital-hosp-771"),
                ("decision", "merge"),
                (
                    "reason",
                    "Same woman: her daughter confirmed the hospital number",
                ),
            ],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(
            Some(&s),
            Method::GET,
            "/people/hospital-hosp-771",
            &[],
            false,
        )
        .await;
    assert!(
        r.body
            .contains("Merged into <a href=\"/people/p-edith-marlow\">Edith Marlow</a>"),
        "{}",
        r.body
    );
    let r = site
        .page(Some(&s), Method::GET, "/people/p-edith-marlow", &[], false)
        .await;
    assert!(!r.body.contains("Possibly the same person"), "{}", r.body);
    assert!(
        r.body
            .contains("was merged into this record, by Amara Osei"),
        "{}",
        r.body
    );
    let r = site
        .page(Some(&s), Method::GET, "/people?q=marlow", &[], false)
        .await;
    assert!(
        r.body.contains("Edith Marlow (merged into Edith Marlow)"),
        "{}",
        r.body
    );
    // A care worker may not decide.
    let worker = site.login("emma").await;
    let r = site
        .page(
            Some(&worker),
            Method::POST,
            path,
            &[
                ("_csrf", worker.csrf.as_str()),
                ("other", "hospital-hosp-771"),
                ("decision", "undo"),
                ("reason", "no"),
            ],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Undone on the page: both records stand apart again, flagged as before.
    let r = site
        .page(
            Some(&s),
            Method::POST,
            path,
            &[
                ("_csrf", s.csrf.as_str()),
                ("other", "hospital-hosp-771"),
                ("decision", "undo"),
                ("reason", "Wrong record: the hospital had two Ediths"),
            ],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = site
        .page(Some(&s), Method::GET, "/people/p-edith-marlow", &[], false)
        .await;
    assert!(r.body.contains("Possibly the same person"), "{}", r.body);
}
