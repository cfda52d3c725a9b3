//! The JSON API for running a disruption: the same use cases as the console and the CLI.

use crate::api::{JsonBody, reply};
use crate::auth::Current;
use crate::state::AppState;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use lantern_app::core::disruption_view::DisruptionView;
use lantern_app::core::ladder::Escalation;
use lantern_app::disruption::downtime::RecordInput;
use lantern_app::disruption::escalation::TickReport;
use lantern_app::disruption::lifecycle::DeclareInput;
use lantern_app::disruption::lifecycle::Figures;
use lantern_app::disruption::watch::VisitState;
use lantern_app::disruption::watch::WatchReport;
use serde::{Deserialize, Serialize};

/// `GET /api/v1/dependencies`: the register with status now.
pub async fn dependencies(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.dependency_register(&user.actor()))
            .await,
    )
}

/// Figures (drills counted apart) and every disruption.
#[derive(Serialize, schemars::JsonSchema)]
pub struct DisruptionList {
    figures: Figures,
    disruptions: Vec<DisruptionView>,
}

/// `GET /api/v1/disruptions`: figures (drills apart) and every disruption.
pub async fn list(State(state): State<AppState>, Extension(cur): Extension<Current>) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let a = user.actor();
                Ok(DisruptionList {
                    figures: app.disruption_figures(&a)?,
                    disruptions: app.disruptions(&a)?,
                })
            })
            .await,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareBody {
    #[serde(default)]
    id: Option<String>,
    title: String,
    dependencies: Vec<String>,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    drill: bool,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    note: String,
    /// Limit it to one service (identifier): its dependencies count as down there only.
    #[serde(default)]
    service: Option<String>,
}

/// `POST /api/v1/disruptions`.
pub async fn declare(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    JsonBody(b): JsonBody<DeclareBody>,
) -> Response {
    let user = cur.user.clone();
    let input = DeclareInput {
        id: b.id,
        title: b.title,
        dependencies: b.dependencies,
        severity: b.severity,
        drill: b.drill,
        started_at: b.started_at,
        note: b.note,
        service: b.service,
    };
    reply(
        state
            .run(move |app| app.declare_disruption(&user.actor(), &input))
            .await,
    )
}

/// `GET /api/v1/disruptions/{id}`: the disruption with its timeline.
pub async fn show(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.disruption(&user.actor(), &id))
            .await,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    to: String,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/disruptions/{id}/stage`.
pub async fn stage(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<StageBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.change_stage(&user.actor(), &id, &b.to, &b.note))
            .await,
    )
}

/// `POST /api/v1/disruptions/{id}/records`: a `RecordInput` (kind, fields, people, occurred_at...).
pub async fn record(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(mut input): JsonBody<RecordInput>,
) -> Response {
    input.disruption = Some(id);
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| app.record_downtime(&user.actor(), &input))
            .await,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateBody {
    ladder: String,
    about: String,
    #[serde(default)]
    people: Vec<String>,
}

/// The escalation started and what its first tick did.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Escalated {
    escalation: Escalation,
    tick: TickReport,
}

/// `POST /api/v1/disruptions/{id}/escalations`: start a ladder; its first steps are taken at once.
pub async fn escalate(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<EscalateBody>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let (e, tick) =
                    app.escalate_now(&user.actor(), Some(&id), &b.ladder, &b.about, &b.people)?;
                Ok(Escalated {
                    escalation: e,
                    tick,
                })
            })
            .await,
    )
}

/// The watch: counts, the visits on the board (by id) and the full report.
#[derive(Serialize, schemars::JsonSchema)]
pub struct WatchAnswer {
    not_yet_verified: usize,
    missed_or_unverified: usize,
    board: Vec<String>,
    report: WatchReport,
}

/// `GET /api/v1/disruptions/{id}/watch`: every planned visit in the window.
pub async fn watch(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    reply(
        state
            .run(move |app| {
                let w = app.watch(&user.actor(), &id)?;
                let board: Vec<String> = w.board().iter().map(|r| r.visit.id.to_string()).collect();
                Ok(WatchAnswer {
                    not_yet_verified: w.count(VisitState::NotYetVerified),
                    missed_or_unverified: w.count(VisitState::MissedOrUnverified),
                    board,
                    report: w,
                })
            })
            .await,
    )
}
