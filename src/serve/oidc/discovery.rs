//! `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0) with the endpoints of this
//! server and the supported values Auth0's discovery document lists that this server honours,
//! and `/.well-known/jwks.json`, the public key of the tenant's RS256 key pair.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::serve::state::ServeState;

/// The discovery document.
pub async fn configuration(State(state): State<Arc<ServeState>>) -> Json<Value> {
    let issuer = state.issuer();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}authorize"),
        "token_endpoint": format!("{issuer}oauth/token"),
        "userinfo_endpoint": format!("{issuer}userinfo"),
        "jwks_uri": format!("{issuer}.well-known/jwks.json"),
        "end_session_endpoint": format!("{issuer}v2/logout"),
        "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname", "email", "email_verified", "picture", "created_at", "identities", "phone", "address"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "email_verified", "exp", "family_name", "given_name", "iat", "identities", "iss", "name", "nickname", "phone_number", "picture", "sub"],
        "request_uri_parameter_supported": false,
        "request_parameter_supported": false,
    }))
}

/// The JSON Web Key Set that verifies the tokens this server signs.
pub async fn jwks(State(state): State<Arc<ServeState>>) -> Json<Value> {
    Json(json!({ "keys": state.signer.public_jwk().into_iter().collect::<Vec<_>>() }))
}
