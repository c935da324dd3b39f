//! One long-lived deno_core runtime and everything needed to run jobs on it one after another:
//! the runner functions taken from `js_runtime/main.js`, a cache of compiled script wrappers,
//! the shared containers, and the limits (watchdog thread, heap cap).
//!
//! Creating a runtime on the QuickJS backend is slow (tens of ms) and leaks, and so does a fresh
//! context, so an isolate serves many executions; `js_runtime/isolation.js` keeps them apart.
//! After a termination (timeout while running, heap cap), or an execution that left the global
//! object in a state `finish` cannot undo, the isolate reports itself `retired` and is replaced.
//!
//! The limits stay armed until the execution's last script code has run: the run, then
//! `finish` (which drains what the execution left queued). Error stacks are formatted by a
//! bounded stand-in for deno_core's formatter (huge messages are cut before formatting).

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::time::{Duration, Instant};

use deno_core::error::CoreErrorKind;
use deno_core::{v8, JsRuntime, PollEventLoopOptions, RuntimeOptions};
use serde_json::value::RawValue;
use serde_json::Value;

use super::extension;
use super::job::{empty_list, Job, JobResult, Script, ScriptError, ScriptKind};
use super::limits::Termination;
use super::watchdog::Watchdog;

const SCRIPT_CACHE_CAPACITY: usize = 512;
/// Shared containers kept per isolate; past this many, all are dropped (as Auth0 recycles containers).
const CONTAINER_CAPACITY: usize = 1024;
/// How long after the deadline the watchdog terminates a script that is still running.
const WATCHDOG_GRACE: Duration = Duration::from_millis(50);
/// The least time `finish` gets to drain what the execution left queued, even past the deadline.
const FINISH_GRACE: Duration = Duration::from_millis(250);
/// Characters of an error's name and message that go into a formatted stack (the rest is cut).
const STACK_HEADER_LIMIT: usize = 16 * 1024;
/// The script's wrapper is compiled inside a factory, and each execution calls the factory for
/// a function of its own (see `js_runtime/main.js`, `scriptFunction`).
const FACTORY_PREFIX: &str = "() => ";

const TAKE_RUNNER: &str = "(() => { const r = globalThis.__actionhostRunner; \
delete globalThis.__actionhostRunner; r.lockdown(); return [r.run, r.finish, r.begin, r.next]; })()";

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
    next: v8::Global<v8::Function>,
    scripts: HashMap<u64, CachedScript>,
    containers: HashMap<String, v8::Global<v8::Object>>,
    watchdog: Watchdog,
    out_of_memory: Rc<Cell<bool>>,
    executions: u64,
    retired: bool,
}

/// Why an isolate could not be created.
#[derive(Debug, thiserror::Error)]
pub enum IsolateError {
    /// deno_core could not create the runtime or run the engine's own set-up script.
    #[error("{0}")]
    Runtime(String),
    /// The set-up script did not hand over the runner's functions (`None`: not as a list).
    #[error("the engine's set-up gave no runner function{}", .0.map(|i| format!(" at index {i}")).unwrap_or_default())]
    Runner(Option<u32>),
}

impl Isolate {
    /// Creates and locks down a runtime. Must be called inside a tokio runtime context.
    /// `scripts`: the extensions that register the runners jobs name (see
    /// [`extension::script_extension`]).
    pub fn new(memory_mb: u64, scripts: Vec<deno_core::Extension>) -> Result<Isolate, IsolateError> {
        let heap_bytes = usize::try_from(memory_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
        let mut runtime = JsRuntime::try_new(RuntimeOptions {
            extensions: extension::extensions(scripts),
            create_params: Some(v8::CreateParams::default().heap_limits(0, heap_bytes)),
            #[cfg(feature = "node-builtins")]
            module_loader: Some(Rc::new(super::node::EngineModulesOnly)),
            ..Default::default()
        })
        .map_err(|e| IsolateError::Runtime(e.to_string()))?;
        let handle = runtime.v8_isolate().thread_safe_handle();
        let out_of_memory = Rc::new(Cell::new(false));
        let flag = Rc::clone(&out_of_memory);
        let terminate = handle.clone();
        runtime.add_near_heap_limit_callback(move |current, _initial| {
            if flag.replace(true) {
                // Already terminating: no more room, so allocations fail until the script unwinds.
                return current;
            }
            // The engine's own out-of-memory path can crash the process (QuickJS, building the
            // error's backtrace without room); the supervisor reads a worker's last words, and
            // these make such a crash the job's out_of_memory instead of an engine error.
            eprintln!("actionhost worker: the script's heap reached its cap (out of memory)");
            terminate.terminate_execution();
            // Some headroom (once) so the engine can unwind instead of aborting the process.
            current.saturating_add(current / 4)
        });
        runtime.v8_isolate().set_prepare_stack_trace_callback(bounded_prepare_stack_trace);
        let runner = runtime
            .execute_script("actionhost:runner", TAKE_RUNNER)
            .map_err(|e| IsolateError::Runtime(e.to_string()))?;
        let (run, finish, begin, next) = {
            deno_core::scope!(scope, &mut runtime);
            let array = v8::Local::<v8::Array>::try_from(v8::Local::new(scope, runner))
                .map_err(|_| IsolateError::Runner(None))?;
            let function = |scope: &mut v8::PinScope, index| -> Result<v8::Global<v8::Function>, IsolateError> {
                let value = array.get_index(scope, index).ok_or(IsolateError::Runner(Some(index)))?;
                let function =
                    v8::Local::<v8::Function>::try_from(value).map_err(|_| IsolateError::Runner(Some(index)))?;
                Ok(v8::Global::new(scope, function))
            };
            (function(scope, 0)?, function(scope, 1)?, function(scope, 2)?, function(scope, 3)?)
        };
        Ok(Isolate {
            runtime,
            run,
            finish,
            begin,
            next,
            scripts: HashMap::new(),
            containers: HashMap::new(),
            watchdog: Watchdog::spawn(handle),
            out_of_memory,
            executions: 0,
            retired: false,
        })
    }

    /// Where the scripts' `require` of a package is answered (the worker's supervisor). Without
    /// one, every package is missing.
    pub fn set_module_source(&mut self, source: Rc<dyn super::modules::ModuleSource>) {
        self.runtime.op_state().borrow_mut().put(source);
    }

    /// True once a termination may have left the runtime inconsistent; the worker then replaces it.
    pub fn retired(&self) -> bool {
        self.retired
    }

    /// Runs the job's script, then each of its [`Job::then`] scripts while the one before
    /// completed cleanly and the runner passes it on.
    pub async fn execute(&mut self, job: &Job) -> JobResult {
        let mut first = self.execute_one(job, &job.script, LinkInput::Job).await;
        if job.then.is_empty() {
            return first;
        }
        let mut then: Vec<JobResult> = Vec::with_capacity(job.then.len());
        for script in &job.then {
            let Some(input) = self.next_input(job, then.last().unwrap_or(&first), script) else { break };
            let result = self.execute_one(job, script, LinkInput::Made(input)).await;
            then.push(result);
        }
        first.then = Some(then);
        first
    }

    /// The input of `script`, the next in a chain, made by the runner's `next` from the job's
    /// [`Job::then_input`] and `last`'s result; `None` ends the chain (`last` did not complete
    /// cleanly, the isolate must be replaced, or the runner does not pass the result on).
    /// `next` only parses JSON the engine made and copies plain data: no script code runs.
    fn next_input(&mut self, job: &Job, last: &JobResult, script: &Script) -> Option<v8::Global<v8::Value>> {
        if self.retired || last.termination.is_some() || last.error.is_some() || last.late_failure.is_some() {
            return None;
        }
        let value = last.value.as_ref()?;
        deno_core::scope!(scope, &mut self.runtime);
        v8::tc_scope!(let scope, scope);
        let next = v8::Local::new(scope, &self.next);
        let undefined = v8::undefined(scope).into();
        let common = job.then_input.as_deref().unwrap_or(&job.input).get();
        let args = [job.runner.as_str(), common, value.get(), script.filename.as_str()]
            .map(|text| v8::String::new(scope, text).map(Into::into));
        let args: Option<Vec<v8::Local<v8::Value>>> = args.into_iter().collect();
        let input = next.call(scope, undefined, &args?)?;
        (!input.is_null_or_undefined()).then(|| v8::Global::new(scope, input))
    }

    async fn execute_one(&mut self, job: &Job, script: &Script, input: LinkInput) -> JobResult {
        let started = Instant::now();
        self.executions += 1;
        let execution = self.executions;
        let deadline = started + job.timeout;
        // Compiling evaluates the wrapper, and a script can make that run code of its own, so
        // the limits already apply. The watchdog only steps in after a grace period: an idle
        // wait is ended by the tokio deadline without terminating anything.
        self.watchdog.arm(execution, deadline + WATCHDOG_GRACE);
        self.call_sync(&self.begin.clone());
        let settled = match self.compile(&job.kind, script) {
            Err(error) => Err(error),
            Ok(wrapper) => {
                let args = self.arguments(job, wrapper, input);
                let call = self.runtime.call_with_args(&self.run, &args);
                Ok(tokio::time::timeout_at(
                    deadline.into(),
                    self.runtime.with_event_loop_promise(call, PollEventLoopOptions::default()),
                )
                .await)
            }
        };
        // `finish` may still run script code (what the execution left queued): it stays under
        // the watchdog, with at least FINISH_GRACE to do it.
        self.executions += 1;
        let finishing = self.executions;
        let finish_deadline = (deadline + WATCHDOG_GRACE).max(Instant::now() + FINISH_GRACE);
        let fired = self.watchdog.rearm(execution, finishing, finish_deadline);
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
            Ok(Ok(Ok(value))) => match self.json_of(value) {
                Ok(value) => result.value = Some(value),
                Err(problem) => {
                    result.error =
                        Some(engine_error(format!("the host could not read the execution's result: {problem}")))
                }
            },
            Ok(Ok(Err(error))) => match error.into_kind() {
                CoreErrorKind::PendingPromiseResolution => result.termination = Some(Termination::NeverSettled),
                CoreErrorKind::Js(js) => result.error = Some(script_error(&js)),
                other => result.error = Some(engine_error(other.to_string())),
            },
        }
        // An allocation over the cap fails at once with the engine's own error instead of
        // reaching the near-heap-limit callback: the same out-of-memory, and the isolate retires.
        let allocation_failed = result.value.as_deref().is_some_and(is_engine_out_of_memory);
        if allocation_failed {
            result.value = None;
            result.termination = Some(Termination::OutOfMemory);
            self.retired = true;
        }
        // After a termination nothing queued by the script runs again: it dies with the isolate.
        self.finish_execution(&mut result, !(fired || out_of_memory || allocation_failed), finishing);
        let (filename, offset) = (&script.filename, FACTORY_PREFIX.len() + job.kind.prefix().len());
        if let Some(value) = result.value.as_mut() {
            fix_first_line_columns_raw(value, filename, offset);
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
    /// settled) and resets timers and globals, still under the watchdog armed as `finishing`.
    /// `drain` first runs what the execution left queued; if that is stopped (watchdog, heap),
    /// the isolate retires and the record is collected without draining.
    fn finish_execution(&mut self, result: &mut JobResult, drain: bool, finishing: u64) {
        let mut collected = self.call_finish(drain);
        if drain && collected.is_err() {
            // Termination only reaches script code; clear it so the host's own code can collect.
            self.runtime.v8_isolate().cancel_terminate_execution();
            self.retired = true;
            if self.out_of_memory.replace(false) && result.termination.is_none() {
                result.termination = Some(Termination::OutOfMemory);
            }
            collected = self.call_finish(false);
        }
        let fired = self.watchdog.disarm(finishing);
        if fired || self.out_of_memory.replace(false) {
            self.runtime.v8_isolate().cancel_terminate_execution();
            self.retired = true;
            if result.termination.is_none() {
                result.termination = Some(Termination::Timeout);
            }
        }
        let snapshot = match collected {
            Ok(snapshot) => snapshot,
            Err(detail) => {
                // The heap may still be exhausted, or the runtime is damaged: keep what the result
                // already holds, say what failed, and let the worker replace this isolate.
                self.retired = true;
                if result.error.is_none() && result.termination.is_none() {
                    result.error = Some(engine_error(format!("could not collect the execution's results: {detail}")));
                }
                return;
            }
        };
        let snapshot = match serde_json::from_str::<Snapshot>(snapshot.get()) {
            Ok(snapshot) => snapshot,
            Err(error) => {
                self.retired = true;
                result.error = Some(engine_error(format!("could not collect the execution's results: {error}")));
                return;
            }
        };
        if snapshot.retire.is_some() {
            // The execution left state that cannot be undone: no later execution may see it.
            self.retired = true;
        }
        result.logs = snapshot.logs;
        result.commands = snapshot.commands;
        result.requests = snapshot.requests;
        result.logs_truncated = snapshot.logs_truncated;
        result.late_failure = snapshot.failure;
    }

    /// Calls the runner's `finish(drain)` and reads its JSON text; `Err` says why it could not.
    fn call_finish(&mut self, drain: bool) -> Result<Box<RawValue>, ReadError> {
        deno_core::scope!(scope, &mut self.runtime);
        v8::tc_scope!(let scope, scope);
        let finish = v8::Local::new(scope, &self.finish);
        let undefined = v8::undefined(scope).into();
        let drain = v8::Boolean::new(scope, drain).into();
        match finish.call(scope, undefined, &[drain]) {
            Some(snapshot) => json_from_v8(scope, snapshot),
            None if scope.has_terminated() => Err(ReadError::Stopped),
            // The exception comes from the host's own code; a string is read without calling anything.
            None => Err(ReadError::Threw(
                scope.exception().filter(|e| e.is_string()).map(|e| e.to_rust_string_lossy(scope)),
            )),
        }
    }

    fn json_of(&mut self, value: v8::Global<v8::Value>) -> Result<Box<RawValue>, ReadError> {
        deno_core::scope!(scope, &mut self.runtime);
        let local = v8::Local::new(scope, value);
        json_from_v8(scope, local)
    }

    fn arguments(
        &mut self,
        job: &Job,
        wrapper: v8::Global<v8::Function>,
        input: LinkInput,
    ) -> Vec<v8::Global<v8::Value>> {
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
        let input = match input {
            // QuickJS parses JSON text faster than serde_v8 builds the same object property by property.
            LinkInput::Job => v8::String::new(scope, job.input.get()).expect("input fits in a string").into(),
            LinkInput::Made(value) => v8::Local::new(scope, value),
        };
        let container = match container {
            Some(object) => v8::Local::new(scope, object).into(),
            None => v8::undefined(scope).into(),
        };
        [runner, wrapper, input, container].into_iter().map(|v| v8::Global::new(scope, v)).collect()
    }

    /// Evaluates the script's wrapper once per distinct source and caches the function.
    fn compile(&mut self, kind: &ScriptKind, script: &Script) -> Result<v8::Global<v8::Function>, ScriptError> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (kind, &script.filename, &script.source).hash(&mut hasher);
        let key = hasher.finish();
        if let Some(cached) = self.scripts.get(&key) {
            if cached.kind == *kind && cached.filename == script.filename && cached.source == script.source {
                return Ok(cached.wrapper.clone());
            }
        }
        let wrapped = format!("{FACTORY_PREFIX}{}{}{}", kind.prefix(), script.source, kind.suffix());
        let value = self
            .runtime
            .execute_script(module_name(&script.filename), wrapped)
            .map_err(|error| compile_error(&error, kind, script))?;
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
                kind: kind.clone(),
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
            logs: empty_list(),
            logs_truncated: false,
            commands: empty_list(),
            requests: empty_list(),
            late_failure: None,
            duration,
            then: None,
        }
    }

    pub(crate) fn failed(error: ScriptError, duration: Duration) -> JobResult {
        JobResult { error: Some(error), ..JobResult::empty(duration) }
    }
}

/// Where an execution's input comes from.
enum LinkInput {
    /// The job's own input (JSON text): the first script of a job.
    Job,
    /// The object the runner's `next` made: a later script of a chain.
    Made(v8::Global<v8::Value>),
}

/// What `finish` collects of an execution (`js_runtime/execution.js`, `snapshotText`); the lists
/// stay JSON text for the host.
#[derive(serde::Deserialize)]
struct Snapshot {
    #[serde(default = "empty_list")]
    logs: Box<RawValue>,
    #[serde(default)]
    logs_truncated: bool,
    #[serde(default = "empty_list")]
    commands: Box<RawValue>,
    #[serde(default = "empty_list")]
    requests: Box<RawValue>,
    /// A failure raised after the handler settled; `null` when there was none.
    #[serde(default)]
    failure: Option<Value>,
    /// Why the isolate cannot be reused (text), or `null`.
    #[serde(default)]
    retire: Option<String>,
}

/// [`fix_first_line_columns`] on JSON text: the text is read into a value only when it holds a
/// reference to the script's first line at all, which results seldom do.
fn fix_first_line_columns_raw(raw: &mut Box<RawValue>, filename: &str, offset: usize) {
    let marker = serde_json::to_string(&format!("{}:1:", module_name(filename))).expect("text is JSON");
    if !raw.get().contains(&marker[1..marker.len() - 1]) {
        return;
    }
    let Ok(mut value) = serde_json::from_str::<Value>(raw.get()) else { return };
    fix_first_line_columns(&mut value, filename, offset);
    if let Ok(fixed) = serde_json::value::to_raw_value(&value) {
        *raw = fixed;
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
        if let Ok(column) = tail[..digits].parse::<usize>() {
            out.push_str(&column.saturating_sub(offset).max(1).to_string());
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// Reads a runner's result: JSON text made inside the engine (cheaper than walking the object
/// with serde_v8, integers stay integers, and reading it calls no script code), checked and
/// passed on as text. Anything the host cannot read (not text, not JSON, nested deeper than
/// serde_json reads) is an error that says so, never a silent `null`.
fn json_from_v8<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    value: v8::Local<'s, v8::Value>,
) -> Result<Box<RawValue>, ReadError> {
    if !value.is_string() {
        return Err(ReadError::NotText);
    }
    let text = value.to_rust_string_lossy(scope);
    readable_json(text)
}

/// The most levels serde_json reads a value nested in (its recursion limit is 128: the 128th
/// level is refused).
const READABLE_DEPTH: u32 = 127;

/// `text` as a raw JSON value, when it is JSON that the host's reader (serde_json) reads.
fn readable_json(text: String) -> Result<Box<RawValue>, ReadError> {
    // Checking that text is JSON does not limit its nesting; the host's reader does.
    if text.len() > 2 * READABLE_DEPTH as usize {
        let depth = extension::json_depth(text.as_bytes());
        if depth > READABLE_DEPTH {
            return Err(ReadError::TooDeep(depth));
        }
    }
    let bytes = text.len();
    RawValue::from_string(text).map_err(|error| ReadError::NotJson { message: error.to_string(), bytes })
}

/// Why the host could not read what the engine's runner handed back.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error("the runner did not return JSON text")]
    NotText,
    #[error("it is nested {0} levels deep; the host reads at most {READABLE_DEPTH}")]
    TooDeep(u32),
    #[error("it is not valid JSON ({message}; {bytes} bytes)")]
    NotJson { message: String, bytes: usize },
    #[error("the execution was stopped while its results were collected")]
    Stopped,
    #[error("{}", .0.as_deref().unwrap_or("finish failed"))]
    Threw(Option<String>),
}

/// Formats `error.stack` as deno_core does, but never from an unbounded name or message: a
/// 60 MiB message would otherwise be copied into the stack (and deno_core's formatter panics
/// when the engine cannot make the string, aborting the process). A script's own
/// `Error.prepareStackTrace` is still called with the real error (deno_core's path).
fn bounded_prepare_stack_trace<'s, 'i>(
    scope: &mut v8::PinScope<'s, 'i>,
    error: v8::Local<'s, v8::Value>,
    callsites: v8::Local<'s, v8::Array>,
) -> v8::Local<'s, v8::Value> {
    if user_prepare_stack_trace(scope) {
        return deno_core::error::prepare_stack_trace_callback(scope, error, callsites);
    }
    let Ok(object) = v8::Local::<v8::Object>::try_from(error) else {
        return deno_core::error::prepare_stack_trace_callback(scope, error, callsites);
    };
    // deno_core reads the structured frames of an error from this private slot (JsError).
    if let Some(name) = v8::String::new(scope, "deno_core::call_site_evals") {
        let key = v8::Private::for_api(scope, Some(name));
        object.set_private(scope, key, callsites.into());
    }
    let read = |key: &str| -> Option<String> {
        let key = v8::String::new(scope, key)?;
        let value = object.get(scope, key.into())?;
        if value.is_undefined() {
            return None;
        }
        let text = value.to_string(scope)?;
        Some(bounded(text.to_rust_string_lossy(scope), STACK_HEADER_LIMIT))
    };
    let name = read("name");
    let message = read("message");
    let stand_in = v8::Object::new(scope);
    for (key, value) in [("name", name), ("message", message)] {
        if let (Some(key), Some(value)) = (v8::String::new(scope, key), value.and_then(|v| v8::String::new(scope, &v)))
        {
            stand_in.set(scope, key.into(), value.into());
        }
    }
    let formatted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        deno_core::error::format_stack_trace(scope, stand_in.into(), callsites)
    }));
    formatted.unwrap_or_else(|_| v8::undefined(scope).into())
}

/// Whether the script set `Error.prepareStackTrace` (an engine accessor: reading it runs no script code).
fn user_prepare_stack_trace(scope: &mut v8::PinScope<'_, '_>) -> bool {
    let global = scope.get_current_context().global(scope);
    let Some(error_key) = v8::String::new(scope, "Error") else { return false };
    let Some(error) = global.get(scope, error_key.into()).and_then(|e| v8::Local::<v8::Object>::try_from(e).ok())
    else {
        return false;
    };
    let Some(key) = v8::String::new(scope, "prepareStackTrace") else { return false };
    error.get(scope, key.into()).is_some_and(|f| f.is_function())
}

/// `text` cut to at most `limit` characters, saying how much was cut.
fn bounded(text: String, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text,
        Some((at, _)) => {
            let rest = text[at..].chars().count();
            format!("{}… [cut: {rest} more characters]", &text[..at])
        }
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

/// The runner's failed result when the script died of the engine's own failed allocation
/// (`InternalError: out of memory`, thrown by QuickJS when an allocation would pass the heap cap).
/// A script that throws such an error itself only reports its own execution as out of memory.
fn is_engine_out_of_memory(raw: &RawValue) -> bool {
    if !raw.get().contains("out of memory") {
        return false;
    }
    let Ok(value) = serde_json::from_str::<Value>(raw.get()) else { return false };
    value["ok"] == false && value["error"]["name"] == "InternalError" && value["error"]["message"] == "out of memory"
}

fn script_error(error: &deno_core::error::JsError) -> ScriptError {
    ScriptError {
        name: error.name.clone().unwrap_or_else(|| "Error".into()),
        message: error.message.clone().unwrap_or_else(|| error.exception_message.clone()),
        stack: error.stack.clone(),
    }
}

fn compile_error(error: &deno_core::error::JsError, kind: &ScriptKind, script: &Script) -> ScriptError {
    let mut converted = script_error(error);
    let location = error
        .frames
        .first()
        .and_then(|frame| Some(format!("{}:{}:{}", script.filename, frame.line_number?, frame.column_number?)));
    if let Some(location) = location {
        converted.message = format!("{} ({location})", converted.message);
    } else if converted.stack.is_none() {
        converted.stack = Some(error.exception_message.clone());
    }
    if matches!(kind, ScriptKind::FunctionExpression { .. }) && script.source.trim_end().ends_with(';') {
        converted.message.push_str(
            "; note: the script must be a single function expression, and a trailing semicolon after it breaks it",
        );
    }
    converted
}

pub(crate) fn engine_error(message: String) -> ScriptError {
    ScriptError { name: "EngineError".into(), message, stack: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(source: &str) -> Job {
        Job {
            runner: "post-login".into(),
            kind: ScriptKind::Module,
            script: Script { filename: "test.js".into(), source: source.into() },
            input: serde_json::value::to_raw_value(
                &serde_json::json!({"event": {}, "phase": "execute", "filename": "test.js"}),
            )
            .unwrap(),
            timeout: Duration::from_millis(1_000),
            memory_mb: 128,
            container: None,
            modules: None,
            then: vec![],
            then_input: None,
        }
    }

    fn retired_after(source: &str) -> bool {
        let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        tokio.block_on(async {
            let mut isolate = Isolate::new(128, crate::host::script_extensions()).unwrap();
            isolate.execute(&job(source)).await;
            isolate.retired()
        })
    }

    fn nested(levels: usize) -> String {
        format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn text_is_passed_on_exactly_as_deep_as_the_hosts_reader_reads() {
        // Checking text as JSON does not limit nesting: the check must stop where serde_json's
        // reader, which the host reads the text with, stops.
        for levels in [READABLE_DEPTH as usize - 1, READABLE_DEPTH as usize] {
            let raw = readable_json(nested(levels)).unwrap();
            assert!(serde_json::from_str::<Value>(raw.get()).is_ok(), "{levels} levels");
        }
        let too_deep = nested(READABLE_DEPTH as usize + 1);
        assert!(serde_json::from_str::<Value>(&too_deep).unwrap_err().to_string().contains("recursion limit"));
        let error = readable_json(too_deep).unwrap_err();
        assert_eq!(error.to_string(), "it is nested 128 levels deep; the host reads at most 127");
        let error = readable_json("{\"a\": ".to_owned()).unwrap_err();
        assert!(matches!(error, ReadError::NotJson { bytes: 6, .. }), "{error}");
    }

    #[test]
    fn columns_on_the_first_line_are_fixed_in_raw_results_and_other_text_is_kept() {
        let filename = "rules/a \"b\".js";
        let at = format!("{}:1:", module_name(filename));
        let value =
            serde_json::json!({"ok": false, "error": {"message": "m", "stack": format!("Error\n    at {at}57")}});
        let mut raw = serde_json::value::to_raw_value(&value).unwrap();
        fix_first_line_columns_raw(&mut raw, filename, 50);
        let fixed: Value = serde_json::from_str(raw.get()).unwrap();
        assert_eq!(fixed["error"]["stack"], format!("Error\n    at {at}7"));
        let untouched = r#"{"ok": true,  "value": "x.js:1:9"}"#;
        let mut raw = RawValue::from_string(untouched.to_owned()).unwrap();
        fix_first_line_columns_raw(&mut raw, filename, 50);
        assert_eq!(raw.get(), untouched);
    }

    #[test]
    fn state_finish_cannot_undo_retires_the_isolate() {
        assert!(!retired_after("exports.onExecutePostLogin = async () => { globalThis.added = 1; };"));
        assert!(retired_after("exports.onExecutePostLogin = async () => { Object.preventExtensions(globalThis); };"));
        assert!(retired_after(
            "exports.onExecutePostLogin = async () => { Object.defineProperty(globalThis, 'kept', { value: 1 }); };"
        ));
    }

    #[cfg(feature = "node-builtins")]
    #[test]
    fn web_crypto_reached_through_node_crypto_does_not_retire_the_isolate() {
        // node:crypto's `webcrypto` is the global `crypto`, whose objects are frozen when Web
        // Crypto is first used (as the auth0 SDK does): that is the state every execution starts
        // from, not an execution's change.
        assert!(!retired_after(
            "exports.onExecutePostLogin = async () => { const c = require('crypto'); return [typeof c.webcrypto.subtle.digest, typeof crypto.subtle]; };"
        ));
        assert!(retired_after(
            "exports.onExecutePostLogin = async () => { Object.preventExtensions(require('crypto').createHash); };"
        ));
    }

    #[cfg(feature = "node-builtins")]
    #[test]
    fn web_streams_and_fetch_classes_reached_through_built_ins_do_not_retire_the_isolate() {
        // node:stream/web gives the global stream classes, frozen on first use, and `Response`
        // builds on them; whichever comes first, every execution starts from the frozen state.
        assert!(!retired_after(
            "exports.onExecutePostLogin = async () => { const { ReadableStream } = require('stream/web'); return [typeof ReadableStream, await new Response('x').text()]; };"
        ));
        assert!(!retired_after(
            "exports.onExecutePostLogin = async () => { require('buffer'); return await new Blob(['x']).stream().getReader().read(); };"
        ));
        // A change frozen in with them is a change: it cannot be undone.
        assert!(retired_after(
            "exports.onExecutePostLogin = async () => { const { ReadableStream } = require('stream/web'); ReadableStream.prototype.planted = 1; void globalThis.ReadableStream; };"
        ));
        assert!(retired_after(
            "exports.onExecutePostLogin = async () => { const { ReadableStream } = require('stream/web'); ReadableStream.prototype.cancel = () => 1; void globalThis.ReadableStream; };"
        ));
        assert!(retired_after(
            "exports.onExecutePostLogin = async () => { Object.preventExtensions(require('path')); };"
        ));
    }
}
