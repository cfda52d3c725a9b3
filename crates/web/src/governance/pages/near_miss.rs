//! Near misses and incidents on the web: the form anyone who keeps downtime records may use, the
//! list and each one with its review form for managers.

use super::*;
use crate::governance::view::{NearMissFormPage, NearMissPage, NearMissesPage};
use lantern_app::core::near_miss::{NearMissInput, NearMissKind, NearMissReviewInput};

fn form_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<NearMissFormPage, AppError> {
    let (services, _) = choices(app)?;
    Ok(NearMissFormPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        kinds: NearMissKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.word().to_string()))
            .collect(),
        services,
        dependencies: app.dependency_names()?,
        typed,
    })
}

/// `GET /near-misses/new`: the form.
pub async fn near_miss_form(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| form_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /near-misses`: record one; managers go to it, everyone else back to the form.
pub async fn record_near_miss(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = NearMissInput {
        kind: field(&f, "kind"),
        service: field(&f, "service"),
        occurred_at: field(&f, "occurred_at"),
        what_happened: field(&f, "what_happened"),
        dependencies: all(&f, "dependencies"),
        immediate_action: field(&f, "immediate_action"),
    };
    let manager = cur.user.staff.role.may_view_governance();
    refusable(
        state,
        cur,
        "near_miss",
        f,
        move |app, a| {
            let n = app.record_near_miss(a, &input)?;
            Ok(if manager {
                format!("/governance/near-misses/{}?done=near_miss", n.id)
            } else {
                "/near-misses/new?done=near_miss".to_string()
            })
        },
        move |app, user, t| Ok(render_invalid(&form_page(app, user, None, t)?)),
    )
    .await
}

/// `GET /governance/near-misses`.
pub async fn near_misses(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<NearMissesPage, AppError> {
            Ok(NearMissesPage {
                nav: Some(Nav::for_user(&user)),
                lines: app.near_misses(&user.actor())?,
            })
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn near_miss_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<NearMissPage, AppError> {
    let (_, staff) = choices(app)?;
    Ok(NearMissPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_review: user.staff.role.may_review(),
        n: app.near_miss(&user.actor(), id)?,
        staff,
        rows: (0..ACTION_ROWS).collect(),
        typed,
    })
}

/// `GET /governance/near-misses/{near_miss}`.
pub async fn near_miss(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| near_miss_page(app, &user, &id, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/near-misses/{near_miss}/review`.
pub async fn review_near_miss(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = NearMissReviewInput {
        root_cause: field(&f, "root_cause"),
        learning: field(&f, "learning"),
        training_needed: field(&f, "training_needed") == "yes",
        actions: action_rows(&f),
    };
    let to = format!("/governance/near-misses/{id}?done=near_miss_reviewed");
    let page_id = id.clone();
    refusable(
        state,
        cur,
        "review",
        f,
        move |app, a| {
            app.review_near_miss(a, &id, &input)?;
            Ok(to)
        },
        move |app, user, t| {
            Ok(render_invalid(&near_miss_page(
                app, user, &page_id, None, t,
            )?))
        },
    )
    .await
}
