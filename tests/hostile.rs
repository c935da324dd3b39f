//! Hostile scripts: each one ends with a clear status, and the host keeps answering the next
//! request correctly afterwards (on the very same worker).

use std::time::Duration;

use actionhost::{Host, Limits, Outcome, Request, Status};
use serde_json::json;

use crate::util::*;

const SHORT: Limits = Limits { timeout_ms: 400, memory_mb: 64 };

/// Runs the hostile fixture, then the seed Action on the same single-worker host.
async fn contained(host: &Host, path: &str) -> Outcome {
    let hostile = host.run(script_request(path)).await.unwrap();
    let next = host
        .run(Request {
            client_metadata: Some(json!({"TIER": "gold"})),
            ..script_request("tenant/actions/require-verified-email/code.js")
        })
        .await
        .unwrap();
    assert_eq!(next.status, Status::Completed, "request after {path}: {next:?}");
    assert_eq!(apis(&next), ["idToken.setCustomClaim", "accessToken.setCustomClaim"]);
    assert!(next.logs.is_empty(), "logs leaked into the next request: {:?}", next.logs);
    hostile
}

#[tokio::test]
async fn synchronous_infinite_loop_times_out() {
    let host = single_worker_host(SHORT);
    let outcome = contained(&host, "hostile/sync-loop.action.js").await;
    assert_eq!(outcome.status, Status::Timeout);
    assert_eq!(outcome.error.as_ref().unwrap().name, "TimeoutError");
    assert!(outcome.error.unwrap().message.contains("400 ms"));
    // What happened before the loop is kept.
    assert_eq!(outcome.logs[0].message, "looping forever");
    assert!(outcome.duration_ms >= 400.0 && outcome.duration_ms < 5_000.0, "{}", outcome.duration_ms);
}

#[tokio::test]
async fn infinite_loop_after_await_times_out_and_keeps_earlier_commands() {
    let host = single_worker_host(SHORT);
    let outcome = contained(&host, "hostile/async-loop.action.js").await;
    assert_eq!(outcome.status, Status::Timeout);
    assert_eq!(apis(&outcome), ["idToken.setCustomClaim"]);
}

#[tokio::test]
async fn infinite_loop_in_a_timer_times_out() {
    let host = single_worker_host(SHORT);
    assert_eq!(contained(&host, "hostile/timer-loop.action.js").await.status, Status::Timeout);
}

#[tokio::test]
async fn waiting_longer_than_the_limit_times_out_without_waiting() {
    let host = single_worker_host(SHORT);
    let started = std::time::Instant::now();
    assert_eq!(contained(&host, "hostile/slow-wait.action.js").await.status, Status::Timeout);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn memory_bomb_ends_out_of_memory() {
    let host = single_worker_host(Limits { timeout_ms: 20_000, memory_mb: 32 });
    let outcome = contained(&host, "hostile/memory-bomb.action.js").await;
    assert_eq!(outcome.status, Status::OutOfMemory, "{outcome:?}");
    assert_eq!(outcome.error.as_ref().unwrap().name, "OutOfMemoryError");
    assert!(outcome.error.unwrap().message.contains("32 MiB"));
}

/// docs/outcome.md: "Commands recorded before a throw, timeout or termination are kept, and so are
/// `logs`": a log line and a claim made before the bomb are in the `out_of_memory` outcome.
#[tokio::test]
async fn logs_and_commands_made_before_running_out_of_memory_are_kept() {
    let host = single_worker_host(Limits { timeout_ms: 20_000, memory_mb: 32 });
    let source = "exports.onExecutePostLogin = async (event, api) => {\n  console.log('before the bomb');\n  api.idToken.setCustomClaim('stage', 'before');\n  const hoard = [];\n  while (true) hoard.push(new Array(100000).fill(hoard.length));\n};\n";
    let outcome = host.run(inline(source)).await.unwrap();
    assert_eq!(outcome.status, Status::OutOfMemory, "{:?}", outcome.error);
    assert_eq!(apis(&outcome), ["idToken.setCustomClaim"]);
    assert_eq!(outcome.commands[0].args(), [json!("stage"), json!("before")]);
    let logs: Vec<&str> = outcome.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(logs, ["before the bomb"]);
}

/// A request's own `memory_mb` is the cap it runs under: a bounded hoard of about 40 MiB (25 arrays
/// of 100,000 numbers, 16 bytes a value) completes under the default 128 MiB, and the same script
/// with `memory_mb: 24` ends out of memory, its message naming the request's 24 MiB.
#[tokio::test]
async fn memory_bomb_with_a_request_level_cap_runs_on_its_own_isolate() {
    let bounded = "exports.onExecutePostLogin = async (event, api) => {\n  const hoard = [];\n  for (let i = 0; i < 25; i++) hoard.push(new Array(100000).fill(i));\n  api.idToken.setCustomClaim('held', hoard.length);\n};\n";
    let under_default = run(inline(bounded)).await;
    assert_eq!(under_default.status, Status::Completed, "{:?}", under_default.error);
    assert_eq!(under_default.commands[0].args()[1], json!(25));
    let capped = run(Request { memory_mb: Some(24), ..inline(bounded) }).await;
    assert_eq!(capped.status, Status::OutOfMemory, "{:?}", capped.error);
    assert!(capped.error.unwrap().message.contains("24 MiB"));
}

/// One allocation larger than the cap (a 100 MiB string under 24 MiB) fails inside the engine
/// before the heap-limit callback can fire; it is the same `out_of_memory` as a gradual hoard, for
/// an Action and for a Rule, and the claim set before it is kept.
#[tokio::test]
async fn one_allocation_over_the_cap_is_out_of_memory() {
    let host = single_worker_host(Limits { timeout_ms: 20_000, memory_mb: 24 });
    let action = "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('stage', 'before');\n  const big = 'x'.repeat(100 * 1024 * 1024);\n  api.idToken.setCustomClaim('length', big.length);\n};\n";
    let outcome = host.run(inline(action)).await.unwrap();
    assert_eq!(outcome.status, Status::OutOfMemory, "{:?}", outcome.error);
    assert_eq!(apis(&outcome), ["idToken.setCustomClaim"]);
    let rule = "function (user, context, callback) {\n  const big = 'x'.repeat(100 * 1024 * 1024);\n  callback(null, user, context);\n}\n";
    let outcome = host.run(inline(rule)).await.unwrap();
    assert_eq!(outcome.status, Status::OutOfMemory, "{:?}", outcome.error);
    // The worker that failed the allocation is replaced: the next execution is unharmed.
    let after = host
        .run(inline("exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('ok', 1); };\n"))
        .await
        .unwrap();
    assert_eq!(after.status, Status::Completed);
}

#[tokio::test]
async fn deep_recursion_is_a_range_error() {
    let host = single_worker_host(SHORT);
    let outcome = contained(&host, "hostile/deep-recursion.action.js").await;
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "RangeError");
    assert!(error.stack.unwrap().contains("hostile/deep-recursion.action.js:2:"));
}

#[tokio::test]
async fn huge_logs_are_capped_at_256_kib_and_marked() {
    let host = single_worker_host(SHORT);
    let outcome = contained(&host, "hostile/huge-logs.action.js").await;
    assert_eq!(outcome.status, Status::Completed);
    assert!(outcome.logs_truncated);
    let kept: usize = outcome.logs[..outcome.logs.len() - 1].iter().map(|l| l.message.len()).sum();
    assert_eq!(kept, 256 * 1024);
    let marker = outcome.logs.last().unwrap();
    assert_eq!(marker.level.as_str(), "warn");
    assert!(marker.message.contains("truncated at 262144 bytes"), "{}", marker.message);
    // The script went on running after the cap.
    assert_eq!(apis(&outcome), ["idToken.setCustomClaim"]);
}

#[tokio::test]
async fn host_escape_attempts_reach_nothing() {
    let host = single_worker_host(SHORT);
    let outcome = contained(&host, "hostile/host-escape.action.js").await;
    assert_eq!(outcome.status, Status::Completed);
    let r = &outcome.returned;
    for key in ["Deno", "__bootstrap", "Function constructor global Deno", "constructor chain"] {
        assert_eq!(r[key], json!("undefined"), "{key}: {r}");
    }
    // `fetch` exists, but only answers the request's HTTP mocks (see tests/determinism.rs).
    assert!(r["fetch"].as_str().unwrap().starts_with("async function fetch"), "{}", r["fetch"]);
    // Processes and files are refused whether or not the build has Node's built-ins.
    assert_eq!(r["spawn a process"], json!("threw Error"), "{r}");
    assert_eq!(r["read a file"], json!("threw Error"), "{r}");
    if cfg!(feature = "node-builtins") {
        // Node's `process`, `fs`, `child_process` and `net` exist; what they would reach is
        // refused (tests/js/node_builtins.test.mjs); a socket fails asynchronously, as in Node.
        assert_eq!(r["process"], json!("object"), "{r}");
        assert_eq!(r["require fs"], json!("object"), "{r}");
        assert_eq!(r["require child_process"], json!("object"), "{r}");
        assert_eq!(r["open a socket"], json!("connecting"), "{r}");
    } else {
        assert_eq!(r["process"], json!("undefined"), "{r}");
        assert_eq!(r["require fs"], json!("threw Error"));
        assert_eq!(r["require child_process"], json!("threw Error"));
        assert_eq!(r["open a socket"], json!("threw Error"));
    }
}

#[tokio::test]
async fn dynamic_import_of_host_modules_is_refused() {
    let source = r#"exports.onExecutePostLogin = async () => {
  const results = {};
  for (const spec of ["ext:core/ops", "ext:core/mod.js", "ext:actionhost_runtime/execution.js", "node:fs", "file:///etc/passwd"]) {
    try { await import(spec); results[spec] = "loaded"; } catch (e) { results[spec] = e.name; }
  }
  return results;
};"#;
    let outcome = run(inline(source)).await;
    let results = outcome.returned.as_object().unwrap();
    assert_eq!(results.len(), 5);
    for (spec, result) in results {
        assert_eq!(result, &json!("TypeError"), "{spec}");
    }
}

#[tokio::test]
async fn only_known_globals_are_visible() {
    let source = "exports.onExecutePostLogin = async () => Object.getOwnPropertyNames(globalThis).filter(n => /^(Deno|__bootstrap|gc|ShadowRealm|__v8x|op_)/.test(n));";
    assert_eq!(run(inline(source)).await.returned, json!([]));
}

#[tokio::test]
async fn never_calling_back_is_a_timeout_reported_at_once() {
    let outcome = run(script_request("hostile/never-callback.rule.js")).await;
    assert_eq!(outcome.status, Status::Timeout);
    assert!(outcome.error.unwrap().message.contains("never called callback"));
    assert!(outcome.duration_ms < 1_000.0);
}

#[tokio::test]
async fn calling_back_twice_is_an_error_that_says_so() {
    let outcome = run(script_request("hostile/double-callback.rule.js")).await;
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "CallbackError");
    assert_eq!(error.message, "callback was called 2 times; a rule must call it exactly once");
}

#[tokio::test]
async fn a_synchronous_throw_in_a_rule_is_an_error_with_the_script_line() {
    let outcome = run(script_request("hostile/sync-throw.rule.js")).await;
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "TypeError");
    let stack = error.stack.unwrap();
    assert!(stack.contains("hostile/sync-throw.rule.js:3:"), "{stack}");
    assert!(!stack.contains("ext:"), "host frames leaked: {stack}");
}

#[tokio::test]
async fn a_syntax_error_names_file_line_and_column() {
    let outcome = run(script_request("hostile/syntax-error.action.js")).await;
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "SyntaxError");
    assert!(error.message.contains("hostile/syntax-error.action.js:3:"), "{}", error.message);
}

#[tokio::test]
async fn a_throwing_timer_callback_fails_the_execution_that_started_it() {
    let source = "exports.onExecutePostLogin = async () => { await new Promise(() => setTimeout(() => { throw new TypeError('late failure'); }, 1)); };";
    let outcome = run(inline(source)).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.error.unwrap().message, "late failure");
}

#[tokio::test]
async fn an_unhandled_rejection_fails_the_execution() {
    let source = "exports.onExecutePostLogin = async () => { Promise.reject(new Error('nobody caught me')); await new Promise(r => setTimeout(r, 5)); };";
    let outcome = run(inline(source)).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.error.unwrap().message, "nobody caught me");
}

#[tokio::test]
async fn code_escaping_the_module_wrapper_is_still_under_the_limits() {
    let host = single_worker_host(SHORT);
    let escape = "}); globalThis.escaped = 'yes'; while (true) {} (function () {";
    let outcome = host.run(Request { trigger: Some(actionhost::Trigger::PostLogin), ..inline(escape) }).await.unwrap();
    assert_eq!(outcome.status, Status::Timeout);
    let probe = host.run(inline("exports.onExecutePostLogin = async () => typeof escaped;")).await.unwrap();
    assert_eq!(probe.returned, json!("undefined"));
}

#[tokio::test]
async fn globals_set_while_compiling_do_not_leak() {
    let host = single_worker_host(SHORT);
    let escape = "}); globalThis.leakedAtCompile = 'yes'; throw new Error('compile-time'); (function () {";
    let outcome = host.run(Request { trigger: Some(actionhost::Trigger::PostLogin), ..inline(escape) }).await.unwrap();
    assert_eq!(outcome.status, Status::Error);
    let probe = host.run(inline("exports.onExecutePostLogin = async () => typeof leakedAtCompile;")).await.unwrap();
    assert_eq!(probe.returned, json!("undefined"));
}

#[tokio::test]
async fn an_unhandled_rejection_fails_the_execution_even_when_the_handler_returns_at_once() {
    let outcome =
        run(inline("exports.onExecutePostLogin = async () => { Promise.reject(new Error('dropped')); };")).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.error.unwrap().message, "dropped");
}

#[tokio::test]
async fn log_truncation_counts_utf8_bytes_and_keeps_whole_characters() {
    let source = "exports.onExecutePostLogin = async () => { const line = 'é'.repeat(1000); for (let i = 0; i < 200; i++) console.log(line); };";
    let outcome = run(inline(source)).await;
    assert!(outcome.logs_truncated);
    let kept = &outcome.logs[..outcome.logs.len() - 1];
    let bytes: usize = kept.iter().map(|l| l.message.len()).sum();
    assert!(bytes <= 256 * 1024 && bytes > 256 * 1024 - 2, "{bytes}");
    assert!(kept.iter().all(|l| l.message.chars().all(|c| c == 'é')));
    // 131 whole lines fit, the 132nd is cut, the other 68 are dropped.
    assert_eq!(kept.len(), 132);
    assert!(outcome.logs.last().unwrap().message.ends_with("; 68 later call(s) dropped"), "{:?}", outcome.logs.last());
}

#[tokio::test]
async fn a_script_that_does_not_compile_reports_nothing_of_the_execution_before() {
    let host = single_worker_host(SHORT);
    let noisy = "exports.onExecutePostLogin = async (event, api) => { console.log('earlier'); api.access.deny('earlier'); Promise.reject(new Error('earlier failure')); };";
    assert_eq!(host.run(inline(noisy)).await.unwrap().status, Status::Error);
    let broken = host.run(script_request("hostile/syntax-error.action.js")).await.unwrap();
    assert_eq!(broken.error.as_ref().unwrap().name, "SyntaxError");
    assert!(broken.logs.is_empty() && broken.commands.is_empty(), "{broken:?}");
}

/// The hostile review's setting: one worker, 1 s timeout, default heap.
const REVIEW: Limits = Limits { timeout_ms: 1_000, memory_mb: 128 };

/// `contained`, but a hang (the host never answering) fails the test instead of stalling it.
async fn contained_in_time(host: &Host, path: &str) -> Outcome {
    tokio::time::timeout(Duration::from_secs(20), contained(host, path))
        .await
        .unwrap_or_else(|_| panic!("{path}: no answer in 20 s"))
}

#[tokio::test]
async fn a_rejection_with_a_looping_proxy_is_described_without_reading_it() {
    let host = single_worker_host(REVIEW);
    let outcome = contained_in_time(&host, "hostile/proxy-rejection.rule.js").await;
    // The engine's own rejection tracking reads the reason while the limits are armed (a
    // timeout); the host never reads it afterwards, so the execution ends and the next runs.
    assert!(matches!(outcome.status, Status::Error | Status::Timeout), "{outcome:?}");
    assert!(outcome.duration_ms < 5_000.0, "{}", outcome.duration_ms);
}

/// Not stopped inside the engine (the QuickJS backend's microtask checkpoint runs its job queue to
/// the end and swallows each termination): the supervisor kills the worker past deadline + grace.
#[tokio::test]
async fn a_self_requeueing_promise_chain_ends_with_the_execution() {
    let host = single_worker_host(REVIEW);
    let outcome = contained_in_time(&host, "hostile/microtask-spin.action.js").await;
    assert_eq!(outcome.status, Status::Timeout);
    assert!(outcome.duration_ms < 5_000.0, "{}", outcome.duration_ms);
}

#[tokio::test]
async fn a_result_too_deep_for_the_host_is_an_error_and_keeps_the_denial() {
    let host = single_worker_host(REVIEW);
    let outcome = contained_in_time(&host, "hostile/deep-arguments.action.js").await;
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    assert_eq!(apis(&outcome), ["access.deny"]);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "RangeError");
    assert!(
        error.message.contains("user.setAppMetadata") && error.message.contains("at most 100 levels"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn values_nested_just_below_the_readers_limit_fail_with_a_message() {
    let host = single_worker_host(REVIEW);
    for depth in [124, 125, 126] {
        let source = format!(
            "exports.onExecutePostLogin = async (event, api) => {{ let v = 1; for (let i = 1; i < {depth}; i++) v = [v]; api.user.setAppMetadata('deep', v); }};"
        );
        let outcome = host.run(inline(&source)).await.unwrap();
        assert_eq!(outcome.status, Status::Error, "depth {depth}");
        let message = outcome.error.unwrap().message;
        assert!(message.contains("nested") && message.contains("100"), "depth {depth}: {message:?}");
    }
    let source =
        "exports.onExecutePostLogin = async () => { let v = 1; for (let i = 1; i < 126; i++) v = [v]; return v; };";
    let outcome = host.run(inline(source)).await.unwrap();
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.error.unwrap().message.contains("returned value cannot be reported"));
}

#[tokio::test]
async fn a_60_mib_error_message_is_cut_and_the_process_lives_on() {
    // Copying the 60 MiB message a few times takes seconds on a loaded machine: with the
    // review's 1 s limit the execution ends as a timeout; either way the process lives on. The
    // copies are resident memory of the worker, so the heap cap leaves room for them (with
    // 128 MiB the worker's memory cap would stop it as out_of_memory first).
    let host = single_worker_host(Limits { timeout_ms: 15_000, memory_mb: 512 });
    let outcome = contained_in_time(&host, "hostile/huge-error.action.js").await;
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert!(error.message.len() < 20 * 1024, "{}", error.message.len());
    assert!(
        error.message.starts_with("mmm")
            && error.message.ends_with(&format!("[message cut: {} more characters]", 60 * 1024 * 1024 - 16 * 1024)),
        "{}",
        &error.message[error.message.len() - 80..]
    );
    let stack = error.stack.unwrap_or_default();
    assert!(stack.len() < 80 * 1024, "{}", stack.len());
}

#[tokio::test]
async fn what_an_execution_records_is_bounded_and_reaching_the_bound_fails_it() {
    let host = single_worker_host(Limits { timeout_ms: 10_000, memory_mb: 128 });
    let outcome = contained_in_time(&host, "hostile/many-api-calls.action.js").await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.commands.len(), 10_000);
    let error = outcome.error.unwrap();
    assert!(error.message.contains("recording limit (10000 api calls and requests"), "{}", error.message);
}
