//! Governance meetings on the web: the list with the schedule form, and each meeting with its
//! agenda (assembled from the record), its minutes form, and the minutes as a PDF.

use super::*;
use crate::governance::view::{MeetingPage, MeetingsPage};
use lantern_app::core::meeting::{MeetingInput, MinutesInput};

fn meetings_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<MeetingsPage, AppError> {
    let (_, staff) = choices(app)?;
    Ok(MeetingsPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_review(),
        meetings: app.meetings(&user.actor())?,
        staff,
        typed,
    })
}

/// `GET /governance/meetings`.
pub async fn meetings(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| meetings_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/meetings`: schedule one.
pub async fn schedule_meeting(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = MeetingInput {
        title: field(&f, "title"),
        at: field(&f, "at"),
        chair: field(&f, "chair"),
        attendees: all(&f, "attendees"),
    };
    refusable(
        state,
        cur,
        "meeting",
        f,
        move |app, a| {
            let m = app.schedule_meeting(a, &input)?;
            Ok(format!("/governance/meetings/{}?done=meeting", m.id))
        },
        move |app, user, t| Ok(render_invalid(&meetings_page(app, user, None, t)?)),
    )
    .await
}

fn meeting_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<MeetingPage, AppError> {
    let (_, staff) = choices(app)?;
    Ok(MeetingPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_review(),
        m: app.meeting(&user.actor(), id)?,
        staff,
        rows: (0..ACTION_ROWS).collect(),
        typed,
    })
}

/// `GET /governance/meetings/{meeting}`.
pub async fn meeting(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| meeting_page(app, &user, &id, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/meetings/{meeting}/minutes`.
pub async fn record_minutes(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = MinutesInput {
        present: all(&f, "present"),
        notes: field(&f, "notes"),
        decisions: vec![field(&f, "decisions")],
        actions: action_rows(&f),
    };
    let page_id = id.clone();
    refusable(
        state,
        cur,
        "minutes",
        f,
        move |app, a| {
            app.record_minutes(a, &id, &input)?;
            Ok(format!("/governance/meetings/{id}?done=minutes"))
        },
        move |app, user, t| Ok(render_invalid(&meeting_page(app, user, &page_id, None, t)?)),
    )
    .await
}

/// `GET /governance/meetings/{meeting}/minutes.pdf`.
pub async fn minutes_pdf(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    let name = format!("minutes-{id}.pdf");
    state
        .run(move |app| app.minutes_pdf(&user.actor(), &id))
        .await
        .map(|pdf| crate::view::download("application/pdf", &name, pdf))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}
