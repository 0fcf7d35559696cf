//! HTTPS for the emulator: the server configuration made from a PEM certificate chain and
//! key, and the handshake of one connection, within [`HANDSHAKE_TIMEOUT`]. Each handshake
//! runs on its connection's own task, holding the connection's place among those served at
//! once: a client that connects and says nothing holds up no other.

use std::{fmt, sync::Arc, time::Duration};

use rustls::{
    ServerConfig,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
};
use tokio::net::TcpStream;
use tokio_rustls::{TlsAcceptor, server::TlsStream};

/// The longest a client may take to complete the TLS handshake.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A TLS server configuration (certificate chain and key). Its `Debug` shows no key.
#[derive(Clone)]
pub(crate) struct TlsConfig(Arc<ServerConfig>);

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsConfig { .. }")
    }
}

impl TlsConfig {
    /// An acceptor of TLS connections with this configuration.
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.0.clone())
    }

    /// The configuration of a PEM certificate chain (the server's certificate first) and its
    /// PEM private key (PKCS#8, PKCS#1 or SEC1). The problem, if any, names which of the two
    /// is wrong.
    pub(crate) fn from_pem(cert_chain: &[u8], private_key: &[u8]) -> Result<Self, String> {
        let chain = CertificateDer::pem_slice_iter(cert_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("the certificate is not PEM: {e}"))?;
        if chain.is_empty() {
            return Err("the certificate file holds no PEM certificate".to_owned());
        }
        let key = PrivateKeyDer::from_pem_slice(private_key)
            .map_err(|e| format!("the key is not a PEM private key: {e}"))?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("the certificate and key do not go together: {e}"))?;
        // The emulator speaks HTTP/1.1 only.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self(Arc::new(config)))
    }
}

/// The TLS handshake on one accepted connection, within [`HANDSHAKE_TIMEOUT`]; `None` when
/// it failed or took too long (the connection is dropped).
pub(crate) async fn handshake(
    acceptor: TlsAcceptor,
    stream: TcpStream,
) -> Option<TlsStream<TcpStream>> {
    tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream))
        .await
        .ok()?
        .ok()
}
