//! The on-call rota on the web: who is on call now and next, the week as a picture, the shifts,
//! gaps, and the forms to add a shift (or a swap) and to cancel one.

use super::*;
use crate::governance::view::OnCallPage;
use lantern_app::core::oncall::ShiftInput;

fn on_call_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<OnCallPage, AppError> {
    let (services, _) = choices(app)?;
    let staff = app
        .staff()?
        .into_iter()
        .filter(|s| s.partner.is_none() && s.role.may_be_on_call())
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    Ok(OnCallPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_on_call(),
        v: app.on_call_rota(&user.actor())?,
        services,
        staff,
        typed,
    })
}

/// `GET /governance/on-call`.
pub async fn on_call(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| on_call_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// A change to the rota: back to the rota, or the rota again with what was typed.
async fn rota_change(
    state: AppState,
    cur: Current,
    form: &'static str,
    typed: Pairs,
    f: impl FnOnce(&mut App, &lantern_app::Actor) -> Result<&'static str, AppError> + Send + 'static,
) -> Response {
    refusable(
        state,
        cur,
        form,
        typed,
        move |app, a| f(app, a).map(|done| format!("/governance/on-call?done={done}")),
        move |app, user, t| Ok(render_invalid(&on_call_page(app, user, None, t)?)),
    )
    .await
}

/// `POST /governance/on-call`: add a shift.
pub async fn add_shift(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = ShiftInput {
        service: field(&f, "service"),
        staff: field(&f, "staff"),
        from: field(&f, "from"),
        to: field(&f, "to"),
        phone: field(&f, "phone"),
        email: field(&f, "email"),
        note: field(&f, "note"),
    };
    rota_change(state, cur, "shift", f, move |app, a| {
        app.add_shift(a, &input)?;
        Ok("shift")
    })
    .await
}

/// `POST /governance/on-call/{shift}/cancel`.
pub async fn cancel_shift(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(shift): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let reason = field(&f, "reason");
    rota_change(state, cur, "cancel", f, move |app, a| {
        app.cancel_shift(a, &shift, &reason)?;
        Ok("shift_cancelled")
    })
    .await
}
