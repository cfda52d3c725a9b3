//! Every route × every role: allowed or denied exactly as the policy says.

use crate::support::*;
use axum::http::{Method, StatusCode};
use lantern_app::core::role::Role;
use lantern_web::{Action, allows, route_table};
use std::collections::BTreeSet;

/// A person every role with people access can reach: Riverside, with Northgate evening visits.
const PERSON: &str = "p-0005";

/// Routes that show a person's essential information (or what is read from it): a successful
/// answer must have put a read in the audit trail first — the matrix's "reads are audited" column.
const READS_ESSENTIAL_INFORMATION: [&str; 6] = [
    "/people/{id}",
    "/people/{id}/mei/{section}/edit",
    "/people/{id}/check/{handover}",
    "/api/v1/people/{id}",
    "/api/v1/people/{id}/readiness/{handover}",
    "/export/fhir",
];

/// Reads of `PERSON` in the audit trail.
async fn reads_of_person(site: &Site) -> usize {
    site.state
        .run(|app| {
            app.audit_log(
                &lantern_app::Actor::LocalOperator("matrix".into()),
                Some(PERSON),
                false,
                1_000_000,
            )
            .unwrap()
            .len()
        })
        .await
}

fn fill(path: &str) -> String {
    path.replace("{id}", PERSON)
        .replace("{section}", "mobility")
        .replace("{handover}", "rapid-start")
        .replace("{file}", "lantern.css")
        .replace("{escalation}", "esc-1")
        .replace("{action}", "qi-none")
        .replace("{asset}", "mc-tab-01")
        .replace("{risk}", "r-emar")
        .replace("{supplier}", "medstrack")
        .replace("{partner}", "northgate-care")
        .replace("{shift}", "oc-1")
        .replace("{rule}", "cr-1")
        .replace("{near_miss}", "nm-1")
        .replace("{drill}", "drill-1")
        .replace("{meeting}", "gm-1")
        .replace("{referral}", "ref-4")
        .replace("{how}", "delay")
        .replace("{audit}", "referrals")
        .replace("{document}", "downtime-procedure-maple-court")
}

#[tokio::test]
async fn every_route_for_every_role_is_allowed_or_denied_by_its_policy() {
    let site = Site::demo();
    let table = route_table();
    // No route twice, and every route has a policy (the table cannot hold one without).
    let unique: BTreeSet<_> = table
        .iter()
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    assert_eq!(unique.len(), table.len());
    let mut checked = 0;
    let mut audited_reads = 0;
    for (role_name, user) in ROLES {
        let role = Role::parse(role_name).unwrap();
        let s = site.login(user).await;
        for r in &table {
            // Signing out would end the session the rest of the matrix uses: checked last.
            if r.path.ends_with("/session") && r.method == Method::DELETE || r.path == "/logout" {
                continue;
            }
            let path = fill(r.path);
            let audited = r.method == Method::GET && READS_ESSENTIAL_INFORMATION.contains(&r.path);
            let reads_before = if audited {
                reads_of_person(&site).await
            } else {
                0
            };
            let status = if r.path.starts_with("/api/") {
                let body =
                    matches!(r.method, Method::POST | Method::PUT).then(|| serde_json::json!({}));
                site.api(Some(&s), r.method.clone(), &path, body).await.0
            } else {
                site.page(Some(&s), r.method.clone(), &path, &[], true)
                    .await
                    .status
            };
            let expected = allows(role, r.action);
            if expected && r.action == Action::Public {
                assert_ne!(status, StatusCode::FORBIDDEN, "{} {path}", r.method);
            } else if expected {
                assert!(
                    status != StatusCode::FORBIDDEN
                        && status != StatusCode::UNAUTHORIZED
                        && status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{role_name} should be allowed {} {path} ({:?}) but got {status}",
                    r.method,
                    r.action
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role_name} should be denied {} {path} ({:?})",
                    r.method,
                    r.action
                );
            }
            if audited && status == StatusCode::OK {
                assert!(
                    reads_of_person(&site).await > reads_before,
                    "{role_name}: {} {path} answered without auditing the read",
                    r.method
                );
                audited_reads += 1;
            }
            checked += 1;
        }
    }
    assert!(checked >= 9 * 30, "checked {checked}");
    assert!(
        audited_reads >= 10,
        "audited reads checked: {audited_reads}"
    );
}

#[tokio::test]
async fn signed_out_visitors_reach_only_public_routes() {
    let site = Site::demo();
    for r in route_table() {
        let path = fill(r.path);
        let status = if r.path.starts_with("/api/") {
            site.api(None, r.method.clone(), &path, None).await.0
        } else {
            site.page(None, r.method.clone(), &path, &[], false)
                .await
                .status
        };
        if r.action == Action::Public {
            assert_ne!(status, StatusCode::FORBIDDEN, "{} {path}", r.method);
            assert_ne!(status, StatusCode::SEE_OTHER, "{} {path}", r.method);
        } else if r.path.starts_with("/api/") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {path}", r.method);
        } else {
            assert_eq!(
                status,
                StatusCode::SEE_OTHER,
                "{} {path} should redirect to sign-in",
                r.method
            );
        }
    }
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let site = Site::demo();
    let s = site.login("lucy").await;
    assert_eq!(
        site.page(Some(&s), Method::GET, "/", &[], false)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        site.page(Some(&s), Method::POST, "/logout", &[], true)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        site.page(Some(&s), Method::GET, "/", &[], false)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let a = site.login("lucy").await;
    assert_eq!(
        site.api(Some(&a), Method::DELETE, "/api/v1/session", None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        site.api(Some(&a), Method::GET, "/api/v1/people", None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}
