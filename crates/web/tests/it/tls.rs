//! HTTPS with a generated self-signed certificate, spoken to by a real TLS client.

use crate::support::Site;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn serves_https_with_a_self_signed_certificate() {
    let site = Site::demo();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = lantern_web::self_signed(dir.path()).unwrap();
    // Generated once: a second call reuses the same pair.
    assert_eq!(
        lantern_web::self_signed(dir.path()).unwrap(),
        (cert.clone(), key.clone())
    );
    let (cert_pem, key_pem) = (std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap());
    let config = lantern_web::server_config(&cert_pem, &key_pem).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let state = site.state.clone();
    tokio::spawn(async move {
        lantern_web::serve_tls(state, "127.0.0.1:0".parse().unwrap(), config, move |a| {
            let _ = tx.send(a);
        })
        .await
    });
    let addr = rx.await.unwrap();

    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(&cert_pem) {
        roots.add(c.unwrap()).unwrap();
    }
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    tls.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("ok"), "{text}");
    assert_eq!(lantern_web::fingerprint(&cert_pem).len(), 32 * 3 - 1);
    // A bad key is refused with a clear message.
    assert!(
        lantern_web::server_config(&cert_pem, b"not a key")
            .unwrap_err()
            .to_string()
            .contains("private key")
    );
}
