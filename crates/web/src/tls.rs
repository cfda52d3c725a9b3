//! HTTPS: a given certificate and key (PEM), or a self-signed pair generated once into the data
//! directory. rustls with the ring provider; HTTP/1.1 and HTTP/2.

use crate::state::AppState;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// A TLS server configuration from PEM bytes.
pub fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> std::io::Result<rustls::ServerConfig> {
    let certs = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| io_err(format!("certificate: {e}")))?;
    if certs.is_empty() {
        return Err(io_err("certificate: no PEM certificate found"));
    }
    let key =
        PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| io_err(format!("private key: {e}")))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(io_err)?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| io_err(format!("certificate and key: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The self-signed certificate and key in `DATA/tls/`, generated on first use (key mode 0600).
pub fn self_signed(data: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
    let dir = data.join("tls");
    let (cert, key) = (
        dir.join("self-signed-cert.pem"),
        dir.join("self-signed-key.pem"),
    );
    if cert.exists() && key.exists() {
        return Ok((cert, key));
    }
    std::fs::create_dir_all(&dir)?;
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let ck = rcgen::generate_simple_self_signed(names).map_err(io_err)?;
    std::fs::write(&cert, ck.cert.pem())?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write;
    opts.open(&key)?
        .write_all(ck.signing_key.serialize_pem().as_bytes())?;
    Ok((cert, key))
}

/// The SHA-256 fingerprint of the first certificate in a PEM file, for people to compare.
pub fn fingerprint(cert_pem: &[u8]) -> String {
    use sha2::Digest;
    CertificateDer::pem_slice_iter(cert_pem)
        .next()
        .and_then(|c| c.ok())
        .map(|c| {
            sha2::Sha256::digest(c.as_ref())
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":")
        })
        .unwrap_or_default()
}

/// Serve over HTTPS until the process is stopped.
pub async fn serve_tls(
    state: AppState,
    listen: SocketAddr,
    config: rustls::ServerConfig,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    state.set_tls();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    ready(listener.local_addr()?);
    let app = crate::route_table::router(state);
    loop {
        let (tcp, peer) = tokio::select! {
            r = listener.accept() => r?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let svc = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    app.clone().oneshot(req.map(axum::body::Body::new))
                },
            );
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls), svc)
                .await;
        });
    }
}
