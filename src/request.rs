//! A request to run one script: what the CLI builds from its flags and what `actionhost batch`
//! reads from each JSON line. Field names are the JSON names, but for the script, which a line
//! names by one of four fields ([`Script`]); unknown fields and contradictory ones are refused.

#![deny(missing_docs)]

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::closed_set::closed_set;
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

/// Which script a [`Request`] runs. In a `batch` line it is given by exactly one of the fields
/// `script_path`, `script` (with `script_name`), `action` and `rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    /// A script file, relative to the current directory (`script_path`).
    Path(PathBuf),
    /// The script's source text (`script`).
    Inline {
        /// The source text.
        source: String,
        /// The file name the source is reported under in stacks and outcomes (`script_name`;
        /// `<inline>` when absent).
        name: Option<String>,
    },
    /// The Action of this name (or id) in the request's `tenant` (`action`): its code, its
    /// secrets, the trigger it supports.
    Action(String),
    /// The Rule of this name in the request's `tenant` (`rule`): its script, with the tenant's
    /// Rules configuration.
    Rule(String),
}

impl Script {
    /// A script file.
    pub fn path(path: impl Into<PathBuf>) -> Script {
        Script::Path(path.into())
    }

    /// Source text, reported as `<inline>`.
    pub fn inline(source: impl Into<String>) -> Script {
        Script::Inline { source: source.into(), name: None }
    }
}

/// One script to run and its inputs (a `batch` line; `docs/outcome.md#batch-request-lines`).
/// The fields are named as in JSON, but for [`Request::script`], which a line gives by one of
/// `script_path`, `script` (and `script_name`), `action` or `rule`.
///
/// ```
/// use actionhost::{Request, Script};
/// let request = Request { seed: Some(7), ..Request::new(Script::path("code.js")) };
/// let line: Request = serde_json::from_str(r#"{"script_path": "code.js", "seed": 7}"#).unwrap();
/// assert_eq!(line.script, request.script);
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "RequestLine", into = "RequestLine")]
pub struct Request {
    /// Copied to the outcome, so a caller can match answers to requests.
    pub id: Option<Value>,
    /// The script to run.
    pub script: Script,
    /// Inferred from the script when absent.
    pub trigger: Option<Trigger>,
    /// Which handler of an Action runs (`execute` when absent).
    pub phase: Option<Phase>,
    /// Overrides deep-merged into the trigger's default event (`null` kept as for `user`).
    pub event: Option<Value>,
    /// `false`: `event`, `user` and `context` are complete objects, used as given instead of
    /// being deep-merged into the defaults (a login simulation passes each step's state so).
    pub merge_defaults: Option<bool>,
    /// Overrides deep-merged into the default Rules `user`. An explicit `null` is kept (as
    /// `Some(Value::Null)`), so that with `merge_defaults: false` the script gets `null`.
    pub user: Option<Value>,
    /// Overrides deep-merged into the default Rules `context` (`null` kept as for `user`).
    pub context: Option<Value>,
    /// The application's metadata (`event.client.metadata` / `context.clientMetadata`).
    pub client_metadata: Option<Value>,
    /// The Action's secrets (`event.secrets`).
    pub secrets: Option<Map<String, Value>>,
    /// Rules settings (`configuration`) / the Action's `event.configuration`.
    pub configuration: Option<Map<String, Value>>,
    /// The execution's wall-clock limit, in milliseconds (the host's default when absent).
    pub timeout_ms: Option<u64>,
    /// The execution's heap cap, in MiB (the host's default when absent).
    pub memory_mb: Option<u64>,
    /// A tenant in the Deploy CLI directory or YAML format (a directory or a tenant.yaml file):
    /// where [`Script::Action`] and [`Script::Rule`] are found, and whose Rules configuration
    /// any script gets.
    pub tenant: Option<PathBuf>,
    /// The application (name or client_id) of `tenant` the login is for.
    pub client: Option<String>,
    /// A fixed clock for the execution: `Date`, `Date.now()` and `new Date()` give this instant
    /// (an ISO 8601 string or epoch milliseconds) and `performance.now()` gives 0.
    pub now: Option<Value>,
    /// Seeds `Math.random`, `crypto.getRandomValues` and `crypto.randomUUID`.
    pub seed: Option<u64>,
    /// Answers for `fetch`; a request none of them matches fails the execution.
    pub http: Option<Vec<HttpMock>>,
    /// Names (or ids) of the Rules that ran earlier in the login, for `api.rules.wasExecuted`.
    pub rules_executed: Option<Vec<String>>,
    /// Auth0's shared-container behaviour: executions naming the same container keep the
    /// Action's module state and the Rule's `global` object between them.
    pub container: Option<String>,
    /// Query parameters set on the login request (`event.request.query` of an Action whose
    /// event has a request, `context.request.query` of a Rule): `actionhost run --query`. Not
    /// part of a `batch` line.
    pub query: Option<Map<String, Value>>,
    /// Deep-merged into the login request's body (`event.request.body` /
    /// `context.request.body`): `actionhost run --body`. Not part of a `batch` line.
    pub body: Option<Map<String, Value>>,
}

impl Request {
    /// A request to run `script` with the defaults: every other field absent.
    pub fn new(script: Script) -> Request {
        Request {
            id: None,
            script,
            trigger: None,
            phase: None,
            event: None,
            merge_defaults: None,
            user: None,
            context: None,
            client_metadata: None,
            secrets: None,
            configuration: None,
            timeout_ms: None,
            memory_mb: None,
            tenant: None,
            client: None,
            now: None,
            seed: None,
            http: None,
            rules_executed: None,
            container: None,
            query: None,
            body: None,
        }
    }
}

/// A request with what was found while it was prepared: where its script's `require` finds
/// packages when the tenant says (its package cache), and warnings (an unmapped keyword in the
/// tenant's script) carried into the outcome's `warnings`.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub request: Request,
    /// Otherwise `node_modules` folders from the script's folder (or the current one) upward.
    pub modules: Option<crate::engine::ModuleScope>,
    pub warnings: Vec<String>,
}

impl From<Request> for Prepared {
    fn from(request: Request) -> Prepared {
        Prepared { request, modules: None, warnings: Vec::new() }
    }
}

/// A `batch` line as written: the script is one of four fields. Field order is the order an
/// unknown field's error lists them in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestLine {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    script_path: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    script: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trigger: Option<Trigger>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phase: Option<Phase>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    event: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    merge_defaults: Option<bool>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    user: Option<Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    context: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secrets: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    configuration: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_mb: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    script_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    now: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    http: Option<Vec<HttpMock>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rules_executed: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    container: Option<String>,
}

/// A field that is present is `Some`, even when it is `null` (serde's default reads a `null`
/// `Option` as `None`).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// The fields that name the script, in the order a contradiction is reported.
const SCRIPT_FIELDS: &str = "script_path, script, action and rule";

impl TryFrom<RequestLine> for Request {
    type Error = RequestError;

    fn try_from(line: RequestLine) -> Result<Request, RequestError> {
        let named = [
            ("script_path", line.script_path.is_some()),
            ("script", line.script.is_some()),
            ("action", line.action.is_some()),
            ("rule", line.rule.is_some()),
        ];
        let mut given = named.iter().filter(|(_, given)| *given).map(|(field, _)| *field);
        if let (Some(first), Some(second)) = (given.next(), given.next()) {
            return Err(RequestError::new(second, format!("give only one of {SCRIPT_FIELDS} ({first} is given too)")));
        }
        if line.script_name.is_some() && line.script.is_none() {
            return Err(RequestError::new("script_name", "names the source given as script; give it only with script"));
        }
        let script = match (line.script_path, line.script, line.action, line.rule) {
            (Some(path), ..) => Script::Path(path),
            (_, Some(source), ..) => Script::Inline { source, name: line.script_name },
            (.., Some(action), _) => Script::Action(action),
            (.., Some(rule)) => Script::Rule(rule),
            (None, None, None, None) => {
                return Err(RequestError::new("script_path", "missing: give script_path, script, action or rule"))
            }
        };
        Ok(Request {
            id: line.id,
            script,
            trigger: line.trigger,
            phase: line.phase,
            event: line.event,
            merge_defaults: line.merge_defaults,
            user: line.user,
            context: line.context,
            client_metadata: line.client_metadata,
            secrets: line.secrets,
            configuration: line.configuration,
            timeout_ms: line.timeout_ms,
            memory_mb: line.memory_mb,
            tenant: line.tenant,
            client: line.client,
            now: line.now,
            seed: line.seed,
            http: line.http,
            rules_executed: line.rules_executed,
            container: line.container,
            query: None,
            body: None,
        })
    }
}

impl From<Request> for RequestLine {
    fn from(request: Request) -> RequestLine {
        let (mut script_path, mut script, mut script_name, mut action, mut rule) = (None, None, None, None, None);
        match request.script {
            Script::Path(path) => script_path = Some(path),
            Script::Inline { source, name } => (script, script_name) = (Some(source), name),
            Script::Action(name) => action = Some(name),
            Script::Rule(name) => rule = Some(name),
        }
        RequestLine {
            id: request.id,
            script_path,
            script,
            trigger: request.trigger,
            phase: request.phase,
            event: request.event,
            merge_defaults: request.merge_defaults,
            user: request.user,
            context: request.context,
            client_metadata: request.client_metadata,
            secrets: request.secrets,
            configuration: request.configuration,
            timeout_ms: request.timeout_ms,
            memory_mb: request.memory_mb,
            tenant: request.tenant,
            client: request.client,
            action,
            rule,
            script_name,
            now: request.now,
            seed: request.seed,
            http: request.http,
            rules_executed: request.rules_executed,
            container: request.container,
        }
    }
}

/// One canned HTTP answer: the first mock whose method and URL match a `fetch` answers it (or,
/// with `error`, fails its connection).
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
    /// How long the answer (or the failure) takes, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Instead of an answer, the connection fails with this Node error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ConnectionFailure>,
}

closed_set! {
    /// How a mock fails a request's connection, as a network fails it: the script gets Node's
    /// error with this `code` (`fetch` rejects with `TypeError: fetch failed` and the error as
    /// its `cause`).
    pub enum ConnectionFailure("error") {
        /// Nothing listens: `connect ECONNREFUSED host:port`.
        Refused => "ECONNREFUSED",
        /// The server reset the connection after the request: `read ECONNRESET`.
        Reset => "ECONNRESET",
        /// The host name does not resolve: `getaddrinfo ENOTFOUND host`.
        NotFound => "ENOTFOUND",
        /// No answer to the connection: `connect ETIMEDOUT host:port` (for `fetch`, undici's
        /// `UND_ERR_CONNECT_TIMEOUT`).
        TimedOut => "ETIMEDOUT",
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line(value: Value) -> Result<Request, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    // docs/outcome.md: "exactly one of `script_path`, `script`, `action`, `rule` is required".
    #[test]
    fn a_line_names_its_script_by_exactly_one_field() {
        assert_eq!(line(json!({"script_path": "a.js"})).unwrap().script, Script::path("a.js"));
        assert_eq!(
            line(json!({"script": "x", "script_name": "b.js"})).unwrap().script,
            Script::Inline { source: "x".into(), name: Some("b.js".into()) }
        );
        assert_eq!(line(json!({"action": "a"})).unwrap().script, Script::Action("a".into()));
        assert_eq!(line(json!({"rule": "r", "tenant": "t"})).unwrap().script, Script::Rule("r".into()));
        assert_eq!(
            line(json!({"id": 1})).unwrap_err(),
            "script_path: missing: give script_path, script, action or rule"
        );
        assert_eq!(
            line(json!({"rule": "r", "script_path": "a.js"})).unwrap_err(),
            "rule: give only one of script_path, script, action and rule (script_path is given too)"
        );
        assert_eq!(
            line(json!({"script": "x", "action": "a", "rule": "r"})).unwrap_err(),
            "action: give only one of script_path, script, action and rule (script is given too)"
        );
        assert_eq!(
            line(json!({"script_path": "a.js", "script_name": "b.js"})).unwrap_err(),
            "script_name: names the source given as script; give it only with script"
        );
    }

    #[test]
    fn a_line_reads_back_as_written() {
        for written in [
            json!({"id": 1, "script_path": "a.js", "event": null, "seed": 3}),
            json!({"script": "x", "script_name": "b.js", "user": {}}),
            json!({"tenant": "t", "client": "c", "action": "a", "secrets": {"K": "v"}}),
            json!({"tenant": "t", "rule": "r", "container": "c"}),
        ] {
            assert_eq!(serde_json::to_value(line(written.clone()).unwrap()).unwrap(), written);
        }
    }

    #[test]
    fn unknown_fields_are_refused_listing_the_known_ones() {
        let error = line(json!({"script_path": "a.js", "timeout": 5})).unwrap_err();
        assert!(error.starts_with("unknown field `timeout`, expected one of `id`, `script_path`, `script`, `trigger`"));
    }
}
