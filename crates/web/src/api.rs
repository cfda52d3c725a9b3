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

fn bad_json(e: impl std::fmt::Display) -> Response {
    WebError::new(
        StatusCode::BAD_REQUEST,
        "invalid",
        format!("the body is not the JSON expected: {e}"),
        true,
    )
    .into_response()
}

/// A JSON request body, read into `T`; anything else is answered with the API's error shape
/// (`bad_json`) before the handler runs.
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || v.starts_with("application/json;")
            });
        if !json {
            return Err(WebError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid",
                "the body must be JSON, sent with Content-Type: application/json",
                true,
            )
            .into_response());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(bad_json)
    }
}
