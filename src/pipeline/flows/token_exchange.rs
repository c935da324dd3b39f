//! The custom token exchange flow (`--token-exchange`): an application exchanges a subject token
//! of its own type for Auth0 tokens. The custom-token-exchange Actions run in order; one of them
//! sets the user: `authentication.setUserById(id)` names a user of the tenant's `users/` folder,
//! `authentication.setUserByConnection(connection, attributes, options)` finds the user of that
//! connection with `attributes.user_id` (updated when `updateBehavior` is `replace`) or makes
//! one (`creationBehavior` `create_if_not_exists`; written to `users/` with `--persist`).
//! `access.deny(code, reason)` ends it with that OAuth error,
//! `access.rejectInvalidSubjectToken(reason)` with `invalid_request`. Then, as Auth0 does, the
//! login's post-login Actions run for that user (protocol `oauth2-token-exchange`, no Rules)
//! and the tokens are issued as a login's are, with the metadata the exchange set.

use std::time::Instant;

use serde_json::{json, Map, Value};

use super::FlowSummary;
use super::{event_client, scopes, set_key, Chain, ChainEnd, FlowDenial, FlowKind, FlowRequest, FlowResult};
use crate::api_call::ApiCall;
use crate::effects::{Denial, Effect};
use crate::outcome::{Command, OutcomeError};
use crate::pipeline::flow::{End, Flow};
use crate::pipeline::login::{self, Login, REQUESTED_SCOPES};
use crate::pipeline::metadata::{Field, MetadataPatch};
use crate::pipeline::{actions_stage, result, users, LoginRequest, SimStatus};
use crate::request::{RequestError, Trigger};
use crate::Host;

/// The grant type of a token exchange (RFC 8693).
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The protocol the post-login Actions see.
const PROTOCOL: &str = "oauth2-token-exchange";

/// The user an Action set, and who set it.
#[derive(Debug, Clone)]
enum UserChoice {
    ById { id: String, by: String },
    ByConnection { connection: String, attributes: Map<String, Value>, options: Value, by: String },
}

/// What the exchange's Actions decided.
#[derive(Debug, Default)]
struct Exchange {
    user: Option<UserChoice>,
    organization: Option<Value>,
    actor: Option<Value>,
    metadata: MetadataPatch,
}

pub async fn run(host: &Host, request: &FlowRequest) -> Result<FlowResult, RequestError> {
    let started = Instant::now();
    let kind = FlowKind::TokenExchange;
    request.refuse(kind, &["email", "connection", "user", "state_file", "continue", "query", "phone"])?;
    let tenant = request.tenant(host)?;
    let client = request.client(&tenant)?;
    let client_id = client.client_id.clone().ok_or_else(|| {
        RequestError::new(
            "client",
            format!("the application {:?} has no client_id to exchange a token with", client.name),
        )
    })?;
    let subject_token =
        request.subject_token.clone().filter(|t| !t.is_empty()).ok_or_else(|| {
            RequestError::new("subject_token", "missing: give the token to exchange (--subject-token T)")
        })?;
    let token_type = request.subject_token_type.clone().ok_or_else(|| {
        RequestError::new("subject_token_type", "missing: give the subject token's type (--subject-token-type URI)")
    })?;
    if !is_uri(&token_type) {
        return Err(RequestError::new(
            "subject_token_type",
            format!("{token_type:?} is not a URI (a scheme, `:`, then the rest, as urn:example:legacy-token)"),
        ));
    }
    let requested = scopes(request.scope.as_deref(), &REQUESTED_SCOPES);

    let mut event = (crate::actions::spec(Trigger::CustomTokenExchange).expect("in the table").default_event)();
    event["client"] = event_client(client);
    let mut body = json!({
        "grant_type": GRANT_TYPE,
        "client_id": client_id,
        "subject_token_type": token_type,
        "subject_token": subject_token,
        "scope": requested.join(" "),
    });
    match &request.audience {
        Some(audience) => {
            body["audience"] = json!(audience);
            event["resource_server"] = json!({ "identifier": audience });
        }
        None => _ = event.as_object_mut().map(|e| e.shift_remove("resource_server")),
    }
    event["request"]["body"] = body;
    event["transaction"]["requested_scopes"] = json!(requested);
    event["transaction"]["subject_token"] = json!(subject_token);
    event["transaction"]["subject_token_type"] = json!(token_type);

    let mut result = FlowResult::new(
        kind,
        FlowSummary {
            tenant: tenant.root.clone(),
            client: Some(client.name.clone()),
            client_id: Some(client_id.clone()),
            audience: request.audience.clone(),
            ..Default::default()
        },
    );
    let chain = Chain {
        host,
        tenant: &tenant,
        trigger: Trigger::CustomTokenExchange,
        client: Some(client),
        container: request.container.clone(),
        resumed: false,
    };
    let mut exchange = Exchange::default();
    let end = chain
        .run(&mut event, 0, None, &mut result, |event, command, by| apply(event, command, by, &mut exchange), deny)
        .await?;
    if !matches!(end, ChainEnd::Completed) {
        result.end_with(end);
        return Ok(result);
    }
    let Some(choice) = exchange.user.clone() else {
        result.fail(
            "custom-token-exchange".into(),
            OutcomeError::new("Error", "no Action set the user (api.authentication.setUserById / setUserByConnection)"),
        );
        return Ok(result);
    };
    let user = match resolve(&tenant.root, &choice) {
        Ok(user) => user,
        Err((by, message)) => {
            result.fail(by, OutcomeError::new("Error", message));
            return Ok(result);
        }
    };
    if request.persist {
        if user.created {
            users::create(&tenant.root, &user.profile).map_err(|e| RequestError::new("persist", e.to_string()))?;
        } else {
            users::check_writable(&tenant.root, &user.file).map_err(|e| RequestError::new("persist", e.to_string()))?;
        }
    }
    if let Some(summary) = result.request.as_mut() {
        summary.user_id = user.profile["user_id"].as_str().map(str::to_owned);
        summary.connection = Some(user.connection.clone());
    }

    // The login pipeline for that user: the post-login Actions, then the tokens.
    let tenant_path = request.tenant.clone().unwrap_or_default();
    let mut login =
        Login::new(client, &tenant_path, &user.file, &user.profile, user.roles.clone(), Some(&user.connection));
    login.protocol = login::Protocol::Oauth2TokenExchange;
    login.audience = request.audience.clone();
    login.container = request.container.clone();
    let mut flow = Flow::new(login, user.profile.clone());
    flow.requested_scopes = requested.clone();
    flow.scopes = requested.clone();
    flow.apply_now(Field::App, &exchange.metadata.app_metadata);
    flow.apply_now(Field::User, &exchange.metadata.user_metadata);
    let rules_user = login::rules_user(&flow.login, &flow.profile);
    let context = login::rules_context(&flow.login, &flow.profile, PROTOCOL, None);
    let mut login_event = login::actions_event(&flow.login, &rules_user, &context);
    login_event["transaction"]["requested_scopes"] = json!(requested);
    if let Some(metadata) = event["transaction"].get("metadata").filter(|m| m.is_object()) {
        login_event["transaction"]["metadata"] = metadata.clone();
    }
    let end = match actions_stage::run(host, &tenant, &mut flow, login_event, 0, None).await? {
        End::Redirect { by, .. } => End::Failed {
            by: by.clone(),
            error: Box::new(OutcomeError::new(
                "Error",
                format!("{by} redirected the user, which a token exchange (no browser) does not allow"),
            )),
        },
        other => other,
    };
    // What finishing the login reads of its request: how to sign, and whether to persist.
    let login_request = LoginRequest {
        sign: request.sign,
        sign_secret: request.sign_secret.clone(),
        persist: request.persist,
        ..Default::default()
    };
    let simulation = result::finish(flow, end, &login_request, &tenant, started)?;
    result.steps.extend(simulation.steps);
    result.warnings.extend(simulation.warnings);
    result.status = simulation.status;
    result.denial = simulation.denial.map(|d| FlowDenial {
        error: d.error,
        error_description: d.error_description,
        reason: None,
        by: d.by,
    });
    result.error = simulation.error;
    result.failed_step = simulation.failed_step;
    if result.status != SimStatus::Error {
        result.result = json!({
            "user": { "user_id": user.profile["user_id"], "created": user.created, "by": choice_by(&choice) },
            "organization": exchange.organization,
            "actor": exchange.actor,
            "tokens": simulation.tokens,
            "scopes": simulation.scopes,
            "mfa": simulation.mfa,
            "app_metadata": simulation.app_metadata,
            "user_metadata": simulation.user_metadata,
            "persisted": simulation.persisted,
        });
    }
    Ok(result)
}

/// `access.deny(code, reason)` / `access.rejectInvalidSubjectToken(reason)` (an `invalid_request`).
fn deny(denial: &Denial) -> FlowDenial {
    FlowDenial {
        error: denial.code.clone().unwrap_or_else(|| "access_denied".into()),
        error_description: denial.reason.clone().unwrap_or_default(),
        reason: None,
        by: String::new(),
    }
}

fn apply(event: &mut Value, command: &Command, by: &str, exchange: &mut Exchange) {
    match command.call() {
        ApiCall::AuthenticationSetUserById(id) => {
            exchange.user = Some(UserChoice::ById { id: id.text.clone(), by: by.to_owned() })
        }
        ApiCall::AuthenticationSetUserByConnection(choice) => {
            exchange.user = Some(UserChoice::ByConnection {
                connection: choice.connection.clone(),
                attributes: choice.attributes.clone(),
                options: choice.options.clone(),
                by: by.to_owned(),
            })
        }
        ApiCall::AuthenticationSetOrganization(organization) => {
            exchange.organization = Some(organization.value.clone())
        }
        ApiCall::AuthenticationSetActor(actor) => exchange.actor = Some(actor.value.clone()),
        call => match Effect::of_call(Trigger::CustomTokenExchange, call) {
            Some(Effect::Metadata { field, key, value }) => exchange.metadata.set(field, &key, value),
            Some(Effect::TransactionMetadata { key, value }) => {
                set_key(&mut event["transaction"]["metadata"], &key, &value)
            }
            _ => {}
        },
    }
}

/// Sets the attributes `setUserByConnection` gives on a profile, all but `user_id` (the
/// identity's own id, not the user's) and `verify_email` (an instruction, not an attribute).
fn copy_attributes(profile: &mut Value, attributes: &Map<String, Value>) {
    for (key, value) in attributes {
        if !matches!(key.as_str(), "user_id" | "verify_email") {
            profile[key.as_str()] = value.clone();
        }
    }
}

fn choice_by(choice: &UserChoice) -> &str {
    match choice {
        UserChoice::ById { by, .. } | UserChoice::ByConnection { by, .. } => by,
    }
}

/// The user the exchange is for.
struct ExchangeUser {
    profile: Value,
    roles: Value,
    /// The user's file (for a user made now: where `--persist` writes it).
    file: std::path::PathBuf,
    connection: String,
    created: bool,
}

/// Finds (or makes) the user an Action set; `Err((step, message))` when it cannot be.
fn resolve(tenant_root: &std::path::Path, choice: &UserChoice) -> Result<ExchangeUser, (String, String)> {
    match choice {
        UserChoice::ById { id, by } => {
            let file = users::find(tenant_root, id).map_err(|e| (by.clone(), format!("setUserById: {}", e.message)))?;
            let record = users::load(&file).map_err(|e| (by.clone(), format!("setUserById: {e}")))?;
            let (connection, _) = super::password_change::user_connection(&record.profile, None);
            Ok(ExchangeUser { profile: record.profile, roles: record.roles, file, connection, created: false })
        }
        UserChoice::ByConnection { connection, attributes, options, by } => {
            let local_id = attributes["user_id"].as_str().unwrap_or_default();
            let found = find_identity(tenant_root, connection, local_id);
            match found {
                Some(file) => {
                    let record = users::load(&file).map_err(|e| (by.clone(), format!("setUserByConnection: {e}")))?;
                    let mut profile = record.profile;
                    if options["updateBehavior"] == "replace" {
                        copy_attributes(&mut profile, attributes);
                    }
                    Ok(ExchangeUser { profile, roles: record.roles, file, connection: connection.clone(), created: false })
                }
                None if options["creationBehavior"] == "create_if_not_exists" => {
                    let user_id = format!("auth0|{local_id}");
                    let now = super::now_iso();
                    let mut profile = json!({ "user_id": user_id });
                    copy_attributes(&mut profile, attributes);
                    profile["created_at"] = json!(now);
                    profile["updated_at"] = json!(now);
                    profile["identities"] =
                        json!([{ "connection": connection, "provider": "auth0", "user_id": local_id, "isSocial": false }]);
                    profile["app_metadata"] = json!({});
                    profile["user_metadata"] = json!({});
                    let file = tenant_root.join("users").join(users::file_name(&user_id));
                    Ok(ExchangeUser { profile, roles: json!([]), file, connection: connection.clone(), created: true })
                }
                None => Err((
                    by.clone(),
                    format!(
                        "setUserByConnection: no user {local_id:?} of the connection {connection:?} in {}, and creationBehavior is \"none\"",
                        tenant_root.join("users").display()
                    ),
                )),
            }
        }
    }
}

/// The stored user with an identity of `connection` whose id is `local_id` (or whose `user_id`
/// is `auth0|<local_id>`).
fn find_identity(tenant_root: &std::path::Path, connection: &str, local_id: &str) -> Option<std::path::PathBuf> {
    users::stored(tenant_root)
        .find(|(_, user)| {
            user["identities"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|i| i["connection"] == connection && i["user_id"].as_str() == Some(local_id))
        })
        .map(|(path, _)| path)
}

/// A URI as RFC 3986 begins one: a scheme (a letter, then letters, digits, `+`, `-`, `.`), `:`,
/// then something.
fn is_uri(text: &str) -> bool {
    match text.split_once(':') {
        Some((scheme, rest)) => {
            scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn subject_token_types_are_uris() {
        assert!(super::is_uri("urn:example:legacy-session-token"));
        assert!(super::is_uri("https://example.com/token"));
        assert!(!super::is_uri("legacy"));
        assert!(!super::is_uri("1x:y"));
        assert!(!super::is_uri("urn:"));
    }
}
