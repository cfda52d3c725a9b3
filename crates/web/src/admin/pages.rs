//! Rules, accounts and the audit trail.

use crate::admin::view::{AuditPage, UsersPage};
use crate::auth::Current;
use crate::error::WebError;
use crate::readiness::view::RulesPage;
use crate::state::AppState;
use crate::view::{DoneQuery, FormError, Nav, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::core::rules::ALL_HANDOVERS;
use lantern_app::core::time::show;
use lantern_app::{App, AppError, SignedIn};
use serde::Deserialize;

fn when(s: &str) -> String {
    s.parse::<jiff::Timestamp>()
        .map(show)
        .unwrap_or_else(|_| s.to_string())
}

fn rules_page(
    app: &App,
    user: &SignedIn,
    handover: Option<&str>,
    flash: Option<String>,
    draft: Option<String>,
    errors: Vec<FormError>,
) -> Result<RulesPage, AppError> {
    let mut rows = Vec::new();
    for h in ALL_HANDOVERS {
        if let Ok(r) = app.rule_set(h.as_str(), None) {
            rows.push((
                h.to_string(),
                r.rule_set.version,
                when(&r.published_at),
                r.reason,
            ));
        }
    }
    let (mut versions, mut json) = (vec![], String::new());
    if let Some(h) = handover {
        let current = app.rule_set(h, None)?;
        json = serde_json::to_string_pretty(&current.rule_set.rules).unwrap_or_default();
        versions = app
            .rule_set_versions(h)?
            .into_iter()
            .map(|r| {
                (
                    r.rule_set.version,
                    when(&r.published_at),
                    format!("{} ({})", r.reason, r.author),
                )
            })
            .collect();
    }
    Ok(RulesPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        rows,
        handover: handover.map(String::from),
        versions,
        draft: draft.unwrap_or_else(|| json.clone()),
        json,
        can_publish: user.staff.role.may_publish_rules(),
        errors,
    })
}

/// `GET /rules`.
pub async fn rules(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    match state
        .run(move |app| rules_page(app, &user, None, None, None, vec![]))
        .await
    {
        Ok(p) => render(&p),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

/// `GET /rules/{handover}`.
pub async fn rule_set(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(h): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    let flash = q.flash();
    match state
        .run(move |app| rules_page(app, &user, Some(&h), flash, None, vec![]))
        .await
    {
        Ok(p) => render(&p),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    rules: String,
    #[serde(default)]
    reason: String,
}

/// `POST /rules/{handover}`.
pub async fn publish(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(h): Path<String>,
    Form(f): Form<PublishForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            match app.publish_rule_set(&user.actor(), &h, &f.rules, &f.reason) {
                Ok(_) => Ok(Redirect::to(&format!("/rules/{h}?done=published")).into_response()),
                Err(e @ AppError::Invalid(_)) => {
                    let mut err = FormError::from_app("rules", &e);
                    if err.field != "reason" {
                        err.field = "rules".into();
                        err.message = e.to_string();
                    }
                    let page =
                        rules_page(app, &user, Some(&h), None, Some(f.rules.clone()), vec![err])?;
                    Ok(render_invalid(&page))
                }
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn users_page(
    app: &App,
    user: &SignedIn,
    created: Option<(String, String)>,
    errors: Vec<FormError>,
) -> Result<UsersPage, AppError> {
    let staff = app.staff()?;
    let name = |id: &str| {
        staff
            .iter()
            .find(|s| s.id.as_str() == id)
            .map(|s| (s.name.clone(), s.role.to_string()))
            .unwrap_or_default()
    };
    let rows = app
        .accounts()?
        .into_iter()
        .map(|a| {
            let (n, r) = name(a.staff.as_str());
            (
                a.username.to_string(),
                n,
                r,
                if a.must_change_password {
                    "yes".into()
                } else {
                    "no".into()
                },
            )
        })
        .collect();
    Ok(UsersPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        created,
        rows,
        staff: staff
            .iter()
            .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.role)))
            .collect(),
        errors,
    })
}

/// `GET /admin/users`.
pub async fn users(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    match state
        .run(move |app| users_page(app, &user, None, vec![]))
        .await
    {
        Ok(p) => render(&p),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    staff: String,
}

/// `POST /admin/users`: shows the one-time password once.
pub async fn create_user(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<UserForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            match app.create_account(&user.actor(), &f.username, &f.staff) {
                Ok((account, password)) => Ok(render(&users_page(
                    app,
                    &user,
                    Some((account.username.to_string(), password)),
                    vec![],
                )?)),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&users_page(
                    app,
                    &user,
                    None,
                    vec![FormError::from_app("user", &e)],
                )?)),
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    break_glass: String,
    #[serde(default)]
    person: String,
}

/// `GET /audit`.
pub async fn audit(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| {
            let person = Some(q.person.as_str()).filter(|p| !p.is_empty());
            app.audit_log(&user.actor(), person, !q.break_glass.is_empty(), 500)
                .map(|rows| AuditPage {
                    nav: Some(Nav::for_user(&user)),
                    rows: rows
                        .into_iter()
                        .map(|a| {
                            let sections: Vec<&str> =
                                a.sections.iter().map(|s| s.as_str()).collect();
                            (
                                when(&a.recorded_at),
                                a.actor,
                                a.person,
                                sections.join(", "),
                                a.channel,
                                a.break_glass.unwrap_or_default(),
                            )
                        })
                        .collect(),
                })
        })
        .await;
    match r {
        Ok(p) => render(&p),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}
