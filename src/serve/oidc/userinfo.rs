//! `/userinfo` (OIDC Core §5.3): the Bearer access token verified (a JWT: RS256 with the tenant's
//! key, this server's issuer, `/userinfo` among its audiences, not expired; an opaque token: opened
//! with this server's key, not expired), then the user's profile
//! claims, read from `users/` now, for the scopes the token carries.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::issue::userinfo_claims;
use super::opaque::OpaqueTokens;
use crate::pipeline::users;
use crate::serve::error::OAuthError;
use crate::serve::state::ServeState;

fn unauthorized(description: impl Into<String>) -> Response {
    let error = OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_token", description);
    let challenge =
        format!("Bearer error=\"invalid_token\", error_description=\"{}\"", error.description.replace('"', "'"));
    let mut response = error.into_response();
    if let Ok(value) = challenge.parse() {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Verifies an access token this server issued; its claims.
pub fn verify(state: &ServeState, token: &str) -> Result<Map<String, Value>, String> {
    if !token.contains('.') {
        return verify_opaque(&state.opaque, token, super::now_ms() / 1000);
    }
    let jwk = state.signer.public_jwk().ok_or("the server has no RS256 key")?;
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap_or_default(), jwk["e"].as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[state.issuer()]);
    validation.set_audience(&[format!("{}userinfo", state.issuer())]);
    jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation).map(|d| d.claims).map_err(|e| e.to_string())
}

/// Opens an opaque access token of this server and checks its expiry against `now` (seconds since
/// the epoch), as a JWT's `exp` is checked.
fn verify_opaque(opaque: &OpaqueTokens, token: &str, now: i64) -> Result<Map<String, Value>, String> {
    let claims = opaque.open(token).ok_or("not an access token of this server")?;
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    if exp <= now {
        return Err("the token has expired".into());
    }
    Ok(claims)
}

/// `GET|POST /userinfo`.
pub async fn userinfo(State(state): State<Arc<ServeState>>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
    else {
        return unauthorized("Missing access token: send Authorization: Bearer ACCESS_TOKEN");
    };
    let claims = match verify(&state, token.trim()) {
        Ok(claims) => claims,
        Err(error) => return unauthorized(format!("Invalid access token: {error}")),
    };
    let Some(sub) = claims.get("sub").and_then(Value::as_str) else {
        return unauthorized("The access token has no sub");
    };
    let profile = match users::find(&state.root, sub).and_then(|file| users::load(&file)) {
        Ok(record) => record.profile,
        Err(error) => return unauthorized(format!("The token's user is gone: {error}")),
    };
    let scopes: Vec<&str> = claims.get("scope").and_then(Value::as_str).unwrap_or_default().split(' ').collect();
    Json(Value::Object(userinfo_claims(&profile, &scopes))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opaque_token_is_good_until_its_exp() {
        let opaque = OpaqueTokens::new().unwrap();
        let claims = serde_json::json!({"sub": "auth0|1", "scope": "openid", "exp": 1_000});
        let token = opaque.seal(claims.as_object().unwrap()).unwrap();
        assert_eq!(verify_opaque(&opaque, &token, 999).unwrap()["sub"], "auth0|1");
        assert_eq!(verify_opaque(&opaque, &token, 1_000).unwrap_err(), "the token has expired");
        let no_exp = opaque.seal(serde_json::json!({"sub": "auth0|1"}).as_object().unwrap()).unwrap();
        assert_eq!(verify_opaque(&opaque, &no_exp, 0).unwrap_err(), "the token has expired");
    }
}
