//! The JSON API under `/api/v1`: the same use cases as the pages, one error shape
//! (`{"error": {"kind", "message", "field": {"record", "field", "expected", "got"}}}`).
//! Sign in with `POST /api/v1/session`; send `Authorization: Bearer TOKEN` (no CSRF token needed
//! for bearer requests, since browsers never attach them by themselves).

use crate::error::WebError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lantern_app::AppError;

pub(crate) fn reply<T: serde::Serialize>(r: Result<T, AppError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => WebError::from_app(e, true).into_response(),
    }
}

pub(crate) fn bad_json(e: impl std::fmt::Display) -> Response {
    WebError::new(
        StatusCode::BAD_REQUEST,
        "invalid",
        format!("the body is not the JSON expected: {e}"),
        true,
    )
    .into_response()
}
