//! The Printing page: packs as PDF downloads, the register, destruction.

use crate::support::Site;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn coordinators_print_packs_and_rotas_and_record_destruction() {
    let site = Site::demo();
    let s = site.login("lucy").await;
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/printing/pack",
            &[("service", "riverside-homecare")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert!(r.body.starts_with("%PDF"));
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/printing/rota",
            &[("service", "riverside-homecare"), ("date", "not a date")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = site
        .page(Some(&s), Method::GET, "/printing", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("print-register") && r.body.contains("current"));
    let serial = r.body.split("PK-").nth(1).unwrap()[..13].to_string();
    let serial = format!("PK-{serial}");
    // Destruction needs to say how; then the copy leaves the register.
    let path = format!("/printing/{serial}/destroyed");
    let r = site
        .page(Some(&s), Method::POST, &path, &[("how", " ")], true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = site
        .page(Some(&s), Method::POST, &path, &[("how", "shredded")], true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = site
        .page(Some(&s), Method::GET, "/printing", &[], false)
        .await;
    assert!(!r.body.contains(&serial));
    // Care workers do not print.
    let w = site.login("emma").await;
    let r = site
        .page(Some(&w), Method::GET, "/printing", &[], false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Issue 14: an on-call manager printing another service's pack is asked for the break-glass
/// reason on the page (nothing printed), and prints once they give it.
#[tokio::test]
async fn printing_another_services_pack_asks_for_the_break_glass_reason() {
    let site = Site::demo();
    let s = site.login("daniel").await;
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/printing/pack",
            &[("service", "maple-court")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"pack-reason\""), "{}", r.body);
    assert!(
        r.body.contains("value=\"maple-court\" selected"),
        "{}",
        r.body
    );
    let r = site
        .page(
            Some(&s),
            Method::POST,
            "/printing/pack",
            &[
                ("service", "maple-court"),
                (
                    "break_glass",
                    "Covering Maple Court tonight: their office is closed",
                ),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with("%PDF"));
}
