//! People: the list, the person page (audited), break-glass, and changing essential information.

use crate::auth::Current;
use crate::error::WebError;
use crate::people::view::{
    BreakGlassPage, ListedPerson, PeoplePage, PersonPage, PersonRow, SectionCard, SectionEditPage,
};
use crate::readiness::view::ReadinessCard;
use crate::state::AppState;
use crate::view::{DoneQuery, FormError, Nav, field, render, render_invalid, render_status};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::core::mei::SectionKind;
use lantern_app::core::time::show as show_time;
use lantern_app::{App, AppError, PersonView, SectionInput, SignedIn};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    status: String,
    /// Which page of [`PAGE_SIZE`] rows (from 1).
    #[serde(default)]
    page: Option<usize>,
}

/// Rows per page of the people list: the search, the filters and the paging are done here, so
/// a browser never receives ten thousand rows.
pub const PAGE_SIZE: usize = 50;

/// `GET /people`: search by name, ID or NHS number; filter by service and MEI status; a page
/// of [`PAGE_SIZE`] at a time. The rows of a scope and service are built once per data change
/// (and minute, as statuses age) and searched in memory.
pub async fn list(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<ListQuery>,
) -> Response {
    let user = cur.user.clone();
    let cache = state.clone();
    let r = state
        .run(move |app| -> Result<PeoplePage, AppError> {
            let actor = user.actor();
            let services = app.services()?;
            let scope = app.scope(&actor)?;
            let key = format!("{scope:?}|{}", q.service);
            let version = app.data_version()?;
            let minute = app.now().as_second().div_euclid(60);
            let mine = cache.last_write(&user.account.username.to_string());
            let page_of = |listed: std::sync::Arc<Vec<ListedPerson>>| {
                Ok(people_page(&listed, &q, &user, &services))
            };
            let listed = match cache.people_lists().get(&key, version, minute).or_else(|| {
                cache
                    .people_lists()
                    .recent(&key, minute, crate::cache::REBUILD_EVERY, mine)
            }) {
                Some(l) => l,
                None => {
                    // One request per scope rebuilds; the others meanwhile get the rows last
                    // made (at most a minute old, perhaps before the latest change), or wait.
                    let lock = cache.rebuild_lock(&format!("people|{key}"));
                    let stale = cache.people_lists().latest(&key, minute, mine);
                    let _guard = match (lock.try_lock(), stale) {
                        (Err(_), Some(l)) => return page_of(l),
                        (Ok(g), _) => g,
                        (Err(_), None) => lock.lock().unwrap_or_else(|p| p.into_inner()),
                    };
                    match cache.people_lists().get(&key, version, minute) {
                        Some(l) => l,
                        None => {
                            let l = std::sync::Arc::new(listed_people(
                                app, &actor, &q.service, &services,
                            )?);
                            cache.people_lists().put(key, version, minute, l.clone());
                            l
                        }
                    }
                }
            };
            page_of(listed)
        })
        .await;
    match r {
        Ok(p) => render(&p),
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

/// One page of the list: the people matching the search and the status filter, counted in
/// one pass, and only the page's rows copied.
fn people_page(
    listed: &[ListedPerson],
    q: &ListQuery,
    user: &SignedIn,
    services: &[lantern_app::core::org::Service],
) -> PeoplePage {
    let needle = q.q.trim().to_lowercase();
    let digits: String = needle.chars().filter(|c| c.is_ascii_digit()).collect();
    let matching: Vec<&ListedPerson> = listed
        .iter()
        .filter(|l| {
            (needle.is_empty()
                || l.name_lower.contains(&needle)
                || l.row.id.contains(&needle)
                || (digits.len() >= 3 && l.nhs_digits.contains(&digits)))
                && match q.status.as_str() {
                    "" => true,
                    "attention" => l.statuses.iter().any(|s| *s != "confirmed"),
                    st => l.statuses.contains(&st),
                }
        })
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    PeoplePage {
        nav: Some(Nav::for_user(user)),
        rows: matching
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|l| l.row.clone())
            .collect(),
        total,
        page,
        pages,
        q: q.q.clone(),
        service: q.service.clone(),
        status: q.status.clone(),
        services: services
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
    }
}

/// Every person of the list for a scope and service, with what a search matches against.
fn listed_people(
    app: &App,
    actor: &lantern_app::Actor,
    service: &str,
    services: &[lantern_app::core::org::Service],
) -> Result<Vec<ListedPerson>, AppError> {
    use lantern_app::core::mei::SectionStatus;
    let svc = (!service.is_empty()).then_some(service);
    let lines = app.people_lines(actor, svc)?;
    let names: std::collections::HashMap<String, String> = lines
        .iter()
        .map(|(p, _)| (p.id.to_string(), p.display_name()))
        .collect();
    Ok(lines
        .into_iter()
        .map(|(p, statuses)| {
            let name = p.display_name();
            // Out of the caseload, said beside the name rather than hidden.
            let shown = match (&p.merged_into, &p.deceased) {
                (Some(m), _) => format!(
                    "{name} (merged into {})",
                    names
                        .get(m.as_str())
                        .cloned()
                        .unwrap_or_else(|| "another record".into())
                ),
                (None, Some(d)) => format!("{name} ({d})"),
                (None, None) => name.clone(),
            };
            let issues: Vec<String> = statuses
                .iter()
                .filter(|(_, st)| *st != SectionStatus::Confirmed)
                .map(|(k, st)| format!("{} {}", k.title(), st.word()))
                .collect();
            ListedPerson {
                name_lower: name.to_lowercase(),
                nhs_digits: p
                    .nhs_number
                    .as_ref()
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default(),
                statuses: statuses.iter().map(|(_, st)| st.as_str()).collect(),
                row: PersonRow {
                    id: p.id.to_string(),
                    name: shown,
                    born: lantern_app::core::time::show_date(p.date_of_birth),
                    service: services
                        .iter()
                        .find(|s| s.id == p.service)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    issues: if issues.is_empty() {
                        "none".into()
                    } else {
                        issues.join("; ")
                    },
                },
            }
        })
        .collect())
}

/// Build the person page from an audited view.
fn person_page(
    app: &App,
    user: &SignedIn,
    view: PersonView,
    break_glass: Option<String>,
    flash: Option<String>,
    errors: Vec<FormError>,
) -> Result<PersonPage, AppError> {
    let p = &view.person;
    let id = p.id.to_string();
    let readiness = app
        .readiness_for_view(&view)?
        .iter()
        .map(ReadinessCard::from)
        .collect();
    let service = app
        .services()?
        .into_iter()
        .find(|s| s.id == p.service)
        .map(|s| s.name)
        .unwrap_or_default();
    let calls = app
        .calls(&user.actor(), &id)?
        .into_iter()
        .map(|c| {
            let when = c
                .occurred_at
                .parse::<jiff::Timestamp>()
                .map(show_time)
                .unwrap_or(c.occurred_at.clone());
            (
                when,
                c.call.party.clone(),
                c.call.purpose.clone(),
                c.call.outcome.clone(),
            )
        })
        .collect();
    let names = app.names(false)?;
    let history = app
        .person_history_latest(&id, 50)?
        .into_iter()
        .map(|h| {
            let when = h
                .recorded_at
                .parse::<jiff::Timestamp>()
                .map(show_time)
                .unwrap_or(h.recorded_at.clone());
            (
                h.pos,
                when,
                lantern_app::core::event::kind_words(&h.kind),
                names.actor(&h.actor),
            )
        })
        .collect();
    let imported = app
        .source_records_for_person(&id)?
        .into_iter()
        .map(|r| {
            let as_of = r
                .fact_source
                .last_updated
                .map(show_time)
                .unwrap_or_else(|| format!("taken in {}", r.imported_at));
            let mut note = Vec::new();
            if r.missing {
                note.push("no longer in the source (flagged, kept)".to_string());
            }
            if !r.mapped {
                note.push("kept, not mapped".to_string());
            } else if !r.unmapped.is_empty() {
                note.push(format!("kept unmapped: {}", r.unmapped.join(", ")));
            }
            (
                r.source,
                format!("{}/{}", r.resource_type, r.id),
                r.summary,
                as_of,
                note.join("; "),
            )
        })
        .collect();
    let role = user.staff.role;
    let critical = lantern_app::core::mei::critical_summary(
        view.sections
            .iter()
            .filter_map(|s| s.record.as_ref().map(|r| &r.content)),
    );
    Ok(PersonPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        critical,
        back: format!("/people/{id}"),
        flash,
        break_glass,
        name: p.display_name(),
        dob: p.date_of_birth.strftime("%-d %B %Y").to_string(),
        nhs: p.nhs_shown(),
        service,
        address: p.address.clone(),
        access_note: p.access_note.clone(),
        deceased: p.deceased.as_ref().map(|d| d.to_string()),
        nhs_as_given: p.nhs_number_as_given.clone(),
        restricted: p.restricted,
        likely_duplicates: app.likely_duplicates_of(&user.actor(), p.id.as_str())?,
        duplicate_decisions: app.duplicate_decisions(&user.actor(), p.id.as_str())?,
        merged_into: p.merged_into.as_ref().map(|m| {
            let name = app
                .name_in_reach(&user.actor(), m.as_str())
                .unwrap_or_else(|| "a record outside your service".into());
            (m.to_string(), name)
        }),
        can_decide_duplicates: role.may_import(),
        duplicate_reason: String::new(),
        readiness,
        can_check: role.may_check_readiness(),
        can_edit: role.may_edit_mei(),
        sections: view
            .sections
            .iter()
            .map(|v| SectionCard::from_view(v, &names))
            .collect(),
        calls,
        imported,
        history,
        errors,
        person_id: id,
    })
}

/// `GET /people/{id}`: every view is recorded in the audit trail.
pub async fn show(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    open(state, cur, id, None, q.flash()).await
}

async fn open(
    state: AppState,
    cur: Current,
    id: String,
    reason: Option<String>,
    flash: Option<String>,
) -> Response {
    let user = cur.user.clone();
    let pid = id.clone();
    let cache = state.clone();
    let r = async {
        let (page, audit) = state
            .run(move |app| -> Result<_, AppError> {
                let mut audit =
                    Some(app.authorize_view(&user.actor(), &pid, "web", reason.as_deref())?);
                if reason.is_some() {
                    // Breaking glass is rare: its reason is made durable before anything of the
                    // person is put together, and what follows reads as its continuation.
                    app.append_prepared(audit.take().into_iter().collect())?;
                }
                // The page's content depends only on the data, the minute (staleness) and what
                // the role may do; the viewer's own parts are filled in after.
                let version = app.data_version()?;
                let minute = app.now().as_second().div_euclid(60);
                let key = format!("{pid}|{}", user.staff.role);
                let mut page = match cache.person_pages().get(&key, version, minute) {
                    Some(p) => p,
                    None => {
                        let view = app.show_person_in_reach(&user.actor(), &pid)?;
                        let p = person_page(app, &user, view, None, None, vec![])?;
                        cache.person_pages().put(key, version, minute, p.clone());
                        p
                    }
                };
                page.nav = Some(Nav::for_user(&user));
                page.csrf = user.csrf.clone();
                // Who else this may be depends on the viewer's scope, not only their role.
                page.likely_duplicates = app.likely_duplicates_of(&user.actor(), &pid)?;
                page.duplicate_decisions = app.duplicate_decisions(&user.actor(), &pid)?;
                page.break_glass = reason;
                page.flash = flash;
                Ok((page, audit))
            })
            .await?;
        // The page is shown only once the read is in the journal.
        if let Some(audit) = audit {
            state.record_audit(audit).await?;
        }
        Ok::<_, AppError>(page)
    }
    .await;
    match r {
        Ok(p) => render(&p),
        Err(e) => error_or_break_glass(&cur, &id, e),
    }
}

/// An error for a page about a person: a person outside the user's service whom they may open
/// gets the break-glass form (a reason, then the person), anything else the error page.
pub(crate) fn error_or_break_glass(cur: &Current, id: &str, e: AppError) -> Response {
    match e {
        AppError::BreakGlassRequired(f) => {
            let page = BreakGlassPage {
                nav: Some(Nav::for_user(&cur.user)),
                csrf: cur.user.csrf.clone(),
                person_id: id.to_string(),
                reason: f.got.clone(),
                error: (!f.got.is_empty()).then(|| format!("Expected {}.", f.expected)),
            };
            render_status(StatusCode::FORBIDDEN, &page)
        }
        e => WebError::from_app(e, false).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// `POST /people/{id}/break-glass`: open a person outside one's scope, with a reason.
pub async fn break_glass(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Response {
    open(state, cur, id, Some(f.reason), None).await
}

#[derive(Deserialize)]
pub struct ProvenanceForm {
    #[serde(default)]
    source: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    still_stands: String,
}

impl ProvenanceForm {
    fn input(&self) -> SectionInput {
        SectionInput {
            source: self.source.clone(),
            method: self.method.clone(),
            contact: Some(self.contact.clone()).filter(|c| !c.trim().is_empty()),
            still_stands: Some(self.still_stands.clone()).filter(|c| !c.trim().is_empty()),
            ..Default::default()
        }
    }
}

/// A safe place to go back to: only our own person and check pages.
fn back_to(back: &str, id: &str) -> String {
    let ok =
        back.starts_with(&format!("/people/{id}")) && !back.contains("//") && !back.contains(':');
    if ok {
        back.to_string()
    } else {
        format!("/people/{id}")
    }
}

#[derive(Deserialize)]
pub struct DuplicateForm {
    other: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /people/{id}/duplicates`: merge another record into this one, keep the two apart, or
/// undo the decision standing about them.
pub async fn decide_duplicate(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<DuplicateForm>,
) -> Response {
    let user = cur.user.clone();
    let pid = id.clone();
    let reason = f.reason.clone();
    let r = state
        .run(move |app| {
            let actor = user.actor();
            match f.decision.as_str() {
                "merge" => app.merge_people(&actor, &pid, &f.other, &f.reason),
                "keep_apart" => app.keep_apart(&actor, &pid, &f.other, &f.reason),
                "undo" => app.undo_duplicate_decision(&actor, &pid, &f.other, &f.reason),
                other => Err(lantern_app::core::FieldError::new(
                    format!("people {pid} and {}", f.other),
                    "decision",
                    "merge, keep_apart or undo",
                    other,
                )
                .into()),
            }
        })
        .await;
    match r {
        Ok(_) => Redirect::to(&format!("/people/{id}?done=duplicate")).into_response(),
        Err(e @ AppError::Invalid(_)) => {
            // Shown again with the error beside the field and the reason as typed.
            let user = cur.user.clone();
            let err = FormError::from_app("duplicates", &e);
            let r = state
                .run(move |app| -> Result<Response, AppError> {
                    let view = app.person_in_reach(&user.actor(), &id, "web")?;
                    let mut page = person_page(app, &user, view, None, None, vec![err])?;
                    page.duplicate_reason = reason;
                    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
                })
                .await;
            r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
        }
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

/// `POST /people/{id}/mei/{section}/confirm`.
pub async fn confirm_section(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, section)): Path<(String, String)>,
    Form(f): Form<ProvenanceForm>,
) -> Response {
    let user = cur.user.clone();
    let (pid, sec) = (id.clone(), section.clone());
    let input = f.input();
    let r = state
        .run(move |app| {
            let actor = user.actor();
            app.confirm_section(&actor, &pid, &sec, &input)
        })
        .await;
    match r {
        Ok(_) => {
            let back = back_to(&f.back, &id);
            let sep = if back.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{back}{sep}done=confirmed")).into_response()
        }
        Err(e @ (AppError::Invalid(_) | AppError::BreakGlassRequired(_))) => {
            // Show the page again with the error beside the field; nothing was written.
            let user = cur.user.clone();
            let form = section.clone();
            let err = FormError::from_app(&form, &e);
            let back = f.back.clone();
            let kept = crate::view::pairs(&[
                ("source", &f.source),
                ("method", &f.method),
                ("contact", &f.contact),
                ("still_stands", &f.still_stands),
            ]);
            let r = state
                .run(move |app| -> Result<Response, AppError> {
                    if back.contains("/check/") {
                        let handover = back.rsplit('/').next().unwrap_or("rapid-start").to_string();
                        let mut page = crate::readiness::pages::check_page(
                            app,
                            &user,
                            &id,
                            &handover,
                            None,
                            vec![err],
                        )?;
                        page.kept_for = form;
                        page.kept = kept;
                        return Ok(crate::view::render_invalid(&page));
                    }
                    let view = app.person_in_reach(&user.actor(), &id, "web")?;
                    Ok(render(&person_page(
                        app,
                        &user,
                        view,
                        None,
                        None,
                        vec![err],
                    )?))
                })
                .await;
            match r {
                Ok(mut resp) => {
                    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    resp
                }
                Err(e) => WebError::from_app(e, false).into_response(),
            }
        }
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}

/// What a person typed into the section editor, kept when it is refused.
struct Typed<'a> {
    fields: &'a [(String, String)],
    errors: Vec<FormError>,
}

fn edit_page(
    app: &mut App,
    user: &SignedIn,
    id: &str,
    section: &str,
    back: &str,
    typed: Option<Typed>,
) -> Result<SectionEditPage, AppError> {
    let kind = SectionKind::parse(section)?;
    let view = app.person_in_reach(&user.actor(), id, "web:edit")?;
    let p = &view.person;
    let current = view
        .sections
        .iter()
        .find(|s| s.section == kind)
        .and_then(|s| s.record.as_ref())
        .and_then(|r| serde_json::to_value(&r.content).ok());
    let (values, source, method, contact, errors) = match typed {
        None => (
            current,
            String::new(),
            "phone".to_string(),
            String::new(),
            vec![],
        ),
        Some(t) => {
            let typed = lantern_app::section_form_json(id, section, &content_fields(t.fields))
                .ok()
                .and_then(|j| serde_json::from_str(&j).ok());
            (
                typed.or(current),
                field(t.fields, "source"),
                field(t.fields, "method"),
                field(t.fields, "contact"),
                t.errors,
            )
        }
    };
    Ok(SectionEditPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        person_id: id.to_string(),
        name: p.display_name(),
        key: kind.as_str().to_string(),
        title: kind.title().to_string(),
        values: values.unwrap_or_else(|| serde_json::json!({})),
        source,
        method,
        contact,
        back: back_to(back, id),
        errors,
    })
}

/// The section editor's fields that are the section's content (not its provenance, the CSRF
/// token or where to go back to).
fn content_fields(form: &[(String, String)]) -> Vec<(String, String)> {
    const NOT_CONTENT: [&str; 5] = ["_csrf", "source", "method", "contact", "back"];
    form.iter()
        .filter(|(n, _)| !NOT_CONTENT.contains(&n.as_str()))
        .cloned()
        .collect()
}

#[derive(Deserialize, Default)]
pub struct BackQuery {
    #[serde(default)]
    back: String,
}

/// `GET /people/{id}/mei/{section}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, section)): Path<(String, String)>,
    Query(q): Query<BackQuery>,
) -> Response {
    let (user, pid) = (cur.user.clone(), id.clone());
    match state
        .run(move |app| edit_page(app, &user, &pid, &section, &q.back, None))
        .await
    {
        Ok(p) => render(&p),
        Err(e) => error_or_break_glass(&cur, &id, e),
    }
}

/// `POST /people/{id}/mei/{section}`: save new content from the structured form, with provenance.
pub async fn save_section(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, section)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| -> Result<Response, AppError> {
            let actor = user.actor();
            let input = SectionInput {
                source: field(&form, "source"),
                method: field(&form, "method"),
                contact: Some(field(&form, "contact")).filter(|c| !c.is_empty()),
                ..Default::default()
            };
            let content = content_fields(&form);
            let back = back_to(&field(&form, "back"), &id);
            match app.set_section_from_form(&actor, &id, &section, &content, &input) {
                Ok(_) => {
                    let sep = if back.contains('?') { '&' } else { '?' };
                    Ok(Redirect::to(&format!("{back}{sep}done=saved")).into_response())
                }
                Err(e @ AppError::Invalid(_)) => {
                    let err = FormError::at_field("edit", &e);
                    let typed = Typed {
                        fields: &form,
                        errors: vec![err],
                    };
                    let page = edit_page(app, &user, &id, &section, &back, Some(typed))?;
                    Ok(render_invalid(&page))
                }
                Err(e) => Err(e),
            }
        })
        .await;
    r.unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}
