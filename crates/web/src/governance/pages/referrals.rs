//! Referrals on the web: the list with each one's first-visit deadline and the form to add one;
//! each referral with its start, delay and decline forms.

use super::*;
use crate::governance::view::{ReferralPage, ReferralsPage};
use lantern_app::core::referral::{ReferralChannel, ReferralFrom, ReferralInput};
use lantern_app::core::rules::ALL_HANDOVERS;

fn words<T: Copy>(all: &[T], s: impl Fn(T) -> (&'static str, &'static str)) -> Pairs {
    all.iter()
        .map(|k| {
            let (a, b) = s(*k);
            (a.to_string(), b.to_string())
        })
        .collect()
}

fn list_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<ReferralsPage, AppError> {
    let actor = user.actor();
    let may_manage = user.staff.role.may_manage_referrals();
    let (services, _) = choices(app)?;
    Ok(ReferralsPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage,
        lines: app.referrals(&actor, false)?,
        people: if may_manage {
            crate::view::person_choices(app.referral_people(&actor)?)
        } else {
            vec![]
        },
        services,
        froms: words(ReferralFrom::ALL, |k| (k.as_str(), k.word())),
        channels: words(ReferralChannel::ALL, |k| (k.as_str(), k.word())),
        handovers: ALL_HANDOVERS
            .iter()
            .map(|h| (h.as_str().to_string(), h.words().to_string()))
            .collect(),
        sections: lantern_app::core::mei::ALL_SECTIONS
            .iter()
            .map(|k| (k.as_str().to_string(), k.title().to_string()))
            .collect(),
        typed,
    })
}

/// `GET /referrals`.
pub async fn referrals(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| list_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /referrals`: record one typed by hand.
pub async fn add_referral(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = ReferralInput {
        person: field(&f, "person"),
        service: field(&f, "service"),
        from: field(&f, "from"),
        referrer: field(&f, "referrer"),
        their_ref: field(&f, "their_ref"),
        received_at: field(&f, "received_at"),
        channel: field(&f, "channel"),
        package: field(&f, "package"),
        handover: field(&f, "handover"),
        first_visit_due: field(&f, "first_visit_due"),
        arrived: all(&f, "arrived"),
        arrived_from: field(&f, "arrived_from"),
    };
    refusable(
        state,
        cur,
        "referral",
        f,
        move |app, a| {
            let r = app.add_referral(a, &input)?;
            Ok(format!("/referrals/{}?done=referral", r.id))
        },
        move |app, user, t| Ok(render_invalid(&list_page(app, user, None, t)?)),
    )
    .await
}

fn one_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<ReferralPage, AppError> {
    Ok(ReferralPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_referrals(),
        r: app.referral(&user.actor(), id)?,
        typed,
    })
}

/// `GET /referrals/{referral}`.
pub async fn referral(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| one_page(app, &user, &id, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /referrals/{referral}/{start|delay|decline}`.
pub async fn settle_referral(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path((id, how)): Path<(String, String)>,
    Form(f): Form<Pairs>,
) -> Response {
    let (at, reason, expected) = (
        field(&f, "started_at"),
        field(&f, "reason"),
        field(&f, "expected_at"),
    );
    let late = field(&f, "late_reason");
    let form: &'static str = match how.as_str() {
        "start" => "start",
        "delay" => "delay",
        "decline" => "decline",
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    let page_id = id.clone();
    refusable(
        state,
        cur,
        form,
        f,
        move |app, a| {
            let done = match form {
                "start" => {
                    app.start_referral(a, &id, &at, &late)?;
                    "started"
                }
                "delay" => {
                    app.delay_referral(a, &id, &reason, &expected)?;
                    "delayed"
                }
                _ => {
                    app.decline_referral(a, &id, &reason)?;
                    "declined"
                }
            };
            Ok(format!("/referrals/{id}?done={done}"))
        },
        move |app, user, t| Ok(render_invalid(&one_page(app, user, &page_id, None, t)?)),
    )
    .await
}
