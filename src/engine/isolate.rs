//! One long-lived deno_core runtime and everything needed to run jobs on it one after another:
//! the runner functions taken from `js_runtime/main.js`, a cache of compiled script wrappers,
//! the shared containers, and the limits (watchdog thread, heap cap).
//!
//! Creating a runtime on the QuickJS backend is slow (tens of ms) and leaks, and so does a fresh
//! context, so an isolate serves many executions; `js_runtime/isolation.js` keeps them apart.
//! After a termination (timeout while running, heap cap) the isolate reports itself `retired`
//! and the worker replaces it.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::time::{Duration, Instant};

use deno_core::error::CoreErrorKind;
use deno_core::{v8, JsRuntime, PollEventLoopOptions, RuntimeOptions};
use serde_json::Value;

use super::extension;
use super::job::{Job, JobResult, ScriptError, ScriptKind};
use super::limits::Termination;
use super::watchdog::Watchdog;

const SCRIPT_CACHE_CAPACITY: usize = 512;

const TAKE_RUNNER: &str = "(() => { const r = globalThis.__actionhostRunner; \
delete globalThis.__actionhostRunner; r.lockdown(); return [r.run, r.finish]; })()";

struct CachedScript {
    kind: ScriptKind,
    filename: String,
    source: String,
    wrapper: v8::Global<v8::Function>,
}

pub struct Isolate {
    runtime: JsRuntime,
    run: v8::Global<v8::Function>,
    finish: v8::Global<v8::Function>,
    scripts: HashMap<u64, CachedScript>,
    containers: HashMap<String, v8::Global<v8::Object>>,
    watchdog: Watchdog,
    out_of_memory: Rc<Cell<bool>>,
    executions: u64,
    retired: bool,
}

impl Isolate {
    /// Creates and locks down a runtime. Must be called inside a tokio runtime context.
    pub fn new(memory_mb: u64) -> anyhow::Result<Isolate> {
        let heap_bytes = usize::try_from(memory_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
        let mut runtime = JsRuntime::try_new(RuntimeOptions {
            extensions: extension::extensions(),
            create_params: Some(v8::CreateParams::default().heap_limits(0, heap_bytes)),
            ..Default::default()
        })?;
        let handle = runtime.v8_isolate().thread_safe_handle();
        let out_of_memory = Rc::new(Cell::new(false));
        let flag = Rc::clone(&out_of_memory);
        let terminate = handle.clone();
        runtime.add_near_heap_limit_callback(move |current, _initial| {
            flag.set(true);
            terminate.terminate_execution();
            // Raise the limit so the engine does not abort while the termination unwinds.
            current.saturating_mul(2)
        });
        let runner = runtime.execute_script("actionhost:runner", TAKE_RUNNER).map_err(|e| anyhow::anyhow!("{e}"))?;
        let (run, finish) = {
            deno_core::scope!(scope, &mut runtime);
            let array = v8::Local::<v8::Array>::try_from(v8::Local::new(scope, runner))?;
            let function = |scope: &mut v8::PinScope, index| -> anyhow::Result<v8::Global<v8::Function>> {
                let value = array.get_index(scope, index).ok_or_else(|| anyhow::anyhow!("runner entry {index} missing"))?;
                Ok(v8::Global::new(scope, v8::Local::<v8::Function>::try_from(value)?))
            };
            (function(scope, 0)?, function(scope, 1)?)
        };
        Ok(Isolate {
            runtime,
            run,
            finish,
            scripts: HashMap::new(),
            containers: HashMap::new(),
            watchdog: Watchdog::spawn(handle),
            out_of_memory,
            executions: 0,
            retired: false,
        })
    }

    /// True once a termination may have left the runtime inconsistent; the worker then replaces it.
    pub fn retired(&self) -> bool {
        self.retired
    }

    pub async fn execute(&mut self, job: &Job) -> JobResult {
        let started = Instant::now();
        let wrapper = match self.compile(job) {
            Ok(wrapper) => wrapper,
            Err(error) => return JobResult::failed(error, started.elapsed()),
        };
        let args = self.arguments(job, wrapper);
        self.executions += 1;
        let execution = self.executions;
        let deadline = started + job.timeout;
        self.watchdog.arm(execution, deadline);
        let call = self.runtime.call_with_args(&self.run, &args);
        let settled = tokio::time::timeout_at(
            deadline.into(),
            self.runtime.with_event_loop_promise(call, PollEventLoopOptions::default()),
        )
        .await;
        let fired = self.watchdog.disarm(execution);
        let out_of_memory = self.out_of_memory.replace(false);
        let timed_out = settled.is_err();
        if fired || timed_out || out_of_memory {
            self.runtime.v8_isolate().cancel_terminate_execution();
        }
        // A script stopped while running may have left the runtime's own state half-updated.
        self.retired |= fired || out_of_memory;

        let mut result = JobResult::empty(started.elapsed());
        match settled {
            _ if out_of_memory => result.termination = Some(Termination::OutOfMemory),
            Err(_) => result.termination = Some(Termination::Timeout),
            _ if fired => result.termination = Some(Termination::Timeout),
            Ok(Ok(value)) => result.value = Some(self.to_json(value)),
            Ok(Err(error)) => match error.into_kind() {
                CoreErrorKind::PendingPromiseResolution => result.termination = Some(Termination::NeverSettled),
                CoreErrorKind::Js(js) => result.error = Some(script_error(&js)),
                other => result.error = Some(engine_error(other.to_string())),
            },
        }
        self.finish_execution(&mut result);
        result
    }

    /// Collects what the execution left (logs, commands) and resets timers and globals.
    fn finish_execution(&mut self, result: &mut JobResult) {
        deno_core::scope!(scope, &mut self.runtime);
        v8::tc_scope!(let scope, scope);
        let finish = v8::Local::new(scope, &self.finish);
        let undefined = v8::undefined(scope).into();
        let Some(snapshot) = finish.call(scope, undefined, &[]) else {
            // The heap may still be exhausted: keep what the result already holds.
            self.retired = true;
            return;
        };
        if let Ok(Value::Object(mut snapshot)) = deno_core::serde_v8::from_v8::<Value>(scope, snapshot) {
            result.logs = snapshot.remove("logs").unwrap_or(Value::Array(vec![]));
            result.commands = snapshot.remove("commands").unwrap_or(Value::Array(vec![]));
            result.logs_truncated = snapshot.remove("logs_truncated") == Some(Value::Bool(true));
        }
    }

    fn to_json(&mut self, value: v8::Global<v8::Value>) -> Value {
        deno_core::scope!(scope, &mut self.runtime);
        let local = v8::Local::new(scope, value);
        deno_core::serde_v8::from_v8::<Value>(scope, local).unwrap_or(Value::Null)
    }

    fn arguments(&mut self, job: &Job, wrapper: v8::Global<v8::Function>) -> Vec<v8::Global<v8::Value>> {
        let container = job.container.as_ref().map(|key| {
            if !self.containers.contains_key(key) {
                deno_core::scope!(scope, &mut self.runtime);
                let object = v8::Object::new(scope);
                self.containers.insert(key.clone(), v8::Global::new(scope, object));
            }
            self.containers[key].clone()
        });
        deno_core::scope!(scope, &mut self.runtime);
        let runner = v8::String::new(scope, job.runner).expect("runner name").into();
        let wrapper = v8::Local::new(scope, wrapper).into();
        let input = deno_core::serde_v8::to_v8(scope, &job.input).unwrap_or_else(|_| v8::null(scope).into());
        let container = match container {
            Some(object) => v8::Local::new(scope, object).into(),
            None => v8::undefined(scope).into(),
        };
        [runner, wrapper, input, container].into_iter().map(|v| v8::Global::new(scope, v)).collect()
    }

    /// Evaluates the script's wrapper once per distinct source and caches the function.
    fn compile(&mut self, job: &Job) -> Result<v8::Global<v8::Function>, ScriptError> {
        let script = &job.script;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (job.kind, &script.filename, &script.source).hash(&mut hasher);
        let key = hasher.finish();
        if let Some(cached) = self.scripts.get(&key) {
            if cached.kind == job.kind && cached.filename == script.filename && cached.source == script.source {
                return Ok(cached.wrapper.clone());
            }
        }
        let wrapped = match job.kind {
            ScriptKind::Module => format!(
                "(function (exports, require, module, __filename, __dirname) {{{}\n}})",
                script.source
            ),
            ScriptKind::RuleFunction => format!(
                "(function (configuration, auth0, UnauthorizedError, global, require, module, exports) {{ return ({}\n); }})",
                script.source
            ),
        };
        let value = self
            .runtime
            .execute_script(module_name(&script.filename), wrapped)
            .map_err(|error| compile_error(&error, job))?;
        let wrapper = {
            deno_core::scope!(scope, &mut self.runtime);
            let local = v8::Local::new(scope, value);
            let function = v8::Local::<v8::Function>::try_from(local)
                .map_err(|_| engine_error(format!("{} did not evaluate to a function", script.filename)))?;
            v8::Global::new(scope, function)
        };
        if self.scripts.len() >= SCRIPT_CACHE_CAPACITY {
            self.scripts.clear();
        }
        self.scripts.insert(
            key,
            CachedScript {
                kind: job.kind,
                filename: script.filename.clone(),
                source: script.source.clone(),
                wrapper: wrapper.clone(),
            },
        );
        Ok(wrapper)
    }
}

impl JobResult {
    fn empty(duration: Duration) -> JobResult {
        JobResult {
            value: None,
            termination: None,
            error: None,
            logs: Value::Array(vec![]),
            logs_truncated: false,
            commands: Value::Array(vec![]),
            duration,
        }
    }

    pub(crate) fn failed(error: ScriptError, duration: Duration) -> JobResult {
        JobResult { error: Some(error), ..JobResult::empty(duration) }
    }
}

/// Script names must be 7-bit ASCII; anything else is percent-encoded.
fn module_name(filename: &str) -> String {
    let mut name = String::with_capacity(filename.len());
    for byte in filename.bytes() {
        if byte.is_ascii() && !byte.is_ascii_control() {
            name.push(byte as char);
        } else {
            name.push_str(&format!("%{byte:02X}"));
        }
    }
    name
}

fn script_error(error: &deno_core::error::JsError) -> ScriptError {
    ScriptError {
        name: error.name.clone().unwrap_or_else(|| "Error".into()),
        message: error.message.clone().unwrap_or_else(|| error.exception_message.clone()),
        stack: error.stack.clone(),
    }
}

fn compile_error(error: &deno_core::error::JsError, job: &Job) -> ScriptError {
    let mut converted = script_error(error);
    let location = error
        .frames
        .first()
        .and_then(|frame| Some(format!("{}:{}:{}", job.script.filename, frame.line_number?, frame.column_number?)));
    if let Some(location) = location {
        converted.message = format!("{} ({location})", converted.message);
    } else if converted.stack.is_none() {
        converted.stack = Some(error.exception_message.clone());
    }
    if job.kind == ScriptKind::RuleFunction && job.script.source.trim_end().ends_with(';') {
        converted.message.push_str(
            "; note: a rule must be a single function expression, and a trailing semicolon after it breaks it (as on Auth0)",
        );
    }
    converted
}

pub(crate) fn engine_error(message: String) -> ScriptError {
    ScriptError { name: "EngineError".into(), message, stack: None }
}
