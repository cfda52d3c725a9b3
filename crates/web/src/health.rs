//! The node's health where people see it: a banner at the top of every page when the disk is
//! full or nearly, reads are held unrecorded, or the node is a read-only copy; and `/healthz`
//! for monitoring, which says `degraded` with the same reasons.

use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

/// `GET /healthz`: `ok`, or `degraded:` and each problem on its own line (still 200: a node
/// that can show essential information should not be taken out of service by a monitor).
pub async fn healthz(State(state): State<AppState>) -> String {
    let problems = state.health().problems();
    if problems.is_empty() {
        "ok".to_string()
    } else {
        format!("degraded:\n{}\n", problems.join("\n"))
    }
}

/// Where the banner goes: at the top of the page's main content.
const MAIN: &str = "<main class=\"nhsuk-main-wrapper nhsuk-main-wrapper--s\" id=\"main\">";

/// The middleware: pages (HTML) carry the banner while anything is wrong.
pub async fn banner(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return res;
    }
    let problems = state.health().problems();
    if problems.is_empty() {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, 64 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let page = String::from_utf8_lossy(&bytes);
    let mut notice =
        String::from("<div class=\"nhsuk-warning-callout banner\" role=\"alert\" id=\"health\">");
    for p in &problems {
        notice.push_str("<p>");
        notice.push_str(&escape(p));
        notice.push_str("</p>");
    }
    notice.push_str("</div>");
    let page = page.replacen(MAIN, &format!("{MAIN}{notice}"), 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
