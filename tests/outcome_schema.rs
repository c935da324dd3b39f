//! docs/outcome.schema.json against real outcomes: every Action and Rule of the example tenant
//! (every trigger), every case of `fixtures/cases`, and executions that end in each status
//! (completed, denied, redirected, error, timeout, out of memory), with HTTP requests, truncated
//! logs, error codes, Rule callbacks and invalid batch lines, as `actionhost batch`,
//! `actionhost run --json` and `actionhost test --reporter json` print them. The schema closes the sets outcome.md closes, so an
//! undocumented field fails.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::util::*;

fn validator() -> jsonschema::Validator {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/outcome.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::meta::validate(&schema).expect("outcome.schema.json is a valid draft 2020-12 schema");
    jsonschema::draft202012::new(&schema).unwrap()
}

/// The schema's complaints about one outcome, each with where it is.
fn problems(validator: &jsonschema::Validator, outcome: &Value) -> Vec<String> {
    validator.iter_errors(outcome).map(|error| format!("{}: {error}", error.instance_path())).collect()
}

/// Batch request lines: each Action and Rule of the example tenant, and scripts that end in
/// every status and fill every part of an outcome.
fn request_lines() -> Vec<Value> {
    let mut lines = Vec::new();
    let tenant = fixture("tenant");
    let mut names: Vec<String> = std::fs::read_dir(tenant.join("actions"))
        .unwrap()
        .filter_map(|entry| entry.unwrap().file_name().into_string().ok()?.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    for name in names {
        lines.push(json!({"id": format!("action {name}"), "tenant": "fixtures/tenant", "action": name}));
    }
    let mut rules: Vec<String> = std::fs::read_dir(tenant.join("rules"))
        .unwrap()
        .filter_map(|entry| entry.unwrap().file_name().into_string().ok()?.strip_suffix(".json").map(str::to_owned))
        .collect();
    rules.sort();
    for name in rules {
        lines.push(json!({"id": format!("rule {name}"), "tenant": "fixtures/tenant", "rule": name, "client": "Customer Portal"}));
    }
    let denied_event = read_json("seed/events/app-without-flag.json");
    lines.extend([
        json!({"id": "denied action", "script_path": "fixtures/tenant/actions/require-verified-email/code.js", "event": denied_event}),
        json!({"id": "denied rule", "script_path": "fixtures/tenant/rules/require-verified-email.js", "user": {"email_verified": false}, "context": {"clientMetadata": {}}}),
        json!({"id": "redirected action", "script": "exports.onExecutePostLogin = async (event, api) => { api.redirect.sendUserTo('https://example.com/consent', {query: {a: 1}}); };"}),
        json!({"id": "redirected rule", "script": "function (user, context, callback) { context.redirect = {url: 'https://example.com/terms'}; callback(null, user, context); }"}),
        json!({"id": "returned", "script": "exports.onExecuteCredentialsExchange = async (event, api) => ({ok: true, n: 1});"}),
        json!({"id": "fetch", "script": "exports.onExecutePostLogin = async (event, api) => { const r = await fetch('https://api.example.com/x', {method: 'POST', headers: {'X-Trace': '1'}, body: 'hi'}); console.info(await r.text()); };",
               "http": [{"method": "POST", "url": "https://api.example.com/*", "status": 201, "text": "made"}]}),
        json!({"id": "unmocked fetch", "script": "exports.onExecutePostLogin = async () => { await fetch('https://nowhere.example.com/'); };"}),
        json!({"id": "thrown", "script_path": "fixtures/hostile/sync-throw.rule.js"}),
        json!({"id": "callback twice", "script_path": "fixtures/hostile/double-callback.rule.js"}),
        json!({"id": "syntax error", "script_path": "fixtures/hostile/syntax-error.action.js"}),
        json!({"id": "require", "script": "exports.onExecutePostLogin = async () => { require('axios'); };"}),
        json!({"id": "coded error", "script": "exports.onExecutePostLogin = async () => { const e = new Error('no'); e.code = 'E_NO'; e.statusCode = 418; e.description = {why: 1}; throw e; };"}),
        json!({"id": "huge logs", "script_path": "fixtures/hostile/huge-logs.action.js"}),
        json!({"id": "timeout", "script_path": "fixtures/hostile/sync-loop.action.js", "timeout_ms": 300}),
        json!({"id": "out of memory", "script_path": "fixtures/hostile/memory-bomb.action.js", "memory_mb": 16}),
        json!({"id": "levels", "script": "function (user, context, callback) { console.debug('d'); console.warn('w'); console.error('e'); console.trace('t'); callback(null, user, context); }"}),
        json!({"id": "invalid request", "script_path": "fixtures/nowhere.js"}),
    ]);
    lines
}

/// Outcomes of every case of `fixtures/cases`, as `actionhost test --reporter json` reports them.
fn case_outcomes() -> Vec<(String, Value)> {
    let output = run_binary(&["test", "fixtures/cases", "--reporter", "json", "--workers", "2"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let cases = report["cases"].as_array().unwrap();
    assert!(cases.len() >= 10, "{report}");
    let mut outcomes = Vec::new();
    for case in cases {
        for outcome in case["outcomes"].as_array().unwrap() {
            let name = format!("{}:{} {} ({})", case["file"], case["line"], case["name"], outcome["script"]);
            outcomes.push((name, outcome.clone()));
        }
    }
    outcomes
}

#[test]
fn real_outcomes_of_every_trigger_and_status_match_the_schema() {
    let validator = validator();
    let lines: Vec<String> = request_lines().iter().map(Value::to_string).chain(["{not json".to_owned()]).collect();
    let output = run_binary(&["batch", "--workers", "2"], Some(&(lines.join("\n") + "\n")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut outcomes: Vec<(String, Value)> = stdout(&output)
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap();
            (value.get("id").map_or("(no id)".to_owned(), Value::to_string), value)
        })
        .collect();
    assert_eq!(outcomes.len(), lines.len());
    for args in [
        &["run", "--json", "fixtures/tenant/rules/require-verified-email.js"][..],
        &[
            "run",
            "--json",
            "fixtures/tenant/actions/require-verified-email/code.js",
            "--event",
            "fixtures/seed/events/app-without-flag.json",
        ],
    ] {
        let output = run_binary(args, None);
        outcomes.push((args.join(" "), serde_json::from_slice(&output.stdout).unwrap()));
    }
    outcomes.extend(case_outcomes());

    let mut failures = Vec::new();
    for (name, outcome) in &outcomes {
        for problem in problems(&validator, outcome) {
            failures.push(format!("{name}: {problem}\n  {outcome}"));
        }
    }
    assert!(failures.is_empty(), "outcomes the schema refuses:\n{}", failures.join("\n"));

    // The outcomes cover every status, every trigger and every optional part.
    let seen = |key: &str| -> BTreeSet<String> {
        outcomes.iter().filter_map(|(_, o)| o.get(key)?.as_str().map(str::to_owned)).collect()
    };
    let statuses = seen("status");
    for status in ["completed", "denied", "redirected", "error", "timeout", "out_of_memory"] {
        assert!(statuses.contains(status), "no {status} outcome: {statuses:?}");
    }
    let schema: Value = serde_json::from_str(include_str!("../docs/outcome.schema.json")).unwrap();
    let triggers: BTreeSet<String> = schema["properties"]["trigger"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen("trigger"), triggers, "every trigger the schema names ran, and no other");
    let has = |test: &dyn Fn(&Value) -> bool| outcomes.iter().any(|(_, o)| test(o));
    assert!(has(&|o| o["requests"].as_array().is_some_and(|r| r.iter().any(|r| r["status"] == 201))));
    assert!(has(&|o| o["requests"].as_array().is_some_and(|r| r.iter().any(|r| r["status"].is_null()))));
    assert!(has(&|o| o["logs_truncated"] == true));
    assert!(has(&|o| o["error"]["statusCode"] == 418 && o["error"].get("stack").is_some()));
    assert!(has(&|o| o["callback"]["error"]["name"] == "UnauthorizedError"));
    assert!(has(&|o| o["error"]["name"] == "InvalidRequest" && o.get("id").is_none()));
    assert!(has(&|o| o["returned"]["ok"] == true));
}

/// A change to a valid outcome that the schema must refuse, and what it is.
type Change = (&'static str, fn(&mut Value));

#[test]
fn an_undocumented_or_misshapen_field_fails_the_schema() {
    let validator = validator();
    let output = run_binary(
        &[
            "run",
            "--json",
            "fixtures/tenant/actions/require-verified-email/code.js",
            "--event",
            "fixtures/seed/events/app-without-flag.json",
        ],
        None,
    );
    let good: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(problems(&validator, &good), Vec::<String>::new());
    let mut with_warnings = good.clone();
    with_warnings["warnings"] = json!(["##API_KEY## has no keyword mapping"]);
    assert_eq!(problems(&validator, &with_warnings), Vec::<String>::new());

    let changes: [Change; 12] = [
        ("an unknown top-level key", |o| o["colour"] = json!("red")),
        ("a missing requests", |o| drop(o.as_object_mut().unwrap().remove("requests"))),
        ("an unknown status", |o| o["status"] = json!("ok")),
        ("an unknown trigger", |o| o["trigger"] = json!("post-logout")),
        ("a command with an extra key", |o| o["commands"][0]["at"] = json!(1)),
        ("a command without args", |o| drop(o["commands"][0].as_object_mut().unwrap().remove("args"))),
        ("a log level outside the list", |o| o["logs"] = json!([{"level": "trace", "message": "m"}])),
        ("a log line with an extra key", |o| o["logs"] = json!([{"level": "log", "message": "m", "time": 1}])),
        ("an error with an extra key", |o| {
            o["status"] = json!("error");
            o["error"] = json!({"name": "Error", "message": "m", "line": 3});
        }),
        ("a request with an upper-case header", |o| {
            o["requests"] = json!([{"method": "GET", "url": "u", "headers": {"X-A": "1"}, "body": null, "status": 200}])
        }),
        ("warnings that are not strings", |o| o["warnings"] = json!([{"message": "m"}])),
        ("a denial with an error", |o| o["error"] = json!({"name": "Error", "message": "m"})),
    ];
    for (what, change) in changes {
        let mut bad = good.clone();
        change(&mut bad);
        assert!(!problems(&validator, &bad).is_empty(), "{what} passes the schema: {bad}");
    }
}
