//! The input of an Action's runner, alike for every trigger: the trigger's default `event` ⊕ the
//! request's overrides ⊕ the application's metadata, the Action's secrets and configuration; the
//! phase (which handler runs) and, for post-login, the Rules that ran before.

use serde_json::{Map, Value};

use super::ActionTrigger;
use crate::json::json_type;
use crate::request::{layered_input, Phase, Request, RequestError};
use crate::tenant::client_metadata::{self, ClientMetadata};
use crate::trigger::Trigger;

/// Auth0's limits on Action secrets.
const MAX_SECRETS: usize = 30;
const MAX_SECRET_NAME: usize = 128;
const MAX_SECRET_VALUE: usize = 4096;

/// The runner's input. The request's `event` is taken (moved into the input).
pub fn build_input(
    spec: &ActionTrigger,
    request: &mut Request,
    filename: &str,
    metadata: Option<&ClientMetadata>,
) -> Result<Value, RequestError> {
    let trigger = spec.trigger;
    let phase = request.phase.unwrap_or_default();
    if phase == Phase::Continue && spec.resume.is_none() {
        return Err(RequestError::new(
            "phase",
            format!("{trigger} has no continue handler (only {}); give phase execute", spec.execute),
        ));
    }
    if request.rules_executed.is_some() && trigger != Trigger::PostLogin {
        return Err(RequestError::new("rules_executed", format!("applies to post-login only, not {trigger}")));
    }
    let mut event = layered_input(request.merge_defaults, "event", request.event.take(), spec.default_event)?;
    match (&event["client"], metadata) {
        (Value::Object(_), Some(metadata)) => event["client"]["metadata"] = Value::Object(metadata.clone()),
        (Value::Object(_), None) => {
            client_metadata::from_json(&event["client"]["metadata"])
                .map_err(|e| RequestError::new("event.client.metadata", e.to_string()))?;
        }
        (Value::Null, None) => {}
        (Value::Null, Some(_)) => {
            return Err(RequestError::new(
                "client_metadata",
                format!("the {trigger} event has no client to carry application metadata"),
            ))
        }
        (other, _) => {
            return Err(RequestError::new("event.client", format!("must be a JSON object, found {}", json_type(other))))
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
    // Built by moving the values in: `json!` would copy the whole event through its serializer.
    let mut input = Map::with_capacity(5);
    input.insert("event".into(), event);
    input.insert("phase".into(), serde_json::to_value(phase).map_err(|e| RequestError::new("phase", e.to_string()))?);
    let rules_executed = request.rules_executed.clone().unwrap_or_default();
    input.insert("rules_executed".into(), Value::Array(rules_executed.into_iter().map(Value::String).collect()));
    input.insert("filename".into(), Value::String(filename.to_owned()));
    input.insert("dirname".into(), Value::String(dirname));
    Ok(Value::Object(input))
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
