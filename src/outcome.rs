//! The result of one execution, the same JSON shape for every consumer (CLI, batch, tests,
//! pipeline). Documented field by field in `docs/outcome.md`.

#![deny(missing_docs)]

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::closed_set::closed_set;
use crate::trigger::Trigger;

/// How an execution ended (the outcome's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The script finished normally.
    Completed,
    /// The login was denied (`api.access.deny`, `callback(new UnauthorizedError(…))`).
    Denied,
    /// An Action called `api.redirect.sendUserTo`.
    Redirected,
    /// The script threw, failed to evaluate, called back with an error or twice, or the request
    /// itself was invalid.
    Error,
    /// The script ran out of time, or can never finish (a rule that never calls back).
    Timeout,
    /// The script exceeded the heap cap.
    OutOfMemory,
}

impl Status {
    /// The status as the Outcome JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::Denied => "denied",
            Status::Redirected => "redirected",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::OutOfMemory => "out_of_memory",
        }
    }

    /// Completed, denied and redirected are normal results of a script that ran.
    pub fn ran(self) -> bool {
        matches!(self, Status::Completed | Status::Denied | Status::Redirected)
    }
}

/// One recorded call of the Actions `api` or of the Rules `auth0` object.
pub use crate::api_call::Command;

/// One `fetch` a script made and the status its mock answered (`null`: no mock matched).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// `GET`, `POST`, … (upper case).
    pub method: String,
    /// The absolute URL requested.
    pub url: String,
    /// The request's headers, names in lower case, with the `content-type` its body gives
    /// (`multipart/form-data; boundary=…` for a FormData) when the script set none.
    pub headers: serde_json::Map<String, Value>,
    /// The request body as text (bytes decoded as UTF-8), when it had one.
    pub body: Option<String>,
    /// The status the matching mock answered; `None` when no mock matched, the mock failed the
    /// connection or the request was aborted before the answer.
    pub status: Option<u16>,
    /// The connection failure the matching mock gave instead of an answer (`ECONNREFUSED` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::request::ConnectionFailure>,
}

closed_set! {
    /// The console method a line was written with (`console.trace` writes `debug`, `console.dir`
    /// writes `log`, a failed `console.assert` writes `error`).
    pub enum LogLevel("level") {
        /// `console.log`, `console.dir`.
        Log => "log",
        /// `console.info`.
        Info => "info",
        /// `console.warn`.
        Warn => "warn",
        /// `console.error`, a failed `console.assert`.
        Error => "error",
        /// `console.debug`, `console.trace`.
        Debug => "debug",
    }
}

/// One console line the script wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    /// The console method it was written with.
    pub level: LogLevel,
    /// The arguments formatted as Node's console formats them.
    pub message: String,
}

/// Why an execution failed or was denied, as JavaScript described the error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeError {
    /// `SyntaxError`, `TypeError`, `UnauthorizedError`, `TimeoutError`, `InvalidRequest`, …
    pub name: String,
    /// The error's message.
    pub message: String,
    /// The JavaScript stack, with the script's own file name and line numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// Extra properties of errors passed to a Rule's callback (`code`, `statusCode`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Value>,
    /// The error's `statusCode` property.
    #[serde(default, rename = "statusCode", skip_serializing_if = "Option::is_none")]
    pub status_code: Option<Value>,
    /// The error's `description` property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
}

impl OutcomeError {
    /// An error with this name and message and no other property.
    pub(crate) fn new(name: &str, message: impl Into<String>) -> OutcomeError {
        OutcomeError {
            name: name.into(),
            message: message.into(),
            stack: None,
            code: None,
            status_code: None,
            description: None,
        }
    }
}

impl OutcomeError {
    /// Reads an error described by `js_runtime/json.js` (`describeError`).
    pub(crate) fn from_js(value: &Value) -> OutcomeError {
        let text = |key: &str| value[key].as_str().map(str::to_owned);
        let extra = |key: &str| value.get(key).filter(|v| !v.is_null()).cloned();
        OutcomeError {
            name: text("name").unwrap_or_else(|| "Error".into()),
            message: text("message").unwrap_or_default(),
            stack: text("stack"),
            code: extra("code"),
            status_code: extra("statusCode"),
            description: extra("description"),
        }
    }
}

/// What a Rule passed to `callback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallbackResult {
    /// The error given as the first argument, if any.
    pub error: Option<OutcomeError>,
    /// The user given back (the input user when the Rule gave none).
    pub user: Value,
    /// The context given back (the input context when the Rule gave none).
    pub context: Value,
}

/// What one execution did: the Outcome JSON (`docs/outcome.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The request's `id`, copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    /// How the execution ended.
    pub status: Status,
    /// The trigger that ran (absent for a request that could not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    /// The script's file name (`<inline>` for source text given in the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// What an Action's handler resolved to (`null` when nothing or not an Action).
    pub returned: Value,
    /// The api calls the script made, in order.
    pub commands: Vec<Command>,
    /// The `fetch` requests the script made (answered by the request's HTTP mocks).
    #[serde(default)]
    pub requests: Vec<HttpRequest>,
    /// What a Rule passed to `callback` (absent for Actions and when it never called back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallbackResult>,
    /// The console lines, in order.
    pub logs: Vec<LogLine>,
    /// True when console output passed the limit and was cut.
    pub logs_truncated: bool,
    /// Why the execution failed or was denied.
    pub error: Option<OutcomeError>,
    /// The engine's time for the execution, in milliseconds.
    pub duration_ms: f64,
    /// What the script did that a user needs to see although it ran (an unmapped keyword, a
    /// secret read while unset, a deprecated api, a secret-looking metadata value in an ID-token
    /// claim); always present, `[]` when none. See `crate::warnings`.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Outcome {
    /// The outcome of a request that could not be run at all.
    pub(crate) fn invalid_request(id: Option<Value>, message: impl Into<String>) -> Outcome {
        Outcome {
            id,
            status: Status::Error,
            trigger: None,
            script: None,
            returned: Value::Null,
            commands: vec![],
            requests: vec![],
            callback: None,
            logs: vec![],
            logs_truncated: false,
            error: Some(OutcomeError::new("InvalidRequest", message)),
            duration_ms: 0.0,
            warnings: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn log_levels_are_the_console_method_names() {
        let levels: Vec<Value> = LogLevel::ALL.iter().map(|l| json!(l)).collect();
        assert_eq!(levels, [json!("log"), json!("info"), json!("warn"), json!("error"), json!("debug")]);
        let line: LogLine = serde_json::from_value(json!({"level": "warn", "message": "m"})).unwrap();
        assert_eq!(line.level, LogLevel::Warn);
    }

    #[test]
    fn a_misspelled_log_level_is_refused_naming_the_field_and_the_levels() {
        let error = serde_json::from_value::<LogLine>(json!({"level": "warning", "message": "m"})).unwrap_err();
        assert!(
            error.to_string().contains(r#"unknown level "warning"; known: log, info, warn, error, debug"#),
            "{error}"
        );
    }
}
