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

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::build_input;
    use crate::actions::spec;
    use crate::request::{Phase, Request, RequestError, Script};
    use crate::trigger::Trigger;

    fn request() -> Request {
        Request::new(Script::Path("tenant/actions/a.js".into()))
    }

    fn input(trigger: Trigger, request: &mut Request) -> Result<Value, RequestError> {
        build_input(spec(trigger).expect("an Actions trigger"), request, "tenant/actions/a.js", None)
    }

    /// The field an input is refused for.
    fn refused(trigger: Trigger, request: &mut Request) -> String {
        input(trigger, request).expect_err("refused").field
    }

    #[test]
    fn the_input_has_the_event_phase_rules_and_file() {
        let mut request = request();
        request.event = Some(json!({"user": {"email": "a@example.com"}}));
        let value = input(Trigger::PostLogin, &mut request).unwrap();
        assert_eq!(value["event"]["user"]["email"], "a@example.com");
        assert_eq!(value["phase"], "execute");
        assert_eq!(value["rules_executed"], json!([]));
        assert_eq!(value["filename"], "tenant/actions/a.js");
        assert_eq!(value["dirname"], "tenant/actions");
    }

    /// Auth0 calls `onContinuePostLogin` when the user comes back from a redirect ("Redirect
    /// with Actions"); credentials-exchange has `onExecuteCredentialsExchange` alone.
    #[test]
    fn phase_continue_needs_a_continue_handler() {
        let mut execute = request();
        assert_eq!(input(Trigger::CredentialsExchange, &mut execute).unwrap()["phase"], "execute");
        let mut resume = request();
        resume.phase = Some(Phase::Continue);
        assert_eq!(input(Trigger::PostLogin, &mut resume).unwrap()["phase"], "continue");
        let error = input(Trigger::CredentialsExchange, &mut resume).unwrap_err();
        assert_eq!(error.field, "phase");
        assert!(error.message.contains("onExecuteCredentialsExchange"), "{}", error.message);
    }

    /// `api.rules.wasExecuted` is post-login's only (Auth0's post-login api object); no other
    /// trigger runs after Rules.
    #[test]
    fn rules_executed_is_post_login_only() {
        let mut request = request();
        request.rules_executed = Some(vec!["add-roles".into(), "rul_8f3a".into()]);
        assert_eq!(
            input(Trigger::PostLogin, &mut request).unwrap()["rules_executed"],
            json!(["add-roles", "rul_8f3a"])
        );
        let mut empty = self::request();
        empty.rules_executed = Some(vec![]);
        assert_eq!(refused(Trigger::CredentialsExchange, &mut empty), "rules_executed");
        assert_eq!(refused(Trigger::PreUserRegistration, &mut empty), "rules_executed");
    }

    fn with_secrets(secrets: Map<String, Value>) -> Request {
        Request { secrets: Some(secrets), ..request() }
    }

    fn numbered(count: usize) -> Map<String, Value> {
        (0..count).map(|i| (format!("KEY_{i}"), json!("value"))).collect()
    }

    /// Auth0's Actions limitations: "Each Action may have a maximum of 30 secrets."
    #[test]
    fn at_most_thirty_secrets() {
        let mut thirty = with_secrets(numbered(30));
        assert_eq!(input(Trigger::PostLogin, &mut thirty).unwrap()["event"]["secrets"], Value::Object(numbered(30)));
        let mut one = with_secrets(numbered(1));
        assert_eq!(input(Trigger::PostLogin, &mut one).unwrap()["event"]["secrets"], json!({"KEY_0": "value"}));
        assert_eq!(refused(Trigger::PostLogin, &mut with_secrets(numbered(31))), "secrets");
    }

    /// Auth0's Actions limitations: "Each secret key may have a maximum length of 128
    /// characters, and each secret value may have a maximum length of 4096 characters."
    #[test]
    fn secret_names_and_values_within_auth0s_lengths() {
        let one = |name: String, value: Value| with_secrets(Map::from_iter([(name, value)]));
        assert!(input(Trigger::PostLogin, &mut one("K".repeat(128), json!("v"))).is_ok());
        let long_name = "K".repeat(129);
        assert_eq!(
            refused(Trigger::PostLogin, &mut one(long_name.clone(), json!("v"))),
            format!("secrets.{long_name}")
        );
        assert_eq!(refused(Trigger::PostLogin, &mut one(String::new(), json!("v"))), "secrets.");
        // Characters, not bytes: 4096 two-byte characters are allowed.
        let mut wide = one("API_KEY".into(), json!("é".repeat(4096)));
        assert_eq!(input(Trigger::PostLogin, &mut wide).unwrap()["event"]["secrets"]["API_KEY"], "é".repeat(4096));
        assert!(input(Trigger::PostLogin, &mut one("API_KEY".into(), json!(""))).is_ok());
        assert_eq!(refused(Trigger::PostLogin, &mut one("API_KEY".into(), json!("a".repeat(4097)))), "secrets.API_KEY");
        // Secrets are strings.
        assert_eq!(refused(Trigger::PostLogin, &mut one("API_KEY".into(), json!(42))), "secrets.API_KEY");
    }
}
