//! The seed examples: an Action and a Rule that return early when the application's metadata
//! has `SKIP_VERIFICATION: "yes"`, in the three metadata situations (flag, other metadata, none).

use actionhost::{HostConfig, MissingClientMetadata, Request, Status};
use serde_json::json;

use crate::util::*;

const ACTION: &str = "tenant/actions/require-verified-email/code.js";
const RULE: &str = "tenant/rules/require-verified-email.js";

async fn action_with_event(event: &str) -> actionhost::Outcome {
    run(Request { event: Some(read_json(event)), ..script_request(ACTION) }).await
}

#[tokio::test]
async fn action_skips_verification_when_the_application_has_the_flag() {
    let outcome = action_with_event("seed/events/app-with-flag.json").await;
    assert_eq!(outcome.status, Status::Completed);
    assert!(outcome.commands.is_empty());
    assert_eq!(outcome.logs[0].message, "skipping email verification for Internal Tools");
}

#[tokio::test]
async fn action_denies_an_unverified_user_when_the_application_has_other_metadata() {
    let outcome = action_with_event("seed/events/app-without-flag.json").await;
    assert_eq!(outcome.status, Status::Denied);
    assert_eq!(apis(&outcome), ["access.deny"]);
    assert_eq!(outcome.commands[0].args(), [json!("Please verify your email address before logging in.")]);
}

#[tokio::test]
async fn action_denies_an_unverified_user_when_the_application_has_no_metadata() {
    let outcome = action_with_event("seed/events/app-without-metadata.json").await;
    assert_eq!(outcome.status, Status::Denied);
    assert_eq!(apis(&outcome), ["access.deny"]);
}

#[tokio::test]
async fn action_sets_claims_for_a_verified_user_from_the_client_metadata_field() {
    let outcome = run(Request { client_metadata: Some(json!({"TIER": "gold"})), ..script_request(ACTION) }).await;
    assert_eq!(outcome.status, Status::Completed);
    assert_eq!(apis(&outcome), ["idToken.setCustomClaim", "accessToken.setCustomClaim"]);
    assert_eq!(outcome.commands[1].args(), [json!("https://example.com/tier"), json!("gold")]);

    let flagged = run(Request {
        client_metadata: Some(json!({"SKIP_VERIFICATION": "yes"})),
        event: Some(json!({"user": {"email_verified": false}})),
        ..script_request(ACTION)
    })
    .await;
    assert_eq!(flagged.status, Status::Completed);
    assert!(flagged.commands.is_empty());
}

async fn rule_with_context(context: &str) -> actionhost::Outcome {
    run(Request {
        user: Some(read_json("seed/user-unverified.json")),
        context: Some(read_json(context)),
        ..script_request(RULE)
    })
    .await
}

#[tokio::test]
async fn rule_skips_verification_when_the_application_has_the_flag() {
    let outcome = rule_with_context("seed/contexts/app-with-flag.json").await;
    assert_eq!(outcome.status, Status::Completed);
    let callback = outcome.callback.unwrap();
    assert!(callback.error.is_none());
    assert_eq!(callback.context["clientMetadata"], json!({"SKIP_VERIFICATION": "yes"}));
    assert_eq!(callback.context["idToken"], json!({}));
}

#[tokio::test]
async fn rule_denies_an_unverified_user_when_the_application_has_other_metadata() {
    let outcome = rule_with_context("seed/contexts/app-without-flag.json").await;
    assert_eq!(outcome.status, Status::Denied);
    let error = outcome.callback.unwrap().error.unwrap();
    assert_eq!(error.name, "UnauthorizedError");
    assert_eq!(error.message, "Please verify your email address before logging in.");
}

#[tokio::test]
async fn rule_denies_an_unverified_user_when_the_application_has_no_metadata() {
    let outcome = rule_with_context("seed/contexts/app-without-metadata.json").await;
    assert_eq!(outcome.status, Status::Denied);
}

#[tokio::test]
async fn rule_sets_claims_for_a_verified_user() {
    let outcome = run(Request { client_metadata: Some(json!({"TIER": "silver"})), ..script_request(RULE) }).await;
    assert_eq!(outcome.status, Status::Completed);
    let context = outcome.callback.unwrap().context;
    assert_eq!(context["idToken"]["https://example.com/email_verified"], json!(true));
    assert_eq!(context["accessToken"]["https://example.com/tier"], json!("silver"));
}

const UNGUARDED_RULE: &str = "function (user, context, callback) {\n  if (context.clientMetadata.SKIP_VERIFICATION === 'yes') return callback(null, user, context);\n  callback(null, user, context);\n}";

#[tokio::test]
async fn rule_context_has_no_client_metadata_when_the_application_never_had_any() {
    let outcome = run(inline(UNGUARDED_RULE)).await;
    assert_eq!(outcome.status, Status::Error);
    let error = outcome.error.unwrap();
    assert_eq!(error.name, "TypeError");
    assert!(error.message.contains("SKIP_VERIFICATION"), "{}", error.message);
    assert!(error.stack.unwrap().contains("<inline>:2:"));
}

#[tokio::test]
async fn missing_client_metadata_can_be_configured_as_empty() {
    let host = actionhost::Host::new(HostConfig {
        workers: 1,
        missing_client_metadata: MissingClientMetadata::Empty,
        ..crate::util::config()
    });
    let outcome = host.run(inline(UNGUARDED_RULE)).await.unwrap();
    assert_eq!(outcome.status, Status::Completed);
    assert_eq!(outcome.callback.unwrap().context["clientMetadata"], json!({}));
}
