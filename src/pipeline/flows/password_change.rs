//! The password-change flow (`--password-change`): a stored user changed their password; the
//! post-change-password Actions run in order with the user (`user_id`, `email`,
//! `email_verified`, `last_password_reset` now, and the rest of the profile) and the user's
//! database connection. The api has no command that changes the flow, so it completes unless an
//! Action fails.

use serde_json::{json, Value};

use super::{event_connection, now_iso, Chain, FlowDenial, FlowKind, FlowRequest, FlowResult, FlowSummary};
use crate::pipeline::login::DEFAULT_CONNECTION;
use crate::request::{RequestError, Trigger};
use crate::Host;

pub async fn run(host: &Host, request: &FlowRequest) -> Result<FlowResult, RequestError> {
    let kind = FlowKind::PasswordChange;
    request.refuse(
        kind,
        &["audience", "scope", "sign", "email", "persist", "state_file", "continue", "query", "phone", "subject_token"],
    )?;
    let tenant = request.tenant(host)?;
    let client = request.client.as_ref().map(|_| request.client(&tenant)).transpose()?;
    let record = request.stored_user(&tenant)?;
    let (connection, strategy) = user_connection(&record.profile, request.connection.as_deref());
    let now = now_iso();
    let mut user = record.profile.clone();
    user["last_password_reset"] = json!(now);
    crate::pipeline::users::fill_metadata_objects(&mut user);
    let mut event = (crate::actions::spec(Trigger::PostChangePassword).expect("in the table").default_event)();
    event["connection"] = event_connection(&connection, &strategy);
    event["user"] = user;
    let user_id = record.profile["user_id"].as_str().map(str::to_owned);
    let mut result = FlowResult::new(
        kind,
        FlowSummary {
            tenant: tenant.root.clone(),
            client: client.map(|c| c.name.clone()),
            client_id: client.and_then(|c| c.client_id.clone()),
            user_id: user_id.clone(),
            connection: Some(connection.clone()),
            ..Default::default()
        },
    );
    let chain = Chain {
        host,
        tenant: &tenant,
        trigger: Trigger::PostChangePassword,
        client,
        container: request.container.clone(),
        resumed: false,
    };
    let end = chain.run(&mut event, 0, None, &mut result, |_, _, _| {}, no_deny).await?;
    result.result = json!({ "user_id": user_id, "last_password_reset": now });
    result.end_with(end);
    if result.error.is_some() {
        result.result = Value::Null;
    }
    Ok(result)
}

/// The connection of a stored user's flow: the one given, else the first identity's, else the
/// default database; with its strategy (the identity's provider, else `auth0`).
pub(super) fn user_connection(profile: &Value, given: Option<&str>) -> (String, String) {
    let identities = profile["identities"].as_array().cloned().unwrap_or_default();
    let connection = given
        .map(str::to_owned)
        .or_else(|| identities.first().and_then(|i| i["connection"].as_str()).map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_CONNECTION.to_owned());
    let strategy = identities
        .iter()
        .find(|i| i["connection"] == connection.as_str())
        .and_then(|i| i["provider"].as_str())
        .unwrap_or("auth0")
        .to_owned();
    (connection, strategy)
}

/// For triggers without a deny: never called (no command decides a denial).
pub(super) fn no_deny(denial: &crate::effects::Denial) -> FlowDenial {
    FlowDenial { error: denial.text(), error_description: String::new(), reason: None, by: String::new() }
}
