//! Import and live sync (registered managers and admins) and FHIR export (and auditors).

use crate::auth::Current;
use crate::error::WebError;
use crate::interop::view::InteropPage;
use crate::state::AppState;
use crate::view::{DoneQuery, FormError, Nav, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::{App, AppError, ImportOptions, ImportReport, SignedIn};
use serde::Deserialize;

fn page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    report: Option<ImportReport>,
    failure: Option<String>,
    errors: Vec<FormError>,
) -> Result<InteropPage, AppError> {
    let deps = app.dependencies()?;
    let mut sources = Vec::new();
    for s in app.sources()? {
        let as_of = app
            .source_high_water(s.id.as_str())?
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map(lantern_app::core::time::show)
            .unwrap_or_else(|| "never pulled".into());
        let status = deps
            .iter()
            .find(|d| d.id == s.id)
            .map(|d| {
                if d.degraded {
                    format!("FAILING: {}", d.note)
                } else {
                    "answering".to_string()
                }
            })
            .unwrap_or_else(|| "answering".into());
        sources.push((s.id.to_string(), s.fhir_base, s.poll_minutes, as_of, status));
    }
    Ok(InteropPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        sources,
        services: app
            .services()?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect(),
        report,
        failure,
        conflicts: app.identity_conflicts(&user.actor(), false)?,
        errors,
    })
}

/// `GET /interop`.
pub async fn page_get(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| page(app, &user, q.flash(), None, None, vec![]))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

#[derive(Deserialize)]
pub struct SourceForm {
    name: String,
    fhir_base: String,
    poll_minutes: String,
    service: String,
}

#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /interop/identity/{id}`: resolve an identity conflict (a new person, or rejected).
pub async fn resolve_identity(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<ResolveForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            match app.resolve_identity_conflict(&user.actor(), &id, &f.decision, &f.reason) {
                Ok(_) => Ok(Redirect::to("/interop?done=identity").into_response()),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&page(
                    app,
                    &user,
                    None,
                    None,
                    None,
                    vec![FormError::from_app(&format!("identity-{id}"), &e)],
                )?)),
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /interop/sources`.
pub async fn add_source(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<SourceForm>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let minutes = f.poll_minutes.trim().parse::<u32>().map_err(|_| {
                lantern_app::core::FieldError::new(
                    format!("source {}", f.name),
                    "poll_minutes",
                    "a whole number of minutes from 1 to 1440",
                    &f.poll_minutes,
                )
            });
            let added = minutes
                .map_err(AppError::from)
                .and_then(|m| app.add_source(&user.actor(), &f.name, &f.fhir_base, m, &f.service));
            match added {
                Ok(_) => Ok(Redirect::to("/interop?done=source").into_response()),
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&page(
                    app,
                    &user,
                    None,
                    None,
                    None,
                    vec![FormError::from_app("source", &e)],
                )?)),
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /interop/sources/{id}/pull`: pull now and show what came across.
pub async fn pull(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let report = app.pull_source(&user.actor(), &id)?;
            let flash = Some(format!(
                "Pulled {} pages from {id}{}.",
                report.pages,
                report
                    .since
                    .as_ref()
                    .map(|s| format!(" (changes since {s})"))
                    .unwrap_or_default()
            ));
            Ok(render(&page(
                app,
                &user,
                flash,
                Some(report.import),
                report.failure,
                vec![],
            )?))
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /interop/import`: an uploaded FHIR JSON or CSV file, all or nothing.
pub async fn upload(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    mut form: Multipart,
) -> Response {
    let (mut kind, mut source, mut service) = (String::new(), String::new(), String::new());
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().map(str::to_string);
                let Ok(bytes) = field.bytes().await else {
                    return bad_upload("the upload was cut short: try again");
                };
                match name.as_str() {
                    "kind" => kind = String::from_utf8_lossy(&bytes).trim().to_string(),
                    "source" => source = String::from_utf8_lossy(&bytes).trim().to_string(),
                    "service" => service = String::from_utf8_lossy(&bytes).trim().to_string(),
                    "file" => {
                        file = Some((file_name.unwrap_or_else(|| "upload".into()), bytes.to_vec()))
                    }
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return bad_upload("the upload could not be read: try again"),
        }
    }
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let invalid = |field: &str, expected: &str, got: &str| {
                AppError::from(lantern_app::core::FieldError::new(
                    "import", field, expected, got,
                ))
            };
            let result = match &file {
                Some((name, bytes)) if !bytes.is_empty() => {
                    let opts = ImportOptions {
                        source: if source.is_empty() {
                            "upload".into()
                        } else {
                            source.clone()
                        },
                        service: Some(service.clone()).filter(|s| !s.is_empty()),
                        full: false,
                    };
                    if kind == "fhir" {
                        app.begin_import(&user.actor(), &opts).and_then(|mut run| {
                            run.document(name, bytes)?;
                            run.finish()
                        })
                    } else {
                        app.import_csv_bytes(&user.actor(), &kind, name, bytes, &opts)
                    }
                }
                _ => Err(invalid("file", "a file to import", "none chosen")),
            };
            match result {
                Ok(report) => {
                    let flash = Some(if report.rejected.is_empty() {
                        format!("Imported: {} events appended.", report.events)
                    } else {
                        "Rejected: nothing from the file was written.".to_string()
                    });
                    let status = if report.rejected.is_empty() {
                        StatusCode::OK
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY
                    };
                    let p = page(app, &user, flash, Some(report), None, vec![])?;
                    Ok(crate::view::render_status(status, &p))
                }
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&page(
                    app,
                    &user,
                    None,
                    None,
                    None,
                    vec![FormError::from_app("import", &e)],
                )?)),
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn bad_upload(msg: &str) -> Response {
    WebError::new(StatusCode::BAD_REQUEST, "invalid", msg, false).into_response()
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    person: String,
}

/// `GET /export/fhir`: records made in Lantern as an R4 Bundle, downloaded.
pub async fn export_fhir(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| {
            let person = Some(q.person.as_str()).filter(|p| !p.is_empty());
            app.export_fhir(&user.actor(), person, None)
        })
        .await;
    match r {
        Ok(bundle) => crate::view::download(
            "application/fhir+json",
            "lantern-export.json",
            serde_json::to_vec_pretty(&bundle).unwrap_or_default(),
        ),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

/// `GET /interop/csv-template/{kind}`: the header row and an example row of a CSV import, as a
/// file to fill in (in Excel, say) and upload on the import form.
pub async fn csv_template(Path(kind): Path<String>) -> Response {
    match lantern_app::csv_template(&kind) {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"lantern-{kind}-template.csv\""),
                ),
            ],
            text,
        )
            .into_response(),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}
