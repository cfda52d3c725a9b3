//! The Printing page: the register of copies in circulation, superseded ones with what changed,
//! printing packs and rotas as PDF downloads, and recording destruction.

use crate::auth::Current;
use crate::error::WebError;
use crate::printing::view::{PrintLine, PrintingPage};
use crate::state::AppState;
use crate::view::{DoneQuery, FormError, Nav, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::core::time::{london, show};
use lantern_app::{App, AppError, SignedIn};
use serde::Deserialize;

fn page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    errors: Vec<FormError>,
) -> Result<PrintingPage, AppError> {
    let prints = app
        .print_status()?
        .into_iter()
        .map(|s| {
            let r = &s.row.record;
            let when = s
                .row
                .printed_at
                .parse::<jiff::Timestamp>()
                .map(show)
                .unwrap_or(s.row.printed_at.clone());
            PrintLine {
                serial: r.serial.clone(),
                version: r.version,
                what: match r.kind {
                    lantern_app::core::print::PrintKind::Pack => "pack".to_string(),
                    lantern_app::core::print::PrintKind::Rota => {
                        format!("rota {}", r.date.clone().unwrap_or_default())
                    }
                },
                service: r.service.to_string(),
                printed: format!("{when} by {}", s.row.printed_by),
                changes: s
                    .changes
                    .iter()
                    .map(|c| match &c.person {
                        Some(p) => format!("{p}: {}", c.what),
                        None => c.what.clone(),
                    })
                    .collect(),
                destroy: if s.expired {
                    format!(
                        "EXPIRED: destroy by {} has passed, destroy it now",
                        s.destroy_by
                    )
                } else {
                    format!("destroy by {}", s.destroy_by)
                },
                expired: s.expired,
            }
        })
        .collect();
    Ok(PrintingPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        prints,
        services: app
            .services()?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect(),
        today: app.now().to_zoned(london()).date().to_string(),
        pack_service: String::new(),
        errors,
    })
}

/// `GET /printing`.
pub async fn page_get(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| page(app, &user, q.flash(), vec![]))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn pdf(serial: &str, bytes: Vec<u8>) -> Response {
    crate::view::download("application/pdf", &format!("{serial}.pdf"), bytes)
}

#[derive(Deserialize)]
pub struct PackForm {
    service: String,
    #[serde(default)]
    reprint: String,
    #[serde(default)]
    break_glass: String,
}

/// `POST /printing/pack`: the PDF, recorded in the register.
pub async fn pack(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<PackForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let reprint = Some(f.reprint.as_str()).filter(|s| !s.is_empty());
            let reason = Some(f.break_glass.as_str()).filter(|s| !s.trim().is_empty());
            match app.print_pack(&user.actor(), &f.service, &[], reprint, reason) {
                Ok(p) => Ok(pdf(&p.record.serial, p.pdf)),
                // Outside the printer's service: ask for the reason, as opening them does.
                Err(e @ AppError::BreakGlassRequired(_)) => {
                    let mut p = page(app, &user, None, vec![FormError::from_app("pack", &e)])?;
                    p.pack_service = f.service.clone();
                    Ok(render_invalid(&p))
                }
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

#[derive(Deserialize)]
pub struct RotaForm {
    service: String,
    date: String,
}

/// `POST /printing/rota`.
pub async fn rota(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<RotaForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            match app.print_rota(&user.actor(), &f.service, &f.date) {
                Ok(p) => Ok(pdf(&p.record.serial, p.pdf)),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&page(
                    app,
                    &user,
                    None,
                    vec![FormError::from_app("rota", &e)],
                )?)),
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

#[derive(Deserialize)]
pub struct DestroyForm {
    #[serde(default)]
    how: String,
}

/// `POST /printing/{serial}/destroyed`.
pub async fn destroyed(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(serial): Path<String>,
    Form(f): Form<DestroyForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            match app.print_destroyed(&user.actor(), &serial, &f.how) {
                Ok(()) => Ok(Redirect::to("/printing?done=destroyed").into_response()),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&page(
                    app,
                    &user,
                    None,
                    vec![FormError::from_app("destroy", &e)],
                )?)),
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}
