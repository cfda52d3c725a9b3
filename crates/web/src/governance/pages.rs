//! The governance page and the asset register on the web.

use crate::auth::Current;
use crate::error::WebError;
use crate::governance::view::{
    AssetsPage, AssuranceListPage, AssurancePage, DevicePage, GovernancePage, RiskFormPage,
    RiskPage, RisksPage, SupplierFormPage, SupplierPage, SuppliersPage, Typed,
};
use crate::state::AppState;
use crate::view::{DoneQuery, FormError, Nav, field, render, render_invalid};
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lantern_app::core::asset::{DeviceInput, DeviceKind, DeviceStatus, LogKind};
use lantern_app::core::risk::{
    AssessmentInput, AssessmentKind, ControlInput, ControlKind, RiskInput, RiskStatus,
};
use lantern_app::core::supplier::{Coverage, ExitStepInput, SupplierEventKind, SupplierInput};
use lantern_app::governance::assets::{LogInput, SparesInput};
use lantern_app::governance::risks::ReviewInput;
use lantern_app::governance::suppliers::{ExitPlanInput, SupplierEventInput};
use lantern_app::{App, AppError, SignedIn};

type Pairs = Vec<(String, String)>;

fn choices(app: &App) -> Result<(Pairs, Pairs), AppError> {
    let services = app
        .services()?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    let staff = app
        .staff()?
        .into_iter()
        .filter(|s| s.partner.is_none())
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    Ok((services, staff))
}

fn kinds() -> Pairs {
    DeviceKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.word().to_string()))
        .collect()
}

/// `GET /governance`: everything overdue or due soon across the registers.
pub async fn governance(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<GovernancePage, AppError> {
            let actor = user.actor();
            let due = app.governance_due(&actor)?;
            let counts = app.governance_counts(&actor)?.unwrap_or_default();
            Ok(GovernancePage {
                nav: Some(Nav::for_user(&user)),
                counts,
                due,
            })
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn assets_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
    typed: Typed,
) -> Result<AssetsPage, AppError> {
    let (services, staff) = choices(app)?;
    Ok(AssetsPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_assets(),
        register: app.asset_register(&user.actor())?,
        services,
        staff,
        kinds: kinds(),
        typed,
    })
}

/// `GET /governance/assets`: the asset register.
pub async fn assets(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| assets_page(app, &user, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn device_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    typed: Typed,
) -> Result<DevicePage, AppError> {
    let actor = user.actor();
    let v = app.device_view(&actor, id)?;
    let (services, staff) = choices(app)?;
    let mut dependencies: Pairs = app
        .dependency_register(&actor)
        .map(|r| {
            r.into_iter()
                .filter(|d| d.dependency.services.contains(&v.device.service))
                .map(|d| (d.dependency.id.to_string(), d.dependency.name))
                .collect()
        })
        .unwrap_or_default();
    dependencies.sort_by_key(|(id, _)| id != "devices");
    Ok(DevicePage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_assets(),
        current: DeviceInput::from_device(&v.device),
        v,
        dependencies,
        services,
        staff,
        kinds: kinds(),
        statuses: DeviceStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.word().to_string()))
            .collect(),
        entries: LogKind::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.word().to_string()))
            .collect(),
        typed,
    })
}

/// `GET /governance/assets/{asset}`: one device, its log, and what can be done with it.
pub async fn device(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| device_page(app, &user, &id, q.flash(), Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn device_input(f: &[(String, String)]) -> DeviceInput {
    let g = |k: &str| field(f, k);
    DeviceInput {
        id: g("id"),
        service: g("service"),
        kind: g("kind"),
        model: g("model"),
        serial: g("serial"),
        bought: g("bought"),
        end_of_life: g("end_of_life"),
        battery_health: g("battery_health"),
        battery_cycles: g("battery_cycles"),
        assigned_to: g("assigned_to"),
        status: g("status"),
        owner: g("owner"),
    }
}

/// Run a change: on success go where it says; on bad input show `page` again with what was
/// typed and the error beside its field (422, nothing written); any other error as an error page.
async fn refusable(
    state: AppState,
    cur: Current,
    form: &'static str,
    typed: Pairs,
    f: impl FnOnce(&mut App, &lantern_app::Actor) -> Result<String, AppError> + Send + 'static,
    page: impl FnOnce(&App, &SignedIn, Typed) -> Result<Response, AppError> + Send + 'static,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            match f(app, &user.actor()) {
                Ok(to) => Ok(Redirect::to(&to).into_response()),
                Err(e @ AppError::Invalid(_)) => page(app, &user, Typed::refused(form, typed, &e)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// A change on the asset register (the register page) or one device (its page).
async fn change(
    state: AppState,
    cur: Current,
    form: &'static str,
    typed: Pairs,
    device: Option<String>,
    f: impl FnOnce(&mut App, &lantern_app::Actor) -> Result<String, AppError> + Send + 'static,
) -> Response {
    refusable(state, cur, form, typed, f, move |app, user, t| {
        Ok(match &device {
            Some(id) => render_invalid(&device_page(app, user, id, None, t)?),
            None => render_invalid(&assets_page(app, user, None, t)?),
        })
    })
    .await
}

/// `POST /governance/assets`: add a device.
pub async fn add_device(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = device_input(&f);
    change(state, cur, "device", f, None, move |app, a| {
        let d = app.record_device(a, &input, "")?;
        Ok(format!("/governance/assets/{}?done=device", d.id))
    })
    .await
}

/// `POST /governance/assets/{asset}`: change a device's details, saying why.
pub async fn edit_device(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let mut input = device_input(&f);
    input.id = id.clone();
    let reason = field(&f, "reason");
    change(state, cur, "edit", f, Some(id), move |app, a| {
        let d = app.record_device(a, &input, &reason)?;
        Ok(format!("/governance/assets/{}?done=device", d.id))
    })
    .await
}

/// `POST /governance/assets/{asset}/log`: record what happened; a failure may declare a
/// disruption limited to the device's service, and then the console opens.
pub async fn log_device(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = LogInput {
        entry: field(&f, "entry"),
        note: field(&f, "note"),
        at: Some(field(&f, "at")).filter(|s| !s.is_empty()),
        declare_dependency: Some(field(&f, "declare_dependency")).filter(|s| !s.is_empty()),
    };
    let dev = id.clone();
    change(state, cur, "log", f, Some(id), move |app, a| {
        let r = app.log_device(a, &dev, &input)?;
        Ok(match r.disruption {
            Some(d) => format!("/disruptions/{d}?done=declared"),
            None => format!("/governance/assets/{dev}?done=logged"),
        })
    })
    .await
}

/// `POST /governance/assets/{asset}/replace`: replace from the service's spares.
pub async fn replace_device(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let spare = field(&f, "spare");
    let note = field(&f, "note");
    let dev = id.clone();
    change(state, cur, "replace", f, Some(id), move |app, a| {
        let s = app.replace_device(a, &dev, &spare, &note)?;
        Ok(format!("/governance/assets/{}?done=replaced", s.id))
    })
    .await
}

/// `POST /governance/spares`: set a service's spares minimum for a kind of device.
pub async fn set_spares(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = SparesInput {
        service: field(&f, "service"),
        kind: field(&f, "kind"),
        minimum: field(&f, "minimum"),
        owner: field(&f, "owner"),
    };
    change(state, cur, "spares", f, None, move |app, a| {
        app.set_spares_minimum(a, &input)?;
        Ok("/governance/assets?done=spares#spares".to_string())
    })
    .await
}

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

fn suppliers_page(
    app: &App,
    user: &SignedIn,
    flash: Option<String>,
) -> Result<SuppliersPage, AppError> {
    Ok(SuppliersPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_suppliers(),
        register: app.supplier_register(&user.actor())?,
    })
}

/// `GET /governance/suppliers`.
pub async fn suppliers(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| suppliers_page(app, &user, q.flash()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn supplier_page(
    app: &App,
    user: &SignedIn,
    id: &str,
    flash: Option<String>,
    tested: Option<(String, bool, Vec<String>)>,
    typed: Typed,
) -> Result<SupplierPage, AppError> {
    let v = app.supplier_view(&user.actor(), id)?;
    let (_, staff) = choices(app)?;
    let mut steps: Vec<(String, String, String, bool)> = v
        .exit_plan
        .iter()
        .flat_map(|p| p.steps.iter())
        .map(|s| {
            (
                s.what.clone(),
                s.owner.to_string(),
                s.due.to_string(),
                s.done,
            )
        })
        .collect();
    steps.extend(std::iter::repeat_n(
        (String::new(), String::new(), String::new(), false),
        2,
    ));
    let parallel = v
        .exit_plan
        .as_ref()
        .map(|p| p.parallel.clone())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(lantern_app::core::supplier::parallel_checklist)
        .into_iter()
        .map(|c| (c.item, c.done))
        .collect();
    Ok(SupplierPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_manage: user.staff.role.may_manage_suppliers(),
        v,
        event_kinds: SupplierEventKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.word().to_string()))
            .collect(),
        staff,
        steps,
        parallel,
        tested,
        typed,
    })
}

/// `GET /governance/suppliers/{supplier}`.
pub async fn supplier(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| supplier_page(app, &user, &id, q.flash(), None, Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// A supplier as form fields.
fn supplier_fields(s: &SupplierInput) -> Pairs {
    let mut v: Pairs = vec![
        ("id".into(), s.id.clone()),
        ("name".into(), s.name.clone()),
        ("contact".into(), s.contact.clone()),
        ("owner".into(), s.owner.clone()),
        ("contract_reference".into(), s.contract_reference.clone()),
        ("start".into(), s.start.clone()),
        ("renewal".into(), s.renewal.clone()),
        ("review_by".into(), s.review_by.clone()),
        ("notice_days".into(), s.notice_days.clone()),
        ("data_ownership".into(), s.data_ownership.clone()),
        ("export_format".into(), s.export_format.clone()),
        ("exit_clauses".into(), s.exit_clauses.clone()),
    ];
    v.extend(
        s.dependencies
            .iter()
            .map(|d| ("dependencies".to_string(), d.clone())),
    );
    for (i, c) in s.coverage.iter().enumerate() {
        v.push((format!("coverage{i}"), c.clone()));
    }
    for (i, c) in s.clauses.iter().enumerate() {
        v.push((format!("clauses{i}"), c.clone()));
    }
    v
}

fn supplier_input(f: &[(String, String)]) -> SupplierInput {
    let g = |k: &str| field(f, k);
    let n = lantern_app::core::supplier::Provision::ALL.len();
    SupplierInput {
        id: g("id"),
        name: g("name"),
        dependencies: f
            .iter()
            .filter(|(k, _)| k == "dependencies")
            .map(|(_, v)| v.clone())
            .collect(),
        contact: g("contact"),
        owner: g("owner"),
        contract_reference: g("contract_reference"),
        start: g("start"),
        renewal: g("renewal"),
        review_by: g("review_by"),
        notice_days: g("notice_days"),
        data_ownership: g("data_ownership"),
        export_format: g("export_format"),
        exit_clauses: g("exit_clauses"),
        coverage: (0..n).map(|i| g(&format!("coverage{i}"))).collect(),
        clauses: (0..n).map(|i| g(&format!("clauses{i}"))).collect(),
    }
}

fn supplier_form(
    app: &App,
    user: &SignedIn,
    editing: Option<String>,
    values: Pairs,
    errors: Vec<FormError>,
) -> Result<SupplierFormPage, AppError> {
    let (_, staff) = choices(app)?;
    Ok(SupplierFormPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        editing,
        values,
        errors,
        dependencies: app
            .dependency_register(&user.actor())?
            .into_iter()
            .map(|d| (d.dependency.id.to_string(), d.dependency.name))
            .collect(),
        staff,
        provisions: lantern_app::core::supplier::Provision::ALL
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.as_str().to_string(), p.word().to_string()))
            .collect(),
        coverages: Coverage::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.word().to_string()))
            .collect(),
    })
}

/// `GET /governance/suppliers/new`.
pub async fn new_supplier(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| supplier_form(app, &user, None, vec![], vec![]))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `GET /governance/suppliers/{supplier}/edit`.
pub async fn edit_supplier_form(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| {
            let v = app.supplier_view(&user.actor(), &id)?;
            let values = supplier_fields(&SupplierInput::from_supplier(&v.supplier));
            supplier_form(app, &user, Some(id), values, vec![])
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

async fn save_supplier(
    state: AppState,
    cur: Current,
    editing: Option<String>,
    f: Pairs,
) -> Response {
    let user = cur.user.clone();
    let mut input = supplier_input(&f);
    if let Some(id) = &editing {
        input.id = id.clone();
    }
    let reason = field(&f, "reason");
    state
        .run(move |app| -> Result<Response, AppError> {
            match app.record_supplier(&user.actor(), &input, &reason) {
                Ok(s) => Ok(
                    Redirect::to(&format!("/governance/suppliers/{}?done=supplier", s.id))
                        .into_response(),
                ),
                Err(e @ AppError::Invalid(_)) => {
                    let mut fe = FormError::at_field("supplier", &e);
                    fe.field = fe.field.replace(['[', ']'], "");
                    if fe.field.starts_with("dependencies") {
                        fe.field = "dependencies".into();
                    }
                    Ok(render_invalid(&supplier_form(
                        app,
                        &user,
                        editing,
                        f,
                        vec![fe],
                    )?))
                }
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/suppliers`: add a supplier.
pub async fn add_supplier(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Form(f): Form<Pairs>,
) -> Response {
    save_supplier(state, cur, None, f).await
}

/// `POST /governance/suppliers/{supplier}`: change a supplier, saying why.
pub async fn edit_supplier(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    save_supplier(state, cur, Some(id), f).await
}

/// A change on a supplier's page.
async fn supplier_change(
    state: AppState,
    cur: Current,
    id: String,
    form: &'static str,
    typed: Pairs,
    f: impl FnOnce(&mut App, &lantern_app::Actor) -> Result<&'static str, AppError> + Send + 'static,
) -> Response {
    let to = format!("/governance/suppliers/{id}?done=");
    refusable(
        state,
        cur,
        form,
        typed,
        move |app, a| f(app, a).map(|done| format!("{to}{done}")),
        move |app, user, t| {
            Ok(render_invalid(&supplier_page(
                app, user, &id, None, None, t,
            )?))
        },
    )
    .await
}

/// `POST /governance/suppliers/{supplier}/event`.
pub async fn supplier_event(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let input = SupplierEventInput {
        happened: field(&f, "happened"),
        on: field(&f, "on"),
        note: field(&f, "note"),
    };
    let sid = id.clone();
    supplier_change(state, cur, id, "event", f, move |app, a| {
        Ok(if app.record_supplier_event(a, &sid, &input)? {
            "review_opened"
        } else {
            "supplier_event"
        })
    })
    .await
}

/// `POST /governance/suppliers/{supplier}/close-review`.
pub async fn close_supplier_review(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let outcome = field(&f, "outcome");
    let sid = id.clone();
    supplier_change(state, cur, id, "close", f, move |app, a| {
        app.close_supplier_review(a, &sid, &outcome)?;
        Ok("review_closed")
    })
    .await
}

/// `POST /governance/suppliers/{supplier}/exit-plan`: steps as rows, checklist as ticks.
pub async fn set_exit_plan(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let rows: usize = f
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix("step")?
                .split_once('_')?
                .0
                .parse::<usize>()
                .ok()
        })
        .max()
        .map_or(0, |m| m + 1);
    let input = ExitPlanInput {
        steps: (0..rows)
            .map(|i| ExitStepInput {
                what: field(&f, &format!("step{i}_what")),
                owner: field(&f, &format!("step{i}_owner")),
                due: field(&f, &format!("step{i}_due")),
                done: field(&f, &format!("step{i}_done")) == "on",
            })
            .collect(),
        parallel_done: f
            .iter()
            .filter(|(k, _)| k == "parallel_done")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    };
    let sid = id.clone();
    supplier_change(state, cur, id, "exit", f, move |app, a| {
        app.set_exit_plan(a, &sid, &input)?;
        Ok("exit_plan")
    })
    .await
}

/// `POST /governance/suppliers/{supplier}/export-test`: multipart `file`; the result is shown
/// on the supplier's page.
pub async fn export_test(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> Response {
    let (mut name, mut bytes) = (String::new(), Vec::new());
    while let Ok(Some(part)) = form.next_field().await {
        if part.name() == Some("file") {
            name = part.file_name().unwrap_or("upload.json").to_string();
            match part.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => break,
            }
        }
    }
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            let actor = user.actor();
            match app.test_supplier_export(&actor, &id, &name, &bytes) {
                Ok(t) => {
                    let gaps = app.export_gaps(&actor, &t)?;
                    let counts = format!(
                        "{} (SHA-256 {}): {} of {} people, {} of {} sections.",
                        t.file,
                        t.sha256,
                        t.people_found,
                        t.people_expected,
                        t.sections_found,
                        t.sections_expected
                    );
                    Ok(render(&supplier_page(
                        app,
                        &user,
                        &id,
                        Some("Export test recorded.".into()),
                        Some((counts, t.complete, gaps)),
                        Typed::default(),
                    )?))
                }
                Err(e @ AppError::Invalid(_)) => Ok(render_invalid(&supplier_page(
                    app,
                    &user,
                    &id,
                    None,
                    None,
                    Typed::refused("export", vec![], &e),
                )?)),
                Err(e) => Err(e),
            }
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /governance/suppliers/own-export-test`: Lantern's own round trip.
pub async fn own_export_test(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<Response, AppError> {
            app.test_own_export(&user.actor())?;
            Ok(Redirect::to("/governance/suppliers?done=own_export#own-export").into_response())
        })
        .await
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

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
