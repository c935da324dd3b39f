//! Who may call the Management API: a Bearer token that is either the `--api-token` (every scope)
//! or an RS256 access token of this server (signature with the tenant key, issuer, audience
//! `BASE/api/v2/`, expiry), whose `scope` claim must hold the scope an endpoint needs.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::serve::error::ApiError;
use crate::serve::state::ServeState;

/// The scopes a caller holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Grant {
    /// The `--api-token`: every scope.
    All,
    /// An access token's `scope` claim.
    Scopes(Vec<String>),
}

impl Grant {
    pub fn has(&self, scope: &str) -> bool {
        match self {
            Grant::All => true,
            Grant::Scopes(scopes) => scopes.iter().any(|s| s == scope),
        }
    }

    /// 403 `insufficient_scope` naming `needed` unless the caller holds it.
    pub fn require(&self, needed: &str) -> Result<(), ApiError> {
        if self.has(needed) {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope(&[needed]))
        }
    }
}

/// The verified caller of a Management API request (401 when absent or invalid).
pub struct Caller(pub Grant);

impl FromRequestParts<Arc<ServeState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<ServeState>) -> Result<Caller, ApiError> {
        let header = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = bearer(header)?;
        if let Some(api_token) = &state.options.api_token {
            if constant_time_eq(token.as_bytes(), api_token.as_bytes()) {
                return Ok(Caller(Grant::All));
            }
        }
        let key = decoding_key(state)?;
        verify(token, &key, &state.issuer(), &state.api_audience()).map(Caller)
    }
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(header: Option<&str>) -> Result<&str, ApiError> {
    let header = header.ok_or_else(|| ApiError::unauthorized("Missing authentication"))?;
    let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized("Bad HTTP authentication header format"));
    }
    Ok(token.trim())
}

/// Verifies an RS256 access token for the Management API and returns its scopes.
pub fn verify(token: &str, key: &DecodingKey, issuer: &str, audience: &str) -> Result<Grant, ApiError> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.leeway = 0;
    let data = jsonwebtoken::decode::<Value>(token, key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => {
                ApiError::unauthorized("Expired token received for JSON Web Token validation")
            }
            ErrorKind::InvalidAudience => ApiError::unauthorized("Bad audience: the token is not for this API"),
            ErrorKind::InvalidIssuer => ApiError::unauthorized("Bad issuer: the token was not issued by this tenant"),
            _ => ApiError::unauthorized("Invalid token"),
        }
    })?;
    let scopes = data.claims["scope"].as_str().unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    Ok(Grant::Scopes(scopes))
}

fn decoding_key(state: &ServeState) -> Result<DecodingKey, ApiError> {
    let path =
        state.signer.info.public_key.as_ref().ok_or_else(|| ApiError::internal("the tenant has no RS256 key"))?;
    let pem =
        crate::files::read_text(path).map_err(|e| ApiError::internal(format!("cannot read the tenant key: {e}")))?;
    DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| ApiError::internal(format!("unusable tenant key: {e}")))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn scopes_are_checked_exactly() {
        let grant = Grant::Scopes(vec!["read:clients".into(), "update:clients".into()]);
        assert!(grant.require("read:clients").is_ok());
        let err = grant.require("read:client").unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN);
        assert_eq!(err.message, "Insufficient scope, expected any of: read:client");
        assert!(grant.require("delete:clients").is_err());
        assert!(Grant::All.require("delete:clients").is_ok());
    }

    #[test]
    fn bearer_header_forms() {
        assert_eq!(bearer(Some("Bearer abc")).unwrap(), "abc");
        assert_eq!(bearer(Some("bearer  abc ")).unwrap(), "abc");
        assert_eq!(bearer(None).unwrap_err().message, "Missing authentication");
        assert_eq!(bearer(Some("Basic abc")).unwrap_err().status, StatusCode::UNAUTHORIZED);
        assert_eq!(bearer(Some("Bearer ")).unwrap_err().status, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn api_token_compare() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }
}
