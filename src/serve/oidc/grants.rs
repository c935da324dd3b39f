//! The `authorization_code` (with PKCE) and `refresh_token` grants of `/oauth/token`
//! (RFC 6749 §4.1.3 and §6, RFC 7636 §4.5). A code is redeemed once, within [`CODE_TTL`], by
//! the application it was issued to, with the same `redirect_uri` and the PKCE verifier of its
//! challenge. A refresh token (issued when `offline_access` was asked) runs the login again —
//! Rules and Actions see protocol `oauth2-refresh-token`, as on Auth0 — and issues new tokens.

use std::time::Instant;

use serde_json::{json, Value};

use super::{issue, journal, random_token, RefreshGrant, CODE_TTL};
use crate::pipeline::login::Protocol;
use crate::pipeline::{self, LoginRequest, SimStatus};
use crate::serve::error::OAuthError;
use crate::serve::state::ServeState;
use crate::serve::token::{authenticate_client, TokenRequest};
use crate::tenant::Client;

fn client_of(state: &ServeState, request: &TokenRequest) -> Result<Client, OAuthError> {
    let tenant = state.tenant().map_err(|e| OAuthError::server_error(e.to_string()))?;
    authenticate_client(&tenant, request)
}

/// Whether the application may use refresh tokens (its `grant_types`, when it lists them).
fn allows_refresh(client: &Client) -> bool {
    match client.raw["grant_types"].as_array() {
        Some(grants) => grants.iter().any(|g| g == "refresh_token"),
        None => true,
    }
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
            return Err(OAuthError::invalid_grant("Failed to verify code verifier"));
        }
    }
    let mut response = issued.response.clone();
    if authorization.asked("offline_access") && allows_refresh(&client) {
        let token = random_token();
        let grant = RefreshGrant { authorization: authorization.clone(), user_id: issued.user_id.clone() };
        state.oidc.lock().refresh_tokens.insert(token.clone(), grant, Instant::now());
        response["refresh_token"] = json!(token);
    }
    Ok(response)
}

pub async fn refresh_token(state: &ServeState, request: &TokenRequest) -> Result<Value, OAuthError> {
    let client = client_of(state, request)?;
    let token = request.require("refresh_token")?;
    let grant = state
        .oidc
        .lock()
        .refresh_tokens
        .get(token, Instant::now())
        .cloned()
        .ok_or_else(|| OAuthError::invalid_grant("Unknown or invalid refresh token."))?;
    if client.client_id.as_deref() != Some(grant.authorization.client_id.as_str()) {
        return Err(OAuthError::invalid_grant("The refresh token was issued to another client"));
    }
    let login = LoginRequest {
        tenant: Some(state.tenant.clone()),
        client: Some(grant.authorization.client_id.clone()),
        user_id: Some(grant.user_id.clone()),
        audience: grant.authorization.audience.clone(),
        protocol: Some(Protocol::Oauth2RefreshToken),
        persist: true,
        ..Default::default()
    };
    let result = pipeline::simulate(&state.host, &login).await;
    journal::record(state, &grant.authorization, &grant.user_id, &result);
    let simulation = result.map_err(|e| OAuthError::invalid_grant(e.to_string()))?;
    match simulation.status {
        SimStatus::Completed => {
            issue::token_response(state, &grant.authorization, &simulation, None).map_err(OAuthError::server_error)
        }
        SimStatus::Denied => {
            Err(OAuthError::access_denied(simulation.denial.map(|d| d.error_description).unwrap_or_default()))
        }
        SimStatus::Redirected => Err(OAuthError::access_denied(
            "A Rule or an Action redirected the user, which a refresh token exchange cannot do",
        )),
        SimStatus::Error => Err(OAuthError::server_error(
            simulation.error.map(|e| format!("{}: {}", e.name, e.message)).unwrap_or_default(),
        )),
    }
}
