//! The asset register on the web: the register, a device, its forms.

use super::*;

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
