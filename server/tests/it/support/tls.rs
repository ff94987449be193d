//! A self-signed certificate for 127.0.0.1 made at test time, written as PEM files for
//! `--tls-cert`/`--tls-key`, and clients (reqwest, the WebSocket) that trust it as their
//! only root: verification stays on, as a browser's would.

use std::path::PathBuf;
use std::sync::Arc;

pub struct TestCert {
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    der: Vec<u8>,
    _dir: tempfile::TempDir,
}

impl TestCert {
    pub fn new() -> TestCert {
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .expect("a self-signed certificate");
        let dir = tempfile::tempdir().expect("temp dir");
        let cert_path = dir.path().join("cert.pem");
        let key_path = dir.path().join("key.pem");
        std::fs::write(&cert_path, made.cert.pem()).expect("write cert");
        std::fs::write(&key_path, made.signing_key.serialize_pem()).expect("write key");
        TestCert {
            cert_path,
            key_path,
            der: made.cert.der().to_vec(),
            _dir: dir,
        }
    }

    /// `SESSIONS_TLS_CERT` and `SESSIONS_TLS_KEY` naming the files.
    pub fn env(&self) -> [(&'static str, String); 2] {
        [
            ("SESSIONS_TLS_CERT", self.cert_path.display().to_string()),
            ("SESSIONS_TLS_KEY", self.key_path.display().to_string()),
        ]
    }

    pub fn reqwest_root(&self) -> reqwest::Certificate {
        reqwest::Certificate::from_der(&self.der).expect("a DER certificate")
    }

    pub fn websocket_connector(&self) -> tokio_tungstenite::Connector {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls_pki_types::CertificateDer::from(self.der.clone()))
            .expect("a root");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tokio_tungstenite::Connector::Rustls(Arc::new(config))
    }
}
