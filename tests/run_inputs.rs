//! `actionhost run` reproduces a case's inputs: `--query` / `--body` on the login request of
//! an Action or a Rule, JSON from standard input with `-`, errors naming the flag (and the line
//! and column of bad JSON); and a batch line's `null` input is kept when defaults are off.

use serde_json::{json, Value};

use crate::util::{run_binary, stderr, stdout};

/// A script file in a fresh folder (kept alive by the returned guard).
fn script(name: &str, source: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, source).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

fn run_json(args: &[&str], stdin: Option<&str>) -> Value {
    let output = run_binary(args, stdin);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// The JSON the script logged first.
fn logged(outcome: &Value) -> Value {
    serde_json::from_str(outcome["logs"][0]["message"].as_str().expect("a log line")).unwrap()
}

const ACTION_LOGS_REQUEST: &str = "exports.onExecutePostLogin = async (event) => {\n  \
     console.log(JSON.stringify({ query: event.request.query, body: event.request.body }));\n};\n";

const RULE_LOGS_REQUEST: &str = "function (user, context, callback) {\n  \
     console.log(JSON.stringify({ query: context.request.query, body: context.request.body }));\n  \
     callback(null, user, context);\n}\n";

#[test]
fn query_and_body_reach_an_actions_event_request() {
    let (_dir, path) = script("action.js", ACTION_LOGS_REQUEST);
    let args = ["run", &path, "--json", "--query", "screen_hint=signup", "--query", "ui_locales=fr"];
    let outcome = run_json(&[&args[..], &["--body", r#"{"organization": {"id": "org_1"}}"#]].concat(), None);
    let seen = logged(&outcome);
    assert_eq!(seen["query"]["screen_hint"], "signup");
    assert_eq!(seen["query"]["ui_locales"], "fr");
    assert_eq!(seen["body"], json!({"organization": {"id": "org_1"}}));
}

#[test]
fn query_and_body_reach_a_rules_context_request() {
    let (_dir, path) = script("rule.js", RULE_LOGS_REQUEST);
    let outcome = run_json(&["run", &path, "--json", "--query", "prompt=login", "--body", r#"{"a": [1, 2]}"#], None);
    let seen = logged(&outcome);
    assert_eq!(seen["query"]["prompt"], "login");
    assert_eq!(seen["body"], json!({"a": [1, 2]}));
}

#[test]
fn query_on_a_trigger_without_a_request_is_an_error_naming_the_flag() {
    let (_dir, path) = script("stream.js", "exports.onExecuteEventStream = async (event) => {};\n");
    let output = run_binary(&["run", &path, "--query", "a=b"], None);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("--query") && message.contains("event-stream"), "{message}");
    let output = run_binary(&["run", &path, "--body", "{}"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--body"), "{}", stderr(&output));
}

#[test]
fn bad_body_json_names_the_flag_line_and_column() {
    let (_dir, path) = script("action.js", ACTION_LOGS_REQUEST);
    let output = run_binary(&["run", &path, "--body", "{\n  \"a\": }"], None);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("--body") && message.contains("line 2 column 8"), "{message}");
    let output = run_binary(&["run", &path, "--body", "[1]"], None);
    assert!(stderr(&output).contains("--body: must be a JSON object"), "{}", stderr(&output));
}

#[test]
fn event_user_and_context_read_standard_input_with_a_dash() {
    let (_dir, action) = script(
        "action.js",
        "exports.onExecutePostLogin = async (event) => { console.log(JSON.stringify(event.user.email)); };\n",
    );
    let outcome =
        run_json(&["run", &action, "--json", "--event", "-"], Some(r#"{"user": {"email": "piped@example.com"}}"#));
    assert_eq!(logged(&outcome), "piped@example.com");
    let (_dir, rule) =
        script("rule.js", "function (user, context, callback) { console.log(JSON.stringify([user.email, context.clientName])); callback(null, user, context); }\n");
    let outcome = run_json(&["run", &rule, "--json", "--user", "-"], Some(r#"{"email": "rule@example.com"}"#));
    assert_eq!(logged(&outcome)[0], "rule@example.com");
    let outcome = run_json(&["run", &rule, "--json", "--context", "-"], Some(r#"{"clientName": "Piped App"}"#));
    assert_eq!(logged(&outcome)[1], "Piped App");
}

#[test]
fn only_one_input_reads_standard_input_and_bad_json_names_line_and_column() {
    let (_dir, rule) = script("rule.js", RULE_LOGS_REQUEST);
    let output = run_binary(&["run", &rule, "--user", "-", "--context", "-"], Some("{}"));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("--user, --context") && message.contains("standard input"), "{message}");
    let output = run_binary(&["run", &rule, "--user", "-"], Some("{\n  \"email\": nope\n}"));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("--user -") && message.contains("line 2 column"), "{message}");
}

/// With `merge_defaults: false` a batch line's `"user": null` reaches the Rule as `null`; with
/// the defaults merged, `null` means "nothing to merge" and the default user is used.
#[test]
fn a_null_user_is_kept_when_defaults_are_off() {
    let rule =
        "function (user, context, callback) { console.log(JSON.stringify(user)); callback(null, user, context); }";
    let line = |merge: bool| {
        json!({"id": merge, "script": rule, "trigger": "rule", "merge_defaults": merge, "user": null, "context": {"clientID": "abc"}})
            .to_string()
    };
    let output = run_binary(&["batch", "--workers", "1"], Some(&format!("{}\n{}\n", line(false), line(true))));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcomes: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let by_id = |id: bool| outcomes.iter().find(|o| o["id"] == id).expect("an outcome per line");
    let kept = by_id(false);
    assert_eq!(kept["status"], "completed", "{kept}");
    assert_eq!(kept["logs"][0]["message"], "null");
    assert_eq!(kept["callback"]["user"], Value::Null);
    let merged = by_id(true);
    assert!(merged["callback"]["user"]["user_id"].is_string(), "{merged}");
}
