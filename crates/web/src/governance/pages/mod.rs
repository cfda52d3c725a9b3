//! The governance pages: what is due across the registers (here), and each register in its own
//! file. Shared here: the pickers, and `refusable`, how every register's form is refused with
//! what was typed kept.

use crate::auth::Current;
use crate::error::WebError;
use crate::governance::view::{
    AssetsPage, AssuranceListPage, AssurancePage, DevicePage, GovernancePage, RiskFormPage,
    RiskPage, RisksPage, SupplierFormPage, SupplierPage, SuppliersPage, Typed,
};
use crate::state::AppState;
use crate::view::{DoneQuery, FormError, Nav, field, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::core::asset::{DeviceInput, DeviceKind, DeviceStatus, LogKind};
use lantern_app::core::risk::{
    AssessmentInput, AssessmentKind, ControlInput, ControlKind, RiskInput, RiskStatus,
};
use lantern_app::core::supplier::{Coverage, ExitStepInput, SupplierEventKind, SupplierInput};
use lantern_app::governance::assets::{LogInput, SparesInput};
use lantern_app::governance::risks::ReviewInput;
use lantern_app::governance::suppliers::{ExitPlanInput, SupplierEventInput};
use lantern_app::{App, AppError, SignedIn};

type Pairs = Vec<(String, String)>;

fn choices(app: &App) -> Result<(Pairs, Pairs), AppError> {
    let services = app
        .services()?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    let staff = app
        .staff()?
        .into_iter()
        .filter(|s| s.partner.is_none())
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    Ok((services, staff))
}

fn kinds() -> Pairs {
    DeviceKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.word().to_string()))
        .collect()
}

/// Every value sent under one name (the ticked boxes of a list).
fn all(f: &Pairs, name: &str) -> Vec<String> {
    f.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A form's improvement-action rows (`action0_what`, `action0_owner`, `action0_due`, ...).
fn action_rows(f: &Pairs) -> Vec<lantern_app::core::review::ActionRowInput> {
    (0..ACTION_ROWS)
        .map(|i| lantern_app::core::review::ActionRowInput {
            what: field(f, &format!("action{i}_what")),
            owner: field(f, &format!("action{i}_owner")),
            due: field(f, &format!("action{i}_due")),
        })
        .collect()
}

/// How many improvement-action rows a review, drill or minutes form offers.
pub const ACTION_ROWS: usize = 3;

/// `GET /governance`: everything overdue or due soon across the registers.
pub async fn governance(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<GovernancePage, AppError> {
            let actor = user.actor();
            let due = app.governance_due(&actor)?;
            let counts = app.governance_counts(&actor)?.unwrap_or_default();
            Ok(GovernancePage {
                nav: Some(Nav::for_user(&user)),
                counts,
                due,
            })
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// Run a change: on success go where it says; on bad input show `page` again with what was
/// typed and the error beside its field (422, nothing written); any other error as an error page.
pub(crate) async fn refusable(
    state: AppState,
    cur: Current,
    form: &'static str,
    typed: Pairs,
    f: impl FnOnce(&mut App, &lantern_app::Actor) -> Result<String, AppError> + Send + 'static,
    page: impl FnOnce(&App, &SignedIn, Typed) -> Result<Response, AppError> + Send + 'static,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            match f(app, &user.actor()) {
                Ok(to) => Ok(Redirect::to(&to).into_response()),
                Err(e @ AppError::Invalid(_)) => page(app, &user, Typed::refused(form, typed, &e)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

mod assets;
mod assurance;
mod audits;
mod comms;
mod drills;
mod meetings;
mod near_miss;
mod oncall;
mod plans;
mod referrals;
mod risks;
mod suppliers;
mod training;

pub(crate) use assets::*;
pub(crate) use assurance::*;
pub(crate) use audits::*;
pub(crate) use comms::*;
pub(crate) use drills::*;
pub(crate) use meetings::*;
pub(crate) use near_miss::*;
pub(crate) use oncall::*;
pub(crate) use plans::*;
pub(crate) use referrals::*;
pub(crate) use risks::*;
pub(crate) use suppliers::*;
pub(crate) use training::*;
