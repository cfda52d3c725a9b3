//! The enforcing middleware: finds the route's policy, resolves the session (cookie or bearer
//! token), checks the role, checks CSRF on every state-changing request, and hands the signed-in
//! user to the handler.

use crate::error::WebError;
use crate::policy::{Action, allows};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::SignedIn;

/// The session cookie's name.
pub const COOKIE: &str = "lantern_session";
/// The largest form or JSON body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// The signed-in user, as handlers receive it.
#[derive(Clone)]
pub struct Current {
    /// Who.
    pub user: SignedIn,
    /// The session token (to sign out or change password).
    pub token: String,
}

/// The session token from the cookie or an `Authorization: Bearer` header; the flag says bearer.
pub fn token(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(b) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some((b.trim().to_string(), true));
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| (v.to_string(), false))
}

/// The client's address, as the sign-in throttle counts it ("local" when unknown, as in tests).
pub fn client_ip(
    addr: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
) -> String {
    addr.map(|a| a.0.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// A `Set-Cookie` value for a new session (or an expired one to clear it); `Secure` under TLS.
pub fn session_cookie(token: Option<&str>, tls: bool) -> String {
    let secure = if tls { "; Secure" } else { "" };
    match token {
        Some(t) => format!("{COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// The middleware itself.
pub async fn enforce(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let api = req.uri().path().starts_with("/api/");
    let Some(path) = path else {
        return WebError::new(StatusCode::NOT_FOUND, "not_found", "no such page", api)
            .into_response();
    };
    let method = req.method().clone();
    let Some(action) = crate::route_table::policy_for(&method, &path) else {
        // The path exists but not with this method: 405, saying which methods it has.
        let allowed = crate::route_table::methods_for(&path);
        let allow = allowed
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let mut r = WebError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not allowed on {path}: use {allow}"),
            api,
        )
        .into_response();
        if let Ok(v) = axum::http::HeaderValue::from_str(&allow) {
            r.headers_mut().insert(header::ALLOW, v);
        }
        return r;
    };
    if action == Action::Public {
        return next.run(req).await;
    }
    // Another node: its signature is checked by the handler over the body it signed. A user's
    // session never reaches these routes (the role check below refuses every role).
    if action == Action::Node && crate::admin::replication::signature(req.headers()).is_some() {
        return next.run(req).await;
    }
    let Some((tok, bearer)) = token(req.headers()) else {
        return unauthenticated(api);
    };
    let t = tok.clone();
    // A live page's own refresh (`hx-headers` on its poller) is not the person's activity.
    let by_person = !req.headers().contains_key("x-lantern-refresh");
    let user = match state.run(move |app| app.session_seen(&t, by_person)).await {
        Ok(Some(u)) => u,
        Ok(None) => return unauthenticated(api),
        Err(e) => return WebError::from_app(e, api).into_response(),
    };
    // A one-time password must be changed before anything else.
    if user.account.must_change_password && action != Action::SignedIn {
        return if api {
            WebError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "change your one-time password first",
                true,
            )
            .into_response()
        } else {
            Redirect::to("/account/password").into_response()
        };
    }
    if !allows(user.staff.role, action) {
        return WebError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("{} ({}) may not do this", user.staff.name, user.staff.role),
            api,
        )
        .into_response();
    }
    let mut req = req;
    if !matches!(method, Method::GET | Method::HEAD) && !bearer {
        // Cookie sessions must prove the request came from our own page: the session's CSRF token
        // in an X-CSRF-Token header (htmx, fetch) or a `_csrf` form field.
        let header_token = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (parts, body) = req.into_parts();
        let upload = matches!(action, Action::Import | Action::Review);
        let limit = if upload { MAX_UPLOAD } else { MAX_BODY };
        let bytes = match to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => {
                return WebError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "invalid",
                    if upload {
                        "the upload is larger than 64 MiB: use the `lantern` command instead"
                    } else {
                        "the request is larger than 1 MiB"
                    },
                    api,
                )
                .into_response();
            }
        };
        let given = header_token
            .or_else(|| form_field(&bytes, "_csrf"))
            .or_else(|| multipart_field(&parts.headers, &bytes, "_csrf"));
        if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), user.csrf.as_bytes())) {
            return WebError::new(StatusCode::FORBIDDEN, "forbidden", "the form has expired or did not come from Lantern (CSRF check failed): reload the page and try again", api)
                .into_response();
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    let writer =
        (!matches!(method, Method::GET | Method::HEAD)).then(|| user.account.username.to_string());
    req.extensions_mut().insert(Current { user, token: tok });
    let res = next.run(req).await;
    // Whoever changed something sees it on their next page, however recently a caseload-wide
    // page was made for others (see `cache`).
    if let Some(who) = writer
        && !res.status().is_client_error()
        && !res.status().is_server_error()
    {
        state.wrote(&who);
    }
    res
}

fn unauthenticated(api: bool) -> Response {
    if api {
        WebError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in first: POST /api/v1/session",
            true,
        )
        .into_response()
    } else {
        Redirect::to("/login").into_response()
    }
}

/// The largest upload (an import file through the web UI).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// A small text field of a `multipart/form-data` body (the CSRF token of an upload form).
fn multipart_field(headers: &axum::http::HeaderMap, body: &[u8], name: &str) -> Option<String> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    if !ct.starts_with("multipart/form-data") {
        return None;
    }
    let boundary = ct.split("boundary=").nth(1)?.trim_matches('"');
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    // The part's header names the field and has no filename; its value ends at the next boundary.
    let header = format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n");
    let start = find(body, header.as_bytes())? + header.len();
    let rest = &body[start..];
    let end = find(rest, format!("\r\n--{boundary}").as_bytes())?;
    String::from_utf8(rest[..end].to_vec()).ok()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
