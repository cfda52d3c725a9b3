//! The audits on the web: the list of the six with a period to choose, each audit's page with
//! its figures, pictures and items, and the manager's sign-off form.

use super::*;
use crate::governance::view::{AuditPage, AuditsPage};
use lantern_app::core::audit::AuditName;

/// `?from=…&to=…&service=…&done=…`.
#[derive(serde::Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    done: String,
}

impl AuditQuery {
    /// The period asked for, or the last 90 days to today.
    fn period(&self, app: &App) -> (String, String) {
        let today = app.today();
        let from = today
            .checked_sub(jiff::Span::new().days(90))
            .unwrap_or(today);
        (
            Some(self.from.trim())
                .filter(|s| !s.is_empty())
                .map_or(from.to_string(), str::to_string),
            Some(self.to.trim())
                .filter(|s| !s.is_empty())
                .map_or(today.to_string(), str::to_string),
        )
    }
}

/// `GET /audits`.
pub async fn audits(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let user = cur.user.clone();
    state
        .run(move |app| -> Result<AuditsPage, AppError> {
            let (from, to) = q.period(app);
            let (services, _) = choices(app)?;
            Ok(AuditsPage {
                nav: Some(Nav::for_user(&user)),
                audits: AuditName::ALL
                    .iter()
                    .map(|a| {
                        (
                            a.as_str().to_string(),
                            lantern_app::core::text::sentence(a.word()),
                            a.answers().to_string(),
                        )
                    })
                    .collect(),
                from,
                to,
                service: q.service.clone(),
                services,
                may_report: user.staff.role.may_produce_evidence(),
            })
        })
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

fn audit_page(
    app: &App,
    user: &SignedIn,
    name: &str,
    q: &AuditQuery,
    flash: Option<String>,
    typed: Typed,
) -> Result<AuditPage, AppError> {
    let (from, to) = q.period(app);
    let service = Some(q.service.as_str()).filter(|s| !s.is_empty());
    Ok(AuditPage {
        nav: Some(Nav::for_user(user)),
        csrf: user.csrf.clone(),
        flash,
        may_sign: user.staff.role.may_sign_off_audits(),
        a: app.audit(&user.actor(), name, &from, &to, service)?,
        from,
        to,
        service: q.service.clone(),
        typed,
    })
}

/// `GET /audits/{audit}`.
pub async fn audit(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(name): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let user = cur.user.clone();
    let flash = DoneQuery {
        done: q.done.clone(),
    }
    .flash();
    state
        .run(move |app| audit_page(app, &user, &name, &q, flash, Typed::default()))
        .await
        .map(|p| render(&p))
        .unwrap_or_else(|e| WebError::from_app(e, false).into_response())
}

/// `POST /audits/{audit}/sign-off`: the period and service come with the form.
pub async fn sign_off_audit(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Path(name): Path<String>,
    Form(f): Form<Pairs>,
) -> Response {
    let q = AuditQuery {
        from: field(&f, "from"),
        to: field(&f, "to"),
        service: field(&f, "service"),
        done: String::new(),
    };
    let comments = field(&f, "comments");
    let page_name = name.clone();
    let page_q = q.clone();
    refusable(
        state,
        cur,
        "sign_off",
        f,
        move |app, a| {
            let service = Some(q.service.as_str()).filter(|s| !s.is_empty());
            let audit = app.sign_off_audit(a, &name, &q.from, &q.to, service, &comments)?;
            let query = serde_urlencoded::to_string([
                ("from", q.from.as_str()),
                ("to", q.to.as_str()),
                ("service", q.service.as_str()),
                ("done", "signed_off"),
            ])
            .unwrap_or_default();
            Ok(format!("/audits/{}?{query}", audit.name))
        },
        move |app, user, t| {
            Ok(render_invalid(&audit_page(
                app, user, &page_name, &page_q, None, t,
            )?))
        },
    )
    .await
}

/// `GET /reports/download?from=…&to=…&service=…`: the governance report (the PDF with its bundle
/// and signed manifest) as one ZIP.
pub async fn report_download(
    State(state): State<AppState>,
    Extension(cur): Extension<Current>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let user = cur.user.clone();
    let r = state
        .run(move |app| {
            let (from, to) = q.period(app);
            let service = Some(q.service.as_str()).filter(|s| !s.is_empty());
            app.report_archive(&user.actor(), &from, &to, service)
        })
        .await;
    match r {
        Ok((bytes, name)) => {
            crate::view::download("application/zip", &format!("{name}.zip"), bytes)
        }
        Err(e) => WebError::from_app(e, false).into_response(),
    }
}
