//! The communication protocols on the web: each service's lines, and the forms to add one and
//! to take one out.

use super::*;
use crate::governance::view::CommsPage;
use lantern_app::core::comms::{Audience, CommsRuleInput, Trigger};

fn comms_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<CommsPage, AppError> {
    let (services, _) = choices(app)?;
    let words = |all: &[(&str, &str)]| -> Pairs {
        all.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    Ok(CommsPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_configure_resilience(),
        protocols: app.comms_protocols(&user.actor())?,
        services,
        audiences: words(
            &Audience::ALL
                .iter()
                .map(|a| (a.as_str(), a.word()))
                .collect::<Vec<_>>(),
        ),
        triggers: words(
            &Trigger::ALL
                .iter()
                .map(|a| (a.as_str(), a.word()))
                .collect::<Vec<_>>(),
        ),
        dependencies: app.dependency_names()?,
        typed,
    })
}

/// `GET /governance/comms`.
pub async fn comms(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| comms_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

async fn comms_change(
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
        move |app, a| f(app, a).map(|done| format!("/governance/comms?done={done}")),
        move |app, user, t| Ok(render_invalid(&comms_page(app, user, None, t)?)),
    )
    .await
}

/// `POST /governance/comms`: add a line to a service's protocol.
pub async fn add_comms_rule(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = CommsRuleInput {
        service: field(&f, "service"),
        audience: field(&f, "audience"),
        who: field(&f, "who"),
        trigger: field(&f, "trigger"),
        dependencies: all(&f, "dependencies"),
        within_minutes: field(&f, "within_minutes"),
        how: field(&f, "how"),
        template: field(&f, "template"),
    };
    comms_change(state, cur, "rule", f, move |app, a| {
        app.add_comms_rule(a, &input)?;
        Ok("comms_rule")
    })
    .await
}

/// `POST /governance/comms/{rule}/remove`.
pub async fn remove_comms_rule(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(rule): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let reason = field(&f, "reason");
    comms_change(state, cur, "remove", f, move |app, a| {
        app.remove_comms_rule(a, &rule, &reason)?;
        Ok("comms_rule_removed")
    })
    .await
}
