//! Rules, accounts and the audit trail.

use crate::admin::view::{AuditPage, NodesPage, UsersPage};
use crate::auth::Current;
use crate::error::WebError;
use crate::readiness::view::{ReadinessCard, RulesPage};
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

/// What a refused or previewed form held, to show again: its fields, the reason, and the
/// preview's person and result.
#[derive(Default)]
struct RulesDraft {
    fields: Option<Vec<(String, String)>>,
    reason: String,
    person: String,
    preview: Option<(ReadinessCard, ReadinessCard)>,
}

fn rules_page(
    app: &App,
    user: &SignedIn,
    handover: Option<&str>,
    flash: Option<String>,
    draft: RulesDraft,
    errors: Vec<FormError>,
) -> Result<RulesPage, AppError> {
    let mut rows = Vec::new();
    for h in ALL_HANDOVERS {
        if let Ok(r) = app.rule_set(h.as_str(), None) {
            rows.push((
                h.to_string(),
                h.words().to_string(),
                r.rule_set.version,
                when(&r.published_at),
                r.reason,
            ));
        }
    }
    let names = app.names(false)?;
    let (mut versions, mut current, mut fields, mut handover_words) =
        (vec![], vec![], vec![], String::new());
    let (mut people, mut dependencies) = (vec![], vec![]);
    if let Some(h) = handover {
        handover_words = lantern_app::core::rules::HandoverPoint::parse(h)?
            .words()
            .to_string();
        let set = app.rule_set(h, None)?;
        current = set
            .rule_set
            .rules
            .iter()
            .map(|r| names.humanise(&r.describe()))
            .collect();
        fields = lantern_app::readiness::rule_form::rules_to_form(&set.rule_set.rules);
        versions = app
            .rule_set_versions(h)?
            .into_iter()
            .map(|r| {
                (
                    r.rule_set.version,
                    when(&r.published_at),
                    format!("{} ({})", r.reason, names.actor(&r.author)),
                )
            })
            .collect();
        if user.staff.role.may_publish_rules() {
            people = app
                .people_lines(&user.actor(), None)?
                .into_iter()
                .map(|(p, _)| {
                    (
                        p.id.to_string(),
                        format!(
                            "{} (born {})",
                            p.display_name(),
                            lantern_app::core::time::show_date(p.date_of_birth)
                        ),
                    )
                })
                .collect();
            people.sort_by(|a: &(String, String), b| a.1.cmp(&b.1));
            dependencies = app
                .dependency_register(&user.actor())?
                .into_iter()
                .map(|d| (d.dependency.id.to_string(), d.dependency.name))
                .collect();
        }
    }
    let fields = draft.fields.unwrap_or(fields);
    let rule_rows = fields
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix("rule")?
                .split_once('_')?
                .0
                .parse::<usize>()
                .ok()
        })
        .max()
        .map_or(0, |n| n + 1)
        + 2;
    Ok(RulesPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        rows,
        handover: handover.map(String::from),
        handover_words,
        versions,
        current,
        can_publish: user.staff.role.may_publish_rules(),
        fields,
        rule_rows,
        reason: draft.reason,
        sections: lantern_app::core::mei::ALL_SECTIONS
            .iter()
            .map(|k| (k.as_str(), k.title()))
            .collect(),
        dependencies,
        people,
        preview_person: draft.person,
        preview: draft.preview,
        errors,
    })
}

/// `GET /rules`.
pub async fn rules(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    match state
        .run(move |app| rules_page(app, &user, None, None, RulesDraft::default(), vec![]))
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
        .run(move |app| rules_page(app, &user, Some(&h), flash, RulesDraft::default(), vec![]))
        .await
    {
        Ok(p) => render(&p),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

/// `POST /rules/{handover}`: the structured form, to preview on a person (`action=preview`) or
/// to publish as the next version.
pub async fn publish(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(h): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let get = |k: &str| crate::view::field(&f, k);
            let (reason, person) = (get("reason"), get("person"));
            let mut draft = RulesDraft {
                fields: Some(f.clone()),
                reason: reason.clone(),
                person: person.clone(),
                preview: None,
            };
            let result = if get("action") == "preview" {
                app.preview_rules(&user.actor(), &h, &f, &person)
                    .map(|(now, with)| {
                        draft.preview =
                            Some((ReadinessCard::from(&now), ReadinessCard::from(&with)));
                        None
                    })
            } else {
                app.publish_rule_set_from_form(&user.actor(), &h, &f, &reason)
                    .map(|_| {
                        Some(Redirect::to(&format!("/rules/{h}?done=published")).into_response())
                    })
            };
            match result {
                Ok(Some(done)) => Ok(done),
                Ok(None) => Ok(render(&rules_page(
                    app,
                    &user,
                    Some(&h),
                    None,
                    draft,
                    vec![],
                )?)),
                Err(e @ (AppError::Invalid(_) | AppError::NotFound { .. })) => {
                    let err = FormError::from_app("rules", &e);
                    let page = rules_page(app, &user, Some(&h), None, draft, vec![err])?;
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

/// Where a read was made, in words.
fn channel_words(channel: &str) -> String {
    match channel {
        "web" => "person page".into(),
        "web:check" => "readiness check page".into(),
        "web:edit" => "section editor".into(),
        "api" => "API".into(),
        "cli" => "command line".into(),
        "evidence" => "evidence pack".into(),
        "export:fhir" => "FHIR export".into(),
        other => other.replace(':', " "),
    }
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
            let names = app.names(true)?;
            app.audit_log(&user.actor(), person, !q.break_glass.is_empty(), 500)
                .map(|rows| AuditPage {
                    nav: Some(Nav::for_user(&user)),
                    rows: rows
                        .into_iter()
                        .map(|a| {
                            let sections: Vec<&str> =
                                a.sections.iter().map(|s| s.title()).collect();
                            (
                                when(&a.recorded_at),
                                names.actor(&a.actor),
                                names.person(&a.person),
                                sections.join(", "),
                                channel_words(&a.channel),
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

fn nodes_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: crate::governance::view::Typed,
) -> Result<NodesPage, AppError> {
    let actor = user.actor();
    let status = app.node_status(&actor)?;
    let lines = app.nodes(&actor)?;
    let name_of = |id: &str| {
        lines
            .iter()
            .find(|n| n.node == id)
            .map(|n| n.name.clone())
            .unwrap_or_else(|| "another node".into())
    };
    let rows = lines
        .iter()
        .map(|n| {
            (
                n.name.clone(),
                n.role.clone(),
                n.enrolled_by
                    .as_deref()
                    .map(name_of)
                    .unwrap_or_else(|| "its own key is the root of trust".into()),
                n.node.clone(),
                n.retired.clone().unwrap_or_else(|| "trusted".into()),
            )
        })
        .collect();
    let retirable = lines
        .iter()
        .filter(|n| n.enrolled_by.is_some() && n.retired.is_none())
        .map(|n| (n.node.clone(), format!("{} ({})", n.name, n.role)))
        .collect();
    let pairs = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    Ok(NodesPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_accounts(),
        roles: pairs(&[
            ("laptop", "On-call laptop"),
            ("office", "Office server"),
            ("hub", "Hub"),
        ]),
        hours: pairs(&[("24", "24 hours"), ("72", "3 days"), ("168", "7 days")]),
        services: app
            .services()?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect(),
        retirable,
        typed,
        holds: format!(
            "This node holds {} events from {} node(s), and the essential information of {}.",
            status.events,
            status.vector.len(),
            app.holding_words()?
        ),
        peers: status.peers.into_iter().map(|p| p.line).collect(),
        rows,
    })
}

/// `GET /admin/nodes`: the trusted nodes and how far behind each peer this node is.
pub async fn nodes(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| nodes_page(app, &user, q.flash(), Default::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /admin/nodes/invite`: the invitation file, downloaded once (administrators).
pub async fn invite_node(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            let field = |n: &str| crate::view::field(&f, n);
            let hours = field("valid_hours").trim().parse::<i64>().map_err(|_| {
                lantern_app::core::FieldError::new(
                    "node invitation",
                    "valid_hours",
                    "24, 72 or 168 hours",
                    field("valid_hours"),
                )
            });
            let made = hours.map_err(AppError::from).and_then(|h| {
                app.invite_node(
                    &user.actor(),
                    &field("name"),
                    &field("role"),
                    &field("peer"),
                    jiff::SignedDuration::from_hours(h.clamp(1, 24 * 14)),
                    &f.iter()
                        .filter(|(k, _)| k == "services")
                        .map(|(_, v)| v.clone())
                        .collect::<Vec<_>>(),
                )
            });
            match made {
                Ok(inv) => {
                    let body = serde_json::to_vec_pretty(&inv)
                        .map_err(|e| AppError::Unreachable(e.to_string()))?;
                    let file: String = inv
                        .name
                        .chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() {
                                c.to_ascii_lowercase()
                            } else {
                                '-'
                            }
                        })
                        .collect();
                    Ok((
                        [
                            (
                                axum::http::header::CONTENT_TYPE,
                                "application/json".to_string(),
                            ),
                            (
                                axum::http::header::CONTENT_DISPOSITION,
                                format!("attachment; filename=\"{file}.invitation\""),
                            ),
                        ],
                        body,
                    )
                        .into_response())
                }
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&nodes_page(
                    app,
                    &user,
                    None,
                    crate::governance::view::Typed::refused("invite", f, &e),
                )?)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /admin/nodes/retire` (administrators).
pub async fn retire_node(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (node, reason) = (
        crate::view::field(&f, "node"),
        crate::view::field(&f, "reason"),
    );
    crate::governance::pages::refusable(
        state,
        cur,
        "retire",
        f,
        move |app, actor| {
            app.retire_node(actor, &node, &reason)?;
            Ok("/admin/nodes?done=retired".into())
        },
        |app, user, typed| Ok(render_invalid(&nodes_page(app, user, None, typed)?)),
    )
    .await
}
