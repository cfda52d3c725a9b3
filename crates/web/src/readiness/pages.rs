//! The readiness check flow (S1 through the UI): see the outcome, record the check, record a
//! decision, log calls, confirm missing information, watch restrictions lift.

use crate::auth::Current;
use crate::error::WebError;
use crate::readiness::view::{CheckPage, ReadinessCard, ToConfirm, restriction_lines};
use crate::state::AppState;
use crate::view::{DoneQuery, FormError, Nav, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::core::event::Event;
use lantern_app::core::time::show;
use lantern_app::{App, AppError, CallInput, SignedIn};
use serde::Deserialize;

/// Build the check page for a person and handover point.
pub(crate) fn check_page(
    app: &mut App,
    user: &SignedIn,
    id: &str,
    handover: &str,
    flash: Option<String>,
    errors: Vec<FormError>,
) -> Result<CheckPage, AppError> {
    let actor = user.actor();
    let view = app.person_in_reach(&actor, id, "web:check")?;
    let p = &view.person;
    let now = app.evaluate_readiness(&actor, id, handover)?;
    let last = app.last_readiness(&actor, id, now.handover)?;
    let lifted = last
        .as_ref()
        .map(|l| restriction_lines(&l.restrictions.lifted_in(&now.restrictions)))
        .unwrap_or_default();
    let to_confirm = view
        .sections
        .iter()
        .filter(|s| now.reasons.iter().any(|r| r.section == s.section) && s.record.is_some())
        .map(|s| {
            let content = s.record.as_ref().map(|r| &r.content);
            ToConfirm {
                key: s.section.as_str().to_string(),
                title: s.title.to_string(),
                status: s.status.as_str().to_string(),
                word: s.status.word().to_string(),
                lines: content.map(|c| c.lines()).unwrap_or_default(),
                pending: content
                    .map(lantern_app::core::mei::pending)
                    .unwrap_or_default(),
            }
        })
        .collect();
    let decisions = app
        .decisions(&actor, id)?
        .into_iter()
        .filter_map(|d| match d {
            Event::DecisionRecorded {
                decision,
                rationale,
                outcome_at_decision,
                rule_set_version,
                ..
            } => Some(format!(
                "{decision} — rationale: {rationale} (outcome then {}, rules v{rule_set_version})",
                outcome_at_decision.label()
            )),
            _ => None,
        })
        .collect();
    let calls = app
        .calls(&actor, id)?
        .into_iter()
        .map(|c| {
            let when = c
                .occurred_at
                .parse::<jiff::Timestamp>()
                .map(show)
                .unwrap_or(c.occurred_at.clone());
            format!(
                "{when}: {} {} — {} → {}{}",
                if c.call.direction == lantern_app::core::call::Direction::Outgoing {
                    "called"
                } else {
                    "call from"
                },
                c.call.party,
                c.call.purpose,
                c.call.outcome,
                c.call
                    .reference
                    .as_ref()
                    .map(|r| format!(" (ref {r})"))
                    .unwrap_or_default()
            )
        })
        .collect();
    let role = user.staff.role;
    Ok(CheckPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        kept: Vec::new(),
        kept_for: String::new(),
        flash,
        degraded: {
            let names = app.names(false)?;
            names.list(now.degraded.iter().map(|d| d.as_str()), |n, d| {
                n.dependency(d)
            })
        },
        handover_words: now.handover.words().to_string(),
        person_id: id.to_string(),
        name: p.display_name(),
        handover: now.handover.to_string(),
        previous: last.map(|l| l.outcome.label().to_string()),
        now: ReadinessCard::from(&now),
        lifted,
        to_confirm,
        can_edit: role.may_edit_mei(),
        can_decide: role.may_override_readiness(),
        can_call: role.may_log_calls(),
        draft_decision: String::new(),
        draft_rationale: String::new(),
        decisions,
        calls,
        errors,
    })
}

/// `GET /people/{id}/check/{handover}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, handover)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let (user, pid) = (cur.user.clone(), id.clone());
    match state
        .run(move |app| check_page(app, &user, &pid, &handover, q.flash(), vec![]))
        .await
    {
        Ok(p) => render(&p),
        Err(e) => crate::people::pages::error_or_break_glass(&cur, &id, e),
    }
}

/// `POST /people/{id}/check/{handover}`: record the check.
pub async fn record(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, handover)): Path<(String, String)>,
) -> Response {
    let user = cur.user.clone();
    let (pid, h) = (id.clone(), handover.clone());
    let r = state
        .run(move |app| {
            let actor = user.actor();
            app.check_readiness(&actor, &pid, &h, true)
        })
        .await;
    match r {
        Ok(_) => Redirect::to(&format!("/people/{id}/check/{handover}?done=check")).into_response(),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    handover: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    review_at: String,
}

/// `POST /people/{id}/decisions`.
pub async fn decide(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let actor = user.actor();
            let review = Some(f.review_at.as_str()).filter(|s| !s.trim().is_empty());
            match app.record_decision(&actor, &id, &f.handover, &f.decision, &f.rationale, review) {
                Ok(_) => Ok(Redirect::to(&format!(
                    "/people/{id}/check/{}?done=decision",
                    f.handover
                ))
                .into_response()),
                Err(e @ AppError::Invalid(_)) => {
                    let mut page = check_page(
                        app,
                        &user,
                        &id,
                        &f.handover,
                        None,
                        vec![FormError::from_app("decision", &e)],
                    )?;
                    page.draft_decision = f.decision.clone();
                    page.draft_rationale = f.rationale.clone();
                    Ok(render_invalid(&page))
                }
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

#[derive(Deserialize)]
pub struct CallForm {
    #[serde(default)]
    direction: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    back: String,
}

/// `POST /people/{id}/calls`.
pub async fn log_call(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<CallForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let actor = user.actor();
            let input = CallInput {
                direction: f.direction.clone(),
                party: f.party.clone(),
                number: Some(f.number.clone()),
                at: Some(f.at.clone()),
                purpose: f.purpose.clone(),
                outcome: f.outcome.clone(),
                reference: Some(f.reference.clone()),
            };
            let handover = f
                .back
                .rsplit('/')
                .next()
                .filter(|_| f.back.contains("/check/"))
                .unwrap_or("rapid-start")
                .to_string();
            match app.log_call(&actor, &id, &input) {
                Ok(_) => Ok(
                    Redirect::to(&format!("/people/{id}/check/{handover}?done=call"))
                        .into_response(),
                ),
                Err(e @ AppError::Invalid(_)) => {
                    let mut page = check_page(
                        app,
                        &user,
                        &id,
                        &handover,
                        None,
                        vec![FormError::from_app("call", &e)],
                    )?;
                    // Everything typed is shown again.
                    page.kept_for = "call".into();
                    page.kept = crate::view::pairs(&[
                        ("direction", &f.direction),
                        ("party", &f.party),
                        ("number", &f.number),
                        ("at", &f.at),
                        ("purpose", &f.purpose),
                        ("outcome", &f.outcome),
                        ("reference", &f.reference),
                    ]);
                    Ok(render_invalid(&page))
                }
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}
