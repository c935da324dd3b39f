//! Refresh tokens (RFC 6749 §6): issued with a code's tokens when `offline_access` was asked,
//! and the `refresh_token` grant, which runs the login again — Rules and Actions see protocol
//! `oauth2-refresh-token`, as on Auth0 — and issues new tokens.
//!
//! An application whose file says `refresh_token: {rotation_type: "rotating"}` gets Auth0's
//! refresh token rotation (<https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation>):
//! each exchange answers a new refresh token of the same family and retires the one used; a
//! retired one used again (after the `leeway` seconds of the Dashboard's Rotation Overlap Period,
//! 0 by default) revokes the whole family — every later token with it — as a token stolen and
//! replayed would, and is `invalid_grant`. A non-rotating refresh token serves until it expires
//! and the exchange answers no new one.
//!
//! A `scope` parameter asks for a subset of the scopes granted with the refresh token (Auth0's
//! refresh token grant: "If omitted, the original scopes will be used; otherwise, you can request
//! a reduced set of scopes", <https://auth0.com/docs/api/authentication/refresh-token/refresh-token>).
//! Rules and Actions then see the scopes asked (`event.transaction.requested_scopes`, and the
//! parameter in `event.request.body.scope`), and the tokens carry no scope outside them. A scope
//! outside the granted set is refused before the token is used: Auth0 documents no error for it,
//! so it is RFC 6749's — `invalid_scope` (§5.2: "exceeds the scope granted by the resource
//! owner"), 400. The refresh token itself keeps the scopes it was granted with (RFC 6749 §6), so a
//! later exchange may ask for them all again.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::authorization::Authorization;
use super::grants::client_of;
use super::{issue, journal, random_token, OidcInner, Subject};
use crate::pipeline::login::{Protocol, ServedRequest};
use crate::pipeline::{self, LoginRequest, SimStatus};
use crate::serve::error::OAuthError;
use crate::serve::scope::subset;
use crate::serve::state::ServeState;
use crate::serve::token::TokenRequest;
use crate::tenant::Client;

/// What a refresh token stands for: the login to run again, and its place in its family.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub authorization: Authorization,
    pub subject: Subject,
    /// The scopes granted with it (the `scope` of the code's token response): an exchange may
    /// ask for fewer, never for more.
    pub granted: Vec<String>,
    /// The family: the tokens rotated from one code's refresh token.
    pub family: String,
    /// When it was exchanged (a rotating token is then retired).
    pub used: Option<Instant>,
}

/// How an application's refresh tokens rotate (`refresh_token.rotation_type`, `.leeway`).
fn rotation(client: &Client) -> Option<Duration> {
    let settings = &client.raw["refresh_token"];
    (settings["rotation_type"] == "rotating").then(|| Duration::from_secs(settings["leeway"].as_u64().unwrap_or(0)))
}

/// Whether the application may use refresh tokens (its `grant_types`, when it lists them).
pub fn allows_refresh(client: &Client) -> bool {
    match client.raw["grant_types"].as_array() {
        Some(grants) => grants.iter().any(|g| g == "refresh_token"),
        None => true,
    }
}

/// A new refresh token for the login, granted `granted`, in `family` (a new family when `None`).
pub fn issue_token(
    oidc: &mut OidcInner,
    authorization: &Authorization,
    subject: &Subject,
    granted: &[String],
    family: Option<String>,
) -> String {
    let token = random_token();
    let grant = RefreshGrant {
        authorization: authorization.clone(),
        subject: subject.clone(),
        granted: granted.to_vec(),
        family: family.unwrap_or_else(random_token),
        used: None,
    };
    oidc.refresh_tokens.insert(token.clone(), grant, Instant::now());
    token
}

/// The grant of `token` as this exchange may use it, and the login to run again: the
/// authorization request with the scopes `asked` (a subset of those granted), or with its own
/// when none are asked. A rotating token is retired by the exchange; one retired before (past the
/// leeway) revokes its family. A request refused here leaves the token as it was.
fn take_grant(
    oidc: &mut OidcInner,
    token: &str,
    client: &Client,
    asked: Option<&str>,
    now: Instant,
) -> Result<(RefreshGrant, Authorization), OAuthError> {
    let unknown = || OAuthError::invalid_grant("Unknown or invalid refresh token.");
    let mut grant = oidc.refresh_tokens.get(token, now).cloned().ok_or_else(unknown)?;
    if client.client_id.as_deref() != Some(grant.authorization.client_id.as_str()) {
        return Err(OAuthError::invalid_grant("The refresh token was issued to another client"));
    }
    let leeway = rotation(client);
    if let (Some(leeway), Some(used)) = (leeway, grant.used) {
        if now.duration_since(used) >= leeway {
            let family = grant.family.clone();
            oidc.refresh_tokens.retain(|g| g.family != family);
            return Err(unknown());
        }
    }
    let mut authorization = grant.authorization.clone();
    match subset(asked, &grant.granted) {
        Ok(Some(scopes)) => authorization.scopes = scopes,
        Ok(None) => {}
        Err(missing) => {
            return Err(OAuthError::invalid_scope(format!(
                "The refresh token was not granted the scopes {} (granted: {})",
                missing.join(", "),
                grant.granted.join(" ")
            )))
        }
    }
    if leeway.is_some() && grant.used.is_none() {
        grant.used = Some(now);
        oidc.refresh_tokens.insert(token.to_owned(), grant.clone(), now);
    }
    Ok((grant, authorization))
}

/// The request Rules and Actions see: the token request's form, without its credentials, and the
/// scopes `authorization` asks.
fn served(request: &TokenRequest, authorization: &Authorization, subject: &Subject) -> ServedRequest {
    let mut fields: Vec<(&String, &String)> =
        request.fields.iter().filter(|(k, _)| !matches!(k.as_str(), "client_secret" | "refresh_token")).collect();
    fields.sort();
    let body: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    ServedRequest {
        method: "POST".into(),
        query: Map::new(),
        body,
        redirect_uri: Some(authorization.redirect_uri.clone()),
        scopes: authorization.scopes.clone(),
        authenticated_at: subject.authenticated_at,
        sso_clients: None,
    }
}

/// `grant_type=refresh_token`.
pub async fn grant(state: &ServeState, request: &TokenRequest) -> Result<Value, OAuthError> {
    let client = client_of(state, request)?;
    let token = request.require("refresh_token")?;
    // A blank `scope` asks for none: the original scopes.
    let asked = request.get("scope").filter(|s| !s.trim().is_empty());
    let (grant, authorization) = take_grant(&mut state.oidc.lock(), token, &client, asked, Instant::now())?;
    let login = LoginRequest {
        tenant: Some(state.tenant.clone()),
        client: Some(authorization.client_id.clone()),
        user_id: Some(grant.subject.user_id.clone()),
        audience: authorization.audience.clone(),
        protocol: Some(Protocol::Oauth2RefreshToken),
        persist: true,
        served: Some(served(request, &authorization, &grant.subject)),
        ..Default::default()
    };
    let result = pipeline::simulate(&state.host, &login).await;
    journal::record(state, &authorization, &grant.subject, &result);
    let simulation = result.map_err(|e| OAuthError::invalid_grant(e.to_string()))?;
    match simulation.status {
        SimStatus::Completed => {
            let mut scopes = issue::granted_scopes(&authorization, &simulation);
            // Scopes asked: the tokens carry none outside them, whatever the Actions add.
            if asked.is_some() {
                scopes.retain(|s| authorization.asked(s));
            }
            let mut response = issue::token_response(state, &authorization, &grant.subject, &simulation, None, &scopes)
                .map_err(|e| OAuthError::server_error(e.to_string()))?;
            if rotation(&client).is_some() {
                let token = issue_token(
                    &mut state.oidc.lock(),
                    &grant.authorization,
                    &grant.subject,
                    &grant.granted,
                    Some(grant.family),
                );
                response["refresh_token"] = json!(token);
            }
            Ok(response)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::oidc::OidcState;
    use std::collections::HashMap;

    fn client(refresh_token: Value) -> Client {
        Client {
            name: "App".into(),
            client_id: Some("app".into()),
            client_metadata: None,
            file: Default::default(),
            raw: json!({ "refresh_token": refresh_token }),
        }
    }

    fn authorization() -> Authorization {
        Authorization {
            client_id: "app".into(),
            client_name: "App".into(),
            redirect_uri: "https://app/cb".into(),
            redirect_uri_given: true,
            state: None,
            nonce: None,
            scopes: vec!["openid".into(), "offline_access".into()],
            audience: None,
            challenge: None,
            login_hint: None,
            prompt_none: false,
            prompt_login: false,
            max_age: None,
            query: Map::new(),
        }
    }

    /// The scopes the code's token response granted.
    fn granted() -> Vec<String> {
        ["openid", "profile", "email", "read:reports", "offline_access"].map(String::from).to_vec()
    }

    /// Auth0's refresh token grant: "If omitted, the original scopes will be used; otherwise, you
    /// can request a reduced set of scopes"
    /// (https://auth0.com/docs/api/authentication/refresh-token/refresh-token); never more
    /// (RFC 6749 §6), refused as `invalid_scope` (RFC 6749 §5.2).
    #[test]
    fn a_refresh_may_ask_for_fewer_scopes_never_more() {
        let state = OidcState::default();
        let mut oidc = state.lock();
        let client = client(json!({ "rotation_type": "rotating" }));
        let subject = Subject::now("auth0|1".into());
        let token = issue_token(&mut oidc, &authorization(), &subject, &granted(), None);
        let now = Instant::now();
        let error = take_grant(&mut oidc, &token, &client, Some("openid write:reports admin"), now).unwrap_err();
        assert_eq!((error.status.as_u16(), error.error), (400, "invalid_scope"));
        assert!(error.description.contains("write:reports, admin"), "{}", error.description);
        let (grant, asked) = take_grant(&mut oidc, &token, &client, Some("read:reports openid"), now)
            .expect("a refused request leaves a rotating token unused");
        assert_eq!(asked.scopes, ["read:reports", "openid"], "the scopes asked, in their order");
        assert_eq!(grant.authorization.scopes, ["openid", "offline_access"], "the token keeps its own");
        assert_eq!(grant.granted, granted());
        let plain = Client { raw: json!({}), ..client };
        let token = issue_token(&mut oidc, &authorization(), &subject, &granted(), None);
        let (_, all) = take_grant(&mut oidc, &token, &plain, None, now).unwrap();
        assert_eq!(all.scopes, ["openid", "offline_access"], "none asked: the original request's");
        let (_, blank) = take_grant(&mut oidc, &token, &plain, Some(" "), now).unwrap();
        assert_eq!(blank.scopes, ["openid", "offline_access"], "a blank scope asks for none");
    }

    /// Auth0's automatic reuse detection: a rotated-out token used again revokes its family,
    /// the newest token included.
    #[test]
    fn reusing_a_rotated_token_revokes_the_family() {
        let state = OidcState::default();
        let mut oidc = state.lock();
        let client = client(json!({ "rotation_type": "rotating" }));
        let subject = Subject::now("auth0|1".into());
        let first = issue_token(&mut oidc, &authorization(), &subject, &granted(), None);
        let unrelated = issue_token(&mut oidc, &authorization(), &subject, &granted(), None);
        let now = Instant::now();
        let (grant, _) = take_grant(&mut oidc, &first, &client, None, now).unwrap();
        let second = issue_token(&mut oidc, &authorization(), &subject, &granted(), Some(grant.family));
        let error = take_grant(&mut oidc, &first, &client, None, now).unwrap_err();
        assert_eq!(error.error, "invalid_grant");
        assert!(take_grant(&mut oidc, &second, &client, None, now).is_err(), "the newest token is revoked too");
        assert!(take_grant(&mut oidc, &unrelated, &client, None, now).is_ok(), "another family is untouched");
    }

    #[test]
    fn the_leeway_lets_a_retired_token_serve_a_little_longer() {
        let state = OidcState::default();
        let mut oidc = state.lock();
        let client = client(json!({ "rotation_type": "rotating", "leeway": 10 }));
        let token = issue_token(&mut oidc, &authorization(), &Subject::now("auth0|1".into()), &granted(), None);
        let now = Instant::now();
        assert!(take_grant(&mut oidc, &token, &client, None, now).is_ok());
        assert!(take_grant(&mut oidc, &token, &client, None, now + Duration::from_secs(9)).is_ok());
        assert!(take_grant(&mut oidc, &token, &client, None, now + Duration::from_secs(10)).is_err());
    }

    #[test]
    fn a_non_rotating_token_serves_again() {
        let state = OidcState::default();
        let mut oidc = state.lock();
        let client = client(json!({ "rotation_type": "non-rotating" }));
        let token = issue_token(&mut oidc, &authorization(), &Subject::now("auth0|1".into()), &granted(), None);
        let now = Instant::now();
        for _ in 0..3 {
            assert!(take_grant(&mut oidc, &token, &client, None, now).is_ok());
        }
        let other = Client { client_id: Some("other".into()), ..client };
        assert!(take_grant(&mut oidc, &token, &other, None, now).is_err(), "only by its application");
    }

    #[test]
    fn the_token_request_reaches_the_scripts_without_its_credentials() {
        let request = TokenRequest {
            fields: HashMap::from([
                ("grant_type".into(), "refresh_token".into()),
                ("refresh_token".into(), "rt".into()),
                ("client_secret".into(), "s".into()),
                ("client_id".into(), "app".into()),
            ]),
            basic: None,
        };
        let served = served(&request, &authorization(), &Subject::now("auth0|1".into()));
        assert_eq!(Value::Object(served.body), json!({"client_id": "app", "grant_type": "refresh_token"}));
        assert_eq!(served.method, "POST");
        assert_eq!(served.scopes, ["openid", "offline_access"]);
    }
}
