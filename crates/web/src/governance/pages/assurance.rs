//! Subcontractor assurance on the web: the organisations, one organisation, its forms.

use super::*;

/// `GET /governance/assurance`: the organisations the viewer may see (a subcontractor: their own).
pub async fn assurance_list(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<AssuranceListPage, AppError> {
            Ok(AssuranceListPage {
                nav: Some(Nav::for_user(&user)),
                lines: app.assurance_list(&user.actor())?,
            })
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn assurance_page(
    app: &App,
    user: &SignedIn,
    partner: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<AssurancePage, AppError> {
    use lantern_app::core::assurance::{CheckKind, CheckOutcome};
    Ok(AssurancePage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_suppliers(),
        v: app.assurance_view(&user.actor(), partner)?,
        kinds: CheckKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.word().to_string()))
            .collect(),
        outcomes: CheckOutcome::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.word().to_string()))
            .collect(),
        typed,
    })
}

/// `GET /governance/assurance/{partner}`.
pub async fn assurance(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(partner): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| assurance_page(app, &user, &partner, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// A change on an assurance page.
async fn assurance_change(
    state: AppState,
    cur: Current,
    partner: String,
    form: &'static str,
    typed: Pairs,
    f: impl FnOnce(&mut App, &lantern_app::Actor) -> Result<&'static str, AppError> + Send + 'static,
) -> Response {
    let to = format!("/governance/assurance/{partner}?done=");
    refusable(
        state,
        cur,
        form,
        typed,
        move |app, a| f(app, a).map(|done| format!("{to}{done}")),
        move |app, user, t| {
            Ok(render_invalid(&assurance_page(
                app, user, &partner, None, t,
            )?))
        },
    )
    .await
}

/// `POST /governance/assurance/{partner}/check`.
pub async fn assurance_check(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(partner): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = lantern_app::core::assurance::CheckInput {
        check: field(&f, "check"),
        outcome: field(&f, "outcome"),
        evidence: field(&f, "evidence"),
        checked_on: field(&f, "checked_on"),
        next_due: field(&f, "next_due"),
    };
    let p = partner.clone();
    assurance_change(state, cur, partner, "check", f, move |app, a| {
        app.record_assurance_check(a, &p, &input)?;
        Ok("assurance_check")
    })
    .await
}

/// `POST /governance/assurance/{partner}/guidance`.
pub async fn publish_guidance(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(partner): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let text = field(&f, "text");
    let p = partner.clone();
    assurance_change(state, cur, partner, "guidance", f, move |app, a| {
        app.publish_guidance(a, &p, &text)?;
        Ok("guidance")
    })
    .await
}

/// `POST /governance/assurance/{partner}/acknowledge`: a subcontractor's staff member has read
/// the version shown.
pub async fn acknowledge_guidance(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(partner): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let version = field(&f, "version");
    let p = partner.clone();
    assurance_change(state, cur, partner, "ack", f, move |app, a| {
        let v = version.parse::<u32>().map_err(|_| {
            lantern_app::core::FieldError::new(
                "acknowledgement of downtime guidance",
                "version",
                "the version number read",
                &version,
            )
        })?;
        app.acknowledge_guidance(a, &p, v)?;
        Ok("acknowledged")
    })
    .await
}
