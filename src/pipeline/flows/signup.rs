//! The signup flow (`--signup`): a user signs up to a database connection through an
//! application. The pre-user-registration Actions run in order, each seeing the user with the
//! metadata the previous ones set (`api.user.setUserMetadata` / `setAppMetadata`, `null`
//! deletes a key); `api.access.deny(reason, userMessage)` ends it with the user message (the
//! reason goes to the tenant's logs), `api.validation.error(code, message)` with that error.
//! Then the user is created (`user_id` `auth0|<id>`, the id `api.user.setUserId` gave or a new
//! one); with `--persist` it is written to the tenant's `users/` folder (never over an existing
//! file). A user of the same connection with the same email, or the same id, makes the signup
//! fail as Auth0's does (`user_exists`). Then the post-user-registration Actions run with the
//! new user; their failure does not undo the signup.

use serde_json::{json, Map, Value};
use sha2::Digest;

use super::{event_client, event_connection, now_iso, set_key, Chain, ChainEnd, FlowDenial, FlowKind};
use super::{FlowRequest, FlowResult, FlowSummary};
use crate::api_call::ApiCall;
use crate::effects::{Denial, Effect};
use crate::files;
use crate::json::json_type;
use crate::outcome::Command;
use crate::pipeline::login::DEFAULT_CONNECTION;
use crate::pipeline::users;
use crate::request::{RequestError, Trigger};
use crate::Host;

/// Fields of a `--user` file a signup takes as the new user's attributes.
const ATTRIBUTES: [&str; 10] = [
    "name",
    "given_name",
    "family_name",
    "nickname",
    "picture",
    "username",
    "phone_number",
    "user_metadata",
    "app_metadata",
    "email_verified",
];

pub async fn run(host: &Host, request: &FlowRequest) -> Result<FlowResult, RequestError> {
    let kind = FlowKind::Signup;
    request
        .refuse(kind, &["audience", "scope", "sign", "state_file", "continue", "query", "phone", "subject_token"])?;
    if request.user_id.is_some() {
        return Err(RequestError::new("user_id", "a signup makes a new user: give its attributes with --user FILE"));
    }
    let tenant = request.tenant(host)?;
    let client = request.client(&tenant)?;
    let email = request
        .email
        .clone()
        .ok_or_else(|| RequestError::new("email", "missing: give the new user's email (--email E)"))?;
    if !valid_email(&email) {
        return Err(RequestError::new("email", format!("{email:?} is not an email address")));
    }
    let connection = request.connection.clone().unwrap_or_else(|| DEFAULT_CONNECTION.to_owned());
    let strategy = if matches!(connection.as_str(), "email" | "sms") { connection.clone() } else { "auth0".into() };
    let attributes = match &request.user {
        Some(file) => attributes(file)?,
        None => Map::new(),
    };

    let mut user = json!({ "email": email });
    for (key, value) in &attributes {
        user[key] = value.clone();
    }
    users::fill_metadata_objects(&mut user);
    let mut event = (crate::actions::spec(Trigger::PreUserRegistration).expect("in the table").default_event)();
    event["client"] = event_client(client);
    event["connection"] = event_connection(&connection, &strategy);
    event["request"]["body"] = json!({ "email": email, "connection": connection });
    if let Some(uri) = client.raw["callbacks"].as_array().and_then(|c| c.first()) {
        event["transaction"]["redirect_uri"] = uri.clone();
    }
    event["user"] = user;

    let mut result = FlowResult::new(
        kind,
        FlowSummary {
            tenant: tenant.root.clone(),
            client: Some(client.name.clone()),
            client_id: client.client_id.clone(),
            connection: Some(connection.clone()),
            ..Default::default()
        },
    );
    let mut chain = Chain {
        host,
        tenant: &tenant,
        trigger: Trigger::PreUserRegistration,
        client: Some(client),
        container: request.container.clone(),
        resumed: false,
    };
    let mut user_id: Option<String> = None;
    let end = chain
        .run(&mut event, 0, None, &mut result, |event, command, _| apply(event, command, &mut user_id), deny)
        .await?;
    if !matches!(end, ChainEnd::Completed) {
        result.end_with(end);
        return Ok(result);
    }

    // The user Auth0 creates.
    let id = user_id.unwrap_or_else(|| new_id(&email));
    let full_id = format!("{strategy}|{id}");
    if let Some(summary) = result.request.as_mut() {
        summary.user_id = Some(full_id.clone());
    }
    if let Some(existing) = existing(&tenant.root, &full_id, &email, &connection) {
        result.end_with(ChainEnd::Denied(FlowDenial {
            error: "user_exists".into(),
            error_description: "The user already exists.".into(),
            reason: Some(format!("{} holds a user of {connection} with this email or id", existing.display())),
            by: "auth0".into(),
        }));
        return Ok(result);
    }
    let now = now_iso();
    let mut profile = json!({ "user_id": full_id, "email": email, "email_verified": false });
    let pending = std::mem::take(&mut event["user"]);
    if let Value::Object(fields) = pending {
        for (key, value) in fields {
            profile[key.as_str()] = value;
        }
    }
    let local = email.split('@').next().unwrap_or_default().to_owned();
    for (key, value) in [("name", json!(email)), ("nickname", json!(local))] {
        if profile.get(key).is_none_or(Value::is_null) {
            profile[key] = value;
        }
    }
    profile["created_at"] = json!(now);
    profile["updated_at"] = json!(now);
    profile["identities"] =
        json!([{ "connection": connection, "provider": strategy, "user_id": id, "isSocial": false }]);
    profile["logins_count"] = json!(0);
    let persisted = if request.persist {
        let file = users::create(&tenant.root, &profile).map_err(|e| RequestError::new("persist", e.to_string()))?;
        Some(file)
    } else {
        None
    };
    result.result = json!({ "user": profile, "persisted": persisted });

    let mut event = (crate::actions::spec(Trigger::PostUserRegistration).expect("in the table").default_event)();
    event["connection"] = event_connection(&connection, &strategy);
    event["user"] = profile;
    chain.trigger = Trigger::PostUserRegistration;
    let end = chain.run(&mut event, 0, None, &mut result, |_, _, _| {}, deny).await?;
    result.end_with(end);
    Ok(result)
}

/// `access.deny(reason, userMessage)`: the user sees the message, the reason is logged;
/// `validation.error(code, message)`: that error.
fn deny(denial: &Denial) -> FlowDenial {
    if let Some(code) = &denial.code {
        return FlowDenial {
            error: code.clone(),
            error_description: denial.reason.clone().unwrap_or_default(),
            reason: None,
            by: String::new(),
        };
    }
    let reason = denial.reason.clone().unwrap_or_default();
    FlowDenial {
        error: "access_denied".into(),
        error_description: denial.user_message.clone().unwrap_or_else(|| reason.clone()),
        reason: Some(reason),
        by: String::new(),
    }
}

fn apply(event: &mut Value, command: &Command, user_id: &mut Option<String>) {
    if let ApiCall::UserSetUserId(id) = command.call() {
        *user_id = Some(id.text.clone());
    } else if let Some(Effect::Metadata { field, key, value }) =
        Effect::of_call(Trigger::PreUserRegistration, command.call())
    {
        set_key(&mut event["user"][field.key()], &key, &value)
    }
}

/// The attributes of a `--user` file (any of [`ATTRIBUTES`]; other fields are refused).
fn attributes(file: &std::path::Path) -> Result<Map<String, Value>, RequestError> {
    let field = file.display().to_string();
    let text = files::read_text(file)
        .map_err(|e| RequestError::new(&field, format!("cannot read the user file: {}", e.reason)))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| RequestError::new(&field, format!("invalid JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(RequestError::new(
            &field,
            format!("a user file must hold a JSON object, found {}", json_type(&value)),
        ));
    };
    for (key, value) in &fields {
        if !ATTRIBUTES.contains(&key.as_str()) {
            return Err(RequestError::new(
                format!("{field}: {key}"),
                format!("not an attribute a signup sets; known: {}", ATTRIBUTES.join(", ")),
            ));
        }
        if key.ends_with("_metadata") && !value.is_object() {
            return Err(RequestError::new(
                format!("{field}: {key}"),
                format!("must be an object, found {}", json_type(value)),
            ));
        }
    }
    Ok(fields)
}

/// The file of a stored user of the same connection with the same email, or with the same id.
fn existing(tenant_root: &std::path::Path, user_id: &str, email: &str, connection: &str) -> Option<std::path::PathBuf> {
    if let Ok(file) = users::find(tenant_root, user_id) {
        return Some(file);
    }
    users::stored(tenant_root)
        .find(|(_, user)| {
            user["email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(email))
                && user["identities"].as_array().into_iter().flatten().any(|i| i["connection"] == connection)
        })
        .map(|(path, _)| path)
}

/// A new user's id, as Auth0 makes them: 24 hexadecimal digits.
fn new_id(email: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let digest = sha2::Sha256::digest(format!("{nanos}:{email}").as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(valid_email("a@b.co"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("@b.co"));
        assert!(!valid_email("a b@c.de"));
    }

    #[test]
    fn new_ids_are_24_hex_digits() {
        let id = new_id("a@b.co");
        assert_eq!(id.len(), 24);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
