//! Continuity plans and policies on the web: the list with the add form, each document with its
//! versions, readers, approval and new-version form; and "how we work when systems fail", where
//! staff read their service's downtime procedure and confirm it.

use super::*;
use crate::governance::view::{HowWeWorkPage, PlanPage, PlansPage};
use lantern_app::core::plan::{DocumentInput, DocumentKind};

fn plans_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<PlansPage, AppError> {
    let (services, staff) = choices(app)?;
    Ok(PlansPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_configure_resilience(),
        lines: app.documents(&user.actor())?,
        kinds: DocumentKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.word().to_string()))
            .collect(),
        services,
        staff,
        typed,
    })
}

/// `GET /governance/plans`.
pub async fn plans(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| plans_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn document_input(f: &Pairs) -> DocumentInput {
    DocumentInput {
        kind: field(f, "kind"),
        service: field(f, "service"),
        title: field(f, "title"),
        owner: field(f, "owner"),
        review_by: field(f, "review_by"),
        summary: field(f, "summary"),
        change: field(f, "change"),
    }
}

/// `POST /governance/plans`: add a document (or a new version of one).
pub async fn add_document(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = document_input(&f);
    refusable(
        state,
        cur,
        "document",
        f,
        move |app, a| {
            let d = app.add_document_version(a, &input)?;
            Ok(format!("/governance/plans/{}?done=document", d.id))
        },
        move |app, user, t| Ok(render_invalid(&plans_page(app, user, None, t)?)),
    )
    .await
}

fn plan_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<PlanPage, AppError> {
    let (_, staff) = choices(app)?;
    Ok(PlanPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_configure_resilience(),
        d: app.document(&user.actor(), id)?,
        staff,
        typed,
    })
}

/// `GET /governance/plans/{document}`.
pub async fn plan(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| plan_page(app, &user, &id, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/plans/{document}/version`: a new version (the kind and service kept).
pub async fn new_version(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = document_input(&f);
    let page_id = id.clone();
    refusable(
        state,
        cur,
        "version",
        f,
        move |app, a| {
            let d = app.add_document_version(a, &input)?;
            Ok(format!("/governance/plans/{}?done=document", d.id))
        },
        move |app, user, t| Ok(render_invalid(&plan_page(app, user, &page_id, None, t)?)),
    )
    .await
}

/// `POST /governance/plans/{document}/approve`.
pub async fn approve_document(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let page_id = id.clone();
    refusable(
        state,
        cur,
        "approve",
        f,
        move |app, a| {
            app.approve_document(a, &id)?;
            Ok(format!("/governance/plans/{id}?done=approved"))
        },
        move |app, user, t| Ok(render_invalid(&plan_page(app, user, &page_id, None, t)?)),
    )
    .await
}

fn how_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<HowWeWorkPage, AppError> {
    Ok(HowWeWorkPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        procedures: app.my_procedures(&user.actor())?,
        typed,
    })
}

/// `GET /how-we-work`: the viewer's service's downtime procedure.
pub async fn how_we_work(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| how_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /how-we-work/{document}/read`: "I have read version N".
pub async fn read_procedure(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let version = field(&f, "version");
    refusable(
        state,
        cur,
        "read",
        f,
        move |app, a| {
            let v = version.trim().parse::<u32>().map_err(|_| {
                lantern_app::core::FieldError::new(
                    format!("acknowledgement of document {id}"),
                    "version",
                    "the version number read",
                    &version,
                )
            })?;
            app.acknowledge_document(a, &id, v)?;
            Ok("/how-we-work?done=read".to_string())
        },
        move |app, user, t| Ok(render_invalid(&how_page(app, user, None, t)?)),
    )
    .await
}
