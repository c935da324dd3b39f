//! Builds a Rule's inputs (default `user` and `context` ⊕ overrides, `context.clientMetadata`,
//! `configuration`, the `auth0` object's domain and token) and reads its callback.

use serde_json::{json, Map, Value};

use crate::actions::post_login_event::{default_rule_context, default_rule_user};
use crate::outcome::{CallbackResult, OutcomeError, Status};
use crate::request::{layered_input, Request, RequestError};
use crate::tenant::client_metadata::{self, ClientMetadata};

/// The names a Rule's function sees besides its arguments: Auth0's Rules globals and Node's
/// module variables (`js_runtime/rules/rule_runner.js` passes them in this order).
pub(crate) const RULE_PARAMETERS: &str = "configuration, auth0, UnauthorizedError, global, require, module, exports";

/// What `context.clientMetadata` is for an application that never had metadata. Auth0's docs
/// say it may be absent on older applications; captured contexts show `{}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingClientMetadata {
    /// `context.clientMetadata` is `undefined` (the documented legacy behaviour; default).
    #[default]
    Absent,
    /// `context.clientMetadata` is `{}`.
    Empty,
}

/// The runner's input. The request's `user` and `context` are taken (moved into the input).
pub fn build_input(
    request: &mut Request,
    filename: &str,
    metadata: Option<&ClientMetadata>,
    missing: MissingClientMetadata,
) -> Result<Value, RequestError> {
    let user = layered_input(request.merge_defaults, "user", request.user.take(), default_rule_user)?;
    let mut context = layered_input(request.merge_defaults, "context", request.context.take(), default_rule_context)?;
    match (metadata, context.get("clientMetadata")) {
        (Some(metadata), _) => context["clientMetadata"] = Value::Object(metadata.clone()),
        (None, Some(found)) => {
            client_metadata::from_json(found)
                .map_err(|e| RequestError::new("context.clientMetadata", e.to_string()))?;
        }
        (None, None) if missing == MissingClientMetadata::Empty => context["clientMetadata"] = json!({}),
        (None, None) => {}
    }
    let domain = context["request"]["hostname"].as_str().unwrap_or("example.auth0.com").to_owned();
    // Built by moving the values in: `json!` would copy `user` and `context` through its serializer.
    let mut input = Map::with_capacity(5);
    input.insert("user".into(), user);
    input.insert("context".into(), context);
    input.insert("configuration".into(), Value::Object(request.configuration.clone().unwrap_or_default()));
    input.insert("auth0".into(), json!({ "domain": domain, "access_token": "actionhost-management-api-token" }));
    input.insert("filename".into(), Value::String(filename.to_owned()));
    Ok(Value::Object(input))
}

/// Reads the runner's result: `callback(null, …)` completes, or redirects when the context it
/// passed sets `redirect.url` (Auth0 sends the user there once every Rule has run); an
/// `UnauthorizedError` denies; any other error (or a throw, or a second callback) is an error.
pub fn interpret(mut value: Value) -> (Status, Option<CallbackResult>, Option<OutcomeError>) {
    if value["ok"] != Value::Bool(true) {
        return (Status::Error, None, Some(OutcomeError::from_js(&value["error"])));
    }
    let mut callback = value["callback"].take();
    let error = (!callback["error"].is_null()).then(|| OutcomeError::from_js(&callback["error"]));
    let result =
        CallbackResult { error: error.clone(), user: callback["user"].take(), context: callback["context"].take() };
    let status = match &error {
        None if result.context["redirect"]["url"].is_string() => Status::Redirected,
        None => Status::Completed,
        Some(_) if callback["denied"] == Value::Bool(true) => Status::Denied,
        Some(_) => Status::Error,
    };
    let outcome_error = if status == Status::Error { error } else { None };
    (status, Some(result), outcome_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runner's answer for a Rule that called `callback(error, user, context)`.
    fn called(error: Value, context: Value, denied: bool) -> Value {
        json!({"ok": true, "callback": {"error": error, "user": {"user_id": "u"}, "context": context, "denied": denied}})
    }

    // Auth0's Rules: `callback(null, user, context)` continues the login, a `context.redirect.url`
    // redirects once every Rule has run, `new UnauthorizedError(…)` denies access, any other error
    // fails the login.
    #[test]
    fn the_callback_decides_the_status() {
        let (status, result, error) = interpret(called(Value::Null, json!({"clientID": "c"}), false));
        assert_eq!((status, error), (Status::Completed, None));
        assert_eq!(result.unwrap().user, json!({"user_id": "u"}));

        let redirect = json!({"redirect": {"url": "https://example.com/mfa"}});
        assert_eq!(interpret(called(Value::Null, redirect.clone(), false)).0, Status::Redirected);
        assert_eq!(interpret(called(Value::Null, json!({"redirect": {"url": 5}}), false)).0, Status::Completed);

        let unauthorized = json!({"name": "UnauthorizedError", "message": "blocked"});
        let (status, result, error) = interpret(called(unauthorized.clone(), redirect, true));
        assert_eq!((status, error), (Status::Denied, None));
        assert_eq!(result.unwrap().error.unwrap().message, "blocked");

        let (status, _, error) = interpret(called(json!({"name": "Error", "message": "boom"}), json!({}), false));
        assert_eq!(status, Status::Error);
        assert_eq!(error.unwrap().message, "boom");
    }

    #[test]
    fn a_failed_run_is_an_error_without_callback() {
        let (status, result, error) = interpret(json!({"ok": false, "error": {"name": "TypeError", "message": "x"}}));
        assert_eq!((status, result.is_none()), (Status::Error, true));
        assert_eq!(error.unwrap().name, "TypeError");
    }

    fn client_metadata_seen(metadata: Option<&ClientMetadata>, missing: MissingClientMetadata) -> Option<Value> {
        let mut request = Request::new(crate::request::Script::inline(""));
        let input = build_input(&mut request, "rule.js", metadata, missing).unwrap();
        input["context"].get("clientMetadata").cloned()
    }

    #[test]
    fn client_metadata_is_the_applications_or_what_the_missing_setting_says() {
        assert_eq!(client_metadata_seen(None, MissingClientMetadata::Absent), None);
        assert_eq!(client_metadata_seen(None, MissingClientMetadata::Empty), Some(json!({})));
        let mut metadata = ClientMetadata::new();
        metadata.insert("tier".into(), json!("gold"));
        for missing in [MissingClientMetadata::Absent, MissingClientMetadata::Empty] {
            assert_eq!(client_metadata_seen(Some(&metadata), missing), Some(json!({"tier": "gold"})));
        }
    }

    #[test]
    fn auth0_global_has_the_logins_domain_and_the_file_name() {
        let mut request = Request::new(crate::request::Script::inline(""));
        let input = build_input(&mut request, "rules/r.js", None, MissingClientMetadata::Absent).unwrap();
        assert_eq!(input["filename"], "rules/r.js");
        assert_eq!(input["auth0"]["domain"], input["context"]["request"]["hostname"]);
        assert!(input["auth0"]["domain"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(input["user"]["user_id"].is_string());
    }
}
