//! TLS as the client sees it: the extra CA certificates it trusts, and [`TlsError`], the
//! failure of a handshake, told apart from other transport failures.

use std::{fmt, path::PathBuf};

use rustls::pki_types::{CertificateDer, pem::PemObject};

use crate::{config::files, spec::validation::Violations};

/// Extra CA certificates to trust, besides the system's: PEM text, or PEM files read when the
/// client is built. Each remembers where it came from, so that errors can name it.
#[derive(Clone, Default)]
pub(crate) struct TrustedCas {
    entries: Vec<CaEntry>,
}

#[derive(Clone)]
enum CaEntry {
    /// PEM text given directly; `origin` names the setting.
    Pem { origin: String, pem: Vec<u8> },
    /// A PEM file; `origin` names the setting that gave its path.
    File { origin: String, path: PathBuf },
}

impl fmt::Debug for TrustedCas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|entry| match entry {
                CaEntry::Pem { origin, pem } => format!("{origin} ({} bytes of PEM)", pem.len()),
                CaEntry::File { origin, path } => format!("{origin} ({})", path.display()),
            }))
            .finish()
    }
}

impl TrustedCas {
    /// Adds PEM text (one certificate or a bundle), given by `origin`.
    pub(crate) fn push_pem(&mut self, origin: impl Into<String>, pem: impl Into<Vec<u8>>) {
        self.entries.push(CaEntry::Pem {
            origin: origin.into(),
            pem: pem.into(),
        });
    }

    /// Adds a PEM file, read when the client is built; `origin` names the setting.
    pub(crate) fn push_file(&mut self, origin: impl Into<String>, path: impl Into<PathBuf>) {
        self.entries.push(CaEntry::File {
            origin: origin.into(),
            path: path.into(),
        });
    }

    /// Reads and checks every certificate; each problem is recorded under `field`, naming the
    /// origin (and the file).
    pub(crate) fn load(
        &self,
        field: &str,
        violations: &mut Violations,
    ) -> Vec<reqwest::Certificate> {
        let mut certificates = Vec::new();
        for entry in &self.entries {
            let (origin, text) = match entry {
                CaEntry::Pem { origin, pem } => (origin.clone(), pem.clone()),
                CaEntry::File { origin, path } => {
                    let origin = format!("{origin} ({})", path.display());
                    match files::read_bounded(path) {
                        Ok(text) => (origin, text),
                        Err(problem) => {
                            violations.push(field, format!("{origin}: {problem}"));
                            continue;
                        }
                    }
                }
            };
            match parse_pem(&text) {
                Ok(found) => certificates.extend(found),
                Err(problem) => violations.push(field, format!("{origin}: {problem}")),
            }
        }
        certificates
    }
}

/// The CA certificates of a PEM text, each checked to be a certificate a trust anchor can be
/// made of.
fn parse_pem(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    let mut certificates = Vec::new();
    for (index, der) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let der = der.map_err(|e| format!("is not PEM: {e}"))?;
        let mut store = rustls::RootCertStore::empty();
        store
            .add(der.clone())
            .map_err(|e| format!("certificate {} cannot be trusted: {e}", index + 1))?;
        certificates.push(
            reqwest::Certificate::from_der(&der)
                .map_err(|e| format!("certificate {}: {e}", index + 1))?,
        );
    }
    if certificates.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned());
    }
    Ok(certificates)
}

/// A TLS handshake that failed: the server's certificate is not trusted, has expired, is for
/// another name, or the handshake itself broke.
#[derive(Debug)]
#[non_exhaustive]
pub struct TlsError {
    /// The host the client connected to.
    pub host: String,
    /// What the TLS library said, for example `invalid peer certificate: UnknownIssuer`.
    pub reason: String,
    /// The underlying error.
    pub source: reqwest::Error,
}

impl TlsError {
    /// Whether the server's certificate was refused (rather than the handshake breaking).
    pub fn is_certificate_problem(&self) -> bool {
        self.reason.contains("certificate")
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TLS handshake with {} failed: {}",
            self.host, self.reason
        )?;
        if self.is_certificate_problem() {
            f.write_str(
                " (to trust a private CA: ClientBuilder::ca_certificate_pem, OS_CACERT, or \
                 cacert in clouds.yaml)",
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for TlsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The TLS library's error inside a transport error, if the failure was TLS.
pub(crate) fn rustls_error(error: &reqwest::Error) -> Option<&rustls::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // hyper-util and tokio-rustls wrap it in io::Errors, whose `source` is the wrapped
        // error's source, not the wrapped error itself.
        current = match e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}
