//! The post-login `api` and event as scripts see them when run by the engine.

use actionhost::{Phase, Request, Status};
use serde_json::json;

use crate::util::*;

fn action(body: &str) -> Request {
    inline(&format!("exports.onExecutePostLogin = async (event, api) => {{\n{body}\n}};"))
}

#[tokio::test]
async fn a_non_async_handler_is_rejected_with_auth0s_message() {
    let outcome = run(inline("exports.onExecutePostLogin = function (event, api) {};")).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(
        outcome.error.unwrap().message,
        r#"Invalid function signature for the "onExecutePostLogin" handler. Use "exports.onExecutePostLogin = async function(event, api) { }" as the signature."#
    );
}

#[tokio::test]
async fn the_continue_phase_runs_on_continue_post_login() {
    let source = "exports.onExecutePostLogin = async (event, api) => { api.redirect.sendUserTo('https://idp.example.com/verify', { query: { a: '1' } }); };\nexports.onContinuePostLogin = async (event, api) => { api.idToken.setCustomClaim('continued', event.request.query.state); };";
    let first = run(inline(source)).await;
    assert_eq!(first.status, Status::Redirected);
    assert_eq!(first.commands[0].args()[0], json!("https://idp.example.com/verify?a=1"));
    let resumed = run(Request {
        phase: Some(Phase::Continue),
        event: Some(json!({"request": {"query": {"state": "abc"}}})),
        ..inline(source)
    })
    .await;
    assert_eq!(resumed.status, Status::Completed);
    assert_eq!(resumed.commands[0].args(), [json!("continued"), json!("abc")]);
}

#[tokio::test]
async fn event_defaults_are_complete_and_overrides_deep_merge() {
    let outcome = run(Request {
        event: Some(json!({"user": {"email": "x@example.org"}})),
        client_metadata: Some(json!({"A": "1"})),
        secrets: Some(json!({"API_KEY": "s3cret"}).as_object().unwrap().clone()),
        ..action("return { email: event.user.email, id: event.user.user_id, meta: event.client.metadata, secret: event.secrets.API_KEY, tenant: event.tenant.id, ip: event.request.ip, app_metadata: event.user.app_metadata };")
    })
    .await;
    let r = outcome.returned;
    assert_eq!(r["email"], json!("x@example.org"));
    assert!(r["id"].as_str().unwrap().starts_with("auth0|"));
    assert_eq!(r["meta"], json!({"A": "1"}));
    assert_eq!(r["secret"], json!("s3cret"));
    assert_eq!(r["app_metadata"], json!({}));
    assert!(r["tenant"].is_string() && r["ip"].is_string());
}

#[tokio::test]
async fn client_metadata_is_an_empty_object_when_the_application_has_none() {
    let outcome = run(action("return event.client.metadata;")).await;
    assert_eq!(outcome.returned, json!({}));
}

#[tokio::test]
async fn transaction_metadata_is_visible_immediately() {
    let outcome =
        run(action("api.transaction.setMetadata('step', 'one'); return event.transaction.metadata.step;")).await;
    assert_eq!(outcome.returned, json!("one"));
    assert_eq!(apis(&outcome), ["transaction.setMetadata"]);
}

#[tokio::test]
async fn redirect_tokens_round_trip_through_the_hosts_hmac() {
    let source = "exports.onExecutePostLogin = async (event, api) => api.redirect.encodeToken({ secret: 'k', payload: { a: 1 } });";
    let token = run(inline(source)).await.returned.as_str().unwrap().to_owned();
    assert_eq!(token.split('.').count(), 3);
    // The same HS256 signature, computed independently.
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    use base64::Engine as _;
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"k").unwrap();
    mac.update(signing_input.as_bytes());
    assert_eq!(signature, base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
}

#[tokio::test]
async fn cache_returns_records_and_error_codes() {
    let outcome = run(action(
        "const ok = api.cache.set('k', 'v'); const big = api.cache.set('x'.repeat(65), 'v'); return { ok: ok.type, got: api.cache.get('k').value, big: big.code, missing: api.cache.get('nope') === undefined };",
    ))
    .await;
    assert_eq!(outcome.returned, json!({"ok": "success", "got": "v", "big": "CacheKeySizeExceeded", "missing": true}));
}

#[tokio::test]
async fn invalid_api_arguments_throw_and_record_nothing() {
    let outcome = run(action("api.accessToken.addScope('two words');")).await;
    assert_eq!(outcome.status, Status::Error);
    assert!(outcome.commands.is_empty());
    assert!(outcome.error.unwrap().message.contains("addScope"));
}

#[tokio::test]
async fn setters_chain_and_deny_does_not_stop_the_script() {
    let outcome = run(action("api.idToken.setCustomClaim('a', 1).idToken.setCustomClaim('b', 2); api.access.deny('no'); api.user.setAppMetadata('k', 'v');")).await;
    assert_eq!(outcome.status, Status::Denied);
    assert_eq!(
        apis(&outcome),
        ["idToken.setCustomClaim", "idToken.setCustomClaim", "access.deny", "user.setAppMetadata"]
    );
}

#[tokio::test]
async fn console_levels_and_formatting_are_captured() {
    let outcome = run(action("console.log('a', {b: [1, 2]}); console.warn('w'); console.error(new Error('e').message); console.info(1, true, null); console.debug(undefined);")).await;
    let lines: Vec<(&str, &str)> = outcome.logs.iter().map(|l| (l.level.as_str(), l.message.as_str())).collect();
    assert_eq!(
        lines,
        [("log", "a { b: [ 1, 2 ] }"), ("warn", "w"), ("error", "e"), ("info", "1 true null"), ("debug", "undefined")]
    );
}

#[tokio::test]
async fn web_globals_come_from_deno_web() {
    let outcome = run(action(
        "await new Promise(r => setTimeout(r, 1)); return [new URL('https://a.example/p?q=1').searchParams.get('q'), new TextEncoder().encode('é').length, new TextDecoder().decode(new Uint8Array([104, 105])), atob(btoa('hi')), structuredClone({a: [1]}).a[0], new URLSearchParams({x: 'y'}).toString()];",
    ))
    .await;
    assert_eq!(outcome.returned, json!(["1", 2, "hi", "hi", 1, "x=y"]));
}

#[tokio::test]
async fn string_timer_callbacks_are_refused_as_in_node() {
    let outcome = run(action("setTimeout('1 + 1', 1);")).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.error.unwrap().message, "The \"callback\" argument must be of type function. Received string");
}

#[tokio::test]
async fn require_of_an_unprovided_module_names_it() {
    let outcome =
        run(inline("const axios = require('axios@0.21.1');\nexports.onExecutePostLogin = async () => {};")).await;
    assert_eq!(outcome.status, Status::Error);
    let message = outcome.error.unwrap().message;
    assert!(message.starts_with("Cannot find module 'axios@0.21.1'"), "{message}");
}

#[tokio::test]
async fn a_thrown_error_keeps_the_scripts_line_numbers() {
    let outcome =
        run(inline("// line 1\n// line 2\nexports.onExecutePostLogin = async () => {\n  throw new Error('boom');\n};"))
            .await;
    let stack = outcome.error.unwrap().stack.unwrap();
    assert!(stack.contains("<inline>:4:"), "{stack}");
}

#[tokio::test]
async fn columns_on_the_first_line_are_the_scripts_own() {
    let outcome = run(inline("exports.onExecutePostLogin = async () => { throw new Error('x'); };")).await;
    let stack = outcome.error.unwrap().stack.unwrap();
    assert!(stack.contains("<inline>:1:50"), "{stack}");
}

#[tokio::test]
async fn rules_was_executed_knows_the_rules_named_in_the_request() {
    let outcome = run(Request {
        rules_executed: Some(vec!["add-roles-claim".into()]),
        ..action("return [api.rules.wasExecuted('add-roles-claim'), api.rules.wasExecuted('other')];")
    })
    .await;
    assert_eq!(outcome.returned, json!([true, false]));
}

/// docs/outcome.md: `denied` when "an `access.deny` command was recorded (this wins over a
/// redirect)"; `redirected` only when "no `access.deny`". The redirect is called first, so
/// neither a redirect-first check nor a first-command-wins rule gives `denied`.
#[tokio::test]
async fn a_deny_wins_over_a_redirect_in_the_same_action() {
    let outcome =
        run(action("api.redirect.sendUserTo('https://idp.example.com/step-up');\napi.access.deny('no entry');")).await;
    assert_eq!(apis(&outcome), ["redirect.sendUserTo", "access.deny"], "both calls are recorded");
    assert_eq!(outcome.status, Status::Denied, "{outcome:?}");
    assert_eq!(outcome.error, None);
}
