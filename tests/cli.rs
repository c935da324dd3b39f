//! `actionhost run` and `actionhost batch` as processes: what they print, their exit codes, and
//! the message every kind of bad input gets.

use serde_json::{json, Value};

use crate::util::*;

const ACTION: &str = "fixtures/tenant/actions/require-verified-email/code.js";
const RULE: &str = "fixtures/tenant/rules/require-verified-email.js";

#[test]
fn run_prints_a_human_view_and_exits_0_for_a_denial() {
    let output = run_binary(&["run", ACTION, "--event", "fixtures/seed/events/app-without-flag.json"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("status: denied  (fixtures/tenant/actions/require-verified-email/code.js, post-login, "),
        "{text}"
    );
    assert!(text.contains("denied: Please verify your email address before logging in.\n"), "{text}");
    assert!(text.contains("  1. access.deny(\"Please verify your email address before logging in.\")\n"), "{text}");
}

#[test]
fn run_shows_claims_and_logs() {
    let output = run_binary(&["run", RULE, "--client-metadata", "TIER=gold"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("id token claims:\n  https://example.com/email_verified: true\n"), "{text}");
    assert!(text.contains("access token claims:\n  https://example.com/tier: \"gold\"\n"), "{text}");

    let output = run_binary(&["run", ACTION, "--client-metadata", "SKIP_VERIFICATION=yes"], None);
    assert!(stdout(&output).contains("logs:\n  [log]   skipping email verification for Example Application\n"));
}

#[test]
fn run_json_prints_exactly_one_outcome() {
    let output = run_binary(&["run", ACTION, "--json", "--client-metadata", "SKIP_VERIFICATION=yes"], None);
    assert_eq!(output.status.code(), Some(0));
    let outcome: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(outcome["status"], "completed");
}

#[test]
fn run_exits_1_when_the_script_fails_or_times_out() {
    let output = run_binary(&["run", "fixtures/hostile/sync-throw.rule.js"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error: TypeError: Cannot read properties of undefined (reading 'roles')\n  at fixtures/hostile/sync-throw.rule.js:3:"));

    let output = run_binary(&["run", "fixtures/hostile/sync-loop.action.js", "--timeout-ms", "200"], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("status: timeout"));
}

/// README: "Exit codes: **0** the script ran (completed, denied or redirected), **1** it failed
/// (error, timeout, out of memory)".
#[test]
fn run_exits_0_for_a_redirect() {
    let dir = tempfile::tempdir().unwrap();
    let redirect = dir.path().join("redirect.js");
    std::fs::write(&redirect, "exports.onExecutePostLogin = async (event, api) => {\n  api.redirect.sendUserTo('https://example.com/step-up');\n};\n").unwrap();
    let output = run_binary(&["run", redirect.to_str().unwrap(), "--json"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(outcome["status"], "redirected");
}

/// README: exit code **1** when the script "failed (error, timeout, out of memory)".
#[test]
fn run_exits_1_for_out_of_memory() {
    let output = run_binary(&["run", "fixtures/hostile/memory-bomb.action.js", "--memory-mb", "16", "--json"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(outcome["status"], "out_of_memory");
}

/// README: `--missing-client-metadata absent|empty` is "what a Rule sees as
/// `context.clientMetadata` when the application has none (default `absent`)". A Rule reading a
/// key of it fails by default (a TypeError, exit 1) and completes with `empty` (`{}`).
#[test]
fn missing_client_metadata_on_the_command_line_reaches_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let rule = dir.path().join("flag.js");
    std::fs::write(&rule, "function (user, context, callback) {\n  context.idToken.flag = context.clientMetadata.FLAG || 'none';\n  callback(null, user, context);\n}\n").unwrap();
    let rule = rule.to_str().unwrap();
    let output = run_binary(&["run", rule, "--json"], None);
    assert_eq!(output.status.code(), Some(1));
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!((outcome["status"].as_str(), outcome["error"]["name"].as_str()), (Some("error"), Some("TypeError")));
    let output = run_binary(&["run", rule, "--missing-client-metadata", "empty", "--json"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(outcome["callback"]["context"]["clientMetadata"], serde_json::json!({}));
    assert_eq!(outcome["callback"]["context"]["idToken"]["flag"], "none");
}

fn usage_error(args: &[&str]) -> String {
    let output = run_binary(args, None);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stdout(&output));
    stderr(&output)
}

#[test]
fn bad_input_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let event = dir.path().join("event.json");
    std::fs::write(&event, "{\"user\": {").unwrap();
    let message = usage_error(&["run", ACTION, "--event", event.to_str().unwrap()]);
    assert!(message.contains("event.json is not valid JSON") && message.contains("line 1"), "{message}");

    let message = usage_error(&["run", "fixtures/missing.js"]);
    assert!(message.contains("script_path: cannot read fixtures/missing.js"), "{message}");

    std::fs::write(&event, "[1]").unwrap();
    let message = usage_error(&["run", ACTION, "--event", event.to_str().unwrap()]);
    assert!(message.contains("event: must be a JSON object, found array"), "{message}");

    let script = dir.path().join("thing.js");
    std::fs::write(&script, "module.exports = 1;").unwrap();
    let message = usage_error(&["run", script.to_str().unwrap()]);
    assert!(message.contains("thing.js: exports no handler of a known trigger and is not a Rule"), "{message}");
    assert!(message.contains("known handlers: onExecutePostLogin / onContinuePostLogin (post-login)"), "{message}");
}

/// A script with a misspelt handler: the message lists the name found, the closest handler and
/// every trigger; `--json` callers get an `InvalidRequest` outcome as well as exit code 2.
#[test]
fn a_misspelt_handler_gets_a_suggestion_and_json_callers_an_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("typo.js");
    std::fs::write(&script, "exports.onExecutePostlogin = async (event, api) => {};").unwrap();
    let message = usage_error(&["run", script.to_str().unwrap()]);
    assert!(
        message.contains(
            "exports onExecutePostlogin, which is no handler of a known trigger (did you mean onExecutePostLogin?)"
        ),
        "{message}"
    );
    assert!(
        message.contains("onExecutePostChallenge / onContinuePostChallenge (password-reset-post-challenge)"),
        "{message}"
    );

    let output = run_binary(&["run", script.to_str().unwrap(), "--json"], None);
    assert_eq!(output.status.code(), Some(2));
    let outcome: actionhost::Outcome = serde_json::from_str(&stdout(&output)).expect("an Outcome on stdout");
    assert_eq!(outcome.status, actionhost::Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "InvalidRequest");
    assert!(error.message.contains("did you mean onExecutePostLogin?"), "{}", error.message);

    // Given the trigger by Auth0's id, a misspelt id is refused with the closest one.
    let message = usage_error(&["run", script.to_str().unwrap(), "--trigger", "post_login"]);
    assert!(message.contains(r#"unknown trigger "post_login" (did you mean "post-login"?)"#), "{message}");
}

#[test]
fn unknown_options_and_bad_pairs_are_usage_errors() {
    assert!(usage_error(&["run", ACTION, "--frobnicate"]).contains("--frobnicate"));
    assert!(
        usage_error(&["run", ACTION, "--client-metadata", "novalue"]).contains("expected KEY=VALUE, got \"novalue\"")
    );
    assert!(usage_error(&["run", ACTION, "--timeout-ms", "0"]).contains("--timeout-ms"));
}

#[test]
fn client_metadata_breaking_auth0s_limits_is_refused() {
    let eleven: Vec<String> = (0..11).map(|i| format!("K{i}=v")).collect();
    let mut args = vec!["run", ACTION];
    for pair in &eleven {
        args.extend(["--client-metadata", pair]);
    }
    assert!(usage_error(&args).contains("client_metadata has 11 keys; Auth0 allows at most 10"));

    let ten: Vec<String> = (0..10).map(|i| format!("K{i}=v")).collect();
    let mut args = vec!["run", ACTION];
    for pair in &ten {
        args.extend(["--client-metadata", pair]);
    }
    assert_eq!(run_binary(&args, None).status.code(), Some(0));

    let long_key = format!("{}=v", "k".repeat(256));
    assert!(usage_error(&["run", ACTION, "--client-metadata", &long_key])
        .contains("is 256 characters long; Auth0 allows at most 255"));
    let long_value = format!("k={}", "v".repeat(256));
    assert_eq!(usage_error(&["run", ACTION, "--client-metadata", &long_value]), "actionhost: client_metadata: client_metadata value of \"k\" is 256 characters long; Auth0 allows at most 255\n");
    let max_value = format!("k={}", "v".repeat(255));
    assert_eq!(run_binary(&["run", ACTION, "--client-metadata", &max_value], None).status.code(), Some(0));
    assert!(usage_error(&["run", ACTION, "--client-metadata", "a!b=1"]).contains("contains '!'"));
}

#[test]
fn batch_answers_every_line_in_order_and_bad_lines_do_not_stop_it() {
    let input = [
        r#"{"id": "a", "script_path": "fixtures/tenant/actions/require-verified-email/code.js", "client_metadata": {"SKIP_VERIFICATION": "yes"}}"#,
        r#"{"id": "b", "script_path": "#,
        r#"{"id": "c", "script_path": "fixtures/tenant/rules/require-verified-email.js", "client_metadata": {"n": 1}}"#,
        r#"{"id": "d", "script_path": "fixtures/nope.js"}"#,
        "",
        r#"{"id": "e", "script": "function (user, context, callback) { callback(null, user, context); }", "colour": "red"}"#,
        r#"{"id": 6, "script": "function (user, context, callback) { callback(null, user, context); }", "trigger": "rule"}"#,
        r#"{"id": "g", "script_path": "fixtures/tenant/actions/require-verified-email/code.js", "client_metadata": {"a": "b", "c": "d", "e": "f", "g": "h", "i": "j", "k": "l", "m": "n", "o": "p", "q": "r", "s": "t", "u": "v"}}"#,
    ]
    .join("\n");
    let output = run_binary(&["batch", "--workers", "2"], Some(&input));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcomes: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary: Vec<(Value, &str)> =
        outcomes.iter().map(|o| (o["id"].clone(), o["status"].as_str().unwrap())).collect();
    assert_eq!(
        summary,
        [
            ("a".into(), "completed"),
            (Value::Null, "error"),
            ("c".into(), "error"),
            ("d".into(), "error"),
            ("e".into(), "error"),
            (6.into(), "completed"),
            ("g".into(), "error"),
        ]
    );
    let message = |i: usize| outcomes[i]["error"]["message"].as_str().unwrap().to_owned();
    assert!(message(1).starts_with("line 2: invalid JSON"), "{}", message(1));
    assert_eq!(message(2), "line 3: client_metadata: client_metadata value of \"n\" must be a string, found number");
    assert!(message(3).starts_with("line 4: script_path: cannot read fixtures/nope.js"), "{}", message(3));
    assert!(message(4).starts_with("line 6: unknown field `colour`"), "{}", message(4));
    assert!(message(6).contains("client_metadata has 11 keys"), "{}", message(6));
    assert_eq!(outcomes[1]["error"]["name"], "InvalidRequest");
}

#[test]
fn an_event_client_that_is_not_an_object_is_an_invalid_line_not_a_crash() {
    let input = r#"{"id": 1, "script_path": "fixtures/tenant/actions/require-verified-email/code.js", "event": {"client": "x"}, "client_metadata": {"A": "b"}}"#;
    let output = run_binary(&["batch"], Some(input));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcome: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(outcome["error"]["message"], "line 1: event.client: must be a JSON object, found string");
}

/// `actionhost run … | head`: a reader that goes away is not a failure of the command. The
/// outcome here is a completion (exit code 0, as README.md documents for `run`); the closed
/// pipe changes neither the exit code nor adds an error message.
#[test]
fn a_closed_stdout_is_not_a_crash() {
    for args in [&["run", ACTION, "--json"][..], &["run", ACTION][..], &["batch"][..]] {
        let mut child = binary()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut input = child.stdin.take().unwrap();
        if args[0] == "batch" {
            use std::io::Write;
            writeln!(input, r#"{{"id": 1, "script_path": "{ACTION}"}}"#).unwrap();
        }
        drop(input);
        let output = child.wait_with_output().unwrap();
        assert_eq!((output.status.code(), stderr(&output).as_str()), (Some(0), ""), "{args:?}");
    }
}

#[test]
fn batch_refuses_heaps_too_small_to_start() {
    let output = run_binary(
        &["batch"],
        Some(r#"{"id": 1, "script_path": "fixtures/tenant/actions/require-verified-email/code.js", "memory_mb": 1}"#),
    );
    let outcome: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(outcome["error"]["name"], "InvalidRequest");
    assert!(outcome["error"]["message"].as_str().unwrap().contains("memory_mb: must be at least 8"));
}

/// docs/outcome.md: "`actionhost batch` writes it as one line per request". A caller that
/// waits for each answer before sending the next line (a request/response client over a pipe)
/// must get the answer while its stdin is still open, not when the batch ends.
#[test]
fn batch_answers_a_line_before_the_next_one_is_sent() {
    let mut batch = BatchSession::start(&["--workers", "1"]);
    for id in ["first", "second"] {
        let script = format!(
            "exports.onExecutePostLogin = async (event, api) => {{ api.idToken.setCustomClaim('n', '{id}'); }};"
        );
        let outcome = batch.ask(&json!({"id": id, "script": script}));
        assert_eq!((outcome["id"].as_str(), outcome["status"].as_str()), (Some(id), Some("completed")), "{outcome}");
        assert_eq!(outcome["commands"][0]["args"][1], id);
    }
    assert!(batch.finish());
}

/// An input the trigger does not read is refused, naming it, instead of being ignored.
#[test]
fn inputs_that_do_not_apply_to_the_trigger_are_refused() {
    let message = usage_error(&["run", ACTION, "--user", "fixtures/seed/user-unverified.json"]);
    assert!(message.contains("user: does not apply to post-login"), "{message}");
    let rule = "fixtures/tenant/rules/block-contractors.js";
    let message = usage_error(&["run", rule, "--secret", "API_KEY=x"]);
    assert!(message.contains("secrets: does not apply to rule"), "{message}");
    let message = usage_error(&["run", rule, "--phase", "continue"]);
    assert!(message.contains("phase: does not apply to rule"), "{message}");
    // The same request without them runs.
    assert_eq!(run_binary(&["run", rule], None).status.code(), Some(0));
}

/// `run --now --seed --http` reproduces what a batch line (or a case) with `now`, `seed` and
/// `http` gives: the same clock, the same random values, the same mocked answer.
#[test]
fn run_reproduces_a_batch_line_with_clock_seed_and_mocks() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("clock.js");
    std::fs::write(
        &script,
        "exports.onExecutePostLogin = async (event, api) => {\n  const r = await fetch('https://api.example.com/x');\n  api.idToken.setCustomClaim('t', [new Date().toISOString(), Math.random(), (await r.json()).ok]);\n};\n",
    )
    .unwrap();
    let mocks = serde_json::json!([{"url": "https://api.example.com/*", "json": {"ok": 1}}]);
    let mocks_file = dir.path().join("mocks.json");
    std::fs::write(&mocks_file, mocks.to_string()).unwrap();
    let script = script.to_str().unwrap();
    let output = run_binary(
        &[
            "run",
            script,
            "--now",
            "2024-01-02T03:04:05.000Z",
            "--seed",
            "7",
            "--http",
            mocks_file.to_str().unwrap(),
            "--json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let from_run: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let line = serde_json::json!({"script_path": script, "now": "2024-01-02T03:04:05.000Z", "seed": 7, "http": mocks});
    let output = run_binary(&["batch"], Some(&format!("{line}\n")));
    let from_batch: serde_json::Value = serde_json::from_str(stdout(&output).lines().next().unwrap()).unwrap();
    assert_eq!(from_run["commands"], from_batch["commands"]);
    assert_eq!(from_run["commands"][0]["args"][1][0], "2024-01-02T03:04:05.000Z");
    assert_eq!(from_run["commands"][0]["args"][1][2], 1);
}
