//! The pathway risk register on the web: the register and heat map, a risk, its forms, assessments.

use super::*;

fn scores() -> Pairs {
    let words = [
        "rare / negligible",
        "unlikely / minor",
        "possible / moderate",
        "likely / major",
        "almost certain / catastrophic",
    ];
    (1..=5)
        .map(|n| (n.to_string(), format!("{n} ({})", words[n - 1])))
        .collect()
}

fn risk_statuses() -> Pairs {
    RiskStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.word().to_string()))
        .collect()
}

fn risks_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<RisksPage, AppError> {
    let register = app.risk_register(&user.actor())?;
    let (_, staff) = choices(app)?;
    Ok(RisksPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_risks(),
        risk_choices: register
            .risks
            .iter()
            .map(|r| (r.id.clone(), r.title.clone()))
            .collect(),
        register,
        staff,
        assessment_kinds: AssessmentKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.word().to_string()))
            .collect(),
        typed,
    })
}

/// `GET /governance/risks`: the register, its heat map, proposals and assessments.
pub async fn risks(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| risks_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn risk_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<RiskPage, AppError> {
    Ok(RiskPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_risks(),
        v: app.risk_view(&user.actor(), id)?,
        statuses: risk_statuses(),
        scores: scores(),
        typed,
    })
}

/// `GET /governance/risks/{risk}`.
pub async fn risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| risk_page(app, &user, &id, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// A risk as form fields (`control{i}_kind` and so on for its controls).
fn risk_fields(r: &RiskInput) -> Pairs {
    let mut v: Pairs = vec![
        ("id".into(), r.id.clone()),
        ("title".into(), r.title.clone()),
        ("cause".into(), r.cause.clone()),
        ("effect".into(), r.effect.clone()),
        ("inherent_likelihood".into(), r.inherent_likelihood.clone()),
        ("inherent_impact".into(), r.inherent_impact.clone()),
        ("residual_likelihood".into(), r.residual_likelihood.clone()),
        ("residual_impact".into(), r.residual_impact.clone()),
        ("owner".into(), r.owner.clone()),
        ("review_by".into(), r.review_by.clone()),
        ("status".into(), r.status.clone()),
    ];
    for (name, list) in [
        ("dependencies", &r.dependencies),
        ("handovers", &r.handovers),
        ("services", &r.services),
        ("partners", &r.partners),
    ] {
        v.extend(list.iter().map(|x| (name.to_string(), x.clone())));
    }
    for (i, c) in r.controls.iter().enumerate() {
        v.push((format!("control{i}_kind"), c.kind.clone()));
        v.push((format!("control{i}_what"), c.what.clone()));
        v.push((format!("control{i}_reference"), c.reference.clone()));
    }
    v
}

/// The form's fields as a risk, and which form row each control came from.
fn risk_input(f: &[(String, String)]) -> (RiskInput, Vec<usize>) {
    let g = |k: &str| field(f, k);
    let all = |k: &str| -> Vec<String> {
        f.iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    let mut rows = Vec::new();
    let controls = (0..3)
        .filter(|i| {
            !(g(&format!("control{i}_what")).is_empty()
                && g(&format!("control{i}_reference")).is_empty())
        })
        .map(|i| {
            rows.push(i);
            ControlInput {
                kind: g(&format!("control{i}_kind")),
                what: g(&format!("control{i}_what")),
                reference: g(&format!("control{i}_reference")),
            }
        })
        .collect();
    (
        RiskInput {
            id: g("id"),
            title: g("title"),
            cause: g("cause"),
            effect: g("effect"),
            dependencies: all("dependencies"),
            handovers: all("handovers"),
            services: all("services"),
            partners: all("partners"),
            inherent_likelihood: g("inherent_likelihood"),
            inherent_impact: g("inherent_impact"),
            residual_likelihood: g("residual_likelihood"),
            residual_impact: g("residual_impact"),
            controls,
            owner: g("owner"),
            review_by: g("review_by"),
            status: g("status"),
        },
        rows,
    )
}

fn risk_form(
    app: &App,
    user: &SignedIn,
    editing: Option<String>,
    values: Pairs,
    errors: Vec<FormError>,
) -> Result<RiskFormPage, AppError> {
    let (services, staff) = choices(app)?;
    let actor = user.actor();
    Ok(RiskFormPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        editing,
        values,
        errors,
        dependencies: app
            .dependency_register(&actor)?
            .into_iter()
            .map(|d| (d.dependency.id.to_string(), d.dependency.name))
            .collect(),
        handovers: lantern_app::core::rules::ALL_HANDOVERS
            .iter()
            .map(|h| (h.as_str().to_string(), h.words().to_string()))
            .collect(),
        services,
        partners: app
            .partners()?
            .into_iter()
            .map(|p| (p.id.to_string(), p.name))
            .collect(),
        staff,
        statuses: risk_statuses(),
        control_kinds: ControlKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.word().to_string()))
            .collect(),
        scores: scores(),
    })
}

#[derive(serde::Deserialize, Default)]
pub struct DraftQuery {
    #[serde(default)]
    draft: String,
}

/// `GET /governance/risks/new[?draft=r-email]`: the form, empty or filled from a proposal.
pub async fn new_risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DraftQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| {
            let values = app
                .risk_register(&user.actor())?
                .proposals
                .into_iter()
                .find(|p| p.id == q.draft)
                .map(|p| risk_fields(&p))
                .unwrap_or_else(|| vec![("status".into(), "open".into())]);
            risk_form(app, &user, None, values, vec![])
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `GET /governance/risks/{risk}/edit`.
pub async fn edit_risk_form(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| {
            let v = app.risk_view(&user.actor(), &id)?;
            let values = risk_fields(&RiskInput::from_risk(&v.risk));
            risk_form(app, &user, Some(id), values, vec![])
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// A refused risk form's error at the form field it names (`controls[1].what` at the row it
/// came from).
fn risk_error(e: &AppError, rows: &[usize]) -> FormError {
    let mut fe = FormError::at_field("risk", e);
    if let Some(rest) = fe.field.strip_prefix("controls[")
        && let Some((i, name)) = rest.split_once("].")
    {
        let row = i
            .parse::<usize>()
            .ok()
            .and_then(|i| rows.get(i).copied())
            .unwrap_or(0);
        fe.field = format!("control{row}_{name}");
    } else if let Some((base, _)) = fe.field.split_once('[') {
        fe.field = base.to_string();
    }
    fe
}

async fn save_risk(state: AppState, cur: Current, editing: Option<String>, f: Pairs) -> Response {
    let user = cur.user.clone();
    let (mut input, rows) = risk_input(&f);
    if let Some(id) = &editing {
        input.id = id.clone();
    }
    let reason = field(&f, "reason");
    state
        .run(move |app| -> Result<Response, AppError> {
            match app.record_risk(&user.actor(), &input, &reason) {
                Ok(r) => Ok(
                    Redirect::to(&format!("/governance/risks/{}?done=risk", r.id)).into_response(),
                ),
                Err(e @ AppError::Invalid(_)) => {
                    let err = risk_error(&e, &rows);
                    Ok(render_invalid(&risk_form(
                        app,
                        &user,
                        editing,
                        f,
                        vec![err],
                    )?))
                }
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/risks`: add a risk.
pub async fn add_risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    save_risk(state, cur, None, f).await
}

/// `POST /governance/risks/{risk}`: change a risk, saying why.
pub async fn edit_risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    save_risk(state, cur, Some(id), f).await
}

/// `POST /governance/risks/{risk}/review`.
pub async fn review_risk(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = ReviewInput {
        residual_likelihood: field(&f, "residual_likelihood"),
        residual_impact: field(&f, "residual_impact"),
        status: field(&f, "status"),
        review_by: field(&f, "review_by"),
        note: field(&f, "note"),
    };
    let rid = id.clone();
    refusable(
        state,
        cur,
        "review",
        f,
        move |app, a| {
            let r = app.review_risk(a, &rid, &input)?;
            Ok(format!("/governance/risks/{}?done=reviewed_risk", r.id))
        },
        move |app, user, t| Ok(render_invalid(&risk_page(app, user, &id, None, t)?)),
    )
    .await
}

/// `POST /governance/assessments`: record a digital risk assessment.
pub async fn add_assessment(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = AssessmentInput {
        id: field(&f, "id"),
        title: field(&f, "title"),
        kind: field(&f, "kind"),
        summary: field(&f, "summary"),
        decision: field(&f, "decision"),
        decided_by: field(&f, "decided_by"),
        decided_on: field(&f, "decided_on"),
        risks: f
            .iter()
            .filter(|(k, _)| k == "risks")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    refusable(
        state,
        cur,
        "assessment",
        f,
        move |app, a| {
            app.record_assessment(a, &input)?;
            Ok("/governance/risks?done=assessment#assessments".to_string())
        },
        move |app, user, t| Ok(render_invalid(&risks_page(app, user, None, t)?)),
    )
    .await
}
