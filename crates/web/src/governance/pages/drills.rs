//! The drill programme on the web: the programme with its schedule form, and each drill with its
//! run button and the form to record how it was held.

use super::*;
use crate::governance::view::{DrillPage, DrillsPage};
use lantern_app::core::drill::{DrillInput, LIBRARY};
use lantern_app::governance::drills::HeldInput;

fn drills_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<DrillsPage, AppError> {
    let (services, staff) = choices(app)?;
    Ok(DrillsPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_configure_resilience(),
        lines: app.drills(&user.actor())?,
        services,
        staff,
        scenarios: LIBRARY
            .iter()
            .map(|s| (s.id.to_string(), s.title.to_string()))
            .chain(std::iter::once((
                "custom".to_string(),
                "Custom: describe it below".to_string(),
            )))
            .collect(),
        dependencies: app.dependency_names()?,
        typed,
    })
}

/// `GET /governance/drills`.
pub async fn drills(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| drills_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/drills`: schedule one.
pub async fn schedule_drill(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = DrillInput {
        service: field(&f, "service"),
        scenario: field(&f, "scenario"),
        title: field(&f, "title"),
        dependencies: all(&f, "dependencies"),
        due: field(&f, "due"),
        invited: all(&f, "invited"),
        every_months: field(&f, "every_months"),
        owner: field(&f, "owner"),
    };
    refusable(
        state,
        cur,
        "drill",
        f,
        move |app, a| {
            let d = app.schedule_drill(a, &input)?;
            Ok(format!("/governance/drills/{}?done=drill", d.id))
        },
        move |app, user, t| Ok(render_invalid(&drills_page(app, user, None, t)?)),
    )
    .await
}

fn drill_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<DrillPage, AppError> {
    let (_, staff) = choices(app)?;
    let d = app.drill(&user.actor(), id)?;
    Ok(DrillPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_configure_resilience(),
        may_run: user.staff.role.may_run_disruption(),
        d,
        staff,
        rows: (0..ACTION_ROWS).collect(),
        typed,
    })
}

/// `GET /governance/drills/{drill}`.
pub async fn drill(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| drill_page(app, &user, &id, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/drills/{drill}/run`: the drill disruption opens in its console.
pub async fn run_drill(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let page_id = id.clone();
    refusable(
        state,
        cur,
        "run",
        f,
        move |app, a| {
            let d = app.run_drill(a, &id)?;
            Ok(format!("/disruptions/{d}?done=declared"))
        },
        move |app, user, t| Ok(render_invalid(&drill_page(app, user, &page_id, None, t)?)),
    )
    .await
}

/// `POST /governance/drills/{drill}/held`.
pub async fn hold_drill(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = HeldInput {
        held_on: field(&f, "held_on"),
        attended: all(&f, "attended"),
        outcome: field(&f, "outcome"),
        lessons: field(&f, "lessons"),
        actions: action_rows(&f),
    };
    let page_id = id.clone();
    refusable(
        state,
        cur,
        "held",
        f,
        move |app, a| {
            app.hold_drill(a, &id, &input)?;
            Ok(format!("/governance/drills/{id}?done=drill_held"))
        },
        move |app, user, t| Ok(render_invalid(&drill_page(app, user, &page_id, None, t)?)),
    )
    .await
}
