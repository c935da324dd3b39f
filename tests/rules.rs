//! Rules: the callback protocol, the forms rules are written in, and the legacy globals.

use actionhost::{Request, Status};
use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn unauthorized_error_has_auth0s_shape() {
    let outcome =
        run(inline("function (user, context, callback) { const e = new UnauthorizedError('nope'); callback(e); }"))
            .await;
    assert_eq!(outcome.status, Status::Denied);
    let error = outcome.callback.unwrap().error.unwrap();
    assert_eq!(error.name, "UnauthorizedError");
    assert_eq!(error.message, "nope");
    assert_eq!(error.code, Some(json!("unauthorized")));
    assert_eq!(error.status_code, Some(json!(401)));
    assert_eq!(error.description, Some(json!("nope")));
    assert!(outcome.error.is_none());
}

#[tokio::test]
async fn another_error_passed_to_callback_is_an_error() {
    let outcome = run(inline("function (user, context, callback) { callback(new Error('upstream failed')); }")).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.error.unwrap().message, "upstream failed");
}

#[tokio::test]
async fn bare_callback_keeps_the_mutated_user_and_context() {
    let outcome = run(inline("function (user, context, callback) { user.nickname = 'changed'; context.multifactor = { provider: 'any' }; context.redirect = { url: 'https://x.example' }; return callback(); }")).await;
    // Auth0's Rules docs (redirect from rules): setting `context.redirect.url` sends the user
    // there once the Rules have run; `run`, `simulate` and `actionhost test` all call it redirected.
    assert_eq!(outcome.status, Status::Redirected);
    let callback = outcome.callback.unwrap();
    assert_eq!(callback.user["nickname"], json!("changed"));
    assert_eq!(callback.context["multifactor"], json!({"provider": "any"}));
    assert_eq!(callback.context["redirect"], json!({"url": "https://x.example"}));
}

#[tokio::test]
async fn a_rule_without_a_redirect_url_completes() {
    let outcome =
        run(inline("function (user, context, callback) { context.redirect = {}; callback(null, user, context); }"))
            .await;
    assert_eq!(outcome.status, Status::Completed);
}

#[tokio::test]
async fn rule_forms_found_in_real_repositories_run() {
    let forms = [
        "function (user, context, callback) { callback(null, user, context); }",
        "/**\n * @title Named\n */\n// comment\nfunction addNothing(user, context, callback) {\n  callback(null, user, context);\n}\n",
        "async function (user, context, callback) { await Promise.resolve(); callback(null, user, context); }",
    ];
    for form in forms {
        let outcome = run(inline(form)).await;
        assert_eq!(outcome.status, Status::Completed, "{form}: {:?}", outcome.error);
        assert_eq!(outcome.trigger, Some(actionhost::Trigger::Rule));
    }
}

#[tokio::test]
async fn a_trailing_semicolon_breaks_a_rule_and_the_error_says_why() {
    let outcome = run(Request {
        trigger: Some(actionhost::Trigger::Rule),
        ..inline("function (user, context, callback) { callback(null, user, context); };")
    })
    .await;
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "SyntaxError");
    assert!(error.message.contains("trailing semicolon"), "{}", error.message);
}

#[tokio::test]
async fn configuration_and_auth0_globals() {
    let source = "function (user, context, callback) {\n  auth0.users.updateAppMetadata(user.user_id, { plan: configuration.PLAN })\n    .then(() => auth0.users.updateUserMetadata(user.user_id, { theme: 'dark' }, function (err, u) { context.idToken.cb = !err && u.user_metadata.theme; callback(null, user, context); }));\n  context.idToken.domain = auth0.domain;\n}";
    let outcome =
        run(Request { configuration: Some(json!({"PLAN": "pro"}).as_object().unwrap().clone()), ..inline(source) })
            .await;
    assert_eq!(outcome.status, Status::Completed);
    assert_eq!(apis(&outcome), ["auth0.users.updateAppMetadata", "auth0.users.updateUserMetadata"]);
    assert_eq!(outcome.commands[0].args()[1], json!({"plan": "pro"}));
    let context = outcome.callback.unwrap().context;
    assert_eq!(context["idToken"]["cb"], json!("dark"));
    assert!(context["idToken"]["domain"].as_str().unwrap().ends_with(".auth0.com"));
}

#[tokio::test]
async fn rules_user_has_no_app_metadata_by_default() {
    let outcome = run(inline("function (user, context, callback) { context.idToken.t = typeof user.app_metadata; callback(null, user, context); }")).await;
    assert_eq!(outcome.callback.unwrap().context["idToken"]["t"], json!("undefined"));
}

#[tokio::test]
async fn a_falsy_first_argument_to_callback_continues_as_on_auth0() {
    for value in ["false", "0", "''", "undefined", "null"] {
        let outcome =
            run(inline(&format!("function (user, context, callback) {{ callback({value}, user, context); }}"))).await;
        assert_eq!(outcome.status, Status::Completed, "callback({value})");
    }
}

#[tokio::test]
async fn integers_stay_integers() {
    let outcome = run(inline("function (user, context, callback) { callback(null, user, context); }")).await;
    let timestamp = &outcome.callback.unwrap().context["authentication"]["methods"][0]["timestamp"];
    assert!(timestamp.is_i64(), "{timestamp}");
}
