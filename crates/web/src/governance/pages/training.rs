//! Training and competence on the web: coverage per service and role, everyone's standing, what
//! is due, and the form to record a completion.

use super::*;
use crate::governance::view::TrainingPage;
use lantern_app::core::training::{CompletionInput, TrainingItem};

fn training_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<TrainingPage, AppError> {
    Ok(TrainingPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_record: user.staff.role.may_review(),
        v: app.training(&user.actor())?,
        staff: app
            .staff()?
            .into_iter()
            .filter(|s| lantern_app::core::training::needs_training(s.role))
            .map(|s| (s.id.to_string(), s.name))
            .collect(),
        items: TrainingItem::ALL
            .iter()
            .map(|i| (i.as_str().to_string(), i.word().to_string()))
            .collect(),
        typed,
    })
}

/// `GET /governance/training`.
pub async fn training(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| training_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/training`: record a completion.
pub async fn record_training(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = CompletionInput {
        staff: field(&f, "staff"),
        item: field(&f, "item"),
        on: field(&f, "on"),
        evidence: field(&f, "evidence"),
    };
    refusable(
        state,
        cur,
        "training",
        f,
        move |app, a| {
            app.record_training(a, &input)?;
            Ok("/governance/training?done=training".to_string())
        },
        move |app, user, t| Ok(render_invalid(&training_page(app, user, None, t)?)),
    )
    .await
}
