//! Suppliers and contracts on the web: the register, a supplier, its forms, export tests.

use super::*;

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
