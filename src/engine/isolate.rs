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
/// Shared containers kept per isolate; past this many, all are dropped (as Auth0 recycles containers).
const CONTAINER_CAPACITY: usize = 1024;
/// How long after the deadline the watchdog terminates a script that is still running.
const WATCHDOG_GRACE: Duration = Duration::from_millis(50);

const TAKE_RUNNER: &str = "(() => { const r = globalThis.__actionhostRunner; \
delete globalThis.__actionhostRunner; r.lockdown(); return [r.run, r.finish, r.begin]; })()";

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
    begin: v8::Global<v8::Function>,
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
            if flag.replace(true) {
                // Already terminating: no more room, so allocations fail until the script unwinds.
                return current;
            }
            terminate.terminate_execution();
            // Some headroom (once) so the engine can unwind instead of aborting the process.
            current.saturating_add(current / 4)
        });
        let runner = runtime.execute_script("actionhost:runner", TAKE_RUNNER).map_err(|e| anyhow::anyhow!("{e}"))?;
        let (run, finish, begin) = {
            deno_core::scope!(scope, &mut runtime);
            let array = v8::Local::<v8::Array>::try_from(v8::Local::new(scope, runner))?;
            let function = |scope: &mut v8::PinScope, index| -> anyhow::Result<v8::Global<v8::Function>> {
                let value = array.get_index(scope, index).ok_or_else(|| anyhow::anyhow!("runner entry {index} missing"))?;
                Ok(v8::Global::new(scope, v8::Local::<v8::Function>::try_from(value)?))
            };
            (function(scope, 0)?, function(scope, 1)?, function(scope, 2)?)
        };
        Ok(Isolate {
            runtime,
            run,
            finish,
            begin,
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
        self.executions += 1;
        let execution = self.executions;
        let deadline = started + job.timeout;
        // Compiling evaluates the wrapper, and a script can make that run code of its own, so
        // the limits already apply. The watchdog only steps in after a grace period: an idle
        // wait is ended by the tokio deadline without terminating anything.
        self.watchdog.arm(execution, deadline + WATCHDOG_GRACE);
        self.call_sync(&self.begin.clone());
        let settled = match self.compile(job) {
            Err(error) => Err(error),
            Ok(wrapper) => {
                let args = self.arguments(job, wrapper);
                let call = self.runtime.call_with_args(&self.run, &args);
                Ok(tokio::time::timeout_at(
                    deadline.into(),
                    self.runtime.with_event_loop_promise(call, PollEventLoopOptions::default()),
                )
                .await)
            }
        };
        let fired = self.watchdog.disarm(execution);
        let out_of_memory = self.out_of_memory.replace(false);
        if fired || out_of_memory {
            self.runtime.v8_isolate().cancel_terminate_execution();
            // A script stopped while running may have left the runtime's own state half-updated.
            self.retired = true;
        }

        let mut result = JobResult::empty(started.elapsed());
        match settled {
            _ if out_of_memory => result.termination = Some(Termination::OutOfMemory),
            _ if fired => result.termination = Some(Termination::Timeout),
            Err(error) => result.error = Some(error),
            Ok(Err(_elapsed)) => result.termination = Some(Termination::Timeout),
            Ok(Ok(Ok(value))) => result.value = Some(self.to_json(value)),
            Ok(Ok(Err(error))) => match error.into_kind() {
                CoreErrorKind::PendingPromiseResolution => result.termination = Some(Termination::NeverSettled),
                CoreErrorKind::Js(js) => result.error = Some(script_error(&js)),
                other => result.error = Some(engine_error(other.to_string())),
            },
        }
        self.finish_execution(&mut result);
        let (filename, offset) = (&job.script.filename, job.kind.prefix().len());
        if let Some(value) = result.value.as_mut() {
            fix_first_line_columns(value, filename, offset);
        }
        if let Some(failure) = result.late_failure.as_mut() {
            fix_first_line_columns(failure, filename, offset);
        }
        if let Some(error) = result.error.as_mut() {
            error.message = first_line_columns(&error.message, filename, offset);
            error.stack = error.stack.as_deref().map(|stack| first_line_columns(stack, filename, offset));
        }
        if self.containers.len() > CONTAINER_CAPACITY {
            self.containers.clear();
        }
        result
    }

    /// Calls a runner function that takes no argument and returns nothing of interest.
    fn call_sync(&mut self, function: &v8::Global<v8::Function>) {
        deno_core::scope!(scope, &mut self.runtime);
        v8::tc_scope!(let scope, scope);
        let function = v8::Local::new(scope, function);
        let undefined = v8::undefined(scope).into();
        function.call(scope, undefined, &[]);
    }

    /// Collects what the execution left (logs, commands, a failure raised after the handler
    /// settled) and resets timers and globals.
    fn finish_execution(&mut self, result: &mut JobResult) {
        deno_core::scope!(scope, &mut self.runtime);
        v8::tc_scope!(let scope, scope);
        let finish = v8::Local::new(scope, &self.finish);
        let undefined = v8::undefined(scope).into();
        let Some(snapshot) = finish.call(scope, undefined, &[]) else {
            // The heap may still be exhausted, or the runtime is damaged: keep what the result
            // already holds, say what failed, and let the worker replace this isolate.
            self.retired = true;
            if result.error.is_none() && result.termination.is_none() {
                let detail = scope.exception().map(|e| e.to_rust_string_lossy(scope)).unwrap_or_default();
                result.error = Some(engine_error(format!("could not collect the execution's results: {detail}")));
            }
            return;
        };
        if let Value::Object(mut snapshot) = json_from_v8(scope, snapshot) {
            result.logs = snapshot.remove("logs").unwrap_or(Value::Array(vec![]));
            result.commands = snapshot.remove("commands").unwrap_or(Value::Array(vec![]));
            result.requests = snapshot.remove("requests").unwrap_or(Value::Array(vec![]));
            result.logs_truncated = snapshot.remove("logs_truncated") == Some(Value::Bool(true));
            result.late_failure = snapshot.remove("failure").filter(|f| !f.is_null());
        }
    }

    fn to_json(&mut self, value: v8::Global<v8::Value>) -> Value {
        deno_core::scope!(scope, &mut self.runtime);
        let local = v8::Local::new(scope, value);
        json_from_v8(scope, local)
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
        let runner: v8::Local<v8::Value> = v8::String::new(scope, &job.runner).expect("runner name").into();
        let wrapper = v8::Local::new(scope, wrapper).into();
        // QuickJS parses JSON text faster than serde_v8 builds the same object property by property.
        let input = v8::String::new(scope, job.input.get()).expect("input fits in a string").into();
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
        let wrapped = format!("{}{}{}", job.kind.prefix(), script.source, job.kind.suffix());
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
            requests: Value::Array(vec![]),
            late_failure: None,
            duration,
        }
    }

    pub(crate) fn failed(error: ScriptError, duration: Duration) -> JobResult {
        JobResult { error: Some(error), ..JobResult::empty(duration) }
    }
}

/// The wrapper's prefix shares the script's first line, so columns reported on line 1 are
/// shifted by its length; this shifts them back in every error message and stack.
fn fix_first_line_columns(value: &mut Value, filename: &str, offset: usize) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if key == "stack" || key == "message" => {
                        *text = first_line_columns(text, filename, offset);
                    }
                    other => fix_first_line_columns(other, filename, offset),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| fix_first_line_columns(item, filename, offset)),
        _ => {}
    }
}

fn first_line_columns(text: &str, filename: &str, offset: usize) -> String {
    let marker = format!("{}:1:", module_name(filename));
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&marker) {
        let (head, tail) = rest.split_at(at + marker.len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        match tail[..digits].parse::<usize>() {
            Ok(column) => out.push_str(&column.saturating_sub(offset).max(1).to_string()),
            Err(_) => {}
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// Reads a runner's result: JSON text made by `JSON.stringify` inside the engine (cheaper than
/// walking the object with serde_v8, and integers stay integers), or any other value via serde_v8.
fn json_from_v8<'s>(scope: &mut v8::PinScope<'s, '_>, value: v8::Local<'s, v8::Value>) -> Value {
    if value.is_string() {
        let text = value.to_rust_string_lossy(scope);
        return serde_json::from_str(&text).unwrap_or(Value::Null);
    }
    deno_core::serde_v8::from_v8::<Value>(scope, value).unwrap_or(Value::Null)
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
