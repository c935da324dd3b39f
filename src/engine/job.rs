//! What the engine is asked to run and what it gives back. The engine knows nothing of Auth0:
//! a job names a runner (registered by a script extension), the script, how it is wrapped, and a
//! JSON input.

use std::time::Duration;

use serde_json::value::RawValue;
use serde_json::Value;

use super::limits::Termination;

/// A user script and the file name it is reported under (in stack traces and errors).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Script {
    pub filename: String,
    pub source: String,
}

/// How the script is wrapped before evaluation; each runner expects its own shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ScriptKind {
    /// A CommonJS module (`exports.x = …`), evaluated inside
    /// `function (exports, require, module, __filename, __dirname)`.
    Module,
    /// A single function expression, evaluated inside a function of these comma-separated
    /// `parameters` (the names the script sees as free variables) that returns it.
    FunctionExpression {
        /// `a, b, c`.
        parameters: std::borrow::Cow<'static, str>,
    },
}

impl ScriptKind {
    /// Source placed before the script; it ends on the script's first line, so line numbers
    /// stay the script's own (columns on line 1 are corrected by the isolate).
    pub(crate) fn prefix(&self) -> String {
        match self {
            ScriptKind::Module => "(function (exports, require, module, __filename, __dirname) {".to_owned(),
            ScriptKind::FunctionExpression { parameters } => format!("(function ({parameters}) {{ return ("),
        }
    }

    pub(crate) fn suffix(&self) -> &'static str {
        match self {
            ScriptKind::Module => "\n})",
            ScriptKind::FunctionExpression { .. } => "\n); })",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Job {
    /// Name of the JavaScript runner (registered with `registerRunner` of `js_runtime/main.js`).
    pub runner: String,
    pub kind: ScriptKind,
    pub script: Script,
    /// The runner's input as JSON text: made once by the host, handed to the engine as it is.
    pub input: Box<serde_json::value::RawValue>,
    pub timeout: Duration,
    /// Heap cap in MiB; a job whose cap differs from the pool's runs on an isolate of its own.
    pub memory_mb: u64,
    /// Shared-container key: executions with the same key see each other's module and `global`
    /// state (Auth0's container reuse). `None` isolates the execution completely.
    pub container: Option<String>,
    /// Where the script's `require` finds packages; `None`: it finds none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modules: Option<super::modules::ModuleScope>,
    /// Scripts run after this one, in order, on the same worker: each is an execution of its
    /// own (same runner, limits and package scope), given the input the runner's `next` makes
    /// of the one before it and that one's result. The chain ends at the first execution that
    /// does not complete cleanly or that the runner does not pass on (a login's Rules: one
    /// job, instead of one per Rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<Script>,
    /// For a chain: the input the later scripts' inputs are made from (JSON text), which the
    /// runner's `next` completes with what the script before passes on. It can leave out what
    /// `next` replaces (cheaper to read); the job's own input when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then_input: Option<Box<RawValue>>,
}

impl Job {
    /// The time the whole job may take: its timeout for each script it may run.
    pub fn time_budget(&self) -> Duration {
        self.timeout.saturating_mul(u32::try_from(self.then.len() + 1).unwrap_or(u32::MAX))
    }
}

/// An error raised by the script (or by its evaluation), as JavaScript described it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScriptError {
    pub name: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
}

/// What an execution gave back. The runner's result and the lists it recorded travel as the JSON
/// text the engine made (checked to be JSON the host can read): neither the worker nor the
/// supervisor builds them into values, the host reads each once, into the type it needs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct JobResult {
    /// The runner's JSON result; absent when the execution was terminated or did not start.
    pub value: Option<Box<RawValue>>,
    /// Set when the host stopped the execution.
    pub termination: Option<Termination>,
    /// Set when the script could not even be evaluated (syntax error) or the engine failed.
    pub error: Option<ScriptError>,
    /// Console lines and api commands captured up to the end, however it ended (JSON lists).
    pub logs: Box<RawValue>,
    pub logs_truncated: bool,
    pub commands: Box<RawValue>,
    /// The `fetch` requests the script made, with the status each got (a JSON list).
    pub requests: Box<RawValue>,
    /// A failure raised after the handler settled (an unhandled rejection), as JavaScript
    /// described it; it turns an otherwise successful execution into an error.
    pub late_failure: Option<Value>,
    pub duration: Duration,
    /// For a job with scripts to run after its own ([`Job::then`]), when the worker answered
    /// it: the results of those that ran, in order. `None` when the worker could not answer
    /// (it was stopped or died), so nothing is known of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Vec<JobResult>>,
}

/// An empty JSON list, for a result that recorded nothing.
pub(crate) fn empty_list() -> Box<RawValue> {
    RawValue::from_string("[]".to_owned()).expect("[] is JSON")
}
