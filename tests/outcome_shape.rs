//! The Outcome JSON: the same keys for every consumer, as docs/outcome.md describes.

use serde_json::{json, Value};

use crate::util::*;

fn keys(value: &Value) -> Vec<&str> {
    value.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn action_outcome_has_the_documented_fields() {
    let outcome = run(script_request("tenant/actions/require-verified-email/code.js")).await;
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(
        keys(&json),
        [
            "status",
            "trigger",
            "script",
            "returned",
            "commands",
            "requests",
            "logs",
            "logs_truncated",
            "error",
            "duration_ms",
            "warnings"
        ]
    );
    assert_eq!(json["status"], "completed");
    assert_eq!(json["trigger"], "post-login");
    assert!(json["duration_ms"].as_f64().unwrap() > 0.0);
    let command = &json["commands"][0];
    assert_eq!(keys(command), ["api", "args"]);
}

#[tokio::test]
async fn rule_outcome_adds_the_callback() {
    let outcome = run(script_request("tenant/rules/require-verified-email.js")).await;
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(
        keys(&json),
        [
            "status",
            "trigger",
            "script",
            "returned",
            "commands",
            "requests",
            "callback",
            "logs",
            "logs_truncated",
            "error",
            "duration_ms",
            "warnings"
        ]
    );
    assert_eq!(keys(&json["callback"]), ["error", "user", "context"]);
}

/// docs/outcome.md for a rule calling `callback` twice: status `error`; `callback` "absent for
/// `error` outcomes raised by the runner"; error `CallbackError` with the message `callback was
/// called <N> times; a rule must call it exactly once` and no `stack`; `returned` `null`.
#[tokio::test]
async fn a_callback_error_outcome_has_the_documented_shape() {
    let outcome = run(script_request("hostile/double-callback.rule.js")).await;
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(
        keys(&json),
        [
            "status",
            "trigger",
            "script",
            "returned",
            "commands",
            "requests",
            "logs",
            "logs_truncated",
            "error",
            "duration_ms",
            "warnings"
        ]
    );
    assert_eq!(json["status"], "error");
    assert_eq!(json["trigger"], "rule");
    assert_eq!(json["script"], fixture("hostile/double-callback.rule.js").to_str().unwrap());
    assert_eq!(json["returned"], Value::Null);
    assert_eq!(
        (&json["commands"], &json["requests"], &json["logs"], &json["logs_truncated"]),
        (&json!([]), &json!([]), &json!([]), &json!(false))
    );
    assert_eq!(
        json["error"],
        json!({"name": "CallbackError", "message": "callback was called 2 times; a rule must call it exactly once"})
    );
    assert!(json["duration_ms"].as_f64().unwrap() > 0.0, "{json}");
}
