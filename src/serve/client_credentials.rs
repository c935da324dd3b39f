//! The `client_credentials` grant of `/oauth/token`: a machine-to-machine token for an API.
//! The client is authenticated; the API (`audience`) must be granted to it in the tenant's
//! client grants (`grants/`, `clientGrants:`), and the requested scopes must be among the
//! granted ones (none requested: all granted); then the tenant's credentials-exchange Actions
//! run (the `machine-to-machine` flow of `simulate`): a denial ends the request with the
//! Action's error, the custom claims they set go into the token. The access token is an RS256
//! JWT of the tenant key with Auth0's claims (`iss`, `sub` = `CLIENT_ID@clients`, `aud`, `iat`,
//! `exp`, `scope`, `gty`, `azp`).
//!
//! A grant names the Management API by Auth0's identifier `https://TENANT.auth0.com/api/v2/`
//! (any host, as a Deploy CLI export writes it): it grants this server's `BASE/api/v2/`.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use super::error::OAuthError;
use super::state::ServeState;
use super::token::{authenticate_client, TokenRequest};
use crate::pipeline::flows::{self, FlowRequest};
use crate::pipeline::SimStatus;
use crate::tenant::ClientGrant;

/// How long an access token lives, in seconds (Auth0's default for APIs).
pub const EXPIRES_IN: u64 = 86_400;

/// The claims the token's issuer sets; any other claim of the flow's token is a custom claim.
const STANDARD_CLAIMS: [&str; 8] = ["iss", "sub", "aud", "iat", "exp", "scope", "gty", "azp"];

/// Issues the access token of a client-credentials request.
pub async fn grant(state: &ServeState, request: &TokenRequest) -> Result<Value, OAuthError> {
    let tenant = state.tenant().map_err(|e| OAuthError::server_error(e.to_string()))?;
    let client = authenticate_client(&tenant, request)?;
    let client_id = client.client_id.clone().unwrap_or_default();
    let audience = request.get("audience").ok_or_else(|| {
        OAuthError::access_denied("No audience parameter was provided, and no default audience has been configured")
    })?;
    let api_audience = state.api_audience();
    let grant = find_grant(&tenant.client_grants, &client.name, audience, &api_audience).ok_or_else(|| {
        OAuthError::access_denied(format!(
            "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API. \
             See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants"
        ))
    })?;
    let scopes = granted_scopes(grant, request.get("scope"))?;

    let flow = FlowRequest {
        tenant: Some(state.tenant.clone()),
        client: Some(client_id.clone()),
        grant: Some("client-credentials".into()),
        audience: Some(audience.to_owned()),
        scope: Some(scopes.join(" ")),
        ..Default::default()
    };
    let result = flows::simulate(&state.host, &flow).await.map_err(|e| OAuthError::server_error(e.to_string()))?;
    match result.status {
        SimStatus::Completed => {}
        SimStatus::Denied => {
            let (error, description) = result.denial.map(|d| (d.error, d.error_description)).unwrap_or_default();
            return Err(OAuthError {
                status: axum::http::StatusCode::FORBIDDEN,
                error: leak_code(&error),
                description,
            });
        }
        _ => {
            let message = result.error.map(|e| format!("{}: {}", e.name, e.message));
            return Err(OAuthError::server_error(
                message.unwrap_or_else(|| "the credentials-exchange Actions failed".into()),
            ));
        }
    }
    let final_scopes: Vec<String> =
        result.result["scopes"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
    let custom: Map<String, Value> = result.result["access_token"]["claims"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !STANDARD_CLAIMS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let claims = access_claims(&state.issuer(), &client_id, audience, &final_scopes, now, custom);
    let jwt = state.signer.sign(&claims).map_err(|e| OAuthError::server_error(e.to_string()))?;
    Ok(json!({
        "access_token": jwt,
        "token_type": "Bearer",
        "expires_in": EXPIRES_IN,
        "scope": final_scopes.join(" "),
    }))
}

/// The grant of `audience` to the application: a grant of exactly that API, or, for this
/// server's Management API, a grant of any Management API identifier.
pub fn find_grant<'a>(
    grants: &'a [ClientGrant],
    client: &str,
    audience: &str,
    api_audience: &str,
) -> Option<&'a ClientGrant> {
    let of_client = || grants.iter().filter(|g| g.client == client);
    of_client()
        .find(|g| g.audience == audience)
        .or_else(|| (audience == api_audience).then(|| of_client().find(|g| is_management_api(&g.audience))).flatten())
}

/// Whether an API identifier is a Management API's: `https://HOST/api/v2/` (slash optional).
pub fn is_management_api(identifier: &str) -> bool {
    let Some(rest) = identifier.strip_prefix("https://").or_else(|| identifier.strip_prefix("http://")) else {
        return false;
    };
    match rest.split_once('/') {
        Some((host, path)) => !host.is_empty() && (path == "api/v2/" || path == "api/v2"),
        None => false,
    }
}

/// The scopes of the token: the requested ones, each of which the grant must hold, or all the
/// granted ones when none is requested.
pub fn granted_scopes(grant: &ClientGrant, requested: Option<&str>) -> Result<Vec<String>, OAuthError> {
    match super::scope::subset(requested, &grant.scope) {
        Ok(scopes) => Ok(scopes.unwrap_or_else(|| grant.scope.clone())),
        Err(missing) => {
            Err(OAuthError::access_denied(format!("Client has not been granted scopes: {}", missing.join(", "))))
        }
    }
}

/// Auth0's claims of a client-credentials access token, then the custom claims.
pub fn access_claims(
    issuer: &str,
    client_id: &str,
    audience: &str,
    scopes: &[String],
    now: u64,
    custom: Map<String, Value>,
) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(issuer));
    claims.insert("sub".into(), json!(format!("{client_id}@clients")));
    claims.insert("aud".into(), json!(audience));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + EXPIRES_IN));
    claims.insert("scope".into(), json!(scopes.join(" ")));
    claims.insert("gty".into(), json!("client-credentials"));
    claims.insert("azp".into(), json!(client_id));
    claims.extend(custom);
    claims
}

/// The OAuth error codes an Action may give, as the `&'static str` [`OAuthError`] holds; an
/// unexpected code becomes `access_denied`.
fn leak_code(code: &str) -> &'static str {
    const CODES: [&str; 6] =
        ["access_denied", "invalid_request", "invalid_scope", "server_error", "unauthorized_client", "invalid_client"];
    CODES.into_iter().find(|c| *c == code).unwrap_or("access_denied")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(client: &str, audience: &str, scope: &[&str]) -> ClientGrant {
        ClientGrant {
            client: client.into(),
            audience: audience.into(),
            scope: scope.iter().map(|s| s.to_string()).collect(),
            file: "grants/g.json".into(),
        }
    }

    #[test]
    fn grants_match_by_client_and_audience() {
        let api = "http://127.0.0.1:4000/api/v2/";
        let grants = [
            grant("Ops", "https://example-tenant.auth0.com/api/v2/", &["read:clients"]),
            grant("Ops", "https://api.example.com/reports", &["read:reports"]),
            grant("Other", "https://api.example.com/billing", &[]),
        ];
        assert_eq!(find_grant(&grants, "Ops", api, api).unwrap().scope, ["read:clients"]);
        assert_eq!(find_grant(&grants, "Ops", "https://api.example.com/reports", api).unwrap().scope, ["read:reports"]);
        assert!(find_grant(&grants, "Ops", "https://api.example.com/billing", api).is_none());
        assert!(find_grant(&grants, "Other", api, api).is_none());
        // A Management API identifier grants only the served Management API, not another host's.
        assert!(find_grant(&grants, "Ops", "https://elsewhere.auth0.com/api/v2/", api).is_none());
        assert!(is_management_api("https://t.eu.auth0.com/api/v2/"));
        assert!(is_management_api("http://127.0.0.1:4000/api/v2"));
        assert!(!is_management_api("https://t.auth0.com/api/v2/users"));
        assert!(!is_management_api("https:///api/v2/"));
        assert!(!is_management_api("urn:api/v2/"));
    }

    #[test]
    fn scopes_must_be_granted() {
        let g = grant("Ops", "a", &["read:clients", "update:clients"]);
        assert_eq!(granted_scopes(&g, None).unwrap(), ["read:clients", "update:clients"]);
        assert_eq!(granted_scopes(&g, Some(" ")).unwrap(), ["read:clients", "update:clients"]);
        assert_eq!(
            granted_scopes(&g, Some("update:clients read:clients update:clients")).unwrap(),
            ["update:clients", "read:clients"]
        );
        let err = granted_scopes(&g, Some("read:clients delete:clients create:users")).unwrap_err();
        assert_eq!(err.error, "access_denied");
        assert_eq!(err.description, "Client has not been granted scopes: delete:clients, create:users");
        let err = granted_scopes(&g, Some("read:clients delete:clients")).unwrap_err();
        assert_eq!(err.description, "Client has not been granted scopes: delete:clients");
    }

    #[test]
    fn claims_in_auth0s_order() {
        let mut custom = Map::new();
        custom.insert("https://example.com/x".into(), json!(1));
        let claims = access_claims("http://h/", "cid", "http://h/api/v2/", &["a".into(), "b".into()], 100, custom);
        let keys: Vec<&str> = claims.keys().map(String::as_str).collect();
        assert_eq!(keys, ["iss", "sub", "aud", "iat", "exp", "scope", "gty", "azp", "https://example.com/x"]);
        assert_eq!(claims["sub"], "cid@clients");
        assert_eq!(claims["exp"], 100 + EXPIRES_IN);
        assert_eq!(claims["scope"], "a b");
        assert_eq!(leak_code("invalid_scope"), "invalid_scope");
        assert_eq!(leak_code("weird"), "access_denied");
    }
}
