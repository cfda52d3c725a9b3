//! Sign-in, sign-out, password, dashboard.

use crate::auth::{Current, session_cookie};
use crate::error::WebError;
use crate::home::view::{DashboardPage, LoginPage, PasswordPage};
use crate::state::AppState;
use crate::view::{FormError, Nav, render, render_invalid, render_status};
use axum::Extension;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::core::readiness::Outcome;
use lantern_app::core::time::london;
use serde::Deserialize;
use std::net::SocketAddr;

/// `GET /healthz`.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Anything unmatched.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    WebError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such page",
        uri.path().starts_with("/api/"),
    )
    .into_response()
}

/// `GET /login`.
pub async fn login_form() -> Response {
    render(&LoginPage {
        nav: None,
        error: None,
        username: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: throttled per name and per address.
pub async fn login(
    State(state): State<AppState>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(f): Form<LoginForm>,
) -> Response {
    let ip = addr
        .map(|a| a.0.0.ip().to_string())
        .unwrap_or_else(|| "local".into());
    let keys = [
        format!("user:{}", f.username.trim().to_ascii_lowercase()),
        format!("ip:{ip}"),
    ];
    let fail = |msg: &str, status: StatusCode| {
        render_status(
            status,
            &LoginPage {
                nav: None,
                error: Some(msg.to_string()),
                username: f.username.clone(),
            },
        )
    };
    if keys.iter().any(|k| state.throttled(k)) {
        return fail(
            "Too many failed sign-ins: wait 15 minutes, or ask an administrator.",
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let (u, p) = (f.username.clone(), f.password.clone());
    match state.run(move |app| app.sign_in(&u, &p)).await {
        Ok((token, user)) => {
            keys.iter().for_each(|k| state.succeeded(k));
            let to = if user.account.must_change_password {
                "/account/password"
            } else {
                "/"
            };
            (
                [(header::SET_COOKIE, session_cookie(Some(&token)))],
                Redirect::to(to),
            )
                .into_response()
        }
        Err(e) => {
            keys.iter().for_each(|k| state.failed(k));
            fail(&e.to_string(), StatusCode::UNAUTHORIZED)
        }
    }
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let token = cur.token.clone();
    let _ = state.run(move |app| app.sign_out(&token)).await;
    (
        [(header::SET_COOKIE, session_cookie(None))],
        Redirect::to("/login"),
    )
        .into_response()
}

fn password_page(cur: &Current, done: bool, errors: Vec<FormError>) -> PasswordPage {
    PasswordPage {
        nav: Some(Nav::for_user(&cur.user)),
        csrf: cur.user.csrf.clone(),
        must_change: cur.user.account.must_change_password && !done,
        done,
        errors,
    }
}

/// `GET /account/password`.
pub async fn password_form(Extension(cur): Extension<Current>) -> Response {
    render(&password_page(&cur, false, vec![]))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<PasswordForm>,
) -> Response {
    let (user, token) = (cur.user.clone(), cur.token.clone());
    match state
        .run(move |app| app.change_password(&user, &token, &f.current, &f.new, &f.confirm))
        .await
    {
        Ok(()) => render(&password_page(&cur, true, vec![])),
        Err(e) => render_invalid(&password_page(
            &cur,
            false,
            vec![FormError::from_app("password", &e)],
        )),
    }
}

/// `GET /`: readiness by service, people needing attention, today's high-priority visits, and
/// the degraded-dependency banner. Everything is limited to the user's scope.
pub async fn dashboard(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    let cache = state.clone();
    let result = state
        .run(move |app| -> Result<DashboardPage, lantern_app::AppError> {
            let actor = user.actor();
            let scope = app.scope(&actor)?;
            let key = format!("{scope:?}");
            let version = app.data_version()?;
            let minute = app.now().as_second().div_euclid(60);
            let with_nav = |mut page: DashboardPage| {
                page.nav = Some(Nav::for_user(&user));
                if !user.staff.role.may_view_disruptions() {
                    page.disruptions.clear();
                }
                page
            };
            if let Some(page) = cache.dashboards().get(&key, version, minute) {
                return Ok(with_nav(page));
            }
            // One request per scope rebuilds; while it does, others get the same data from the
            // previous minute (statuses at most two minutes old), or wait if there is none.
            let lock = cache.dashboard_lock(&key);
            let _guard = match lock.try_lock() {
                Ok(g) => g,
                Err(_) => {
                    if let Some((m, page)) = cache.dashboards().get_of_version(&key, version)
                        && minute - m <= 1
                    {
                        return Ok(with_nav(page));
                    }
                    lock.lock().unwrap_or_else(|p| p.into_inner())
                }
            };
            if let Some(page) = cache.dashboards().get(&key, version, minute) {
                return Ok(with_nav(page));
            }
            let page = build_dashboard(app, &user, &scope)?;
            cache.dashboards().put(key, version, minute, page.clone());
            Ok(with_nav(page))
        })
        .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

fn build_dashboard(
    app: &lantern_app::App,
    user: &lantern_app::SignedIn,
    scope: &lantern_app::Scope,
) -> Result<DashboardPage, lantern_app::AppError> {
    let show_people = !matches!(scope, lantern_app::Scope::Nothing);
    let org = app.org_name()?.unwrap_or_default();
    let degraded: Vec<String> = app.degraded()?.into_iter().map(|d| d.to_string()).collect();
    let disruptions = app
        .open_disruptions()?
        .into_iter()
        .map(|v| {
            let drill = if v.is_drill() { "DRILL: " } else { "" };
            let title = format!("{drill}{}", v.title());
            (v.id.to_string(), v.stage.as_str().to_uppercase(), title)
        })
        .collect();
    let mut page = DashboardPage {
        nav: Some(Nav::for_user(user)),
        org,
        degraded,
        disruptions,
        show_people,
        services: vec![],
        attention: vec![],
        attention_total: 0,
        visits: vec![],
        visits_total: 0,
    };
    if !show_people {
        return Ok(page);
    }
    let caseload = app.caseload_readiness("routine-visit")?;
    let states = app.section_states_in_reach(&user.actor())?;
    let services = app.services()?;
    for s in &services {
        let mut row = (s.name.clone(), 0, 0, 0, 0);
        for (_, r) in caseload
            .iter()
            .filter(|(p, _)| p.service == s.id && scope.includes(p))
        {
            row.1 += 1;
            match r.outcome {
                Outcome::Go => row.2 += 1,
                Outcome::GoWithRestrictions => row.3 += 1,
                Outcome::DoNotStart => row.4 += 1,
            }
        }
        if row.1 > 0 {
            page.services.push(row);
        }
    }
    let service_name = |id: &str| {
        services
            .iter()
            .find(|s| s.id.as_str() == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    for (p, _) in caseload.iter().filter(|(p, _)| scope.includes(p)) {
        let held = states.get(&p.id);
        let mut issues = Vec::new();
        for k in lantern_app::core::mei::ALL_SECTIONS {
            let st = held
                .and_then(|h| h.iter().find(|s| s.kind == k))
                .map(|s| s.status);
            match st {
                None => issues.push(format!("{} MISSING", k.title())),
                Some(lantern_app::core::mei::SectionStatus::Confirmed) => {}
                Some(s) => issues.push(format!(
                    "{} {}",
                    k.title(),
                    crate::people::view::status_word(s)
                )),
            }
        }
        if !issues.is_empty() {
            page.attention_total += 1;
            if page.attention.len() < 50 {
                page.attention.push((
                    p.id.to_string(),
                    p.display_name(),
                    service_name(p.service.as_str()),
                    issues.join("; "),
                ));
            }
        }
    }
    let today = app.now().to_zoned(london()).date();
    let start = today
        .to_zoned(london())
        .map(|z| z.timestamp())
        .unwrap_or(app.now());
    let end = today
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(london()).ok())
        .map(|z| z.timestamp())
        .unwrap_or(app.now());
    let people: std::collections::HashMap<_, _> =
        caseload.iter().map(|(p, _)| (p.id.clone(), p)).collect();
    for v in app.visits_in_reach(&user.actor(), start, end)? {
        let Some(p) = people.get(&v.person) else {
            continue;
        };
        if !v.is_high_priority() || !scope.includes(p) {
            continue;
        }
        page.visits_total += 1;
        if page.visits.len() >= 100 {
            continue;
        }
        let prios: Vec<String> = v
            .priorities
            .iter()
            .map(|x| format!("! {}", x.label()))
            .collect();
        page.visits.push((
            v.start.to_zoned(london()).strftime("%H:%M").to_string(),
            p.id.to_string(),
            p.display_name(),
            v.carers
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            prios.join(", "),
        ));
    }
    Ok(page)
}
