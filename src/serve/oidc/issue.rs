//! The tokens the login server issues, made in one place from a completed login's claims (those
//! `simulate` computes, Rules' and Actions' custom claims included): the claims only this server
//! knows are set — `iss` (its issuer), `aud` (the client for the ID token; the audience and
//! `/userinfo` for the access token), `azp`, `nonce`, `auth_time` (when the user authenticated:
//! earlier, for a single sign-on login) — the profile claims of scopes the application did not
//! ask for are dropped, and both are signed RS256 with the tenant's key — but for an access token
//! whose only audience is `/userinfo`, which is opaque as Auth0's is (`opaque.rs`).

use serde_json::{json, Map, Value};

use super::authorization::Authorization;
use super::Subject;
use crate::pipeline::claims::SCOPE_CLAIMS;
use crate::pipeline::login::REQUESTED_SCOPES;
use crate::pipeline::Simulation;
use crate::serve::state::ServeState;

/// The scopes granted: the standard ones the application asked for, those the Rules and
/// Actions added, and `offline_access` when asked.
pub fn granted_scopes(authorization: &Authorization, simulation: &Simulation) -> Vec<String> {
    let mut scopes: Vec<String> = simulation
        .scopes
        .iter()
        .filter(|s| !REQUESTED_SCOPES.contains(&s.as_str()) || authorization.asked(s))
        .cloned()
        .collect();
    for scope in REQUESTED_SCOPES {
        if authorization.asked(scope) && !scopes.iter().any(|s| s == scope) {
            scopes.insert(0, scope.to_owned());
        }
    }
    if authorization.asked("offline_access") {
        scopes.push("offline_access".into());
    }
    scopes
}

/// Why a completed login's tokens could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The simulated login ended without tokens.
    #[error("the login issued no tokens")]
    NoTokens,
    /// A token could not be signed.
    #[error(transparent)]
    Sign(#[from] crate::pipeline::TokenError),
    /// An opaque access token could not be made (no randomness for its nonce).
    #[error("an opaque access token could not be made: {0}")]
    Opaque(String),
}

/// The token response of a completed login, granting `scopes` (`refresh_token` is added by the
/// grant).
pub fn token_response(
    state: &ServeState,
    authorization: &Authorization,
    subject: &Subject,
    simulation: &Simulation,
    nonce: Option<&str>,
    scopes: &[String],
) -> Result<Value, IssueError> {
    let tokens = simulation.tokens.as_ref().ok_or(IssueError::NoTokens)?;
    let issuer = state.issuer();
    let userinfo = format!("{issuer}userinfo");
    // The API the access token is for: none when only `/userinfo` was asked for, or nothing.
    let api = authorization.audience.as_ref().filter(|audience| **audience != userinfo);
    let mut access = tokens.access_token.claims.clone();
    let iat = access.get("iat").cloned().unwrap_or(json!(0));
    access.insert("iss".into(), json!(issuer));
    access.insert(
        "aud".into(),
        match api {
            Some(api) if authorization.asked("openid") => json!([api, userinfo]),
            Some(api) => json!(api),
            None => json!(userinfo),
        },
    );
    access.insert("azp".into(), json!(authorization.client_id));
    access.insert("scope".into(), json!(scopes.join(" ")));
    let expires_in = match (access.get("exp").and_then(Value::as_u64), iat.as_u64()) {
        (Some(exp), Some(iat)) => exp.saturating_sub(iat),
        _ => 0,
    };
    // Auth0: a JWT when the audience is an API, an opaque token when it is only `/userinfo`.
    let access_token = match api {
        Some(_) => state.signer.sign(&access)?,
        None => state.opaque.seal(&access).map_err(|e| IssueError::Opaque(e.to_string()))?,
    };
    let mut response = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "scope": scopes.join(" "),
    });
    if let (Some(id_token), true) = (&tokens.id_token, authorization.asked("openid")) {
        let mut claims = id_token.claims.clone();
        drop_unasked_profile_claims(&mut claims, authorization);
        claims.insert("iss".into(), json!(issuer));
        claims.insert("aud".into(), json!(authorization.client_id));
        claims.insert("azp".into(), json!(authorization.client_id));
        claims.insert("auth_time".into(), json!(subject.authenticated_at / 1000));
        match nonce {
            Some(nonce) => _ = claims.insert("nonce".into(), json!(nonce)),
            None => _ = claims.shift_remove("nonce"),
        }
        response["id_token"] = json!(state.signer.sign(&claims)?);
    }
    Ok(response)
}

/// Removes the claims of `profile`, `email`, … when the application did not ask for that scope.
fn drop_unasked_profile_claims(claims: &mut Map<String, Value>, authorization: &Authorization) {
    for (scope, names) in SCOPE_CLAIMS {
        if !authorization.asked(scope) {
            for name in names {
                claims.shift_remove(*name);
            }
        }
    }
}

/// The profile claims `/userinfo` returns for `scopes`: `sub`, then those of each scope the
/// user has.
pub fn userinfo_claims(profile: &Value, scopes: &[&str]) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("sub".into(), profile["user_id"].clone());
    for (scope, names) in SCOPE_CLAIMS {
        if scopes.contains(&scope) {
            for name in names {
                if let Some(value) = profile.get(*name).filter(|v| !v.is_null()) {
                    claims.insert((*name).into(), value.clone());
                }
            }
        }
    }
    claims
}
