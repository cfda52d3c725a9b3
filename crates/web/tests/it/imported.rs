//! Information taken from other systems shows where it came from and "as of" when.

use crate::support::Site;
use axum::http::{Method, StatusCode};
use lantern_app::{Actor, ImportOptions};
use std::path::Path;

#[tokio::test]
async fn the_person_page_shows_imported_facts_with_their_source_and_as_of_time() {
    let site = Site::demo();
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/fhir/synthea/Kermit_Trantow_f1a650a5-737e-4fd7-828e-03c3348b9524.json");
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
