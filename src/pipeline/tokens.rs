//! Signed tokens (`--sign`): RS256 with the tenant's key pair, created on first use in
//! `<tenant>/.actionhost/` (`signing-key.pem`, PKCS#8, mode 0600; `signing-key.pub.pem`;
//! `jwks.json` with the key's RFC 7638 thumbprint as `kid`), or HS256 with a given secret (as
//! Auth0 signs ID tokens with the application's client secret). JWTs are made by the
//! `jsonwebtoken` crate.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::Digest;

use super::error::TokenError;
use crate::files::{self, Mode};
use crate::tenant::store::lock;
use crate::tenant::TenantError;

pub const PRIVATE_KEY_FILE: &str = "signing-key.pem";
pub const PUBLIC_KEY_FILE: &str = "signing-key.pub.pem";
pub const JWKS_FILE: &str = "jwks.json";
const RSA_BITS: usize = 2048;

/// How tokens are signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Signing {
    /// RS256 with the tenant's key pair.
    Rs256,
    /// HS256 with this secret.
    Hs256(String),
}

impl Signing {
    /// The signing `--sign` / `--sign-secret` ask for: the secret wins; neither signs nothing.
    pub fn from_flags(sign: bool, secret: Option<&String>) -> Option<Signing> {
        match (secret, sign) {
            (Some(secret), _) => Some(Signing::Hs256(secret.clone())),
            (None, true) => Some(Signing::Rs256),
            (None, false) => None,
        }
    }
}

/// Where a client under test finds what validates the tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SigningInfo {
    pub alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<PathBuf>,
}

/// The key a [`Signer`] signs with.
enum SigningKey {
    /// HS256 through `jsonwebtoken`.
    Hmac(EncodingKey),
    /// RS256 through `aws-lc-rs` (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3), already in the
    /// build for Web Crypto: several times faster than the pure-Rust RSA of `jsonwebtoken`'s
    /// backend and about twice as fast as `ring` (`cargo bench --bench signing`), which a token
    /// server feels. The signature is deterministic: the same as either would give.
    Rsa(Box<aws_lc_rs::signature::RsaKeyPair>),
}

pub struct Signer {
    algorithm: Algorithm,
    key: SigningKey,
    pub info: SigningInfo,
    /// The public key as a JWK (RS256 only): what a JWKS endpoint serves.
    jwk: Option<Value>,
}

impl Signer {
    /// The signer for a tenant (RS256 keys are loaded once per process, created when missing).
    pub fn new(signing: &Signing, tenant_root: &Path) -> Result<Arc<Signer>, TenantError> {
        match signing {
            Signing::Hs256(secret) => Ok(Arc::new(Signer {
                algorithm: Algorithm::HS256,
                key: SigningKey::Hmac(EncodingKey::from_secret(secret.as_bytes())),
                info: SigningInfo { alg: "HS256".into(), kid: None, public_key: None, jwks: None },
                jwk: None,
            })),
            Signing::Rs256 => {
                static SIGNERS: OnceLock<Mutex<HashMap<PathBuf, Arc<Signer>>>> = OnceLock::new();
                let dir = tenant_root.join(".actionhost");
                let mut signers = SIGNERS.get_or_init(Mutex::default).lock().unwrap_or_else(|e| e.into_inner());
                if let Some(signer) = signers.get(&dir).filter(|_| dir.join(PRIVATE_KEY_FILE).is_file()) {
                    return Ok(Arc::clone(signer));
                }
                let signer = Arc::new(rs256(tenant_root, &dir)?);
                signers.insert(dir, Arc::clone(&signer));
                Ok(signer)
            }
        }
    }

    /// The public key as a JWK (`kid` = its RFC 7638 thumbprint); none for HS256.
    pub fn public_jwk(&self) -> Option<&Value> {
        self.jwk.as_ref()
    }

    pub fn sign(&self, claims: &Map<String, Value>) -> Result<String, TokenError> {
        let mut header = Header::new(self.algorithm);
        header.kid = self.info.kid.clone();
        match &self.key {
            SigningKey::Hmac(key) => Ok(jsonwebtoken::encode(&header, claims, key)?),
            SigningKey::Rsa(key_pair) => {
                // The JWS Compact Serialization (RFC 7515 §7.1) of the header and claims.
                let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
                let header = serde_json::to_vec(&header).map_err(|e| TokenError::Sign(e.to_string()))?;
                let payload = serde_json::to_vec(claims).map_err(|e| TokenError::Sign(e.to_string()))?;
                let input = format!("{}.{}", b64(&header), b64(&payload));
                let mut signature = vec![0; key_pair.public_modulus_len()];
                key_pair
                    .sign(
                        &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                        &aws_lc_rs::rand::SystemRandom::new(),
                        input.as_bytes(),
                        &mut signature,
                    )
                    .map_err(|e| TokenError::Sign(format!("RSA signing failed: {e}")))?;
                Ok(format!("{input}.{}", b64(&signature)))
            }
        }
    }
}

/// Loads the tenant's RSA key, creating the key pair (under the tenant's lock) when missing.
fn rs256(tenant_root: &Path, dir: &Path) -> Result<Signer, TenantError> {
    let private_path = dir.join(PRIVATE_KEY_FILE);
    if !private_path.is_file() {
        let _lock = lock(tenant_root, "signing.lock")?;
        if !private_path.is_file() {
            create_key_pair(tenant_root, dir)?;
        }
    }
    let pem = files::read_text(&private_path).map_err(|e| TenantError::read(&e))?;
    let private = RsaPrivateKey::from_pkcs8_pem(&pem)
        .map_err(|e| TenantError::new(&private_path, format!("not a PKCS#8 RSA private key: {e}")))?;
    let unusable = |e: &dyn std::fmt::Display| TenantError::new(&private_path, format!("unusable RSA key: {e}"));
    let der = private.to_pkcs8_der().map_err(|e| unusable(&e))?;
    let key_pair = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|e| unusable(&e))?;
    let key = SigningKey::Rsa(Box::new(key_pair));
    let jwk = public_jwk(&RsaPublicKey::from(&private));
    Ok(Signer {
        algorithm: Algorithm::RS256,
        key,
        info: SigningInfo {
            alg: "RS256".into(),
            kid: jwk["kid"].as_str().map(str::to_owned),
            public_key: Some(dir.join(PUBLIC_KEY_FILE)),
            jwks: Some(dir.join(JWKS_FILE)),
        },
        jwk: Some(jwk),
    })
}

/// Writes the key pair inside the tenant folder, the private key readable by its owner only.
fn create_key_pair(tenant_root: &Path, dir: &Path) -> Result<(), TenantError> {
    let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, RSA_BITS)
        .map_err(|e| TenantError::new(dir, format!("cannot generate an RSA key: {e}")))?;
    let public = RsaPublicKey::from(&private);
    let private_pem = private
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| TenantError::new(dir, format!("cannot encode the key: {e}")))?;
    let public_pem = public
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| TenantError::new(dir, format!("cannot encode the key: {e}")))?;
    let jwks = serde_json::to_string_pretty(&json!({ "keys": [public_jwk(&public)] })).unwrap_or_default() + "\n";
    let write = |name: &str, bytes: &[u8], mode: Mode| {
        files::write_inside(tenant_root, &dir.join(name), bytes, mode).map_err(|e| TenantError::write(&e))
    };
    write(PUBLIC_KEY_FILE, public_pem.as_bytes(), Mode::default())?;
    write(JWKS_FILE, jwks.as_bytes(), Mode::default())?;
    write(PRIVATE_KEY_FILE, private_pem.as_bytes(), Mode::Exactly(0o600))
}

/// The public key as a JWK, `kid` being its RFC 7638 SHA-256 thumbprint.
fn public_jwk(public: &RsaPublicKey) -> Value {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let n = b64(&public.n().to_bytes_be());
    let e = b64(&public.e().to_bytes_be());
    let thumbprint = sha2::Sha256::digest(format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#).as_bytes());
    json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": b64(&thumbprint), "n": n, "e": e })
}

#[cfg(test)]
mod tests {
    use rsa::pkcs8::DecodePublicKey;

    use super::*;

    #[test]
    fn flags_choose_the_signing() {
        let secret = "s3cret".to_owned();
        assert_eq!(Signing::from_flags(false, None), None);
        assert_eq!(Signing::from_flags(true, None), Some(Signing::Rs256));
        assert_eq!(Signing::from_flags(false, Some(&secret)), Some(Signing::Hs256(secret.clone())));
        assert_eq!(Signing::from_flags(true, Some(&secret)), Some(Signing::Hs256(secret.clone())));
    }

    /// The JWK a JWKS endpoint serves is the key of the tenant's public key file, and the one
    /// written to its `jwks.json`; an HS256 signer has none to publish.
    #[test]
    fn public_jwk_is_the_tenant_public_key() {
        let tenant = tempfile::tempdir().unwrap();
        let signer = Signer::new(&Signing::Rs256, tenant.path()).unwrap();
        let jwk = signer.public_jwk().expect("an RS256 signer publishes its key").clone();
        let dir = tenant.path().join(".actionhost");
        let pem = std::fs::read_to_string(dir.join(PUBLIC_KEY_FILE)).unwrap();
        let public = RsaPublicKey::from_public_key_pem(&pem).unwrap();
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["n"], b64(&public.n().to_bytes_be()));
        assert_eq!(jwk["e"], "AQAB", "65537, RFC 7518 §6.3.1.2's example exponent");
        assert_eq!(jwk["kid"].as_str(), signer.info.kid.as_deref());
        let jwks: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(JWKS_FILE)).unwrap()).unwrap();
        assert_eq!(jwks["keys"][0], jwk);

        let hmac = Signer::new(&Signing::Hs256("s3cret".into()), tenant.path()).unwrap();
        assert_eq!(hmac.public_jwk(), None);
    }
}
