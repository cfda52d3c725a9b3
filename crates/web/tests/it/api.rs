//! The JSON API: OpenAPI matches the routes, S1 end to end, one error shape.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn the_openapi_document_matches_the_routes() {
    let site = Site::demo();
    let (st, doc) = site
        .api(None, Method::GET, "/api/v1/openapi.json", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), p.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = lantern_web::route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(documented, routed);
    for (_, ops) in doc["paths"].as_object().unwrap() {
        for (_, op) in ops.as_object().unwrap() {
            assert!(
                !op["summary"].as_str().unwrap().is_empty(),
                "every operation has a summary"
            );
            // Every answer is described by the Rust type it is made from.
            let answer = &op["responses"]["200"]["content"]["application/json"]["schema"];
            assert!(
                answer.get("$ref").is_some() || answer.get("type").is_some(),
                "every operation's answer has a schema: {op}"
            );
            if let Some(r) = answer["$ref"].as_str() {
                let name = r.trim_start_matches("#/components/schemas/");
                assert!(
                    doc["components"]["schemas"][name].is_object(),
                    "{r} is defined"
                );
            }
        }
    }
    // Request bodies are the types the handlers read: a call's fields, required ones named.
    let call = &doc["paths"]["/api/v1/people/{id}/calls"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["$ref"];
    assert_eq!(call, "#/components/schemas/CallBody");
    let body = &doc["components"]["schemas"]["CallBody"];
    for f in ["direction", "party", "purpose", "outcome"] {
        assert!(
            body["required"].as_array().unwrap().iter().any(|r| r == f),
            "{f} is required: {body}"
        );
    }
    assert_eq!(
        body["additionalProperties"], false,
        "unknown fields are refused"
    );
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (m, op) in ops.as_object().unwrap() {
            // Recording a readiness check is the one write that takes no body.
            if (m == "put" || m == "post") && !path.ends_with("/readiness/{handover}") {
                assert!(
                    op["requestBody"].is_object(),
                    "{m} {path} documents its body"
                );
            }
        }
    }
}

#[tokio::test]
async fn s1_through_the_api() {
    let site = Site::demo();
    let (st, login) = site
        .api(
            None,
            Method::POST,
            "/api/v1/session",
            Some(json!({"username": "amara", "password": lantern_app::admin::demo::DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let s = Session {
        token: login["token"].as_str().unwrap().into(),
        csrf: String::new(),
    };
    let p = "/api/v1/people/p-edith-marlow";
    let (st, check) = site
        .api(
            Some(&s),
            Method::POST,
            &format!("{p}/readiness/rapid-start"),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(check["readiness"]["outcome"], "go_with_restrictions");
    let (st, _) = site
        .api(Some(&s), Method::POST, &format!("{p}/decisions"), Some(json!({"handover": "rapid-start", "decision": "Start with a senior carer", "rationale": "Needed within 24 hours"})))
        .await;
    assert_eq!(st, StatusCode::OK);
    for (party, number) in [
        (
            "Tom Reynolds, Northshire General discharge team",
            "01632 960201",
        ),
        ("Priya Shah, duty social worker", "01632 960101"),
    ] {
        let (st, _) = site
            .api(Some(&s), Method::POST, &format!("{p}/calls"), Some(json!({"direction": "outgoing", "party": party, "number": number, "purpose": "Confirm mobility and safeguarding", "outcome": "Confirmed"})))
            .await;
        assert_eq!(st, StatusCode::OK);
    }
    // The call said "walking frame indoors": confirming the old "walking stick (before
    // admission)" unchanged is refused, naming what it still says; nothing lifts.
    let (st, err) = site
        .api(Some(&s), Method::POST, &format!("{p}/mei/mobility/confirm"), Some(json!({"source": "Northshire General", "method": "phone", "contact": "Tom Reynolds"})))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"]["field"], "still_stands", "{err}");
    assert!(
        err.to_string().contains("walking stick (before admission)"),
        "{err}"
    );
    let (_, check) = site
        .api(
            Some(&s),
            Method::POST,
            &format!("{p}/readiness/rapid-start"),
            None,
        )
        .await;
    assert!(
        check["readiness"]["restrictions"]["paused_tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "manual handling"),
        "{check}"
    );
    // Amended with what was said, the section is confirmed with the new content.
    let (st, set) = site
        .api(Some(&s), Method::PUT, &format!("{p}/mei/mobility"), Some(json!({
            "content": {"aids_indoors": ["walking frame"], "transfers": "Stand-aid with one carer", "falls_risk": "high"},
            "source": "Northshire General", "method": "phone", "contact": "Tom Reynolds"})))
        .await;
    assert_eq!(st, StatusCode::OK, "{set}");
    let (_, check) = site
        .api(
            Some(&s),
            Method::POST,
            &format!("{p}/readiness/rapid-start"),
            None,
        )
        .await;
    assert!(
        check["lifted"]["paused_tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "manual handling")
    );
}

#[tokio::test]
async fn errors_share_one_shape_naming_the_field() {
    let site = Site::demo();
    let (_, login) = site
        .api(
            None,
            Method::POST,
            "/api/v1/session",
            Some(
                json!({"username": "fatima", "password": lantern_app::admin::demo::DEMO_PASSWORD}),
            ),
        )
        .await;
    let s = Session {
        token: login["token"].as_str().unwrap().into(),
        csrf: String::new(),
    };
    let (st, e) = site
        .api(
            Some(&s),
            Method::PUT,
            "/api/v1/people/p-0001/mei/mobility",
            Some(json!({"content": {"falls_risk": "very"}, "source": "x", "method": "in_person"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["kind"], "invalid");
    assert_eq!(e["error"]["field"]["field"], "falls_risk");
    assert_eq!(
        e["error"]["field"]["record"],
        "mobility section of person p-0001"
    );
    let (st, e) = site
        .api(
            None,
            Method::POST,
            "/api/v1/session",
            Some(json!({"username": "fatima", "password": "nope"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(e["error"]["kind"], "unauthenticated");
}
