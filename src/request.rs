//! A request to run one script: what the CLI builds from its flags and what `actionhost batch`
//! reads from each JSON line. Field names are the JSON names; unknown fields are refused.

#![deny(missing_docs)]

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::trigger::Trigger;

/// Which handler of an Action runs (`onExecute…` or, after a redirect, `onContinue…`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// `onExecutePostLogin` (`onExecute…` of the trigger).
    #[default]
    Execute,
    /// `onContinuePostLogin` (`onContinue…` of the trigger), after a redirect.
    Continue,
}

/// One script to run and its inputs (a `batch` line; `docs/outcome.md#batch-request-lines`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Copied to the outcome, so a caller can match answers to requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    /// Path of the script file (relative to the current directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_path: Option<PathBuf>,
    /// The script's source text, instead of `script_path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Inferred from the script when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    /// Which handler of an Action runs (`execute` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// Overrides deep-merged into the trigger's default event (`null` kept as for `user`).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub event: Option<Value>,
    /// `false`: `event`, `user` and `context` are complete objects, used as given instead of
    /// being deep-merged into the defaults (a login simulation passes each step's state so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_defaults: Option<bool>,
    /// Overrides deep-merged into the default Rules `user`. An explicit `null` is kept (as
    /// `Some(Value::Null)`), so that with `merge_defaults: false` the script gets `null`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub user: Option<Value>,
    /// Overrides deep-merged into the default Rules `context` (`null` kept as for `user`).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The application's metadata (`event.client.metadata` / `context.clientMetadata`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<Value>,
    /// The Action's secrets (`event.secrets`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Map<String, Value>>,
    /// Rules settings (`configuration`) / the Action's `event.configuration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<Map<String, Value>>,
    /// The execution's wall-clock limit, in milliseconds (the host's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// The execution's heap cap, in MiB (the host's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<u64>,
    /// A tenant in the Deploy CLI directory or YAML format (a directory or a tenant.yaml file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<PathBuf>,
    /// The application (name or client_id) of `tenant` the login is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Runs this Action of `tenant` (its code, its secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Runs this Rule of `tenant` (its script, the tenant's Rules configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The file name `script` is reported under (defaults to `<inline>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    /// A fixed clock for the execution: `Date`, `Date.now()` and `new Date()` give this instant
    /// (an ISO 8601 string or epoch milliseconds) and `performance.now()` gives 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<Value>,
    /// Seeds `Math.random`, `crypto.getRandomValues` and `crypto.randomUUID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Answers for `fetch`; a request none of them matches fails the execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<Vec<HttpMock>>,
    /// Names (or ids) of the Rules that ran earlier in the login, for `api.rules.wasExecuted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules_executed: Option<Vec<String>>,
    /// Auth0's shared-container behaviour: executions naming the same container keep the
    /// Action's module state and the Rule's `global` object between them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Query parameters set on the login request (`event.request.query` of an Action whose
    /// event has a request, `context.request.query` of a Rule): `actionhost run --query`.
    #[serde(skip)]
    pub query: Option<Map<String, Value>>,
    /// Deep-merged into the login request's body (`event.request.body` /
    /// `context.request.body`): `actionhost run --body`.
    #[serde(skip)]
    pub body: Option<Map<String, Value>>,
    /// Warnings found while the request was prepared (an unmapped keyword in the tenant's
    /// script), carried into the outcome's `warnings`.
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// Where the script's `require` finds packages, when the tenant says (its package cache);
    /// otherwise `node_modules` folders from the script's folder (or the current one) upward.
    #[serde(skip)]
    pub modules: Option<crate::engine::ModuleScope>,
}

/// A field that is present is `Some`, even when it is `null` (serde's default reads a `null`
/// `Option` as `None`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// One canned HTTP answer: the first mock whose method and URL match a `fetch` answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpMock {
    /// Any method when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The URL; `*` matches any run of characters (`https://api.example.com/users/*`).
    pub url: String,
    /// 200 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Headers of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// A JSON body (sent with `content-type: application/json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// A text body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How long the answer takes, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// A request that cannot be run, with the field (or file) at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RequestError {
    /// The request field (or file) at fault.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl RequestError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> RequestError {
        RequestError { field: field.into(), message: message.into() }
    }
}

/// Checks that an override is a JSON object, naming the field otherwise.
pub(crate) fn expect_object(field: &str, value: &Value) -> Result<(), RequestError> {
    if value.is_object() {
        Ok(())
    } else {
        Err(RequestError::new(field, format!("must be a JSON object, found {}", json_type(value))))
    }
}

use crate::json::json_type;

/// The override `given` for `field`, deep-merged into `default()` unless the request says its
/// inputs are complete (`merge_defaults: false`), in which case it is taken as it is.
pub(crate) fn layered_input(
    merge_defaults: Option<bool>,
    field: &str,
    given: Option<Value>,
    default: impl FnOnce() -> Value,
) -> Result<Value, RequestError> {
    let Some(overrides) = given else { return Ok(default()) };
    if merge_defaults == Some(false) {
        // Complete inputs are kept as given, `null` included.
        if !overrides.is_null() {
            expect_object(field, &overrides)?;
        }
        return Ok(overrides);
    }
    if overrides.is_null() {
        // Nothing to merge: the default, as when the field is absent.
        return Ok(default());
    }
    expect_object(field, &overrides)?;
    let mut value = default();
    crate::json::deep_merge(&mut value, &overrides);
    Ok(value)
}
