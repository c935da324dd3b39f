//! `serve --tls`: a certificate for `localhost`, `127.0.0.1` and `::1`, issued by a local CA
//! made once and kept in the tenant's `.actionhost/` (`tls-ca.pem`, `tls-cert.pem`,
//! `tls-key.pem`, the key mode 0600) through rcgen. The CA's own private key is never written:
//! once the leaf is issued it can sign nothing else, so trusting `tls-ca.pem` (for Node,
//! `NODE_EXTRA_CA_CERTS`) trusts only this server. The server runs rustls with the `ring` provider.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::files::{self, Mode};
use crate::tenant::store::lock;
use crate::tenant::TenantError;

pub const CA_FILE: &str = "tls-ca.pem";
pub const CERT_FILE: &str = "tls-cert.pem";
pub const KEY_FILE: &str = "tls-key.pem";

/// The files of a tenant's local TLS identity.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// What clients trust.
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    fn of(tenant_root: &Path) -> TlsFiles {
        let dir = tenant_root.join(".actionhost");
        TlsFiles { ca: dir.join(CA_FILE), cert: dir.join(CERT_FILE), key: dir.join(KEY_FILE) }
    }
}

/// The tenant's certificate, created under the tenant's lock when missing.
pub fn ensure(tenant_root: &Path) -> Result<TlsFiles, TenantError> {
    let paths = TlsFiles::of(tenant_root);
    if !(paths.cert.is_file() && paths.key.is_file() && paths.ca.is_file()) {
        let _lock = lock(tenant_root, "tls.lock")?;
        if !(paths.cert.is_file() && paths.key.is_file() && paths.ca.is_file()) {
            create(tenant_root, &paths)?;
        }
    }
    Ok(paths)
}

fn create(tenant_root: &Path, paths: &TlsFiles) -> Result<(), TenantError> {
    let fail = |e: rcgen::Error| TenantError::new(&paths.ca, format!("cannot make a certificate: {e}"));
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
    ca_params.distinguished_name.push(DnType::CommonName, "actionhost local CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().map_err(fail)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(fail)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    let mut leaf_params = CertificateParams::new(names).map_err(fail)?;
    leaf_params.distinguished_name.push(DnType::CommonName, "localhost");
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    leaf_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().map_err(fail)?;
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).map_err(fail)?;

    let write = |path: &Path, text: String, mode: Mode| {
        files::write_inside(tenant_root, path, text.as_bytes(), mode).map_err(|e| TenantError::write(&e))
    };
    write(&paths.key, leaf_key.serialize_pem(), Mode::Exactly(0o600))?;
    write(&paths.cert, leaf.pem() + ca_cert.pem().as_str(), Mode::default())?;
    write(&paths.ca, ca_cert.pem(), Mode::default())?;
    Ok(())
}

/// The rustls server configuration of those files (HTTP/1.1).
pub fn server_config(paths: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, TenantError> {
    let read = |path: &Path| files::read_bytes(path).map_err(|e| TenantError::read(&e));
    let bad = |path: &Path, e: &dyn std::fmt::Display| TenantError::new(path, format!("unusable: {e}"));
    let chain = CertificateDer::pem_slice_iter(&read(&paths.cert)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(&paths.cert, &e))?;
    let key = PrivateKeyDer::from_pem_slice(&read(&paths.key)?).map_err(|e| bad(&paths.key, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(&paths.cert, &e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| bad(&paths.cert, &e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use rustls::client::danger::ServerCertVerifier;

    use super::*;

    /// The leaf verifies against the CA for `localhost` (rustls' own WebPKI verifier as the
    /// independent check), and a second call reuses the files.
    #[test]
    fn the_certificate_verifies_for_localhost_and_is_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ensure(dir.path()).unwrap();
        let first = std::fs::read(&paths.cert).unwrap();
        assert_eq!(ensure(dir.path()).unwrap().cert, paths.cert);
        assert_eq!(std::fs::read(&paths.cert).unwrap(), first);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&paths.key).unwrap().permissions().mode() & 0o777, 0o600);

        let mut roots = rustls::RootCertStore::empty();
        for ca in CertificateDer::pem_file_iter(&paths.ca).unwrap() {
            roots.add(ca.unwrap()).unwrap();
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build().unwrap();
        let chain: Vec<_> = CertificateDer::pem_file_iter(&paths.cert).unwrap().map(Result::unwrap).collect();
        let now = rustls::pki_types::UnixTime::now();
        for name in ["localhost", "127.0.0.1"] {
            let server = rustls::pki_types::ServerName::try_from(name).unwrap();
            verifier.verify_server_cert(&chain[0], &chain[1..], &server, &[], now).unwrap();
        }
        let other = rustls::pki_types::ServerName::try_from("example.com").unwrap();
        assert!(verifier.verify_server_cert(&chain[0], &chain[1..], &other, &[], now).is_err());
        server_config(&paths).unwrap();
    }
}
