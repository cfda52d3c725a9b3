//! The routes other nodes call: the changes feed, pushed events, and joining with an invitation.
//! No user session reaches them (their policy is `Node`): each request is signed by the calling
//! node's key, and each answer by this node's, bound to the request it answers.

use crate::error::WebError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lantern_app::replication::{
    self as rep, ChangesRequest, EventsPush, NODE_HEADER, NodeSignature, SIGNATURE_HEADER,
    TIME_HEADER, parse_body,
};
use lantern_app::{App, AppError};

/// The signature headers of a request, if all three are there.
pub fn signature(headers: &HeaderMap) -> Option<NodeSignature> {
    let get = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    Some(NodeSignature {
        node: get(NODE_HEADER)?,
        time: get(TIME_HEADER)?,
        signature: get(SIGNATURE_HEADER)?,
    })
}

fn unsigned() -> Response {
    WebError::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        format!("only an enrolled node may call this, signing with {NODE_HEADER}, {TIME_HEADER} and {SIGNATURE_HEADER}"),
        true,
    )
    .into_response()
}

/// Run `f` for the authenticated calling node and answer with its result, signed.
async fn answer<T: serde::Serialize + Send + 'static>(
    state: AppState,
    headers: HeaderMap,
    path: &'static str,
    body: Bytes,
    authenticate: bool,
    f: impl FnOnce(&mut App, &NodeSignature, &[u8]) -> Result<T, AppError> + Send + 'static,
) -> Response {
    let Some(sig) = signature(&headers) else {
        return unsigned();
    };
    let result = state
        .run(move |app| {
            if authenticate {
                app.authenticate_node(&sig, "POST", path, &body)?;
            }
            let value = f(app, &sig, &body)?;
            let bytes = serde_json::to_vec(&value)
                .map_err(|e| AppError::Unreachable(format!("answer: {e}")))?;
            let signed = app.sign_answer(&sig.signature, &bytes);
            Ok::<_, AppError>((bytes, signed))
        })
        .await;
    match result {
        Ok((bytes, signed)) => {
            let mut r = Response::new(Body::from(bytes));
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            for (k, v) in [
                (NODE_HEADER, signed.node),
                (TIME_HEADER, signed.time),
                (SIGNATURE_HEADER, signed.signature),
            ] {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    h.insert(k, v);
                }
            }
            r
        }
        Err(e) => WebError::from_app(e, true).into_response(),
    }
}

/// `POST /api/v1/replication/changes`: the events the caller lacks after its version vector.
pub async fn changes(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(
        state,
        headers,
        "/api/v1/replication/changes",
        body,
        true,
        |app, sig, body| {
            let req: ChangesRequest = parse_body("changes request", body)?;
            app.changes_for(&sig.node, &req)
        },
    )
    .await
}

/// `POST /api/v1/replication/events`: events the caller holds and this node lacks.
pub async fn events(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(
        state,
        headers,
        "/api/v1/replication/events",
        body,
        true,
        |app, _, body| {
            let push: EventsPush = parse_body("events", body)?;
            app.receive_events(&push)
        },
    )
    .await
}

/// `POST /api/v1/replication/join`: a new node presents its invitation (signed by its own key).
pub async fn join(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(
        state,
        headers,
        rep::join::JOIN_PATH,
        body,
        false,
        |app, sig, body| app.accept_join(sig, body),
    )
    .await
}
