//! Errors as responses: an HTML page for people, one JSON shape for the API.

use crate::view::ErrorPage;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use lantern_app::AppError;

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct WebError {
    /// HTTP status.
    pub status: StatusCode,
    /// Short kind: invalid, not_found, forbidden, unauthenticated, error.
    pub kind: &'static str,
    /// Message for people.
    pub message: String,
    /// The field at fault, when there is one.
    pub field: Option<lantern_app::core::FieldError>,
    /// Whether to answer in JSON.
    pub api: bool,
}

impl WebError {
    /// From a use-case error.
    pub fn from_app(e: AppError, api: bool) -> WebError {
        let (status, kind, field) = match &e {
            AppError::Invalid(f) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(f.clone())),
            AppError::BreakGlassRequired(f) => (
                StatusCode::FORBIDDEN,
                "break_glass_required",
                Some(f.clone()),
            ),
            AppError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found", None),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", None),
            AppError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, "throttled", None),
            AppError::Unreachable(_) => (StatusCode::BAD_GATEWAY, "unreachable", None),
            AppError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated", None),
            AppError::Journal(_) if e.unavailable().is_some() => {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable", None)
            }
            AppError::Journal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error", None),
        };
        WebError {
            status,
            kind,
            message: e
                .unavailable()
                .map(str::to_string)
                .unwrap_or_else(|| e.to_string()),
            field,
            api,
        }
    }

    /// A plain error.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        message: impl Into<String>,
        api: bool,
    ) -> WebError {
        WebError {
            status,
            kind,
            message: message.into(),
            field: None,
            api,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if self.api {
            let field = self.field.as_ref().map(|f| {
                serde_json::json!({"record": f.record, "field": f.field, "expected": f.expected, "got": f.got})
            });
            let body = serde_json::json!({"error": {"kind": self.kind, "message": self.message, "field": field}});
            (self.status, axum::Json(body)).into_response()
        } else {
            let page = ErrorPage {
                nav: None,
                status: self.status.as_u16(),
                message: self.message.clone(),
            };
            let html = page.render().unwrap_or_else(|_| self.message.clone());
            (self.status, Html(html)).into_response()
        }
    }
}
