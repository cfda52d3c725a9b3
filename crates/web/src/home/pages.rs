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
use serde::Deserialize;
use std::net::SocketAddr;

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

/// `POST /login`: throttled per account and address, in the database (`App::sign_in_from`).
pub async fn login(
    State(state): State<AppState>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(f): Form<LoginForm>,
) -> Response {
    let ip = crate::auth::client_ip(addr);
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
    let (u, p) = (f.username.clone(), f.password.clone());
    match state.run(move |app| app.sign_in_from(&u, &p, &ip)).await {
        Ok((token, user)) => {
            let to = if user.account.must_change_password {
                "/account/password"
            } else {
                "/"
            };
            (
                [(
                    header::SET_COOKIE,
                    session_cookie(Some(&token), state.tls()),
                )],
                Redirect::to(to),
            )
                .into_response()
        }
        Err(e @ lantern_app::AppError::Throttled(_)) => {
            fail(&format!("{e}."), StatusCode::TOO_MANY_REQUESTS)
        }
        Err(e) => fail(&e.to_string(), StatusCode::UNAUTHORIZED),
    }
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let token = cur.token.clone();
    let _ = state.run(move |app| app.sign_out(&token)).await;
    (
        [(header::SET_COOKIE, session_cookie(None, state.tls()))],
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
            // Roles with the same scope may differ in whether they see disruptions.
            let key = format!(
                "{scope:?}|{}|{}",
                user.staff.role.may_view_disruptions(),
                user.staff.role.may_view_governance()
            );
            let version = app.data_version()?;
            let minute = app.now().as_second().div_euclid(60);
            let mine = cache.last_write(&user.account.username.to_string());
            let with_nav = |mut page: DashboardPage| {
                page.nav = Some(Nav::for_user(&user));
                page
            };
            if let Some(page) = cache.dashboards().get(&key, version, minute).or_else(|| {
                cache
                    .dashboards()
                    .recent(&key, minute, crate::cache::REBUILD_EVERY, mine)
            }) {
                return Ok(with_nav(page));
            }
            // One request per scope rebuilds; while it does, others get the last page made, or
            // wait if there is none.
            let lock = cache.rebuild_lock(&key);
            let _guard = match lock.try_lock() {
                Ok(g) => g,
                Err(_) => {
                    // Another request is rebuilding: the last page made (of this data or the
                    // change before, at most a minute old; its "as of" time says when) rather
                    // than a wait.
                    if let Some(page) = cache.dashboards().latest(&key, minute, mine) {
                        return Ok(with_nav(page));
                    }
                    lock.lock().unwrap_or_else(|p| p.into_inner())
                }
            };
            if let Some(page) = cache.dashboards().get(&key, version, minute) {
                return Ok(with_nav(page));
            }
            let d = app.dashboard(&actor, "routine-visit")?;
            let page = DashboardPage {
                nav: None,
                readiness_chart: d.readiness_chart(),
                d,
                as_of: lantern_app::core::time::show_clock(app.now()),
            };
            cache.dashboards().put(key, version, minute, page.clone());
            Ok(with_nav(page))
        })
        .await;
    match result {
        Ok(page) => render(&page),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}
