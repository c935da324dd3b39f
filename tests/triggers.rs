//! Every Actions trigger through the host: a script using each method of the trigger's `api` runs
//! in a worker, and the recorded commands (`{api, args}`) and the status are what Auth0's
//! documentation says the calls do (denied, redirected or completed); argument checks fail the
//! execution with Auth0's message; `phase: continue` runs a trigger's continue handler or is
//! refused; tenant Actions run as the trigger their `supported_triggers` names; batch lines take
//! any trigger; application metadata reaches `event.client.metadata` where the event has a client.

use actionhost::{Phase, Request, Script, Status, Trigger};
use serde_json::{json, Value};

use crate::util::*;

/// An inline Action whose only handler is `handler`, with `body` as its code.
fn handler(handler: &str, body: &str) -> Request {
    inline(&format!("exports.{handler} = async (event, api) => {{\n{body}\n}};"))
}

/// Every Actions trigger with its handlers, `onExecute…` and `onContinue…` where it has one
/// (Auth0's trigger references; the continue handlers as named below).
const HANDLERS: [(Trigger, &str, Option<&str>); 11] = [
    (Trigger::PostLogin, "onExecutePostLogin", Some("onContinuePostLogin")),
    (Trigger::CredentialsExchange, "onExecuteCredentialsExchange", None),
    (Trigger::PreUserRegistration, "onExecutePreUserRegistration", Some("onContinuePreUserRegistration")),
    (Trigger::PostUserRegistration, "onExecutePostUserRegistration", None),
    (Trigger::PostChangePassword, "onExecutePostChangePassword", None),
    (Trigger::SendPhoneMessage, "onExecuteSendPhoneMessage", None),
    (Trigger::PasswordResetPostChallenge, "onExecutePostChallenge", Some("onContinuePostChallenge")),
    (Trigger::CustomTokenExchange, "onExecuteCustomTokenExchange", None),
    (Trigger::EventStream, "onExecuteEventStream", None),
    (Trigger::CustomEmailProvider, "onExecuteCustomEmailProvider", None),
    (Trigger::CustomPhoneProvider, "onExecuteCustomPhoneProvider", None),
];

#[test]
fn the_handler_table_names_every_actions_trigger() {
    let listed: Vec<Trigger> = HANDLERS.iter().map(|(trigger, ..)| *trigger).collect();
    assert_eq!(listed, Trigger::actions().collect::<Vec<_>>());
}

/// `(api, args)` of every recorded command, for whole-list comparisons.
fn calls(outcome: &actionhost::Outcome) -> Vec<(String, Value)> {
    outcome.commands.iter().map(|c| (c.name().to_string(), Value::Array(c.args().to_vec()))).collect()
}

fn call(api: &str, args: Value) -> (String, Value) {
    (api.to_owned(), args)
}

/// The message of a failed execution.
fn error_message(outcome: &actionhost::Outcome) -> String {
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    outcome.error.as_ref().expect("an error").message.clone()
}

// Expiry of a cache entry set at the default clock (2024-06-01T09:30:00Z) with a one-minute ttl.
const NOW_MS: i64 = 1_717_234_200_000;

/// Each run gets the fixed clock, so cache expiries are known.
async fn run_at_now(request: Request) -> actionhost::Outcome {
    run(Request { now: Some(json!(NOW_MS)), ..request }).await
}

// credentials-exchange. Auth0: https://auth0.com/docs/customize/actions/explore-triggers/machine-to-machine-trigger/credentials-exchange-api-object
// (`api.access.deny(code, reason)` with code invalid_scope | invalid_request | server_error,
// `api.accessToken.setCustomClaim`, `api.cache`, [EA] `api.transaction.*TargetScope(s)`).

#[tokio::test]
async fn credentials_exchange_records_every_method_and_a_deny_denies() {
    let outcome = run_at_now(handler(
        "onExecuteCredentialsExchange",
        "api.accessToken.setCustomClaim('https://example.com/tier', 'gold');
         api.transaction.setTargetScopes(['read:reports', 'write:reports']);
         api.transaction.addTargetScope('export:reports');
         api.transaction.removeTargetScope('write:reports');
         api.cache.set('k', 'v', { ttl: 60000 });
         api.cache.delete('k');
         api.access.deny('invalid_scope', 'export is not for machines');
         return event.transaction.target_scopes;",
    ))
    .await;
    assert_eq!(outcome.trigger, Some(Trigger::CredentialsExchange));
    assert_eq!(outcome.status, Status::Denied, "{outcome:?}");
    assert_eq!(
        calls(&outcome),
        [
            call("accessToken.setCustomClaim", json!(["https://example.com/tier", "gold"])),
            call("transaction.setTargetScopes", json!([["read:reports", "write:reports"]])),
            call("transaction.addTargetScope", json!(["export:reports"])),
            call("transaction.removeTargetScope", json!(["write:reports"])),
            call("cache.set", json!(["k", "v", {"expires_at": NOW_MS + 60_000}])),
            call("cache.delete", json!(["k"])),
            call("access.deny", json!(["invalid_scope", "export is not for machines"])),
        ]
    );
    // The live target scopes follow the calls at once.
    assert_eq!(outcome.returned, json!(["read:reports", "export:reports"]));
}

#[tokio::test]
async fn credentials_exchange_without_a_deny_completes_and_clearing_scopes_is_recorded() {
    let outcome = run(handler(
        "onExecuteCredentialsExchange",
        "api.transaction.clearTargetScopes(); api.accessToken.setCustomClaim('n', 1);",
    ))
    .await;
    assert_eq!(outcome.status, Status::Completed, "{outcome:?}");
    assert_eq!(
        calls(&outcome),
        [call("transaction.clearTargetScopes", json!([])), call("accessToken.setCustomClaim", json!(["n", 1]))]
    );
}

#[tokio::test]
async fn credentials_exchange_refuses_a_deny_code_auth0_does_not_accept() {
    let outcome = run(handler("onExecuteCredentialsExchange", "api.access.deny('access_denied', 'no');")).await;
    let message = error_message(&outcome);
    assert!(message.starts_with("api.access.deny: code must be one of"), "{message}");
    for code in ["invalid_scope", "invalid_request", "server_error"] {
        assert!(message.contains(code), "{message}");
    }
    assert!(outcome.commands.is_empty());
}

// pre-user-registration. Auth0: https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/pre-user-registration-trigger/pre-user-registration-api-object
// (`api.access.deny(reason, userMessage)`, `api.user.setAppMetadata/setUserMetadata`,
// `api.validation.error(errorCode, errorMessage)`, `api.cache`), and `api.user.setUserId` of the
// `@auth0/actions` type definitions.

#[tokio::test]
async fn pre_user_registration_sets_metadata_and_the_id_and_completes() {
    let outcome = run(handler(
        "onExecutePreUserRegistration",
        "api.user.setUserMetadata('plan', 'free');
         api.user.setAppMetadata('source', { campaign: 'spring' });
         api.user.setUserId('jane.doe@example.com');",
    ))
    .await;
    assert_eq!(outcome.trigger, Some(Trigger::PreUserRegistration));
    assert_eq!(outcome.status, Status::Completed, "{outcome:?}");
    assert_eq!(
        calls(&outcome),
        [
            call("user.setUserMetadata", json!(["plan", "free"])),
            call("user.setAppMetadata", json!(["source", {"campaign": "spring"}])),
            call("user.setUserId", json!(["jane.doe@example.com"])),
        ]
    );
}

#[tokio::test]
async fn pre_user_registration_deny_and_validation_error_both_deny() {
    let denied = run(handler(
        "onExecutePreUserRegistration",
        "api.access.deny('disposable_email', 'Please use a permanent address.');",
    ))
    .await;
    assert_eq!(denied.status, Status::Denied);
    assert_eq!(calls(&denied), [call("access.deny", json!(["disposable_email", "Please use a permanent address."]))]);

    let invalid =
        run(handler("onExecutePreUserRegistration", "api.validation.error('invalid_title', 'Too long.');")).await;
    assert_eq!(invalid.status, Status::Denied);
    assert_eq!(calls(&invalid), [call("validation.error", json!(["invalid_title", "Too long."]))]);
}

#[tokio::test]
async fn pre_user_registration_refuses_a_user_id_auth0_would_refuse() {
    let outcome = run(handler("onExecutePreUserRegistration", "api.user.setUserId('has spaces');")).await;
    let message = error_message(&outcome);
    assert!(message.starts_with("api.user.setUserId: user_id must be 1-255"), "{message}");
}

// The four triggers whose api is `api.cache` only. Auth0:
// https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/post-user-registration-trigger/post-user-registration-api-object,
// .../password-reset-triggers/post-change-password-trigger/post-change-password-api-object,
// .../mfa-notifications-trigger/send-phone-message-api-object,
// https://auth0.com/docs/customize/events/create-an-event-stream (event-stream Actions).

#[tokio::test]
async fn cache_only_triggers_record_cache_writes_complete_and_have_no_access() {
    for (trigger, execute) in [
        (Trigger::PostUserRegistration, "onExecutePostUserRegistration"),
        (Trigger::PostChangePassword, "onExecutePostChangePassword"),
        (Trigger::SendPhoneMessage, "onExecuteSendPhoneMessage"),
        (Trigger::EventStream, "onExecuteEventStream"),
    ] {
        let outcome = run_at_now(handler(
            execute,
            "api.cache.set('seen', 'yes', { ttl: 60000 });
             const read = api.cache.get('seen');
             api.cache.set('other', 'x');
             api.cache.delete('other');
             api.cache.delete('never-set');
             return { read: read && read.value, access: typeof api.access };",
        ))
        .await;
        assert_eq!(outcome.trigger, Some(trigger));
        assert_eq!(outcome.status, Status::Completed, "{trigger}: {outcome:?}");
        assert_eq!(
            calls(&outcome),
            [
                call("cache.set", json!(["seen", "yes", {"expires_at": NOW_MS + 60_000}])),
                // Auth0's default lifetime is 15 minutes; deleting an absent key records nothing.
                call("cache.set", json!(["other", "x", {"expires_at": NOW_MS + 15 * 60_000}])),
                call("cache.delete", json!(["other"])),
            ],
            "{trigger}"
        );
        assert_eq!(outcome.returned["read"], json!("yes"), "{trigger}");
        assert_eq!(outcome.returned["access"], json!("undefined"), "{trigger}: no api.access");
    }
}

#[tokio::test]
async fn a_cache_value_that_is_not_a_string_fails_the_execution() {
    let outcome = run(handler("onExecutePostChangePassword", "api.cache.set('k', 1);")).await;
    assert!(error_message(&outcome).contains("value must be a string"), "{outcome:?}");
}

// password-reset-post-challenge. Auth0: https://auth0.com/docs/customize/actions/explore-triggers/password-reset-triggers/post-challenge-trigger/post-challenge-api-object
// (`api.access.deny(reason)`, `api.authentication.challengeWith/challengeWithAny`,
// `api.redirect.sendUserTo/encodeToken/validateToken`, `api.prompt.render`,
// `api.transaction.setResultUrl(url, {query})`, `api.cache`; a redirect is resumed in
// `onContinuePostChallenge`).

#[tokio::test]
async fn password_reset_post_challenge_records_challenges_prompts_and_the_result_url() {
    let outcome = run(handler(
        "onExecutePostChallenge",
        "api.authentication.challengeWith({ type: 'otp' }, { additionalFactors: [{ type: 'email' }] });
         api.authentication.challengeWithAny([{ type: 'otp' }, { type: 'phone' }]);
         api.prompt.render('confirm-reset', { fields: { reason: 'check' } });
         api.transaction.setResultUrl('https://app.example.com/account', { query: { reset: 'done' } });",
    ))
    .await;
    assert_eq!(outcome.trigger, Some(Trigger::PasswordResetPostChallenge));
    assert_eq!(outcome.status, Status::Completed, "{outcome:?}");
    assert_eq!(
        calls(&outcome),
        [
            call("authentication.challengeWith", json!([{"type": "otp"}, {"additionalFactors": [{"type": "email"}]}])),
            call("authentication.challengeWithAny", json!([[{"type": "otp"}, {"type": "phone"}]])),
            call("prompt.render", json!(["confirm-reset", {"fields": {"reason": "check"}}])),
            call("transaction.setResultUrl", json!(["https://app.example.com/account?reset=done"])),
        ]
    );
}

#[tokio::test]
async fn password_reset_post_challenge_redirects_denies_and_a_deny_wins() {
    let redirected = run(handler(
        "onExecutePostChallenge",
        "api.redirect.sendUserTo('https://idv.example.com/check', { query: { state: 's1' } });",
    ))
    .await;
    assert_eq!(redirected.status, Status::Redirected);
    assert_eq!(calls(&redirected), [call("redirect.sendUserTo", json!(["https://idv.example.com/check?state=s1"]))]);

    let denied = run(handler(
        "onExecutePostChallenge",
        "api.redirect.sendUserTo('https://idv.example.com/check'); api.access.deny('Reset disabled.');",
    ))
    .await;
    assert_eq!(denied.status, Status::Denied);
    assert_eq!(apis(&denied), ["redirect.sendUserTo", "access.deny"]);
    assert_eq!(denied.commands[1].args(), [json!("Reset disabled.")]);
}

#[tokio::test]
async fn password_reset_post_challenge_refuses_a_relative_result_url() {
    let outcome = run(handler("onExecutePostChallenge", "api.transaction.setResultUrl('/account');")).await;
    assert!(error_message(&outcome).starts_with("api.transaction.setResultUrl: url must be an absolute URL"));
}

// custom-token-exchange. Auth0: https://auth0.com/docs/authenticate/custom-token-exchange/cte-actions-api-object
// (`api.authentication.setUserById/setUserByConnection/setOrganization/setActor`,
// `api.access.deny(code, reason)`, `api.access.rejectInvalidSubjectToken(reason)`,
// `api.user.setAppMetadata/setUserMetadata`, `api.cache`); messages of `@auth0/actions`.

#[tokio::test]
async fn custom_token_exchange_sets_the_user_organization_actor_and_metadata() {
    let outcome = run(handler(
        "onExecuteCustomTokenExchange",
        "api.authentication.setUserById('auth0|legacy-42');
         api.authentication.setOrganization('org_acme');
         api.authentication.setActor({ sub: 'agent|7' });
         api.user.setUserMetadata('locale', 'fr');
         api.user.setAppMetadata('legacy_id', '42');",
    ))
    .await;
    assert_eq!(outcome.trigger, Some(Trigger::CustomTokenExchange));
    assert_eq!(outcome.status, Status::Completed, "{outcome:?}");
    assert_eq!(
        calls(&outcome),
        [
            call("authentication.setUserById", json!(["auth0|legacy-42"])),
            call("authentication.setOrganization", json!(["org_acme"])),
            call("authentication.setActor", json!([{"sub": "agent|7"}])),
            call("user.setUserMetadata", json!(["locale", "fr"])),
            call("user.setAppMetadata", json!(["legacy_id", "42"])),
        ]
    );

    let by_connection = run(handler(
        "onExecuteCustomTokenExchange",
        "api.authentication.setUserByConnection('Username-Password-Authentication', { user_id: 'u1', email: 'u1@example.com' }, { creationBehavior: 'create_if_not_exists', updateBehavior: 'none' });",
    ))
    .await;
    assert_eq!(by_connection.status, Status::Completed, "{by_connection:?}");
    assert_eq!(
        calls(&by_connection),
        [call(
            "authentication.setUserByConnection",
            json!([
                "Username-Password-Authentication",
                {"user_id": "u1", "email": "u1@example.com"},
                {"creationBehavior": "create_if_not_exists", "updateBehavior": "none"}
            ])
        )]
    );
}

#[tokio::test]
async fn custom_token_exchange_deny_and_invalid_subject_token_both_deny() {
    let denied = run(handler("onExecuteCustomTokenExchange", "api.access.deny('access_denied', 'Locked.');")).await;
    assert_eq!(denied.status, Status::Denied);
    assert_eq!(calls(&denied), [call("access.deny", json!(["access_denied", "Locked."]))]);

    let rejected =
        run(handler("onExecuteCustomTokenExchange", "api.access.rejectInvalidSubjectToken('Expired.');")).await;
    assert_eq!(rejected.status, Status::Denied);
    assert_eq!(calls(&rejected), [call("access.rejectInvalidSubjectToken", json!(["Expired."]))]);
}

#[tokio::test]
async fn custom_token_exchange_argument_errors_carry_auth0s_messages() {
    let outcome = run(handler("onExecuteCustomTokenExchange", "api.authentication.setUserById('');")).await;
    assert_eq!(error_message(&outcome), "Invalid setUserById arguments: user_id must NOT have fewer than 1 characters");
    let outcome = run(handler("onExecuteCustomTokenExchange", "api.access.rejectInvalidSubjectToken();")).await;
    assert_eq!(
        error_message(&outcome),
        "Invalid rejectInvalidSubjectToken arguments:  must have required property 'reason'"
    );
}

// custom-email-provider and custom-phone-provider. Auth0:
// https://auth0.com/docs/customize/email/configure-a-custom-email-provider/action-triggers-custom-email-provider-api-object,
// https://auth0.com/docs/customize/phone-messages/configure-phone-messaging-providers/action-triggers-custom-phone-provider-api-object
// (`api.notification.drop(reason)` / `retry(reason)`, `api.cache`). Neither ends the flow.

#[tokio::test]
async fn custom_providers_record_drop_and_retry_and_complete() {
    for (trigger, execute) in [
        (Trigger::CustomEmailProvider, "onExecuteCustomEmailProvider"),
        (Trigger::CustomPhoneProvider, "onExecuteCustomPhoneProvider"),
    ] {
        let outcome = run(handler(execute, "api.notification.retry('busy'); api.notification.drop('bounced');")).await;
        assert_eq!(outcome.trigger, Some(trigger));
        assert_eq!(outcome.status, Status::Completed, "{trigger}: {outcome:?}");
        assert_eq!(
            calls(&outcome),
            [call("notification.retry", json!(["busy"])), call("notification.drop", json!(["bounced"]))],
            "{trigger}"
        );
        let bad = run(handler(execute, "api.notification.drop(404);")).await;
        assert_eq!(error_message(&bad), "api.notification.drop: reason must be a string (got 404)", "{trigger}");
    }
}

// Every trigger: Auth0's handler contract (`@auth0/actions` getHandlerFactory) refuses a handler
// that is not an async function, with this message.

#[tokio::test]
async fn every_trigger_refuses_a_non_async_handler_with_auth0s_message() {
    for (trigger, name, _) in HANDLERS {
        let outcome = run(inline(&format!("exports.{name} = function (event, api) {{}};"))).await;
        assert_eq!(outcome.trigger, Some(trigger));
        assert_eq!(
            error_message(&outcome),
            format!(
                r#"Invalid function signature for the "{name}" handler. Use "exports.{name} = async function(event, api) {{ }}" as the signature."#
            )
        );
    }
}

// Continue handlers: post-login, password-reset-post-challenge (Auth0's redirect docs,
// https://auth0.com/docs/customize/actions/explore-triggers/password-reset-triggers/post-challenge-trigger/redirect-with-actions)
// and pre-user-registration (`onContinuePreUserRegistration` in `@auth0/actions`); no other
// trigger has one.

#[tokio::test]
async fn the_continue_phase_runs_the_continue_handler_of_triggers_that_have_one() {
    let source = "exports.onExecutePostChallenge = async (event, api) => { api.redirect.sendUserTo('https://idv.example.com/check'); };
exports.onContinuePostChallenge = async (event, api) => { api.transaction.setResultUrl('https://app.example.com/done', { query: { state: event.request.query.state } }); };";
    let resumed = run(Request {
        phase: Some(Phase::Continue),
        event: Some(json!({"request": {"query": {"state": "s1"}}})),
        ..inline(source)
    })
    .await;
    assert_eq!(resumed.trigger, Some(Trigger::PasswordResetPostChallenge));
    assert_eq!(resumed.status, Status::Completed, "{resumed:?}");
    assert_eq!(calls(&resumed), [call("transaction.setResultUrl", json!(["https://app.example.com/done?state=s1"]))]);

    let source = "exports.onExecutePreUserRegistration = async (event, api) => { api.access.deny('x', 'y'); };
exports.onContinuePreUserRegistration = async (event, api) => { api.user.setUserMetadata('continued', true); };";
    let resumed = run(Request { phase: Some(Phase::Continue), ..inline(source) }).await;
    assert_eq!(resumed.status, Status::Completed, "{resumed:?}");
    assert_eq!(calls(&resumed), [call("user.setUserMetadata", json!(["continued", true]))]);
}

#[tokio::test]
async fn the_continue_phase_is_refused_for_triggers_without_a_continue_handler() {
    for (trigger, execute, _) in HANDLERS.into_iter().filter(|(.., resume)| resume.is_none()) {
        let request = Request { phase: Some(Phase::Continue), ..handler(execute, "return 1;") };
        let error = host().run(request).await.expect_err("no continue handler");
        assert_eq!(error.field, "phase", "{trigger}");
        assert_eq!(error.message, format!("{trigger} has no continue handler (only {execute}); give phase execute"));
    }
}

// Application metadata: Auth0 gives `event.client.metadata` to the triggers whose event has a
// client (the event objects of each trigger's reference); the others have nowhere to put it.

#[tokio::test]
async fn client_metadata_reaches_event_client_metadata_where_the_event_has_a_client() {
    // Where Auth0's docs give the event a client (each trigger's event object reference; the
    // custom providers' at customize/email/…/action-triggers-custom-email-provider-event-object
    // and customize/phone-messages/…/actions-triggers-custom-phone-provider-event-object).
    let with_client = [
        Trigger::PostLogin,
        Trigger::CredentialsExchange,
        Trigger::PreUserRegistration,
        Trigger::SendPhoneMessage,
        Trigger::PasswordResetPostChallenge,
        Trigger::CustomTokenExchange,
        Trigger::CustomEmailProvider,
        Trigger::CustomPhoneProvider,
    ];
    for (trigger, execute, _) in HANDLERS {
        let request = Request {
            client_metadata: Some(json!({"tier": "gold"})),
            // A token exchange must set its user (custom-token-exchange's api reference).
            ..handler(
                execute,
                if trigger == Trigger::CustomTokenExchange {
                    "api.authentication.setUserById('auth0|1'); return event.client.metadata;"
                } else {
                    "return event.client.metadata;"
                },
            )
        };
        if with_client.contains(&trigger) {
            let outcome = run(request).await;
            assert_eq!(outcome.status, Status::Completed, "{trigger}: {outcome:?}");
            assert_eq!(outcome.returned, json!({"tier": "gold"}), "{trigger}");
        } else {
            let error = host().run(request).await.expect_err("no client");
            assert_eq!(error.field, "client_metadata", "{trigger}");
        }
    }
}

// Tenants: a tenant Action runs as the trigger its `supported_triggers` names (Deploy CLI
// directory format, https://auth0.com/docs/deploy-monitor/deploy-cli-tool).

/// One answer for every request the example tenant's Actions make: an active legacy session.
fn legacy_session_mock() -> Vec<actionhost::HttpMock> {
    let session = json!({"active": true, "auth0_user_id": "auth0|legacy-1", "customer_id": "c-1"});
    serde_json::from_value(json!([{"url": "*", "json": session}])).unwrap()
}

#[tokio::test]
async fn tenant_actions_run_as_the_trigger_their_supported_triggers_name() {
    let expected = [
        ("m2m-token-policy", Trigger::CredentialsExchange),
        ("signup-screening", Trigger::PreUserRegistration),
        ("signup-counter", Trigger::PostUserRegistration),
        ("password-change-note", Trigger::PostChangePassword),
        ("mfa-sms-sender", Trigger::SendPhoneMessage),
        ("password-reset-guard", Trigger::PasswordResetPostChallenge),
        ("legacy-token-exchange", Trigger::CustomTokenExchange),
        ("email-sender", Trigger::CustomEmailProvider),
        ("sms-sender", Trigger::CustomPhoneProvider),
        ("crm-sync", Trigger::EventStream),
    ];
    for tenant in ["tenant", "tenant-yaml/tenant.yaml"] {
        for (action, trigger) in expected {
            let outcome = host()
                .run(Request {
                    tenant: Some(fixture(tenant)),
                    http: Some(legacy_session_mock()),
                    ..Request::new(Script::Action(action.into()))
                })
                .await
                .unwrap_or_else(|e| panic!("{tenant} {action}: {e}"));
            assert_eq!(outcome.trigger, Some(trigger), "{tenant} {action}");
            assert_ne!(outcome.status, Status::Error, "{tenant} {action}: {outcome:?}");
        }
    }
    // The credentials-exchange Action sees the client's metadata and denies as Auth0 would.
    let outcome = run(Request {
        tenant: Some(fixture("tenant")),
        event: Some(json!({"resource_server": {"identifier": "https://api.example.com/billing"}})),
        ..Request::new(Script::Action("m2m-token-policy".into()))
    })
    .await;
    assert_eq!(outcome.status, Status::Denied);
    assert_eq!(
        calls(&outcome),
        [call(
            "access.deny",
            json!(["invalid_request", "Audience https://api.example.com/billing is not available to machine clients."])
        )]
    );
}

// Batch lines take any trigger (docs/outcome.md: one Outcome line per request).

#[test]
fn batch_lines_run_other_triggers() {
    let input = [
        r#"{"id": 1, "script_path": "fixtures/tenant/actions/m2m-token-policy/code.js", "event": {"request": {"geoip": {"countryCode": "KP"}}}}"#,
        r#"{"id": 2, "script": "exports.onExecutePostChallenge = async (event, api) => { api.redirect.sendUserTo('https://idv.example.com/'); };"}"#,
        r#"{"id": 3, "script": "exports.onExecutePostUserRegistration = async (event, api) => { api.cache.set('k', event.user.user_id); };", "trigger": "post-user-registration"}"#,
        r#"{"id": 4, "script": "exports.onExecuteSendPhoneMessage = async () => {};", "phase": "continue"}"#,
    ]
    .join("\n");
    let output = run_binary(&["batch", "--workers", "2"], Some(&input));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outcomes: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary: Vec<(&Value, &Value)> = outcomes.iter().map(|o| (&o["id"], &o["status"])).collect();
    assert_eq!(
        summary,
        [
            (&json!(1), &json!("denied")),
            (&json!(2), &json!("redirected")),
            (&json!(3), &json!("completed")),
            (&json!(4), &json!("error"))
        ]
    );
    let triggers: Vec<&Value> = outcomes[..3].iter().map(|o| &o["trigger"]).collect();
    assert_eq!(
        triggers,
        [&json!("credentials-exchange"), &json!("password-reset-post-challenge"), &json!("post-user-registration")]
    );
    assert_eq!(outcomes[0]["commands"], json!([{"api": "access.deny", "args": ["server_error", null]}]));
    assert_eq!(outcomes[2]["commands"][0]["api"], json!("cache.set"));
    let message = outcomes[3]["error"]["message"].as_str().unwrap();
    assert!(message.contains("phase: send-phone-message has no continue handler"), "{message}");
}
