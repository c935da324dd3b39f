//! The post-login trigger: builds the `event` (default event ⊕ request overrides ⊕ the
//! application's metadata, secrets and configuration) and reads the runner's result.

use serde_json::{Map, Value};

use super::post_login_event::default_post_login_event;
use crate::outcome::{OutcomeError, Status};
use crate::request::{json_type, layered_input, Request, RequestError};
use crate::tenant::client_metadata::{self, ClientMetadata};

/// Auth0's limits on Action secrets.
const MAX_SECRETS: usize = 30;
const MAX_SECRET_NAME: usize = 128;
const MAX_SECRET_VALUE: usize = 4096;

/// The runner's input. The request's `event` is taken (moved into the input).
pub fn build_input(
    request: &mut Request,
    filename: &str,
    metadata: Option<&ClientMetadata>,
) -> Result<Value, RequestError> {
    let mut event = layered_input(request.merge_defaults, "event", request.event.take(), default_post_login_event)?;
    match &event["client"] {
        Value::Object(_) | Value::Null => {}
        other => {
            return Err(RequestError::new("event.client", format!("must be a JSON object, found {}", json_type(other))))
        }
    }
    match metadata {
        Some(metadata) => event["client"]["metadata"] = Value::Object(metadata.clone()),
        None => {
            let found = &event["client"]["metadata"];
            client_metadata::from_json(found).map_err(|e| RequestError::new("event.client.metadata", e.to_string()))?;
        }
    }
    if let Some(secrets) = &request.secrets {
        validate_secrets(secrets)?;
        event["secrets"] = Value::Object(secrets.clone());
    }
    if let Some(configuration) = &request.configuration {
        event["configuration"] = Value::Object(configuration.clone());
    }
    let dirname = std::path::Path::new(filename).parent().map(|p| p.display().to_string()).unwrap_or_default();
    Ok(serde_json::json!({
        "event": event,
        "phase": request.phase.unwrap_or_default(),
        "rules_executed": request.rules_executed.clone().unwrap_or_default(),
        "filename": filename,
        "dirname": dirname,
    }))
}

fn validate_secrets(secrets: &Map<String, Value>) -> Result<(), RequestError> {
    if secrets.len() > MAX_SECRETS {
        return Err(RequestError::new(
            "secrets",
            format!("{} secrets; Auth0 allows at most {MAX_SECRETS} per Action", secrets.len()),
        ));
    }
    for (name, value) in secrets {
        let field = format!("secrets.{name}");
        if name.is_empty() || name.chars().count() > MAX_SECRET_NAME {
            return Err(RequestError::new(field, format!("secret names must be 1 to {MAX_SECRET_NAME} characters")));
        }
        match value {
            Value::String(s) if s.chars().count() <= MAX_SECRET_VALUE => {}
            Value::String(_) => {
                return Err(RequestError::new(field, format!("value is longer than {MAX_SECRET_VALUE} characters")))
            }
            other => return Err(RequestError::new(field, format!("must be a string, found {}", json_type(other)))),
        }
    }
    Ok(())
}

/// Reads the runner's `{ok, returned}` / `{ok: false, error}` result together with the
/// recorded commands: a deny wins over a redirect, which wins over a normal completion.
pub fn interpret(value: &Value, commands: &[crate::outcome::Command]) -> (Status, Value, Option<OutcomeError>) {
    if value["ok"] != Value::Bool(true) {
        return (Status::Error, Value::Null, Some(crate::host::error_from_js(&value["error"])));
    }
    let status = if commands.iter().any(|c| c.api == "access.deny") {
        Status::Denied
    } else if commands.iter().any(|c| c.api == "redirect.sendUserTo") {
        Status::Redirected
    } else {
        Status::Completed
    };
    (status, value["returned"].clone(), None)
}
