//! Lantern's web face: server-rendered pages (askama, htmx vendored) and the JSON API under
//! `/api/v1`, with sessions, CSRF protection, one policy per route and audited reads.
//!
//! The only crate that knows HTML and HTTP.

mod admin;
mod api;
mod assets;
mod auth;
mod cache;
mod disruption;
mod error;
mod governance;
mod headers;
mod health;
mod home;
mod interop;
mod openapi;
mod people;
mod plain_pages;
mod policy;
mod printing;
mod readiness;
mod recovery;
mod route_table;
mod state;
mod tls;
mod view;

pub use assets::{VENDORED, without_font_faces};
pub use plain_pages::plain_pages_html;
pub use policy::{Action, allows};
pub use route_table::{RouteInfo, route_table};
pub use state::AppState;
pub use tls::{fingerprint, self_signed, serve_tls, server_config};

use std::net::SocketAddr;

/// Serve until the process is stopped. `ready` is called with the bound address (port 0 picks one).
pub async fn serve(
    state: AppState,
    listen: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    ready(listener.local_addr()?);
    axum::serve(
        listener,
        route_table::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// The router, for tests that drive it in-process.
pub fn router(state: AppState) -> axum::Router {
    route_table::router(state)
}
