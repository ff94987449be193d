//! Native TLS: `--tls-cert` and `--tls-key` make `serve` (and `demo`) answer HTTPS
//! itself, so a small install needs no proxy in front. rustls with the ring provider
//! (aws-lc-rs needs cmake and nasm to build); axum-server runs the handshakes, each in
//! its connection's own task with a time limit, so a client that never finishes one
//! holds up nobody else.

use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use clap::Args;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Args, Debug, Clone, Default)]
pub struct TlsArgs {
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first).
    /// Needs --tls-key; without both, plain HTTP.
    #[arg(
        long,
        env = "SESSIONS_TLS_CERT",
        value_name = "PATH",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(
        long,
        env = "SESSIONS_TLS_KEY",
        value_name = "PATH",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
}

impl TlsArgs {
    /// The server configuration, `None` for plain HTTP. Read before anything is opened
    /// or bound: a wrong path stops the start, naming the file, rather than serving a
    /// site that browsers refuse.
    pub async fn load(&self) -> Result<Option<Arc<ServerConfig>>, String> {
        let (Some(cert_path), Some(key_path)) = (&self.tls_cert, &self.tls_key) else {
            // clap refuses one flag without the other.
            return Ok(None);
        };
        let chain = certificates(cert_path).await?;
        let key = private_key(key_path).await?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| format!("TLS: {err}"))?
            .with_no_client_auth()
            // Also checks that the key belongs to the certificate.
            .with_single_cert(chain, key)
            .map_err(|err| {
                format!(
                    "the TLS certificate {} and key {} cannot be used together: {err}",
                    cert_path.display(),
                    key_path.display()
                )
            })?;
        // HTTP/2 for pages and files; the live channel's WebSocket stays on HTTP/1.1
        // (browsers open it on a connection of its own).
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Some(Arc::new(config)))
    }
}

async fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let pem = read(path, "certificate").await?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| {
            format!(
                "the TLS certificate {} is not valid PEM: {err}",
                path.display()
            )
        })?;
    if chain.is_empty() {
        return Err(format!(
            "the TLS certificate {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(chain)
}

async fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    let pem = read(path, "key").await?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|err| {
        format!(
            "the TLS key {} holds no usable PEM private key: {err}",
            path.display()
        )
    })
}

async fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    tokio::fs::read(path)
        .await
        .map_err(|err| format!("cannot read the TLS {what} {}: {err}", path.display()))
}

/// Serves `app` over TLS on `listener` until `shutdown` completes, then, as the plain
/// HTTP path does, stops accepting and lets requests in flight finish (open live
/// channels are already upgraded and do not hold the stop up).
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    app: IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
    config: Arc<ServerConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(None);
    });
    let listener = listener
        .into_std()
        .map_err(|err| format!("cannot serve TLS: {err}"))?;
    axum_server::tls_rustls::from_tcp_rustls(listener, RustlsConfig::from_config(config))
        .map_err(|err| format!("cannot serve TLS: {err}"))?
        .handle(handle)
        .serve(app)
        .await
        .map_err(|err| format!("server error: {err}"))
}
