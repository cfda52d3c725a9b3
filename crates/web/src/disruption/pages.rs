//! Running a disruption on the web: the list with the dependency register and declare form, and
//! the console (stage, roles, playbook, escalations with the call to make now, high-priority
//! watch, record forms, timeline). Usable on a phone-sized screen: one column, big buttons.

use crate::auth::Current;
use crate::disruption::view::{
    DisruptionPage, DisruptionsPage, EscalationRow, FieldSpec, RecordForm,
};
use crate::error::WebError;
use crate::state::AppState;
use crate::view::{DoneQuery, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::Actor;
use lantern_app::core::disruption::Duty;
use lantern_app::core::disruption_view::DisruptionView;
use lantern_app::core::downtime::RecordKind;
use lantern_app::core::time::show;
use lantern_app::disruption::downtime::RecordInput;
use lantern_app::disruption::lifecycle::DeclareInput;
use lantern_app::disruption::presenter as present;
use lantern_app::{App, AppError, SignedIn};
use serde::Deserialize;

fn list_page(
    app: &App,
    user: &SignedIn,
    error: Option<String>,
) -> Result<DisruptionsPage, AppError> {
    let actor = user.actor();
    let f = app.disruption_figures(&actor)?;
    let rows = app
        .disruptions(&actor)?
        .into_iter()
        .map(|v| {
            let title = v.title();
            let started = v
                .disruption
                .as_ref()
                .map(|d| d.started_at)
                .or(v.proposal.as_ref().map(|p| p.at))
                .map(show)
                .unwrap_or_default();
            (
                v.id.to_string(),
                v.stage.as_str().to_uppercase(),
                v.is_drill(),
                title,
                started,
            )
        })
        .collect();
    let services: Vec<(String, String)> = app
        .services()?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    let deps = app
        .dependency_register(&actor)?
        .into_iter()
        .map(|d| {
            (
                d.dependency.id.to_string(),
                d.dependency.name.clone(),
                if !d.only_in.is_empty() {
                    let only: Vec<String> = d
                        .only_in
                        .iter()
                        .map(|s| {
                            services
                                .iter()
                                .find(|(id, _)| id == s.as_str())
                                .map_or_else(|| s.to_string(), |(_, n)| n.clone())
                        })
                        .collect();
                    format!("DOWN in {} only", only.join(", "))
                } else if d.degraded {
                    "DOWN".to_string()
                } else {
                    "ok".to_string()
                },
                format!("{:?}", d.dependency.criticality).to_lowercase(),
                format!("{:?}: {}", d.dependency.owner, d.dependency.owner_name),
                d.dependency.fallback.clone(),
                d.probe
                    .map(|p| format!("{:?}: {} ({} in a row)", p.status, p.detail, d.failures))
                    .unwrap_or_else(|| "—".into()),
            )
        })
        .collect();
    Ok(DisruptionsPage {
        nav: Some(crate::view::Nav::for_user(user)),
        csrf: user.csrf.clone(),
        may_run: user.staff.role.may_run_disruption(),
        figures: format!(
            "Real disruptions: {} ({} open), {} hours of downtime, {} records. Drills: {} (not counted). Proposals awaiting confirmation: {}.",
            f.disruptions, f.open, f.downtime_hours, f.records, f.drills, f.proposals
        ),
        rows,
        deps,
        services,
        error,
    })
}

/// `GET /disruptions`.
pub async fn list(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| list_page(app, &user, None))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /disruptions`: declare (dependencies as repeated `dependency` fields).
pub async fn declare(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let user = cur.user.clone();
    let get = |k: &str| crate::view::field(&f, k);
    let input = DeclareInput {
        id: Some(get("id")).filter(|s| !s.is_empty()),
        title: get("title"),
        dependencies: f
            .iter()
            .filter(|(n, _)| n == "dependency")
            .map(|(_, v)| v.clone())
            .collect(),
        severity: get("severity"),
        drill: get("drill") == "on",
        started_at: Some(get("started_at")).filter(|s| !s.is_empty()),
        note: get("note"),
        service: Some(get("service")).filter(|s| !s.is_empty()),
    };
    state
        .run(move |app| -> Result<Response, AppError> {
            match app.declare_disruption(&user.actor(), &input) {
                Ok(v) => Ok(
                    Redirect::to(&format!("/disruptions/{}?done=declared", v.id)).into_response(),
                ),
                Err(e @ AppError::Invalid(_)) => {
                    Ok(render_invalid(&list_page(app, &user, Some(e.to_string()))?))
                }
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn console(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    error: Option<(String, String)>,
    typed: Vec<(String, String)>,
) -> Result<DisruptionPage, AppError> {
    let actor = user.actor();
    let v = app.disruption(&actor, id)?;
    let d = v.disruption.clone();
    let role = user.staff.role;
    let affected = match &d {
        Some(_) => Some(app.affected_people(&v)?.len()),
        None => None,
    };
    let facts = present::facts(&v, affected);
    let escalations = escalation_rows(&v);
    let (board, watch, watch_summary, watch_chart) = watch_rows(app, &actor, id)?;
    // A visit record names one of the window's planned visits: its time, person and state.
    let visit_choices: Vec<(String, String)> = watch
        .iter()
        .map(|w| {
            (
                w.2.clone(),
                format!("{} — {} ({})", w.1, w.3, w.0.to_lowercase()),
            )
        })
        .collect();
    let ladder_choices: Vec<(String, String)> = app
        .ladders(&actor)?
        .into_iter()
        .map(|l| (l.id.to_string(), l.name))
        .collect();
    let (recon_summary, recon, recon_chart) = reconciliation_rows(app, &actor, id)?;
    let review = app
        .review(&actor, id)?
        .map(|(r, at, by)| lantern_app::recovery::review::review_lines(&r, &at, &by))
        .unwrap_or_default();
    let actions = app.qi_lines(&actor, Some(v.id.as_str()))?;
    let comms = app.comms_due(&actor, id)?;
    let rule_choices: Vec<(String, String)> = std::iter::once((String::new(), "None".into()))
        .chain(comms.iter().filter(|c| c.state != "DONE").map(|c| {
            (
                c.rule.clone(),
                format!("{} ({}), by {}", c.who, c.audience, c.due),
            )
        }))
        .collect();
    Ok(DisruptionPage {
        nav: Some(crate::view::Nav::for_user(user)),
        csrf: user.csrf.clone(),
        updated: lantern_app::core::time::show_clock(app.now()),
        people_choices: people_choices(app, &v)?,
        escalation_choices: v
            .escalations
            .iter()
            .filter(|e| present::escalation_state(e) == "RUNNING")
            .map(|e| {
                (
                    e.escalation.id.to_string(),
                    format!("{}: {}", e.escalation.ladder.name, e.escalation.about),
                )
            })
            .collect(),
        instruction_choices: v
            .records
            .iter()
            .filter_map(|r| match &r.record.body {
                lantern_app::core::downtime::RecordBody::Instruction { .. } => Some((
                    r.record.id.to_string(),
                    format!("{} ({})", r.record.body.summary(), show(r.occurred_at)),
                )),
                _ => None,
            })
            .collect(),
        flash,
        id: v.id.to_string(),
        title: d
            .as_ref()
            .map(|d| d.title.clone())
            .unwrap_or_else(|| "Proposed disruption".into()),
        stage: v.stage.as_str().to_uppercase(),
        drill: v.is_drill(),
        facts,
        next_stages: v
            .stage
            .next()
            .iter()
            .filter(|s| {
                **s != lantern_app::core::disruption::Stage::Declared || v.disruption.is_some()
            })
            .map(|s| s.as_str())
            .collect(),
        may_run: role.may_run_disruption(),
        may_record: role.may_record_downtime() && v.stage.accepts_records(),
        may_evidence: role.may_produce_evidence() && v.disruption.is_some(),
        may_review: role.may_review()
            && matches!(
                v.stage,
                lantern_app::core::disruption::Stage::Recovered
                    | lantern_app::core::disruption::Stage::Closed
            ),
        may_audit: role.may_review() && v.disruption.is_some(),
        duties: [Duty::Lead, Duty::Scribe, Duty::OnCall]
            .into_iter()
            .map(|duty| (duty.as_str(), v.holder(duty).unwrap_or("—").to_string()))
            .collect(),
        staff: app
            .staff()?
            .into_iter()
            .filter(|s| s.partner.is_none())
            .map(|s| (s.id.to_string(), s.name))
            .collect(),
        playbook: playbook_rows(&v),
        escalations,
        ladders: ladder_choices.clone(),
        board,
        watch,
        watch_summary,
        watch_chart,
        forms: RecordKind::ALL
            .into_iter()
            .filter(|k| role.may_decide() || !k.needs_decider())
            .map(|k| RecordForm {
                kind: k.as_str(),
                fields: k
                    .fields()
                    .iter()
                    .map(|(name, label, required)| {
                        // Closed lists in words; the planned visits of the window and the
                        // ladders by name, never an identifier to type.
                        let choices: Vec<(String, String)> = match *name {
                            "visit" => visit_choices.clone(),
                            "rule" => rule_choices.clone(),
                            "follow_up_ladder" => {
                                std::iter::once((String::new(), "None".to_string()))
                                    .chain(ladder_choices.iter().cloned())
                                    .collect()
                            }
                            _ => k
                                .choices(name)
                                .iter()
                                .map(|(v, w)| (v.to_string(), w.to_string()))
                                .collect(),
                        };
                        FieldSpec {
                            name,
                            // A picker shows its choices in words: the label's list of values goes.
                            label: if choices.is_empty() {
                                label
                            } else {
                                label.split(" (").next().unwrap_or(label)
                            },
                            required: *required,
                            choices,
                        }
                    })
                    .collect(),
            })
            .collect(),
        records: record_rows(&v),
        timeline: present::timeline(&v)
            .into_iter()
            .map(|t| {
                let late = t
                    .entered
                    .map(|e| format!("entered {e}"))
                    .unwrap_or_default();
                (t.at, t.what, t.by, late)
            })
            .collect(),
        error,
        typed,
        reg18: lantern_app::core::downtime::REG18_PROMPT,
        recon_summary,
        recon_chart,
        recon,
        review,
        actions,
        comms,
    })
}

type Row4 = (String, String, String, String);
type Row5 = (String, String, String, String, String);
/// The watch board, every watched visit, and the summary line.
type WatchRows = (Vec<Row4>, Vec<Row5>, String, String);
/// The reconciliation figures in words, and each record's row.
type ReconRows = (String, Vec<Row5>, String);

/// The console's escalations: each ladder's state, steps and any "Call X on N now" prompt.
fn escalation_rows(v: &DisruptionView) -> Vec<EscalationRow> {
    v.escalations
        .iter()
        .map(|e| {
            let (call_now, tel) = match present::call_now(e) {
                Some((prompt, tel)) => (Some(prompt), tel),
                None => (None, String::new()),
            };
            EscalationRow {
                id: e.escalation.id.to_string(),
                ladder: e.escalation.ladder.name.clone(),
                about: e.escalation.about.clone(),
                state: present::escalation_state(e),
                steps: e.steps.iter().map(present::escalation_step).collect(),
                call_now,
                tel,
            }
        })
        .collect()
}

/// The console's high-priority watch: the board of visits to verify, every visit's state, and
/// the summary line (empty before the disruption is declared).
fn watch_rows(app: &App, actor: &Actor, id: &str) -> Result<WatchRows, AppError> {
    Ok(match app.watch(actor, id) {
        Ok(w) => {
            let board = w
                .board()
                .into_iter()
                .map(|r| {
                    (
                        show(r.visit.start),
                        r.visit.id.to_string(),
                        r.person_name.clone(),
                        r.decisive
                            .iter()
                            .map(|p| p.label())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })
                .collect();
            let rows = w
                .visits
                .iter()
                .map(|r| {
                    (
                        r.state.label().to_string(),
                        show(r.visit.start),
                        r.visit.id.to_string(),
                        r.person_name.clone(),
                        r.detail.clone(),
                    )
                })
                .collect();
            (board, rows, present::watch_summary(&w), w.chart())
        }
        Err(AppError::NotFound { .. }) => (vec![], vec![], String::new(), String::new()),
        Err(e) => return Err(e),
    })
}

/// The console's reconciliation board: its figures in words and each record's state.
fn reconciliation_rows(app: &App, actor: &Actor, id: &str) -> Result<ReconRows, AppError> {
    let recon_board = app.reconciliation(actor, id)?;
    let recon_summary = recon_board.figures.describe();
    let recon = recon_board
        .items
        .iter()
        .map(|i| {
            let detail = i.detail();
            (
                i.entry.record.id.to_string(),
                i.state.as_str().replace('_', " ").to_uppercase(),
                show(i.entry.occurred_at),
                i.entry.record.body.summary(),
                detail,
            )
        })
        .collect();
    Ok((recon_summary, recon, recon_board.figures.chart()))
}

/// The playbook's steps, each with who ticked it and when.
fn playbook_rows(v: &DisruptionView) -> Vec<(usize, String, Option<String>)> {
    v.disruption
        .as_ref()
        .map(|d| {
            d.playbook
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let tick = v
                        .ticks
                        .iter()
                        .find(|t| t.step == i)
                        .map(|t| format!("{} at {}", t.by, show(t.at)));
                    (i + 1, text.clone(), tick)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The records made in this disruption, newest as written.
fn record_rows(v: &DisruptionView) -> Vec<Row5> {
    v.records
        .iter()
        .map(|r| {
            (
                r.record.id.to_string(),
                show(r.occurred_at),
                show(r.recorded_at),
                r.by.clone(),
                format!(
                    "{}{}",
                    r.record.body.summary(),
                    r.record
                        .paper_ref
                        .as_ref()
                        .map(|p| format!(" [paper {p}]"))
                        .unwrap_or_default()
                ),
            )
        })
        .collect()
}

/// The people a record may concern: those the disruption affects, by name with their birth
/// date (two people may share a name).
fn people_choices(app: &App, v: &DisruptionView) -> Result<Vec<(String, String)>, AppError> {
    if v.disruption.is_none() {
        return Ok(Vec::new());
    }
    Ok(crate::view::person_choices(app.affected_people(v)?))
}

/// `GET /disruptions/{id}`.
pub async fn show_page(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| console(app, &user, &id, q.flash(), None, Vec::new()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// Run an action on the console: on success redirect with a confirmation, on bad input show
/// the console again with the error beside the form, nothing written.
pub(crate) async fn act(
    state: AppState,
    cur: Current,
    id: String,
    form: &'static str,
    done: &'static str,
    typed: Vec<(String, String)>,
    f: impl FnOnce(&mut App, &lantern_app::Actor) -> Result<(), AppError> + Send + 'static,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            match f(app, &user.actor()) {
                Ok(()) => {
                    Ok(Redirect::to(&format!("/disruptions/{id}?done={done}")).into_response())
                }
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&console(
                    app,
                    &user,
                    &id,
                    None,
                    Some((form.to_string(), e.to_string())),
                    typed,
                )?)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

#[derive(Deserialize)]
pub struct StageForm {
    to: String,
    #[serde(default)]
    note: String,
}

/// `POST /disruptions/{id}/stage`.
pub async fn stage(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<StageForm>,
) -> Response {
    let i = id.clone();
    let typed = vec![("to".into(), f.to.clone()), ("note".into(), f.note.clone())];
    act(state, cur, id, "stage", "stage", typed, move |app, a| {
        app.change_stage(a, &i, &f.to, &f.note).map(|_| ())
    })
    .await
}

#[derive(Deserialize)]
pub struct DutyForm {
    role: String,
    who: String,
}

/// `POST /disruptions/{id}/duty`.
pub async fn duty(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<DutyForm>,
) -> Response {
    let i = id.clone();
    let typed = vec![
        ("role".into(), f.role.clone()),
        ("who".into(), f.who.clone()),
    ];
    act(state, cur, id, "duty", "duty", typed, move |app, a| {
        app.assign_duty(a, &i, &f.role, &f.who).map(|_| ())
    })
    .await
}

#[derive(Deserialize)]
pub struct TickForm {
    step: usize,
    #[serde(default)]
    note: String,
}

/// `POST /disruptions/{id}/playbook`.
pub async fn tick(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<TickForm>,
) -> Response {
    let i = id.clone();
    let typed = vec![("note".into(), f.note.clone())];
    act(
        state,
        cur,
        id,
        "playbook",
        "ticked",
        typed,
        move |app, a| app.tick_playbook(a, &i, f.step, &f.note).map(|_| ()),
    )
    .await
}

/// Identifiers typed into one field, separated by commas or spaces.
fn ids(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `POST /disruptions/{id}/records`: any kind; the form's fields by name.
pub async fn record(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| Some(crate::view::field(&f, k)).filter(|v| !v.is_empty());
    let kind = get("kind").unwrap_or_default();
    let form: &'static str = RecordKind::parse(&kind).map_or("record", |k| k.as_str());
    let input = RecordInput {
        kind: kind.clone(),
        disruption: Some(id.clone()),
        occurred_at: get("occurred_at"),
        // Picked from the list (one value each) or typed (comma-separated).
        people: f
            .iter()
            .filter(|(n, _)| n == "people")
            .flat_map(|(_, v)| ids(v))
            .collect(),
        paper_ref: get("paper_ref"),
        fulfils: get("fulfils"),
        escalation: get("escalation"),
        fields: RecordKind::parse(&kind)
            .map_or(&[][..], |k| k.fields())
            .iter()
            .filter_map(|(n, _, _)| get(n).map(|v| (n.to_string(), v)))
            .collect(),
    };
    act(state, cur, id, form, "recorded", f, move |app, a| {
        app.record_downtime(a, &input).map(|_| ())
    })
    .await
}

/// `POST /disruptions/{id}/escalations`: start a ladder and take its first steps at once.
pub async fn escalate(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let i = id.clone();
    let (ladder, about) = (
        crate::view::field(&f, "ladder"),
        crate::view::field(&f, "about"),
    );
    let people: Vec<String> = f
        .iter()
        .filter(|(n, _)| n == "people")
        .flat_map(|(_, v)| ids(v))
        .collect();
    act(
        state,
        cur,
        id,
        "escalation",
        "escalation",
        f,
        move |app, a| {
            app.escalate_now(a, Some(&i), &ladder, &about, &people)?;
            Ok(())
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct AckForm {
    note: String,
}

/// `POST /disruptions/{id}/escalations/{escalation}/ack`.
pub async fn ack(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, escalation)): Path<(String, String)>,
    Form(f): Form<AckForm>,
) -> Response {
    let typed = vec![("note".into(), f.note.clone())];
    act(state, cur, id, "ack", "ack", typed, move |app, a| {
        app.acknowledge_escalation(a, &escalation, &f.note)
    })
    .await
}

/// `GET /disruptions/{id}/evidence`: the evidence pack as a tar archive of its folder
/// (`tar xf` it, then `lantern verify-evidence FOLDER`).
pub async fn evidence(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| {
            app.disruption(&user.actor(), &id)?;
            let name = format!("evidence-{id}");
            let scope = lantern_app::recovery::evidence::EvidenceScope::Disruption(id);
            app.evidence_archive(&user.actor(), &scope, &name)
                .map(|bytes| (name, bytes))
        })
        .await;
    match r {
        Ok((name, bytes)) => {
            crate::view::download("application/zip", &format!("{name}.zip"), bytes)
        }
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

/// `POST /disruptions/{id}/reconcile`: the ticked records (`record`, repeated) exported as FHIR or
/// CSV (a download), confirmed entered with `main_ref`, or set aside with `reason`.
/// `POST /disruptions/{id}/reconcile/check`: the no-loss check of a back-entry file (the FHIR or
/// CSV export, as the main system's staff worked from it) uploaded in the browser: every record
/// exported must be in it, whole, field for field. The answer is the console with the result.
pub async fn reconcile_check(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> Response {
    let mut file = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) if name == "file" => file = b.to_vec(),
                    Ok(_) => {}
                    Err(_) => return upload_failed(),
                }
            }
            Ok(None) => break,
            Err(_) => return upload_failed(),
        }
    }
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            if file.is_empty() {
                let msg = "Choose the back-entry file (the FHIR or CSV export) to check.";
                return Ok(render_invalid(&console(
                    app,
                    &user,
                    &id,
                    None,
                    Some(("reconcile-check".into(), msg.into())),
                    vec![],
                )?));
            }
            match app.reconcile_check(&user.actor(), &id, &file) {
                Ok(r) if r.problems.is_empty() => Ok(render(&console(
                    app,
                    &user,
                    &id,
                    Some(format!(
                        "The back-entry file holds every record exported, whole: {} of {}.",
                        r.whole, r.expected
                    )),
                    None,
                    vec![],
                )?)),
                Ok(r) => Ok(render_invalid(&console(
                    app,
                    &user,
                    &id,
                    None,
                    Some((
                        "reconcile-check".into(),
                        format!(
                            "The back-entry file does not hold every record whole ({} of {}): {}",
                            r.whole,
                            r.expected,
                            r.problems.join("; ")
                        ),
                    )),
                    vec![],
                )?)),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&console(
                    app,
                    &user,
                    &id,
                    None,
                    Some(("reconcile-check".into(), e.to_string())),
                    vec![],
                )?)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn upload_failed() -> Response {
    WebError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "invalid",
        "the upload could not be read: try again",
        false,
    )
    .into_response()
}

pub async fn reconcile(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| crate::view::field(&f, k);
    let records: Vec<String> = f
        .iter()
        .filter(|(n, _)| n == "record")
        .map(|(_, v)| v.clone())
        .collect();
    let action = get("action");
    if action == "sheets" {
        let (user, i) = (cur.user.clone(), id.clone());
        let r = state
            .run(move |app| app.reconcile_sheets(&user.actor(), &i).map(|pdf| (i, pdf)))
            .await;
        return match r {
            Ok((i, pdf)) => {
                crate::view::download("application/pdf", &format!("back-entry-{i}.pdf"), pdf)
            }
            Err(e) => WebError::from_app(e, false).into_response(),
        };
    }
    if let Some(format) = action.strip_prefix("export_") {
        let (user, format, i) = (cur.user.clone(), format.to_string(), id.clone());
        let r = state
            .run(move |app| -> Result<Response, AppError> {
                match app.reconcile_export(&user.actor(), &i, &format, &records) {
                    Ok((bytes, name)) => {
                        let mime = if format == "csv" {
                            "text/csv"
                        } else {
                            "application/fhir+json"
                        };
                        Ok(crate::view::download(mime, &name, bytes))
                    }
                    Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&console(
                        app,
                        &user,
                        &i,
                        None,
                        Some(("reconcile".into(), e.to_string())),
                        f,
                    )?)),
                    Err(e) => Err(e),
                }
            })
            .await;
        return r.unwrap_or_else(|e| WebError::from_app(e, false).into_response());
    }
    let settled = match action.as_str() {
        "confirm" => lantern_app::core::reconcile::Settled::Confirmed {
            main_ref: get("main_ref"),
        },
        _ => lantern_app::core::reconcile::Settled::NotApplicable {
            reason: get("reason"),
        },
    };
    let i = id.clone();
    act(
        state,
        cur,
        id,
        "reconcile",
        "reconciled",
        f.clone(),
        move |app, a| app.reconcile_settle(a, &i, &records, settled).map(|_| ()),
    )
    .await
}
