//! Unit tests of the expectation checker, each against what `docs/cases.md` ("Expectations")
//! promises of an `expect` field; the expected lines are written out by hand.

use serde_json::{json, Map, Value};

use super::{actual_value, check, recorded_fields};
use crate::outcome::{CallbackResult, Command, HttpRequest, LogLevel, LogLine, Outcome, OutcomeError, Status};
use crate::testing::effects::Effects;
use crate::testing::expect::{Expect, ExpectField};

/// An `expect` block as a case file gives it.
fn expect(block: Value) -> Expect {
    serde_json::from_value(block).unwrap()
}

/// An Action that completed and did nothing.
fn completed() -> Outcome {
    Outcome { status: Status::Completed, error: None, ..Outcome::invalid_request(None, "") }
}

/// An outcome whose status is `status`, failing with `name: message`.
fn failed(status: Status, name: &str, message: &str) -> Outcome {
    Outcome { status, error: Some(OutcomeError::new(name, message)), ..Outcome::invalid_request(None, "") }
}

/// The effects of an outcome that changed nothing.
fn no_effects(status: Status) -> Effects {
    Effects {
        status,
        deny: None,
        redirect: None,
        id_token: Map::new(),
        access_token: Map::new(),
        scopes: vec![],
        multifactor: None,
        app_metadata: Map::new(),
        user_metadata: Map::new(),
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn command(api: &str, args: Value) -> Command {
    serde_json::from_value(json!({"api": api, "args": args})).unwrap()
}

fn log(level: LogLevel, message: &str) -> LogLine {
    LogLine { level, message: message.into() }
}

/// Each failing field with its lines, in the order the checks report them.
fn failures(block: Value, outcome: &Outcome, effects: &Effects) -> Vec<(ExpectField, Vec<String>)> {
    check(&expect(block), outcome, effects).into_iter().map(|m| (m.field, m.lines)).collect()
}

/// The lines of the one failing field of `block` (a block naming one field).
fn lines(block: Value, outcome: &Outcome, effects: &Effects) -> Vec<String> {
    let mut found = failures(block, outcome, effects);
    match found.len() {
        0 => vec![],
        1 => found.remove(0).1,
        _ => panic!("more than one failing field: {found:?}"),
    }
}

#[test]
fn only_the_fields_given_are_checked() {
    let outcome = failed(Status::Denied, "UnauthorizedError", "no");
    let mut effects = no_effects(Status::Denied);
    effects.deny = Some("no".into());
    effects.scopes = vec!["openid".into()];
    assert!(failures(json!({}), &outcome, &effects).is_empty());
    assert!(failures(json!({"status": "denied", "deny": "no"}), &outcome, &effects).is_empty());
    // Every failing field is reported, in the order of the fields.
    let found = failures(json!({"scopes": [], "deny": null, "status": "completed"}), &outcome, &effects);
    assert_eq!(
        found,
        [
            (ExpectField::Status, vec!["expected: completed".to_owned(), "actual:   denied".to_owned()]),
            (ExpectField::Deny, vec!["expected: (none)".to_owned(), "actual:   \"no\"".to_owned()]),
            (ExpectField::Scopes, vec!["expected: []".to_owned(), "actual:   [\"openid\"]".to_owned()]),
        ]
    );
}

#[test]
fn a_status_that_differs_shows_the_error_of_a_failed_or_timed_out_run() {
    let error = failed(Status::Error, "TypeError", "x is not a function");
    assert_eq!(
        lines(json!({"status": "completed"}), &error, &no_effects(Status::Error)),
        ["expected: completed", "actual:   error", "error:    TypeError: x is not a function"]
    );
    let timeout = failed(Status::Timeout, "TimeoutError", "the script did not finish within 20000 ms");
    assert_eq!(
        lines(json!({"status": "completed"}), &timeout, &no_effects(Status::Timeout)),
        [
            "expected: completed",
            "actual:   timeout",
            "error:    TimeoutError: the script did not finish within 20000 ms"
        ]
    );
    // A denial's error is the denial itself, which `deny` shows.
    let denied = failed(Status::Denied, "UnauthorizedError", "no");
    assert_eq!(
        lines(json!({"status": "completed"}), &denied, &no_effects(Status::Denied)),
        ["expected: completed", "actual:   denied"]
    );
    assert!(lines(json!({"status": "error"}), &error, &no_effects(Status::Error)).is_empty());
    // A Rule that set `context.redirect` is `redirected`: the effects' status is the one checked.
    assert!(lines(json!({"status": "redirected"}), &completed(), &no_effects(Status::Redirected)).is_empty());
}

#[test]
fn deny_and_redirect_are_the_text_or_null_for_none() {
    let outcome = completed();
    let mut effects = no_effects(Status::Redirected);
    effects.redirect = Some("https://example.com/mfa?x=1".into());
    assert!(lines(json!({"redirect": "https://example.com/mfa?x=1"}), &outcome, &effects).is_empty());
    assert!(lines(json!({"deny": null}), &outcome, &effects).is_empty());
    assert_eq!(
        lines(json!({"deny": "Please verify your email."}), &outcome, &effects),
        ["expected: \"Please verify your email.\"", "actual:   (none)"]
    );
    assert_eq!(
        lines(json!({"redirect": null}), &outcome, &effects),
        ["expected: (none)", "actual:   \"https://example.com/mfa?x=1\""]
    );
    assert_eq!(
        lines(json!({"redirect": "https://example.com/mfa"}), &outcome, &effects),
        ["expected: \"https://example.com/mfa\"", "actual:   \"https://example.com/mfa?x=1\""]
    );
}

#[test]
fn claims_are_the_claims_given_and_an_empty_token_means_none() {
    let outcome = completed();
    let mut effects = no_effects(Status::Completed);
    effects.id_token = object(json!({"https://example.com/roles": ["admin"], "https://example.com/tier": 1.0}));
    // The claims given, with their values (others may be present; numbers by value).
    assert!(lines(json!({"claims": {"id_token": {"https://example.com/tier": 1}}}), &outcome, &effects).is_empty());
    assert!(lines(json!({"claims": {"access_token": {}}}), &outcome, &effects).is_empty());
    assert_eq!(
        lines(json!({"claims": {"id_token": {}}}), &outcome, &effects),
        [r#"id_token: expected none, actual {"https://example.com/roles":["admin"],"https://example.com/tier":1.0}"#]
    );
    assert_eq!(
        lines(
            json!({"claims": {"id_token": {"https://example.com/roles": ["editor"]}, "access_token": {"scope_set": true}}}),
            &outcome,
            &effects
        ),
        [
            r#"id_token["https://example.com/roles"][0]: expected "editor", actual "admin""#,
            "access_token.scope_set: expected true, actual (absent)",
        ]
    );
}

#[test]
fn scopes_are_the_final_scopes_in_any_order() {
    let mut effects = no_effects(Status::Completed);
    effects.scopes = vec!["openid".into(), "read:reports".into()];
    assert!(lines(json!({"scopes": ["read:reports", "openid"]}), &completed(), &effects).is_empty());
    assert_eq!(
        lines(json!({"scopes": ["openid"]}), &completed(), &effects),
        [r#"expected: ["openid"]"#, r#"actual:   ["openid","read:reports"]"#]
    );
}

#[test]
fn multifactor_is_matched_partially_and_null_means_not_required() {
    let mut effects = no_effects(Status::Completed);
    assert!(lines(json!({"multifactor": null}), &completed(), &effects).is_empty());
    assert_eq!(
        lines(json!({"multifactor": {"provider": "any"}}), &completed(), &effects),
        ["expected: {\"provider\":\"any\"}", "actual:   null"]
    );
    effects.multifactor = Some(object(json!({"provider": "any", "allowRememberBrowser": false})));
    assert!(lines(json!({"multifactor": {"provider": "any"}}), &completed(), &effects).is_empty());
    assert_eq!(
        lines(json!({"multifactor": {"provider": "duo"}}), &completed(), &effects),
        [r#"multifactor.provider: expected "duo", actual "any""#]
    );
    assert_eq!(
        lines(json!({"multifactor": null}), &completed(), &effects),
        ["expected: null", r#"actual:   {"provider":"any","allowRememberBrowser":false}"#]
    );
}

#[test]
fn metadata_is_the_keys_changed_and_an_empty_object_means_no_change() {
    let mut effects = no_effects(Status::Completed);
    assert!(lines(json!({"app_metadata": {}}), &completed(), &effects).is_empty());
    effects.app_metadata = object(json!({"plan": "gold", "trial": null}));
    effects.user_metadata = object(json!({"theme": "dark"}));
    assert!(lines(json!({"app_metadata": {"trial": null}}), &completed(), &effects).is_empty());
    assert_eq!(
        lines(json!({"app_metadata": {}}), &completed(), &effects),
        [r#"app_metadata: expected none, actual {"plan":"gold","trial":null}"#]
    );
    assert_eq!(
        lines(json!({"user_metadata": {"theme": "light"}}), &completed(), &effects),
        [r#"user_metadata.theme: expected "light", actual "dark""#]
    );
}

#[test]
fn commands_are_the_whole_list_in_order() {
    let outcome = Outcome {
        commands: vec![command("idToken.setCustomClaim", json!(["tier", 1.0])), command("access.deny", json!(["no"]))],
        ..completed()
    };
    let effects = no_effects(Status::Denied);
    let both = json!({"commands": [{"api": "idToken.setCustomClaim", "args": ["tier", 1]}, {"api": "access.deny"}]});
    assert!(lines(both, &outcome, &effects).is_empty());
    // Same length, other arguments.
    assert_eq!(
        lines(
            json!({"commands": [{"api": "idToken.setCustomClaim", "args": ["tier", 2]}, {"api": "access.deny", "args": ["no"]}]}),
            &outcome,
            &effects
        ),
        [
            r#"- idToken.setCustomClaim("tier", 2)"#,
            r#"+ idToken.setCustomClaim("tier", 1.0)"#,
            r#"  access.deny("no")"#
        ]
    );
    // `args` omitted matches any arguments, not any name.
    assert_eq!(
        lines(json!({"commands": [{"api": "redirect.sendUserTo"}, {"api": "access.deny"}]}), &outcome, &effects),
        ["- redirect.sendUserTo(…)", r#"+ idToken.setCustomClaim("tier", 1.0)"#, r#"  access.deny("no")"#]
    );
    assert_eq!(
        lines(json!({"commands": [{"api": "idToken.setCustomClaim"}]}), &outcome, &effects),
        [r#"  idToken.setCustomClaim("tier", 1.0)"#, r#"+ access.deny("no")"#]
    );
    assert_eq!(
        lines(json!({"commands": []}), &outcome, &effects),
        [r#"+ idToken.setCustomClaim("tier", 1.0)"#, r#"+ access.deny("no")"#]
    );
    assert!(lines(json!({"commands": []}), &completed(), &effects).is_empty());
}

#[test]
fn commands_contains_needs_each_call_in_any_order() {
    let outcome = Outcome {
        commands: vec![command("idToken.setCustomClaim", json!(["tier", 1])), command("access.deny", json!(["no"]))],
        ..completed()
    };
    let effects = no_effects(Status::Denied);
    assert!(lines(json!({"commands": {"contains": [{"api": "access.deny"}]}}), &outcome, &effects).is_empty());
    assert!(lines(json!({"commands": {"contains": []}}), &outcome, &effects).is_empty());
    assert_eq!(
        lines(
            json!({"commands": {"contains": [
                {"api": "access.deny", "args": ["no"]},
                {"api": "redirect.sendUserTo", "args": ["https://example.com/x"]},
                {"api": "idToken.setCustomClaim", "args": ["tier", 2]},
            ]}}),
            &outcome,
            &effects
        ),
        [
            r#"missing: redirect.sendUserTo("https://example.com/x")"#,
            r#"missing: idToken.setCustomClaim("tier", 2)"#,
            "actual:",
            r#"  idToken.setCustomClaim("tier", 1)"#,
            r#"  access.deny("no")"#,
        ]
    );
}

#[test]
fn logs_are_messages_or_level_and_message() {
    let outcome = Outcome { logs: vec![log(LogLevel::Log, "hello"), log(LogLevel::Warn, "careful")], ..completed() };
    let effects = no_effects(Status::Completed);
    // A bare message matches any level.
    assert!(lines(json!({"logs": ["hello", "careful"]}), &outcome, &effects).is_empty());
    assert!(lines(json!({"logs": ["hello", {"level": "warn", "message": "careful"}]}), &outcome, &effects).is_empty());
    assert_eq!(
        lines(json!({"logs": [{"level": "info", "message": "hello"}, "careful"]}), &outcome, &effects),
        [r#"- [info] "hello""#, r#"+ "hello""#, r#"  [warn] "careful""#]
    );
    assert_eq!(
        lines(json!({"logs": ["hello", "care"]}), &outcome, &effects),
        [r#"  "hello""#, r#"- "care""#, r#"+ [warn] "careful""#]
    );
    assert!(
        lines(json!({"logs": {"contains": [{"level": "warn", "message": "careful"}]}}), &outcome, &effects).is_empty()
    );
    assert_eq!(
        lines(json!({"logs": {"contains": ["bye", {"level": "error", "message": "careful"}]}}), &outcome, &effects),
        [r#"missing: "bye""#, r#"missing: [error] "careful""#, "actual:", r#"  "hello""#, r#"  [warn] "careful""#]
    );
}

#[test]
fn logs_truncated_is_whether_the_cap_was_reached() {
    let effects = no_effects(Status::Completed);
    assert!(lines(json!({"logs_truncated": false}), &completed(), &effects).is_empty());
    assert_eq!(lines(json!({"logs_truncated": true}), &completed(), &effects), ["expected: true", "actual:   false"]);
    let truncated = Outcome { logs_truncated: true, ..completed() };
    assert!(lines(json!({"logs_truncated": true}), &truncated, &effects).is_empty());
}

#[test]
fn error_is_its_name_and_a_pattern_searched_in_its_message() {
    let effects = no_effects(Status::Error);
    let error = failed(Status::Error, "TypeError", "fetch: no HTTP mock matches POST https://x.example/a");
    assert!(lines(json!({"error": null}), &completed(), &effects).is_empty());
    assert!(lines(json!({"error": {"name": "TypeError"}}), &error, &effects).is_empty());
    // Searched, not matched whole.
    assert!(lines(json!({"error": {"message": "no HTTP mock matches POST"}}), &error, &effects).is_empty());
    assert!(lines(json!({"error": {"name": "TypeError", "message": "^fetch: .*/a$"}}), &error, &effects).is_empty());
    assert_eq!(
        lines(json!({"error": null}), &error, &effects),
        ["expected: (none)", "actual:   TypeError: fetch: no HTTP mock matches POST https://x.example/a"]
    );
    assert_eq!(
        lines(json!({"error": {"name": "TypeError"}}), &completed(), &effects),
        ["expected: an error", "actual:   (none)"]
    );
    assert_eq!(
        lines(json!({"error": {"name": "RangeError", "message": "^no HTTP"}}), &error, &effects),
        [
            r#"error.name: expected "RangeError", actual "TypeError""#,
            r#"error.message: expected to match /^no HTTP/, actual "fetch: no HTTP mock matches POST https://x.example/a""#,
        ]
    );
    // A pattern that is no regular expression matches nothing.
    assert_eq!(
        lines(json!({"error": {"message": "mock ("}}), &error, &effects),
        [r#"error.message: expected to match /mock (/, actual "fetch: no HTTP mock matches POST https://x.example/a""#]
    );
}

#[test]
fn callback_and_returned_are_matched_partially() {
    let effects = no_effects(Status::Completed);
    let rule = Outcome {
        callback: Some(CallbackResult {
            error: None,
            user: json!({"user_id": "auth0|1", "app_metadata": {"plan": "gold"}}),
            context: json!({"clientID": "abc"}),
        }),
        ..completed()
    };
    assert!(lines(json!({"callback": {"error": null, "user": {"app_metadata": {"plan": "gold"}}}}), &rule, &effects)
        .is_empty());
    assert_eq!(
        lines(json!({"callback": {"context": {"clientID": "xyz"}}}), &rule, &effects),
        [r#"callback.context.clientID: expected "xyz", actual "abc""#]
    );
    assert_eq!(
        lines(json!({"callback": {"user": {}}}), &completed(), &effects),
        [r#"callback: expected {"user":{}}, actual (absent)"#]
    );
    let action = Outcome { returned: json!({"ok": true, "list": [1, 2]}), ..completed() };
    assert!(lines(json!({"returned": {"list": [1, 2.0]}}), &action, &effects).is_empty());
    // Arrays need the same length.
    assert_eq!(
        lines(json!({"returned": {"list": [1]}}), &action, &effects),
        ["returned.list: expected [1], actual [1,2]"]
    );
}

fn requests() -> Outcome {
    Outcome {
        requests: vec![
            HttpRequest {
                method: "POST".into(),
                url: "https://risk.example.com/v1/score?ip=203.0.113.42".into(),
                headers: object(json!({"content-type": "application/json", "x-api-key": "k1"})),
                body: Some(r#"{"ip":"203.0.113.42"}"#.into()),
                status: Some(200),
                error: None,
            },
            HttpRequest {
                method: "GET".into(),
                url: "https://api.example.com/users/7".into(),
                headers: Map::new(),
                body: None,
                status: None,
                error: None,
            },
        ],
        ..completed()
    }
}

#[test]
fn requests_match_on_each_key_given() {
    let outcome = requests();
    let effects = no_effects(Status::Completed);
    let post = json!({
        "method": "POST",
        "url": "https://risk.example.com/v1/score?ip=*",
        // Header names are case-insensitive (RFC 9110 §5.1).
        "headers": {"Content-Type": "application/json"},
        "body": r#"{"ip":"203.0.113.42"}"#,
        "status": 200,
    });
    let get = json!({"method": "GET", "url": "https://api.example.com/users/*", "body": null, "status": null});
    assert!(lines(json!({"requests": [post, get]}), &outcome, &effects).is_empty());
    assert!(lines(json!({"requests": [{}, {}]}), &outcome, &effects).is_empty());
    assert!(lines(json!({"requests": {"contains": [get]}}), &outcome, &effects).is_empty());
    // Each key alone makes the POST not match.
    for (key, other) in [
        ("method", json!("PUT")),
        ("url", json!("https://risk.example.com/v2/*")),
        ("headers", json!({"x-api-key": "k2"})),
        ("body", json!("{}")),
        ("status", json!(500)),
    ] {
        let mut expected = post.clone();
        expected[key] = other;
        assert_eq!(lines(json!({"requests": {"contains": [expected]}}), &outcome, &effects).len(), 4, "{key}");
    }
    assert_eq!(
        lines(
            json!({"requests": {"contains": [{"url": "https://risk.example.com/v2/*"}, {"status": null}]}}),
            &outcome,
            &effects
        ),
        [
            "missing: * https://risk.example.com/v2/* → …",
            "actual:",
            "  POST https://risk.example.com/v1/score?ip=203.0.113.42 → 200",
            "  GET https://api.example.com/users/7 → unmocked",
        ]
    );
    assert_eq!(
        lines(
            json!({"requests": {"contains": [
                {"method": "DELETE", "status": null},
                {"method": "POST", "url": "https://risk.example.com/v2/*", "status": 200},
            ]}}),
            &outcome,
            &effects
        ),
        [
            "missing: DELETE * → unmocked",
            "missing: POST https://risk.example.com/v2/* → 200",
            "actual:",
            "  POST https://risk.example.com/v1/score?ip=203.0.113.42 → 200",
            "  GET https://api.example.com/users/7 → unmocked",
        ]
    );
    assert_eq!(
        lines(json!({"requests": [{"method": "GET"}]}), &outcome, &effects),
        [
            "+ POST https://risk.example.com/v1/score?ip=203.0.113.42 → 200",
            "  GET https://api.example.com/users/7 → unmocked"
        ]
    );
}

#[test]
fn a_request_whose_connection_a_mock_failed_matches_on_its_error() {
    let mut outcome = requests();
    outcome.requests[1].error = Some(crate::request::ConnectionFailure::NotFound);
    let effects = no_effects(Status::Completed);
    let failed = json!({"url": "https://api.example.com/users/*", "status": null, "error": "ENOTFOUND"});
    assert!(lines(json!({"requests": {"contains": [failed]}}), &outcome, &effects).is_empty());
    assert_eq!(
        lines(json!({"requests": {"contains": [{"error": "ECONNRESET"}]}}), &outcome, &effects),
        [
            "missing: * * → ECONNRESET",
            "actual:",
            "  POST https://risk.example.com/v1/score?ip=203.0.113.42 → 200",
            "  GET https://api.example.com/users/7 → ENOTFOUND",
        ]
    );
    // A request that got an answer has no error to match.
    assert_eq!(lines(json!({"requests": [{"error": "ENOTFOUND"}, {}]}), &outcome, &effects).len(), 3);
}

/// Every effect and record an outcome can have, for `actual_value` and `recorded_fields`.
fn everything() -> (Outcome, Effects) {
    let outcome = Outcome {
        status: Status::Denied,
        commands: vec![command("idToken.setCustomClaim", json!(["tier", 1])), command("access.deny", json!(["no"]))],
        logs: vec![log(LogLevel::Log, "hello"), log(LogLevel::Error, "x.y() failed")],
        error: Some(OutcomeError::new("UnauthorizedError", "no")),
        returned: json!({"ok": true}),
        ..requests()
    };
    let effects = Effects {
        status: Status::Denied,
        deny: Some("no".into()),
        redirect: Some("https://example.com/r".into()),
        id_token: object(json!({"tier": 1})),
        access_token: Map::new(),
        scopes: vec!["openid".into(), "profile".into()],
        multifactor: Some(object(json!({"provider": "any", "allowRememberBrowser": false}))),
        app_metadata: object(json!({"plan": "gold"})),
        user_metadata: object(json!({"theme": null})),
    };
    (outcome, effects)
}

#[test]
fn actual_values_are_written_as_the_case_file_spells_them() {
    let (outcome, effects) = everything();
    let value = |field| actual_value(field, &outcome, &effects);
    assert_eq!(value(ExpectField::Status), json!("denied"));
    assert_eq!(value(ExpectField::Deny), json!("no"));
    assert_eq!(value(ExpectField::Redirect), json!("https://example.com/r"));
    // A token without claims is left out.
    assert_eq!(value(ExpectField::Claims), json!({"id_token": {"tier": 1}}));
    assert_eq!(value(ExpectField::Scopes), json!(["openid", "profile"]));
    assert_eq!(value(ExpectField::Multifactor), json!({"provider": "any", "allowRememberBrowser": false}));
    assert_eq!(value(ExpectField::AppMetadata), json!({"plan": "gold"}));
    assert_eq!(value(ExpectField::UserMetadata), json!({"theme": null}));
    assert_eq!(
        value(ExpectField::Commands),
        json!([{"api": "idToken.setCustomClaim", "args": ["tier", 1]}, {"api": "access.deny", "args": ["no"]}])
    );
    // A `log` line is its bare message.
    assert_eq!(value(ExpectField::Logs), json!(["hello", {"level": "error", "message": "x.y() failed"}]));
    assert_eq!(value(ExpectField::LogsTruncated), json!(false));
    assert_eq!(value(ExpectField::Error), json!({"name": "UnauthorizedError", "message": "no"}));
    assert_eq!(value(ExpectField::Callback), Value::Null);
    assert_eq!(value(ExpectField::Returned), json!({"ok": true}));
    assert_eq!(
        value(ExpectField::Requests),
        json!([
            {"method": "POST", "url": "https://risk.example.com/v1/score?ip=203.0.113.42", "status": 200,
             "body": r#"{"ip":"203.0.113.42"}"#},
            {"method": "GET", "url": "https://api.example.com/users/7", "status": null},
        ])
    );
    // The error's message is a pattern that matches the message itself.
    let error = failed(Status::Error, "TypeError", "a.b(1) is not a function [x]");
    assert_eq!(
        actual_value(ExpectField::Error, &error, &effects),
        json!({"name": "TypeError", "message": r"a\.b\(1\) is not a function \[x\]"})
    );
    let rule = Outcome {
        callback: Some(CallbackResult { error: None, user: json!({"a": 1}), context: json!({}) }),
        ..completed()
    };
    assert_eq!(
        actual_value(ExpectField::Callback, &rule, &effects),
        json!({"error": null, "user": {"a": 1}, "context": {}})
    );
}

/// `--update` checks the cases again against what it wrote: each field's actual value passes.
#[test]
fn every_actual_value_passes_its_own_check() {
    let (outcome, effects) = everything();
    let error = failed(Status::Error, "TypeError", "a.b(1) is not a function [x]");
    for (outcome, effects) in
        [(&outcome, &effects), (&error, &no_effects(Status::Error)), (&completed(), &no_effects(Status::Completed))]
    {
        for &field in ExpectField::ALL {
            let value = actual_value(field, outcome, effects);
            let block = json!({field.as_str(): value});
            assert!(failures(block.clone(), outcome, effects).is_empty(), "{block}");
        }
    }
}

#[test]
fn recorded_fields_are_the_status_and_every_effect_present() {
    // Commands are always recorded (`commands: []` says the script called nothing).
    let bare = completed();
    assert_eq!(recorded_fields(&bare, &no_effects(Status::Completed)), [ExpectField::Status, ExpectField::Commands]);
    let (outcome, effects) = everything();
    // A denial's error is the denial: `deny` records it.
    assert_eq!(
        recorded_fields(&outcome, &effects),
        [
            ExpectField::Status,
            ExpectField::Deny,
            ExpectField::Redirect,
            ExpectField::Claims,
            ExpectField::Multifactor,
            ExpectField::AppMetadata,
            ExpectField::UserMetadata,
            ExpectField::Commands,
            ExpectField::Logs,
            ExpectField::Returned,
            ExpectField::Requests,
        ]
    );
    let error = failed(Status::Error, "TypeError", "boom");
    assert_eq!(
        recorded_fields(&error, &no_effects(Status::Error)),
        [ExpectField::Status, ExpectField::Commands, ExpectField::Error]
    );
    for token in ["id_token", "access_token"] {
        let mut effects = no_effects(Status::Completed);
        let claims = object(json!({"tier": 1}));
        if token == "id_token" {
            effects.id_token = claims;
        } else {
            effects.access_token = claims;
        }
        assert_eq!(
            recorded_fields(&bare, &effects),
            [ExpectField::Status, ExpectField::Claims, ExpectField::Commands],
            "{token}"
        );
    }
}
