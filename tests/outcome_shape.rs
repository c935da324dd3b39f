//! The Outcome JSON: the same keys for every consumer, as docs/outcome.md describes.

use serde_json::Value;

use crate::util::*;

fn keys(value: &Value) -> Vec<&str> {
    value.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn action_outcome_has_the_documented_fields() {
    let outcome = run(script_request("tenant/actions/require-verified-email/code.js")).await;
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(keys(&json), ["status", "trigger", "script", "returned", "commands", "requests", "logs", "logs_truncated", "error", "duration_ms"]);
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
    assert_eq!(keys(&json), ["status", "trigger", "script", "returned", "commands", "requests", "callback", "logs", "logs_truncated", "error", "duration_ms"]);
    assert_eq!(keys(&json["callback"]), ["error", "user", "context"]);
}

#[tokio::test]
async fn outcomes_round_trip_through_json() {
    let outcome = run(script_request("hostile/double-callback.rule.js")).await;
    let text = serde_json::to_string(&outcome).unwrap();
    let back: actionhost::Outcome = serde_json::from_str(&text).unwrap();
    assert_eq!(back, outcome);
}
