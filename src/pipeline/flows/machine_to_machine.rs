//! The machine-to-machine flow (`--grant client-credentials`): an application asks for an access
//! token with its own credentials; the credentials-exchange Actions run in order, each seeing the
//! custom claims (`event.accessToken.customClaims`) and target scopes
//! (`event.transaction.target_scopes`) the previous ones left; then the access token is issued
//! with Auth0's standard claims for a client-credentials token (`iss`, `sub` =
//! `<client_id>@clients`, `aud`, `iat`, `exp`, `scope`, `gty` `client-credentials`, `azp`) and the
//! custom claims, signed as a login's tokens are. `api.access.deny(code, reason)` ends it with
//! the OAuth error `{error: code, error_description: reason}`.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use super::{event_client, scopes, set_key, Chain, ChainEnd, FlowDenial, FlowKind, FlowRequest};
use super::{FlowResult, FlowSummary};
use crate::effects::{self, Denial, Effect};
use crate::outcome::{Command, OutcomeError};
use crate::pipeline::claims::{self, CustomClaims};
use crate::pipeline::tokens::Signer;
use crate::pipeline::{Token, Tokens};
use crate::request::{RequestError, Trigger};
use crate::Host;

/// The grant type the flow simulates.
pub const CLIENT_CREDENTIALS: &str = "client-credentials";

pub async fn run(host: &Host, request: &FlowRequest) -> Result<FlowResult, RequestError> {
    let kind = FlowKind::MachineToMachine;
    match request.grant.as_deref() {
        Some(CLIENT_CREDENTIALS) => {}
        other => {
            return Err(RequestError::new(
                "grant",
                format!(
                    "unknown grant {:?}; the machine-to-machine flow takes {CLIENT_CREDENTIALS:?}",
                    other.unwrap_or_default()
                ),
            ))
        }
    }
    request.refuse(
        kind,
        &["email", "connection", "user", "persist", "state_file", "continue", "query", "phone", "subject_token"],
    )?;
    let tenant = request.tenant(host)?;
    let client = request.client(&tenant)?;
    let client_id = client.client_id.clone().ok_or_else(|| {
        RequestError::new("client", format!("the application {:?} has no client_id to ask a token with", client.name))
    })?;
    let audience = request
        .audience
        .clone()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| RequestError::new("audience", "missing: give the API the token is for (--audience A)"))?;
    let requested = scopes(request.scope.as_deref(), &[]);

    let mut event = (crate::actions::spec(Trigger::CredentialsExchange).expect("in the table").default_event)();
    event["client"] = event_client(client);
    event["accessToken"] = json!({ "customClaims": {}, "scope": requested });
    let mut body = json!({ "grant_type": "client_credentials", "client_id": client_id, "audience": audience });
    if let Some(scope) = &request.scope {
        body["scope"] = json!(scope);
    }
    event["request"]["body"] = body;
    event["resource_server"] = json!({ "identifier": audience });
    event["transaction"] = json!({ "requested_scopes": requested, "target_scopes": requested });

    let mut result = FlowResult::new(
        kind,
        FlowSummary {
            tenant: tenant.root.clone(),
            client: Some(client.name.clone()),
            client_id: Some(client_id.clone()),
            audience: Some(audience.clone()),
            ..Default::default()
        },
    );
    let chain = Chain {
        host,
        tenant: &tenant,
        trigger: Trigger::CredentialsExchange,
        client: Some(client),
        container: request.container.clone(),
        resumed: false,
    };
    let mut custom = CustomClaims::default();
    let mut target: Vec<String> = requested.clone();
    let end = chain
        .run(
            &mut event,
            0,
            None,
            &mut result,
            |event, command, by| apply(event, command, by, &mut custom, &mut target),
            deny,
        )
        .await?;
    if !matches!(end, ChainEnd::Completed) {
        result.end_with(end);
        return Ok(result);
    }
    match issue(request, &tenant.root, &client_id, &audience, &target, &custom, &mut result.warnings) {
        Ok(tokens) => {
            result.result = json!({ "access_token": tokens.access_token, "scopes": target, "signing": tokens.signing })
        }
        Err(error) => result.fail("tokens".into(), *error),
    }
    Ok(result)
}

/// `access.deny(code, reason)`: the OAuth error the token endpoint answers.
fn deny(denial: &Denial) -> FlowDenial {
    FlowDenial {
        error: denial.code.clone().unwrap_or_else(|| "invalid_request".into()),
        error_description: denial.reason.clone().unwrap_or_default(),
        reason: None,
        by: String::new(),
    }
}

/// What one api call changes for the Actions after it and for the token.
fn apply(event: &mut Value, command: &Command, by: &str, custom: &mut CustomClaims, target: &mut Vec<String>) {
    match Effect::of_call(Trigger::CredentialsExchange, command.call()) {
        Some(Effect::Claim { token: effects::Token::Access, key, value }) => {
            set_key(&mut event["accessToken"]["customClaims"], &key, &value);
            custom.set(&key, value, by);
        }
        Some(Effect::Scope(change)) => effects::change_scopes(target, change),
        _ => return,
    }
    event["transaction"]["target_scopes"] = json!(target);
}

/// The access token: Auth0's client-credentials claims, then the custom claims (Auth0's claim
/// rules apply), signed when asked.
fn issue(
    request: &FlowRequest,
    tenant_root: &std::path::Path,
    client_id: &str,
    audience: &str,
    scopes: &[String],
    custom: &CustomClaims,
    warnings: &mut Vec<String>,
) -> Result<Tokens, Box<OutcomeError>> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // The tenant's domain, as every default event gives it (`request.hostname`).
    let domain = request_domain();
    let subject = json!({ "user_id": format!("{client_id}@clients") });
    let login = claims::Login {
        domain: &domain,
        client_id: Some(client_id),
        user: &subject,
        session_id: None,
        requested_scopes: &[],
        scopes,
        audience: Some(audience),
        now,
    };
    let (_, built) = claims::build(&login, &CustomClaims::default(), custom, warnings)
        .map_err(|error| Box::new(OutcomeError::from(error)))?;
    // Auth0's order: the standard claims, `gty` before `azp`, then the custom claims.
    let mut access = Map::new();
    for (key, value) in built {
        if key == "azp" {
            access.insert("gty".into(), json!(CLIENT_CREDENTIALS));
        }
        access.insert(key, value);
    }
    let signer = match request.signing() {
        Some(signing) => Some(
            Signer::new(&signing, tenant_root)
                .map_err(|e| Box::new(OutcomeError::from(crate::pipeline::error::TokenError::Key(e))))?,
        ),
        None => None,
    };
    let jwt = match &signer {
        Some(signer) => Some(signer.sign(&access).map_err(|e| Box::new(OutcomeError::from(e)))?),
        None => None,
    };
    Ok(Tokens { id_token: None, access_token: Token { claims: access, jwt }, signing: signer.map(|s| s.info.clone()) })
}

/// The simulated tenant's Auth0 domain: the default events' `request.hostname`.
pub(super) fn request_domain() -> String {
    let event = (crate::actions::spec(Trigger::CredentialsExchange).expect("in the table").default_event)();
    event["request"]["hostname"].as_str().unwrap_or("example.auth0.com").to_owned()
}
