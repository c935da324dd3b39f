//! Worker processes under the supervisor: what the engine alone cannot stop (a blocked thread, a
//! long native call, memory outside its heap, a crash) costs only the execution that caused it,
//! and the worker's OS sandbox refuses files, sockets and processes even to native code.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use actionhost::{Host, HostConfig, Limits, Outcome, Request, Status, KILL_GRACE};
use serde_json::{json, Value};

use crate::util::*;

const ONE_SECOND: Limits = Limits { timeout_ms: 1_000, memory_mb: 64 };

/// The seed Action, run after a hostile script on the same host, must be entirely correct.
async fn assert_next_is_correct(host: &Host) {
    let next = host
        .run(Request {
            client_metadata: Some(json!({"TIER": "gold"})),
            ..script_request("tenant/actions/require-verified-email/code.js")
        })
        .await
        .unwrap();
    assert_eq!(next.status, Status::Completed, "{next:?}");
    assert_eq!(apis(&next), ["idToken.setCustomClaim", "accessToken.setCustomClaim"]);
    assert_eq!(next.commands[1].args(), [json!("https://example.com/tier"), json!("gold")]);
    assert!(next.logs.is_empty(), "{:?}", next.logs);
}

async fn timed(host: &Host, request: Request) -> (Outcome, Duration) {
    let started = Instant::now();
    let outcome = host.run(request).await.unwrap();
    (outcome, started.elapsed())
}

#[test]
fn the_worker_sandbox_refuses_files_sockets_processes_and_signals_to_native_code() {
    // The probe runs inside a worker process after the sandbox is in force, as native code that
    // broke out of the engine would: every attempt must fail, while threads still work.
    let output = binary().args([actionhost::WORKER_ARG, "--probe-sandbox"]).stdin(Stdio::null()).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let found: BTreeMap<String, Option<String>> = serde_json::from_slice(&output.stdout).unwrap();
    for attempt in [
        "read /etc/hostname",
        "create a file in /tmp",
        "TCP socket",
        "unix socket",
        "start a process",
        "fork",
        "signal the parent",
        "io_uring",
    ] {
        let error = found.get(attempt).unwrap_or_else(|| panic!("{attempt} not probed: {found:?}"));
        assert_eq!(error.as_deref(), Some("Operation not permitted (os error 1)"), "{attempt}: {found:?}");
    }
    assert_eq!(found["a thread still starts (expected to work)"], None);
    // The same attempts succeed outside the sandbox, so the refusals above are the sandbox's.
    assert!(std::fs::read("/etc/hostname").is_ok());
    assert!(std::net::TcpListener::bind("127.0.0.1:0").is_ok());
}

#[tokio::test]
async fn a_thread_blocked_in_atomics_wait_is_stopped_at_the_deadline() {
    let host = single_worker_host(ONE_SECOND);
    let (outcome, elapsed) = timed(&host, script_request("hostile/atomics-wait.action.js")).await;
    assert_eq!(outcome.status, Status::Timeout, "{outcome:?}");
    assert_eq!(outcome.error.unwrap().name, "TimeoutError");
    assert!(elapsed >= Duration::from_millis(1_000), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1_000) + KILL_GRACE + Duration::from_secs(2), "{elapsed:?}");
    assert_next_is_correct(&host).await;
}

#[tokio::test]
async fn costly_native_calls_do_not_run_far_past_the_deadline() {
    let host = single_worker_host(Limits { timeout_ms: 1_000, memory_mb: 128 });
    let (outcome, elapsed) = timed(&host, script_request("hostile/costly-native-calls.action.js")).await;
    assert_eq!(outcome.status, Status::Timeout, "{outcome:?}");
    assert!(elapsed < Duration::from_millis(1_000) + KILL_GRACE + Duration::from_secs(2), "{elapsed:?}");
    assert_next_is_correct(&host).await;
}

#[tokio::test]
async fn memory_outside_the_heap_counts_against_the_requests_own_cap() {
    // 160 MiB of SharedArrayBuffer: over the cap of a 16 MiB request (16 + overhead), under the
    // cap of a 128 MiB one. The same host honours each request's own memory_mb.
    let host = single_worker_host(Limits { timeout_ms: 10_000, memory_mb: 128 });
    let small = Request { memory_mb: Some(16), ..script_request("hostile/shared-memory.action.js") };
    let outcome = host.run(small).await.unwrap();
    assert_eq!(outcome.status, Status::OutOfMemory, "{outcome:?}");
    assert_eq!(outcome.error.unwrap().name, "OutOfMemoryError");
    let large = host.run(script_request("hostile/shared-memory.action.js")).await.unwrap();
    assert_eq!(large.status, Status::Completed, "{large:?}");
    assert_eq!(large.commands[0].args(), [json!("buffers"), json!(10)]);
    assert_next_is_correct(&host).await;
}

#[tokio::test]
async fn webassembly_memory_counts_against_the_cap() {
    let host = single_worker_host(Limits { timeout_ms: 10_000, memory_mb: 16 });
    let outcome = host.run(script_request("hostile/wasm-memory.action.js")).await.unwrap();
    assert_eq!(outcome.status, Status::OutOfMemory, "{outcome:?}");
    assert_next_is_correct(&host).await;
}

#[tokio::test]
async fn a_worker_is_replaced_after_its_execution_budget_and_its_containers_go_with_it() {
    // A shared container keeps `global` across executions of one worker; a worker replaced after
    // three executions starts the count again.
    let host = Host::new(HostConfig { workers: 1, recycle_after_executions: 3, ..config() });
    let rule = "function (user, context, callback) { global.count = (global.count || 0) + 1; user.count = global.count; callback(null, user, context); }";
    let mut counts = vec![];
    for _ in 0..5 {
        let request =
            Request { container: Some("tenant".into()), trigger: Some(actionhost::Trigger::Rule), ..inline(rule) };
        let outcome = host.run(request).await.unwrap();
        assert_eq!(outcome.status, Status::Completed, "{outcome:?}");
        counts.push(outcome.callback.unwrap().user["count"].clone());
    }
    assert_eq!(counts, [json!(1), json!(2), json!(3), json!(1), json!(2)]);
}

#[tokio::test]
async fn a_worker_program_that_cannot_start_is_an_engine_error_naming_it() {
    let host = Host::new(HostConfig { workers: 1, worker_program: "/nonexistent/actionhost".into(), ..config() });
    let outcome = host.run(script_request("tenant/actions/require-verified-email/code.js")).await.unwrap();
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "EngineError");
    assert!(error.message.contains("/nonexistent/actionhost"), "{}", error.message);
}

/// The process ids of the worker processes of `pid`.
fn children(pid: u32) -> Vec<u32> {
    let mut found = vec![];
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let text = std::fs::read_to_string(task.unwrap().path().join("children")).unwrap_or_default();
        found.extend(text.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
    }
    found
}

#[test]
fn a_job_whose_worker_crashes_gets_an_engine_error_and_the_batch_goes_on() {
    // An engine abort is simulated by sending the worker SIGABRT while it runs a job.
    let mut batch = binary()
        .args(["batch", "--workers", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = batch.stdin.take().unwrap();
    let mut output = BufReader::new(batch.stdout.take().unwrap());
    writeln!(input, r#"{{"id": 1, "script_path": "fixtures/hostile/busy-forever.action.js", "timeout_ms": 20000}}"#)
        .unwrap();
    input.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let worker = loop {
        // The worker is started at once; give it time to take the job.
        std::thread::sleep(Duration::from_millis(300));
        if let Some(&pid) = children(batch.id()).first() {
            if std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|stat| stat.split_whitespace().nth(2) == Some("R"))
            {
                break pid;
            }
        }
        assert!(Instant::now() < deadline, "no busy worker process found");
    };
    // SAFETY: sends a signal to a process of this test's own.
    assert_eq!(unsafe { libc::kill(worker as i32, libc::SIGABRT) }, 0);
    writeln!(input, r#"{{"id": 2, "script_path": "fixtures/tenant/actions/require-verified-email/code.js", "client_metadata": {{"TIER": "gold"}}}}"#).unwrap();
    drop(input);
    let mut lines = vec![];
    for _ in 0..2 {
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        lines.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    assert!(batch.wait().unwrap().success());
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[0]["status"], "error", "{}", lines[0]);
    assert_eq!(lines[0]["error"]["name"], "EngineError");
    assert!(lines[0]["error"]["message"].as_str().unwrap().contains("SIGABRT"), "{}", lines[0]);
    assert_eq!(lines[1]["id"], 2);
    assert_eq!(lines[1]["status"], "completed", "{}", lines[1]);
    assert_eq!(lines[1]["commands"][1]["args"], json!(["https://example.com/tier", "gold"]));
}

#[tokio::test]
async fn a_worker_whose_memory_keeps_growing_is_replaced() {
    // Each execution keeps 8 MiB more in its container; the supervisor checks every 16th
    // execution and replaces a worker that grew by more than 64 MiB since it was ready, which
    // empties the container: the 17th execution starts counting again.
    let host = Host::new(HostConfig { workers: 1, limits: Limits { timeout_ms: 10_000, memory_mb: 512 }, ..config() });
    let rule = "function (user, context, callback) { global.hoard = global.hoard || []; \
        global.hoard.push(new Uint8Array(8 * 1024 * 1024).fill(1)); user.count = global.hoard.length; callback(null, user, context); }";
    let mut counts = vec![];
    for _ in 0..17 {
        let request =
            Request { container: Some("tenant".into()), trigger: Some(actionhost::Trigger::Rule), ..inline(rule) };
        let outcome = host.run(request).await.unwrap();
        assert_eq!(outcome.status, Status::Completed, "{outcome:?}");
        counts.push(outcome.callback.unwrap().user["count"].as_u64().unwrap());
    }
    let expected: Vec<u64> = (1..=16).chain([1]).collect();
    assert_eq!(counts, expected);
}

#[tokio::test]
async fn jobs_written_ahead_of_a_job_that_kills_its_worker_still_run_correctly() {
    // One worker and a backlog: while a job runs, the next ones (up to three) are already in the
    // worker's pipe. When the running job is stopped (deadline, memory) the worker dies with the
    // jobs written ahead of it unstarted; each must run on the next worker, not be lost or blamed.
    let host = single_worker_host(Limits { timeout_ms: 500, memory_mb: 64 });
    let honest = || Request {
        client_metadata: Some(json!({"TIER": "gold"})),
        ..script_request("tenant/actions/require-verified-email/code.js")
    };
    let mut requests = vec![];
    for hostile in ["hostile/sync-loop.action.js", "hostile/memory-bomb.action.js", "hostile/busy-forever.action.js"] {
        requests.push(honest());
        requests.push(script_request(hostile));
        requests.extend((0..3).map(|_| honest()));
    }
    let outcomes = futures::future::join_all(requests.into_iter().map(|request| host.run(request))).await;
    for (index, outcome) in outcomes.into_iter().enumerate() {
        let outcome = outcome.unwrap();
        if index % 5 == 1 {
            assert!(matches!(outcome.status, Status::Timeout | Status::OutOfMemory), "{index}: {outcome:?}");
        } else {
            assert_eq!(outcome.status, Status::Completed, "{index}: {outcome:?}");
            assert_eq!(outcome.commands[1].args(), [json!("https://example.com/tier"), json!("gold")]);
        }
    }
}

/// The scheduling policy of a process or thread (field 41 of `/proc/…/stat`), by its `/proc` path.
fn policy_of(proc_path: &str) -> i32 {
    let stat = std::fs::read_to_string(format!("{proc_path}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start with field 3, the state.
    let after_name = stat.rsplit_once(')').unwrap().1;
    after_name.split_whitespace().nth(41 - 3).unwrap().parse().unwrap()
}

/// The policies of `batch`'s supervisor thread and of its worker process, once the worker runs.
fn batch_policies(extra: &[&str]) -> (i32, i32) {
    let mut batch = binary().args(["batch", "--workers", "1"]).args(extra).stdin(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let worker = loop {
        if let Some(&pid) = children(batch.id()).first() {
            break pid;
        }
        assert!(Instant::now() < deadline, "no worker process started");
        std::thread::sleep(Duration::from_millis(50));
    };
    let supervisor = std::fs::read_dir(format!("/proc/{}/task", batch.id()))
        .unwrap()
        .map(|task| task.unwrap().path())
        .find(|task| std::fs::read_to_string(task.join("comm")).is_ok_and(|name| name.starts_with("actionhost-supe")))
        .expect("a supervisor thread");
    let policies = (policy_of(&supervisor.display().to_string()), policy_of(&format!("/proc/{worker}")));
    drop(batch.stdin.take());
    assert!(batch.wait().unwrap().success());
    policies
}

#[test]
fn batch_runs_its_pool_under_sched_batch_unless_asked_for_the_normal_policy() {
    // SCHED_BATCH is 3 and SCHED_OTHER 0 in sched_setscheduler(2).
    assert_eq!(batch_policies(&[]), (libc::SCHED_BATCH, libc::SCHED_BATCH));
    assert_eq!(batch_policies(&["--cpu-policy", "normal"]), (libc::SCHED_OTHER, libc::SCHED_OTHER));
}
