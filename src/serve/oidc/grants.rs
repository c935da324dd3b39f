//! The `authorization_code` grant (with PKCE) of `/oauth/token` (RFC 6749 §4.1.3, RFC 7636
//! §4.5): a code is redeemed once, within [`CODE_TTL`], by the application it was issued to,
//! with the same `redirect_uri` and the PKCE verifier of its challenge; with `offline_access`
//! the answer carries a refresh token (`refresh.rs`).

use std::time::Instant;

use serde_json::{json, Value};

use super::refresh::{allows_refresh, issue_token};
use super::CODE_TTL;
use crate::serve::error::OAuthError;
use crate::serve::state::ServeState;
use crate::serve::token::{authenticate_client, TokenRequest};
use crate::tenant::Client;

/// The application of a token request, its credentials checked.
pub fn client_of(state: &ServeState, request: &TokenRequest) -> Result<Client, OAuthError> {
    let tenant = state.tenant().map_err(|e| OAuthError::server_error(e.to_string()))?;
    authenticate_client(&tenant, request)
}

pub async fn authorization_code(state: &ServeState, request: &TokenRequest) -> Result<Value, OAuthError> {
    let client = client_of(state, request)?;
    let code = request.require("code")?;
    let issued = state.oidc.lock().codes.take(code, Instant::now()).ok_or_else(|| {
        OAuthError::invalid_grant(format!(
            "Invalid authorization code: unknown, used already, or older than {} seconds",
            CODE_TTL.as_secs()
        ))
    })?;
    let authorization = &issued.authorization;
    if client.client_id.as_deref() != Some(authorization.client_id.as_str()) {
        return Err(OAuthError::invalid_grant("The authorization code was issued to another client"));
    }
    match request.get("redirect_uri") {
        Some(uri) if uri != authorization.redirect_uri => {
            return Err(OAuthError::invalid_grant(format!(
                "redirect_uri {uri:?} is not the one of the authorization request ({:?})",
                authorization.redirect_uri
            )))
        }
        None if authorization.redirect_uri_given => {
            return Err(OAuthError::invalid_request(
                "Missing required parameter: redirect_uri (the authorization request gave one)",
            ))
        }
        _ => {}
    }
    if let Some(challenge) = &authorization.challenge {
        let verifier = request.get("code_verifier").ok_or_else(|| {
            OAuthError::invalid_grant("Missing code_verifier: the authorization request had a code_challenge")
        })?;
        if !challenge.verify(verifier) {
            // Auth0's words for a verifier that does not answer the challenge, as its users
            // quote them (https://viralsfire.com/post/auth0-failed-to-verify-code-verifier-error).
            return Err(OAuthError::invalid_grant("Failed to verify code verifier"));
        }
    }
    let mut response = issued.response.clone();
    if authorization.asked("offline_access") && allows_refresh(&client) {
        let granted: Vec<String> =
            response["scope"].as_str().unwrap_or_default().split_whitespace().map(str::to_owned).collect();
        let token = issue_token(&mut state.oidc.lock(), authorization, &issued.subject, &granted, None);
        response["refresh_token"] = json!(token);
    }
    Ok(response)
}
