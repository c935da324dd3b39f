//! The result of one execution, the same JSON shape for every consumer (CLI, batch, tests,
//! pipeline). Documented field by field in `docs/outcome.md`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::closed_set::closed_set;
use crate::trigger::Trigger;

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
    pub method: String,
    pub url: String,
    pub headers: serde_json::Map<String, Value>,
    pub body: Option<String>,
    pub status: Option<u16>,
}

closed_set! {
    /// The console method a line was written with (`console.trace` writes `debug`, `console.dir`
    /// writes `log`, a failed `console.assert` writes `error`).
    pub enum LogLevel("level") {
        Log => "log",
        Info => "info",
        Warn => "warn",
        Error => "error",
        Debug => "debug",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    pub level: LogLevel,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeError {
    /// `SyntaxError`, `TypeError`, `UnauthorizedError`, `TimeoutError`, `InvalidRequest`, …
    pub name: String,
    pub message: String,
    /// The JavaScript stack, with the script's own file name and line numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// Extra properties of errors passed to a Rule's callback (`code`, `statusCode`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Value>,
    #[serde(default, rename = "statusCode", skip_serializing_if = "Option::is_none")]
    pub status_code: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
}

impl OutcomeError {
    pub fn new(name: &str, message: impl Into<String>) -> OutcomeError {
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
    pub error: Option<OutcomeError>,
    pub user: Value,
    pub context: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    /// The script's file name (`<inline>` for source text given in the request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// What an Action's handler resolved to (`null` when nothing or not an Action).
    pub returned: Value,
    pub commands: Vec<Command>,
    /// The `fetch` requests the script made (answered by the request's HTTP mocks).
    #[serde(default)]
    pub requests: Vec<HttpRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallbackResult>,
    pub logs: Vec<LogLine>,
    pub logs_truncated: bool,
    pub error: Option<OutcomeError>,
    pub duration_ms: f64,
    /// What the script did that a user needs to see although it ran (an unmapped keyword, a
    /// secret read while unset, a deprecated api, a secret-looking metadata value in an ID-token
    /// claim); always present, `[]` when none. See `crate::warnings`.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Outcome {
    /// The outcome of a request that could not be run at all.
    pub fn invalid_request(id: Option<Value>, message: impl Into<String>) -> Outcome {
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
