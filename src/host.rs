//! [`Host`]: the library's entry point. It turns a [`Request`] into an engine job (reading the
//! script, inferring the trigger, building the trigger's inputs, validating the application's
//! metadata), runs it on the worker pool and reads the result back as an [`Outcome`].

#![deny(missing_docs)]

use std::path::PathBuf;
use std::time::Duration;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::actions;
use crate::engine::{self, Job, JobResult, Limits, ScriptError, ScriptKind, Supervisor, Termination, WorkerSpec};
use crate::infer::infer_trigger;
use crate::outcome::{Command, HttpRequest, LogLine, Outcome, OutcomeError, Status};
use crate::request::{Prepared, Request, RequestError, Script};
use crate::rules::rule::{self, MissingClientMetadata};
use crate::tenant::{self, client_metadata, Keywords, TenantCache};
use crate::trigger::Trigger;
use crate::warnings::Watch;

/// If this process was started as a worker process, runs it (with the Actions and Rules
/// runners) and returns its exit code; otherwise returns `None` at once. Call it first in `main`.
pub fn run_if_requested() -> Option<i32> {
    crate::engine::run_if_requested(script_extensions)
}

/// The extensions registering the runners jobs name: one per Actions trigger, and `rule`.
pub(crate) fn script_extensions() -> Vec<deno_core::Extension> {
    vec![actions::extension(), crate::rules::extension()]
}

/// The smallest heap an isolate can start with.
pub const MIN_MEMORY_MB: u64 = 8;

/// How a [`Host`] runs scripts: its worker pool, default limits and choices.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Worker threads, each with its own isolate. Defaults to the number of CPUs.
    pub workers: usize,
    /// Limits applied to requests that do not set their own.
    pub limits: Limits,
    /// What a Rule sees as `context.clientMetadata` when the application has none.
    pub missing_client_metadata: MissingClientMetadata,
    /// Deploy CLI keyword replacements applied to tenant files.
    pub keywords: Keywords,
    /// The program started as a worker process (with [`crate::WORKER_ARG`]); its `main`
    /// must call [`crate::run_if_requested`] first. Defaults to `ACTIONHOST_WORKER_PROGRAM`
    /// when set, else the running executable.
    pub worker_program: PathBuf,
    /// A worker process is replaced after this many executions (its memory is then returned).
    pub recycle_after_executions: u64,
}

/// Executions after which a worker process is replaced by default.
pub const DEFAULT_RECYCLE_AFTER_EXECUTIONS: u64 = 10_000;

/// The worker program used when none is configured.
pub fn default_worker_program() -> PathBuf {
    std::env::var_os("ACTIONHOST_WORKER_PROGRAM")
        .map(PathBuf::from)
        .or_else(|| std::env::current_exe().ok())
        .unwrap_or_else(|| PathBuf::from("actionhost"))
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            limits: Limits::default(),
            missing_client_metadata: MissingClientMetadata::default(),
            keywords: Keywords::default(),
            worker_program: default_worker_program(),
            recycle_after_executions: DEFAULT_RECYCLE_AFTER_EXECUTIONS,
        }
    }
}

/// Runs requests in supervised, sandboxed worker processes and answers each with an [`Outcome`].
pub struct Host {
    pool: Supervisor,
    config: HostConfig,
    tenants: TenantCache,
}

impl Host {
    /// Starts the supervisor and its worker processes.
    pub fn new(config: HostConfig) -> Host {
        let spec = WorkerSpec {
            program: config.worker_program.clone(),
            memory_mb: config.limits.memory_mb,
            recycle_after_executions: config.recycle_after_executions.max(1),
        };
        Host {
            pool: Supervisor::start(config.workers, spec),
            tenants: TenantCache::new(config.keywords.clone()),
            config,
        }
    }

    /// Runs one request. A request that cannot be run (bad field, unreadable script) is an
    /// `Err` naming the field; everything the script does, including failing, is an `Outcome`.
    pub async fn run(&self, request: Request) -> Result<Outcome, RequestError> {
        self.run_prepared(request.into()).await
    }

    /// Runs a request prepared by the caller, which has the tenant's script at hand (its
    /// package scope, its warnings); a tenant the request names is still applied.
    pub(crate) async fn run_prepared(&self, prepared: Prepared) -> Result<Outcome, RequestError> {
        let mut outcomes = self.run_chain(prepared, Vec::new()).await?;
        Ok(outcomes.pop().expect("a job's own script always has an outcome"))
    }

    /// Runs a Rule request and then, as one job on one worker, each Rule of `then` in turn,
    /// each given the `user` and `context` the one before passed to its callback (a login's
    /// Rules, without a round trip between them). Returns the outcome of each Rule that ran, in
    /// order: the chain stops after a Rule that did not complete (denied, failed, passed no
    /// objects), or whose execution left its isolate to be replaced; the caller runs the rest.
    /// When the worker could not answer at all (it was stopped or died), only the first Rule is
    /// run again, alone, so that the outcome names the Rule at fault. `then` holds scripts whose
    /// package scope is the first's.
    pub(crate) async fn run_chain(
        &self,
        prepared: Prepared,
        then: Vec<engine::Script>,
    ) -> Result<Vec<Outcome>, RequestError> {
        let given = GivenInputs::of(&prepared.request);
        let Prepared { request, modules, mut warnings } = prepared;
        let mut prepared = self.resolve_tenant(request)?;
        prepared.modules = prepared.modules.or(modules);
        warnings.append(&mut prepared.warnings);
        let (mut job, trigger, watch) = self.prepare(&mut prepared, !then.is_empty())?;
        given.check(trigger)?;
        if !then.is_empty() && trigger != Trigger::Rule {
            return Err(RequestError::new("trigger", "only Rules run one after another in one job"));
        }
        job.then = then;
        let (timeout_ms, memory_mb) = (job.timeout.as_millis(), job.memory_mb);
        let read =
            |script: String, result: JobResult| read_result(None, trigger, script, result, timeout_ms, memory_mb);
        let retry = (!job.then.is_empty()).then(|| Job { then: Vec::new(), then_input: None, ..job.clone() });
        let names: Vec<String> = job.then.iter().map(|script| script.filename.clone()).collect();
        let first_name = job.script.filename.clone();
        let mut result = self.pool.run(job).await;
        let later = match (result.then.take(), retry) {
            (Some(later), _) => later,
            (None, None) => Vec::new(),
            (None, Some(alone)) => {
                result = self.pool.run(alone).await;
                Vec::new()
            }
        };
        let mut first = read(first_name, result);
        first.id = prepared.request.id;
        first.warnings = warnings;
        first.warnings.extend(watch.finish(&first));
        let mut outcomes = vec![first];
        for (result, name) in later.into_iter().zip(names) {
            let watch = Watch::after_rule(outcomes.last().expect("the first outcome"));
            let mut outcome = read(name, result);
            outcome.warnings = watch.finish(&outcome);
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Like [`Host::run`], but an invalid request becomes an error outcome (for batch callers).
    pub async fn run_to_outcome(&self, request: Request) -> Outcome {
        let id = request.id.clone();
        self.run(request).await.unwrap_or_else(|error| Outcome::invalid_request(id, error.to_string()))
    }

    /// The tenant at `path`, loaded once and reloaded when one of its files changes.
    pub(crate) fn tenant(&self, path: &std::path::Path) -> Result<std::sync::Arc<tenant::Tenant>, RequestError> {
        self.tenants.get(path).map_err(|e| RequestError::new("tenant", e.to_string()))
    }

    /// The configuration the host was started with.
    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// A request naming a tenant becomes a plain request carrying what the tenant holds.
    fn resolve_tenant(&self, request: Request) -> Result<Prepared, RequestError> {
        let Some(path) = &request.tenant else {
            if request.client.is_some() {
                return Err(RequestError::new("client", NEEDS_A_TENANT));
            }
            return Ok(request.into());
        };
        let tenant = self.tenant(path)?;
        tenant::apply(&request, &tenant)
    }

    /// The job for a request; the request's event, user and context move into it. `chained`:
    /// Rules will run after this one in the same job ([`Job::then_input`] is made for them).
    fn prepare(&self, prepared: &mut Prepared, chained: bool) -> Result<(Job, Trigger, Watch), RequestError> {
        let request = &mut prepared.request;
        let script = load_script(&request.script)?;
        let trigger = match request.trigger {
            Some(trigger) => trigger,
            None => infer_trigger(&script.source).map_err(|e| RequestError::new(&script.filename, e.to_string()))?,
        };
        let metadata = match &request.client_metadata {
            Some(value) => Some(
                client_metadata::from_json(value).map_err(|e| RequestError::new("client_metadata", e.to_string()))?,
            ),
            None => None,
        };
        let (kind, mut input) = match actions::spec(trigger) {
            Some(spec) => {
                (ScriptKind::Module, actions::build_input(spec, request, &script.filename, metadata.as_ref())?)
            }
            None => (
                ScriptKind::FunctionExpression { parameters: rule::RULE_PARAMETERS.into() },
                rule::build_input(request, &script.filename, metadata.as_ref(), self.config.missing_client_metadata)?,
            ),
        };
        set_login_request(&mut input, trigger, request)?;
        add_determinism(&mut input, request)?;
        let timeout_ms = positive("timeout_ms", request.timeout_ms)?.unwrap_or(self.config.limits.timeout_ms);
        let memory_mb = request.memory_mb.unwrap_or(self.config.limits.memory_mb);
        if memory_mb < MIN_MEMORY_MB {
            return Err(RequestError::new(
                "memory_mb",
                format!("must be at least {MIN_MEMORY_MB} (the engine itself needs about 5 MiB)"),
            ));
        }
        let watch = Watch::before(trigger, &script.filename, &script.source, &input);
        let raw = |input: &Value| {
            serde_json::value::to_raw_value(input).map_err(|e| RequestError::new("input", e.to_string()))
        };
        let own = raw(&input)?;
        let then_input = match (chained, &mut input) {
            (true, Value::Object(fields)) => {
                // The later Rules' `user` and `context` are what the Rule before passed on.
                fields.shift_remove("user");
                fields.shift_remove("context");
                Some(raw(&input)?)
            }
            _ => None,
        };
        let job = Job {
            runner: trigger.as_str().to_owned(),
            kind,
            script,
            input: own,
            timeout: Duration::from_millis(timeout_ms),
            memory_mb,
            container: request.container.clone(),
            modules: Some(prepared.modules.take().unwrap_or_else(|| module_scope(&request.script))),
            then: Vec::new(),
            then_input,
        };
        Ok((job, trigger, watch))
    }
}

/// Which trigger-specific inputs the caller gave (before a tenant adds its own), so that one
/// the trigger does not read is refused instead of silently ignored.
struct GivenInputs {
    event: bool,
    secrets: bool,
    continue_phase: bool,
    user: bool,
    context: bool,
}

impl GivenInputs {
    fn of(request: &Request) -> GivenInputs {
        GivenInputs {
            event: request.event.is_some(),
            secrets: request.secrets.is_some(),
            continue_phase: request.phase == Some(crate::request::Phase::Continue),
            user: request.user.is_some(),
            context: request.context.is_some(),
        }
    }

    fn check(&self, trigger: Trigger) -> Result<(), RequestError> {
        let refused: &[(&str, bool, &str)] = if trigger.is_action() {
            &[
                ("user", self.user, "a Rule's input; an Action's user is `event.user` (give it in `event`)"),
                ("context", self.context, "a Rule's input; an Action reads `event`"),
            ]
        } else {
            &[
                ("event", self.event, "an Action's input; a Rule reads `user` and `context`"),
                ("secrets", self.secrets, "an Action's input; a Rule reads `configuration`"),
                ("phase", self.continue_phase, "an Action's input; a Rule has no continue handler"),
            ]
        };
        match refused.iter().find(|(_, given, _)| *given) {
            Some((field, _, why)) => Err(RequestError::new(*field, format!("does not apply to {trigger}: {why}"))),
            None => Ok(()),
        }
    }
}

/// `run --query` / `--body`: set on the login request the trigger's input carries
/// (`event.request` of an Action, `context.request` of a Rule); a trigger without one refuses them.
fn set_login_request(input: &mut Value, trigger: Trigger, request: &Request) -> Result<(), RequestError> {
    let parts = [("query", "--query", &request.query), ("body", "--body", &request.body)];
    let Some((_, flag, _)) = parts.iter().find(|(_, _, given)| given.is_some()) else { return Ok(()) };
    let (holder, place) = if trigger.is_action() { ("event", "event.request") } else { ("context", "context.request") };
    let Some(login) = input.get_mut(holder).and_then(|h| h.get_mut("request")).and_then(Value::as_object_mut) else {
        return Err(RequestError::new(
            *flag,
            format!("{trigger} has no login request ({place} is absent), so it has no query or body to set"),
        ));
    };
    for (key, _, given) in parts {
        if let Some(given) = given {
            let part = login.entry(key).or_insert_with(|| Value::Object(Default::default()));
            if !part.is_object() {
                *part = Value::Object(Default::default());
            }
            crate::json::deep_merge(part, &Value::Object(given.clone()));
        }
    }
    Ok(())
}

/// The clock, random seed and HTTP mocks of the request, for `js_runtime/clock.js` and `http.js`.
fn add_determinism(input: &mut Value, request: &Request) -> Result<(), RequestError> {
    if let Some(mocks) = &request.http {
        for (index, mock) in mocks.iter().enumerate() {
            if mock.json.is_some() && mock.text.is_some() {
                return Err(RequestError::new(format!("http[{index}]"), "give json or text, not both"));
            }
            if let Some(error) = mock.error {
                let answer = [
                    ("status", mock.status.is_some()),
                    ("headers", mock.headers.is_some()),
                    ("json", mock.json.is_some()),
                    ("text", mock.text.is_some()),
                ]
                .into_iter()
                .find(|(_, given)| *given);
                if let Some((field, _)) = answer {
                    return Err(RequestError::new(
                        format!("http[{index}].{field}"),
                        format!(
                            "a mock that fails the connection ({error}) sends no answer: remove `{field}` or `error`"
                        ),
                    ));
                }
            }
        }
    }
    let fields = input.as_object_mut().expect("trigger inputs are objects");
    fields.insert("now".into(), request.now.clone().unwrap_or(Value::Null));
    fields.insert("seed".into(), request.seed.map_or(Value::Null, Value::from));
    fields.insert("http".into(), serde_json::to_value(&request.http).unwrap_or(Value::Null));
    Ok(())
}

fn positive(field: &str, value: Option<u64>) -> Result<Option<u64>, RequestError> {
    match value {
        Some(0) => Err(RequestError::new(field, "must be greater than 0")),
        other => Ok(other),
    }
}

/// Where a script outside a tenant finds packages: `node_modules` folders from its file's
/// folder upward, or from the current folder for a script given inline.
fn module_scope(script: &Script) -> crate::engine::ModuleScope {
    let folder = match script {
        Script::Path(path) => path.parent().map(std::path::Path::to_path_buf).unwrap_or_default(),
        _ => std::path::PathBuf::new(),
    };
    let folder = if folder.as_os_str().is_empty() { std::path::PathBuf::from(".") } else { folder };
    crate::engine::ModuleScope {
        search_from: std::path::absolute(&folder).unwrap_or(folder),
        missing_hint: Some("install it with npm in the script's folder or one above it".into()),
        ..Default::default()
    }
}

/// What a request naming the tenant's application, Action or Rule without a tenant is told.
const NEEDS_A_TENANT: &str = "needs a tenant (--tenant DIR)";

/// The script's file name and source. A tenant's Action or Rule was made source text when the
/// tenant was applied, so one left here had no tenant to come from.
fn load_script(script: &Script) -> Result<engine::Script, RequestError> {
    match script {
        Script::Inline { source, name } => {
            Ok(engine::Script { filename: name.clone().unwrap_or_else(|| "<inline>".into()), source: source.clone() })
        }
        Script::Path(path) => {
            let source = crate::files::read_text(path)
                .map_err(|e| RequestError::new("script_path", format!("cannot read {e}")))?;
            Ok(engine::Script { filename: path.display().to_string(), source })
        }
        Script::Action(_) => Err(RequestError::new("action", NEEDS_A_TENANT)),
        Script::Rule(_) => Err(RequestError::new("rule", NEEDS_A_TENANT)),
    }
}

fn read_result(
    id: Option<Value>,
    trigger: Trigger,
    script: String,
    result: JobResult,
    timeout_ms: u128,
    memory_mb: u64,
) -> Outcome {
    // What cannot be read is said, never replaced by an empty list.
    let mut unreadable = Vec::new();
    let commands: Vec<Command> = read_list("commands", &result.commands, &mut unreadable);
    let logs: Vec<LogLine> = read_list("logs", &result.logs, &mut unreadable);
    let requests: Vec<HttpRequest> = read_list("requests", &result.requests, &mut unreadable);
    let mut outcome = Outcome {
        id,
        status: Status::Error,
        trigger: Some(trigger),
        script: Some(script),
        returned: Value::Null,
        commands,
        requests,
        callback: None,
        logs,
        logs_truncated: result.logs_truncated,
        error: None,
        duration_ms: result.duration.as_secs_f64() * 1000.0,
        warnings: vec![],
    };
    if let Some(termination) = result.termination {
        let (status, name, message) = match (termination, trigger) {
            (Termination::Timeout, _) => (Status::Timeout, "TimeoutError", format!("the script ran longer than {timeout_ms} ms (Auth0: \"Request to Webtask exceeded allowed execution time\")")),
            (Termination::NeverSettled, Trigger::Rule) => (Status::Timeout, "TimeoutError", "the rule never called callback, and nothing it left pending could call it (Auth0 fails such a login once its time limit passes)".to_owned()),
            (Termination::NeverSettled, _) => (Status::Timeout, "TimeoutError", "the handler's promise never settled, and nothing it left pending could settle it (Auth0 fails the transaction once its time limit passes)".to_owned()),
            (Termination::OutOfMemory, _) => (
                Status::OutOfMemory,
                "OutOfMemoryError",
                format!(
                    "the script exceeded its memory limit ({memory_mb} MiB of heap; {} MiB for its worker process in all)",
                    memory_mb + crate::engine::PROCESS_OVERHEAD_MB
                ),
            ),
        };
        outcome.status = status;
        outcome.error = Some(OutcomeError::new(name, message));
        return outcome;
    }
    if let Some(error) = result.error {
        outcome.error = Some(from_script_error(error));
        return outcome;
    }
    if !unreadable.is_empty() {
        outcome.error = Some(OutcomeError::new(
            "EngineError",
            format!("the host could not read the execution's {}", unreadable.join(", ")),
        ));
        return outcome;
    }
    let Some(raw) = result.value else {
        outcome.error = Some(OutcomeError::new("EngineError", "the execution ended without a result"));
        return outcome;
    };
    let value: Value = match serde_json::from_str(raw.get()) {
        Ok(value) => value,
        Err(error) => {
            let message = format!("the host could not read the execution's result ({error})");
            outcome.error = Some(OutcomeError::new("EngineError", message));
            return outcome;
        }
    };
    if let Some(failure) = &result.late_failure {
        outcome.error = Some(OutcomeError::from_js(failure));
        return outcome;
    }
    match actions::spec(trigger) {
        Some(spec) => {
            let (status, returned, error) = actions::interpret(spec, &value, &outcome.commands);
            (outcome.status, outcome.returned, outcome.error) = (status, returned, error);
        }
        None => {
            let (status, callback, error) = rule::interpret(value);
            (outcome.status, outcome.callback, outcome.error) = (status, callback, error);
        }
    }
    outcome
}

/// One of the lists a result carries (`commands`, `logs`, `requests`), read from its JSON text;
/// empty, with `what` and the reason added to `unreadable`, when it is not a list of those items.
fn read_list<T: serde::de::DeserializeOwned>(what: &str, raw: &RawValue, unreadable: &mut Vec<String>) -> Vec<T> {
    let text = raw.get();
    if !text.starts_with('[') {
        unreadable.push(format!("{what} (got {})", if text == "null" { "null" } else { "not a list" }));
        return Vec::new();
    }
    serde_json::from_str(text).unwrap_or_else(|error| {
        unreadable.push(format!("{what} ({error})"));
        Vec::new()
    })
}

fn from_script_error(error: ScriptError) -> OutcomeError {
    OutcomeError { stack: error.stack, ..OutcomeError::new(&error.name, error.message) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    /// A result as a worker sends it, for an Action that completed and recorded `commands`.
    fn completed(commands: &str, value: &str) -> JobResult {
        JobResult {
            value: Some(raw(value)),
            termination: None,
            error: None,
            logs: raw("[]"),
            logs_truncated: false,
            commands: raw(commands),
            requests: raw("[]"),
            late_failure: None,
            duration: Duration::ZERO,
            then: None,
        }
    }

    fn read(result: JobResult) -> Outcome {
        read_result(None, Trigger::PostLogin, "a.js".into(), result, 1_000, 128)
    }

    #[test]
    fn a_result_the_host_cannot_read_is_an_engine_error_never_an_empty_success() {
        let ok = r#"{"ok":true,"returned":null}"#;
        let deny = r#"[{"api":"access.deny","args":["no"]}]"#;
        let outcome = read(completed(deny, ok));
        assert_eq!(outcome.status, Status::Denied, "{outcome:?}");

        for (commands, says) in [("null", "commands (got null)"), ("{}", "commands (got not a list)")] {
            let outcome = read(completed(commands, ok));
            assert_eq!(outcome.status, Status::Error);
            let error = outcome.error.unwrap();
            assert_eq!(error.name, "EngineError");
            assert_eq!(error.message, format!("the host could not read the execution's {says}"));
        }
        let outcome = read(completed(r#"[{"api":"access.deny","args":"no"}]"#, ok));
        assert!(outcome.error.unwrap().message.starts_with("the host could not read the execution's commands ("));

        // Nested deeper than serde_json reads: the denial before it is not reported as a success.
        let deep = format!(r#"{{"ok":true,"returned":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
        let outcome = read(completed(deny, &deep));
        assert_eq!(outcome.status, Status::Error);
        let message = outcome.error.unwrap().message;
        assert!(message.starts_with("the host could not read the execution's result ("), "{message}");
        assert!(message.contains("recursion limit"), "{message}");
    }
}
