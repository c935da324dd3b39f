//! `actionhost simulate` for the flows other than a login, on copies of the example tenant with
//! Actions bound to each trigger: machine-to-machine (credentials-exchange and the access
//! token), signup (pre- and post-user-registration, the persisted user), password change,
//! password reset with redirect and `--continue`, MFA by phone, custom token exchange (then the
//! post-login Actions and the tokens), and batch lines naming a flow. Expected values come from
//! Auth0's documentation, cited at each test.

use std::path::{Path, PathBuf};
use std::process::Output;

use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

use crate::util::*;

const JANE: &str = "auth0|65a5027f9b3c4d1e2f3a4b5c";
const TOOLS_ID: &str = "Wx1Internal0Tools0Client0Id0001";
const PORTAL_ID: &str = "Gd2Customer0Portal0Client0Id002";
const REPORTS: &str = "https://api.example.com/reports";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A copy of the example tenant whose triggers other than post-login have no Actions bound, so
/// each test binds exactly the Actions it is about.
fn flow_tenant() -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = tenant_copy();
    let path = root.join("triggers/triggers.json");
    let mut triggers: Value = json_file(&path);
    triggers.as_object_mut().unwrap().retain(|trigger, _| trigger == "post-login");
    write(&path, &triggers.to_string());
    (dir, root)
}

/// Adds an Action to a tenant copy, bound last to `trigger`.
fn bind(root: &Path, trigger: &str, name: &str, code: &str) {
    write(&root.join(format!("actions/{name}/code.js")), code);
    let meta = json!({"name": name, "code": format!("./actions/{name}/code.js"), "runtime": "node22",
        "dependencies": [], "secrets": [], "supported_triggers": [{"id": trigger, "version": "v2"}], "deployed": true});
    write(&root.join(format!("actions/{name}.json")), &meta.to_string());
    let path = root.join("triggers/triggers.json");
    let mut triggers: Value = json_file(&path);
    let list = triggers.as_object_mut().unwrap().entry(trigger).or_insert_with(|| json!([]));
    list.as_array_mut().unwrap().push(json!({"action_name": name, "display_name": name}));
    write(&path, &triggers.to_string());
}

fn flow(root: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["simulate", "--tenant", root.to_str().unwrap(), "--json"];
    all.extend_from_slice(args);
    parse(run_binary(&all, None))
}

fn parse(output: Output) -> (Value, i32) {
    let code = output.status.code().unwrap();
    let value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&output), stderr(&output)));
    (value, code)
}

fn steps(result: &Value) -> Vec<String> {
    result["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect()
}

fn rs256_key(root: &Path) -> DecodingKey {
    DecodingKey::from_rsa_pem(&std::fs::read(root.join(".actionhost/signing-key.pub.pem")).unwrap()).unwrap()
}

/// Auth0's client credentials flow returns an access token whose `sub` is `<client_id>@clients`
/// and whose `gty` is `client-credentials` (auth0.com/docs/get-started/authentication-and-
/// authorization-flow/client-credentials-flow); the credentials-exchange api object
/// (auth0.com/docs/actions/reference/credentials-exchange/credentials-exchange-api-object) sets
/// custom claims with `api.accessToken.setCustomClaim` and the target scopes with
/// `api.transaction.*TargetScope(s)`. Each Action sees what the previous ones did.
#[test]
fn machine_to_machine_issues_a_signed_client_credentials_token() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "credentials-exchange",
        "tier-claim",
        r#"exports.onExecuteCredentialsExchange = async (event, api) => {
  api.accessToken.setCustomClaim("https://example.com/tier", event.client.metadata.TIER || "none");
  api.transaction.addTargetScope("read:audit");
  api.transaction.removeTargetScope("write:reports");
};"#,
    );
    bind(
        &root,
        "credentials-exchange",
        "echo-previous",
        r#"exports.onExecuteCredentialsExchange = async (event, api) => {
  api.accessToken.setCustomClaim("https://example.com/seen", {
    claims: event.accessToken.customClaims, scopes: event.transaction.target_scopes });
};"#,
    );
    let (result, code) = flow(
        &root,
        &[
            "--grant",
            "client-credentials",
            "--client",
            "Internal Tools",
            "--audience",
            REPORTS,
            "--scope",
            "read:reports write:reports",
            "--sign",
        ],
    );
    assert_eq!(code, 0, "{result:#}");
    assert_eq!(result["flow"], "machine-to-machine");
    assert_eq!(result["status"], "completed");
    assert_eq!(steps(&result), ["tier-claim completed", "echo-previous completed"]);
    let claims = &result["result"]["access_token"]["claims"];
    assert_eq!(
        claims.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "iss",
            "sub",
            "aud",
            "iat",
            "exp",
            "scope",
            "gty",
            "azp",
            "https://example.com/tier",
            "https://example.com/seen"
        ]
    );
    assert_eq!(result["result"]["scopes"], json!(["read:reports", "read:audit"]));
    assert_eq!(
        claims["https://example.com/seen"],
        json!({"claims": {"https://example.com/tier": "none"}, "scopes": ["read:reports", "read:audit"]})
    );

    let jwt = result["result"]["access_token"]["jwt"].as_str().unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[REPORTS]);
    validation.set_issuer(&["https://example.auth0.com/"]);
    let token = decode::<Value>(jwt, &rs256_key(&root), &validation).unwrap();
    assert_eq!(token.claims["sub"], format!("{TOOLS_ID}@clients"));
    assert_eq!(token.claims["gty"], "client-credentials");
    assert_eq!(token.claims["azp"], TOOLS_ID);
    assert_eq!(token.claims["scope"], "read:reports read:audit");
    assert_eq!(token.claims["exp"].as_u64().unwrap() - token.claims["iat"].as_u64().unwrap(), 86_400);
    assert_eq!(&token.claims, claims, "the JWT carries exactly the claims shown");
}

/// `api.access.deny(code, reason)` "marks the current token exchange as denied" with an OAuth
/// error code (`invalid_scope`, `invalid_request`, `server_error`) and a reason
/// (credentials-exchange api object); the Actions after it do not run.
#[test]
fn machine_to_machine_denied_with_the_oauth_error() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "credentials-exchange",
        "deny-write",
        r#"exports.onExecuteCredentialsExchange = async (event, api) => {
  if (event.transaction.requested_scopes.includes("write:reports")) api.access.deny("invalid_scope", "write:reports is not for machines");
};"#,
    );
    bind(
        &root,
        "credentials-exchange",
        "never",
        "exports.onExecuteCredentialsExchange = async () => { throw new Error('ran'); };",
    );
    let args =
        ["--grant", "client-credentials", "--client", TOOLS_ID, "--audience", REPORTS, "--scope", "write:reports"];
    let (result, code) = flow(&root, &args);
    assert_eq!(code, 0);
    assert_eq!(result["status"], "denied");
    assert_eq!(
        result["denial"],
        json!({"error": "invalid_scope", "error_description": "write:reports is not for machines", "by": "action deny-write"})
    );
    assert_eq!(steps(&result), ["deny-write denied"]);
    assert!(result["result"].is_null());
    // Without the scope the deny does not fire; the next Action's failure ends the flow (exit 1).
    let (result, code) = flow(&root, &args[..6]);
    assert_eq!((code, result["status"].as_str()), (1, Some("error")));
    assert_eq!(result["failed_step"], "action never");
    // A grant actionhost does not know, and a missing audience, are bad input (exit 2).
    let output = run_binary(
        &[
            "simulate",
            "--tenant",
            root.to_str().unwrap(),
            "--grant",
            "password",
            "--client",
            TOOLS_ID,
            "--audience",
            REPORTS,
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown grant \"password\""), "{}", stderr(&output));
    let output = run_binary(
        &["simulate", "--tenant", root.to_str().unwrap(), "--grant", "client-credentials", "--client", TOOLS_ID],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("audience"), "{}", stderr(&output));
}

const SIGNUP_ACTIONS: [(&str, &str); 2] = [
    (
        "profile-defaults",
        r#"exports.onExecutePreUserRegistration = async (event, api) => {
  api.user.setUserMetadata("signup_country", event.request.geoip.countryCode);
  api.user.setAppMetadata("plan", "free");
  api.user.setUserId("jdoe-" + event.user.email.split("@")[0].length);
};"#,
    ),
    (
        "see-previous",
        r#"exports.onExecutePreUserRegistration = async (event, api) => {
  api.user.setUserMetadata("seen", Object.keys(event.user.user_metadata).concat(Object.keys(event.user.app_metadata)));
  api.user.setUserMetadata("language", null);
};"#,
    ),
];

/// Pre-user-registration "can be used to add metadata to the user profile before it is created"
/// (`api.user.setUserMetadata` / `setAppMetadata`, auth0.com/docs/actions/triggers/
/// pre-user-registration); `api.user.setUserId` gives the id Auth0 prefixes with `auth0|`; the
/// post-user-registration Actions then see the created user. `--persist` writes it to `users/`,
/// never over an existing user: a second signup of the same user fails as Auth0's does.
#[test]
fn signup_creates_the_user_the_actions_shaped() {
    let (dir, root) = flow_tenant();
    for (name, code) in SIGNUP_ACTIONS {
        bind(&root, "pre-user-registration", name, code);
    }
    bind(
        &root,
        "post-user-registration",
        "welcome",
        r#"exports.onExecutePostUserRegistration = async (event) => { console.log("welcome " + event.user.user_id + " " + JSON.stringify(event.user.user_metadata)); };"#,
    );
    let attributes = dir.path().join("new-user.json");
    write(&attributes, r#"{"given_name": "Jo", "user_metadata": {"language": "de", "newsletter": true}}"#);
    let args = [
        "--signup",
        "--client",
        "Customer Portal",
        "--email",
        "jo.doe@example.org",
        "--user",
        attributes.to_str().unwrap(),
        "--persist",
    ];
    let (result, code) = flow(&root, &args);
    assert_eq!(code, 0, "{result:#}");
    assert_eq!(result["status"], "completed");
    assert_eq!(steps(&result), ["profile-defaults completed", "see-previous completed", "welcome completed"]);
    let user = &result["result"]["user"];
    assert_eq!(user["user_id"], "auth0|jdoe-6");
    assert_eq!(user["email"], "jo.doe@example.org");
    assert_eq!(user["given_name"], "Jo");
    assert_eq!(
        user["user_metadata"],
        json!({"newsletter": true, "signup_country": "NZ", "seen": ["language", "newsletter", "signup_country", "plan"]})
    );
    assert_eq!(user["app_metadata"], json!({"plan": "free"}));
    assert_eq!(
        user["identities"][0],
        json!({"connection": "Username-Password-Authentication", "provider": "auth0", "user_id": "jdoe-6", "isSocial": false})
    );
    let logs = &result["steps"][2]["logs"][0]["message"];
    assert!(logs.as_str().unwrap().starts_with("welcome auth0|jdoe-6 {"), "{logs}");

    let file = root.join("users/auth0_jdoe-6.json");
    assert_eq!(result["result"]["persisted"], file.to_str().unwrap());
    let saved: Value = json_file(&file);
    assert_eq!(&saved, user);

    // The same signup again: the user exists; nothing is written, post-user-registration does not run.
    let (again, code) = flow(&root, &args);
    assert_eq!(code, 0);
    assert_eq!(again["status"], "denied");
    assert_eq!(again["denial"]["error"], "user_exists");
    assert_eq!(steps(&again), ["profile-defaults completed", "see-previous completed"]);
    let unchanged: Value = json_file(&file);
    assert_eq!(unchanged, saved);
}

/// Auth0 refuses a signup whose email already has a user in that connection ("The user already
/// exists.", emails compared without case), while the same email may sign up in another
/// database connection, where it is another user.
#[test]
fn a_signup_of_an_email_taken_in_its_connection_is_refused() {
    let (_dir, root) = flow_tenant();
    let jane: Value = json_file(root.join("users/auth0_65a5027f9b3c4d1e2f3a4b5c.json"));
    let email = jane["email"].as_str().unwrap().to_uppercase();
    let signup = |extra: &[&str]| {
        let mut args = vec!["--signup", "--client", "Customer Portal", "--email", &email];
        args.extend_from_slice(extra);
        let (result, code) = flow(&root, &args);
        assert_eq!(code, 0, "{result:#}");
        result
    };
    let taken = signup(&[]);
    assert_eq!(taken["status"], "denied", "{taken:#}");
    assert_eq!(taken["denial"]["error"], "user_exists");
    assert_eq!(taken["denial"]["error_description"], "The user already exists.");
    let elsewhere = signup(&["--connection", "Partners-DB"]);
    assert_eq!(elsewhere["status"], "completed", "{elsewhere:#}");
    assert_eq!(elsewhere["result"]["user"]["identities"][0]["connection"], "Partners-DB");
}

/// `api.access.deny(reason, userMessage)`: "the signup flow will immediately stop … and no
/// further Actions will be executed"; `reason` goes to the tenant logs, `userMessage` "may be
/// presented directly in end-user interfaces" (pre-user-registration api object). The
/// validation error carries its own code and message.
#[test]
fn signup_denied_shows_the_user_message_and_writes_nothing() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "pre-user-registration",
        "no-disposable",
        r#"exports.onExecutePreUserRegistration = async (event, api) => {
  if (event.user.email.endsWith("@mailinator.com")) api.access.deny("disposable_email", "Please use a permanent email address.");
  if (event.user.email.startsWith("x")) api.validation.error("invalid_email", "Emails may not start with x.");
};"#,
    );
    bind(
        &root,
        "post-user-registration",
        "never",
        "exports.onExecutePostUserRegistration = async () => { throw new Error('ran'); };",
    );
    let (result, code) =
        flow(&root, &["--signup", "--client", "Customer Portal", "--email", "a@mailinator.com", "--persist"]);
    assert_eq!(code, 0);
    assert_eq!(
        result["denial"],
        json!({"error": "access_denied", "error_description": "Please use a permanent email address.", "reason": "disposable_email", "by": "action no-disposable"})
    );
    assert_eq!(steps(&result), ["no-disposable denied"]);
    assert_eq!(std::fs::read_dir(root.join("users")).unwrap().count(), 3, "no user written");
    let (result, _) = flow(&root, &["--signup", "--client", "Customer Portal", "--email", "x@example.com"]);
    assert_eq!(result["denial"]["error"], "invalid_email");
    assert_eq!(result["denial"]["error_description"], "Emails may not start with x.");
    // A bad email is bad input.
    let output = run_binary(
        &["simulate", "--tenant", root.to_str().unwrap(), "--signup", "--client", PORTAL_ID, "--email", "nobody"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("\"nobody\" is not an email address"), "{}", stderr(&output));
}

/// Post-change-password runs "after a user resets their password"; its event carries the user
/// (with `last_password_reset`) and the connection (auth0.com/docs/customize/actions/
/// explore-triggers/password-reset-triggers/post-change-password-trigger).
#[test]
fn password_change_runs_its_actions_with_the_user() {
    let (dir, root) = flow_tenant();
    bind(
        &root,
        "post-change-password",
        "notify",
        r#"exports.onExecutePostChangePassword = async (event) => {
  const { user } = event;
  console.log(JSON.stringify([user.user_id, user.email, event.connection.name, user.last_password_reset, user.app_metadata, user.user_metadata]));
};"#,
    );
    let (result, code) = flow(&root, &["--password-change", "--user-id", JANE]);
    assert_eq!(code, 0, "{result:#}");
    assert_eq!(result["status"], "completed");
    let reset = result["result"]["last_password_reset"].as_str().unwrap();
    assert_ne!(reset, "2024-03-01T08:00:00.000Z", "the reset is now, not the stored one");
    let jane: Value = json_file(root.join("users/auth0_65a5027f9b3c4d1e2f3a4b5c.json"));
    let logged = |result: &Value| {
        serde_json::from_str::<Value>(result["steps"][0]["logs"][0]["message"].as_str().unwrap()).unwrap()
    };
    assert_eq!(
        logged(&result),
        json!([
            JANE,
            "jane.doe@example.com",
            "Username-Password-Authentication",
            reset,
            jane["app_metadata"],
            jane["user_metadata"]
        ])
    );
    assert_eq!(result["result"]["user_id"], JANE);

    // A user without metadata: an Action's user has both metadata objects all the same, empty.
    let bare = dir.path().join("bare.json");
    write(&bare, r#"{"user_id": "auth0|bare", "email": "bare@example.org"}"#);
    let (result, code) = flow(&root, &["--password-change", "--user", bare.to_str().unwrap()]);
    assert_eq!(code, 0, "{result:#}");
    let logged = logged(&result);
    assert_eq!((&logged[4], &logged[5]), (&json!({}), &json!({})), "{logged}");
}

const RESET_ACTION: &str = r#"exports.onExecutePostChallenge = async (event, api) => {
  if (event.user.app_metadata.reset_locked) { api.access.deny("Password reset is disabled for this account."); return; }
  api.redirect.sendUserTo("https://idv.example.com/verify", { query: { email: event.user.email } });
};
exports.onContinuePostChallenge = async (event, api) => {
  if (event.request.query.verified !== "yes") { api.access.deny("We could not verify your identity."); return; }
  api.transaction.setResultUrl("https://portal.example.com/account", { query: { reset: "done" } });
};"#;

/// Password-reset-post-challenge can "redirect the user" and resume in
/// `onContinuePostChallenge`, and `api.transaction.setResultUrl` sets where the user lands
/// after the reset (auth0.com/docs/customize/actions/explore-triggers/password-reset-triggers/
/// password-reset-post-challenge-trigger). The Actions after the redirecting one run after the
/// continue.
#[test]
fn password_reset_redirects_and_continues_to_the_result_url() {
    let (_dir, root) = flow_tenant();
    bind(&root, "password-reset-post-challenge", "identity-check", RESET_ACTION);
    bind(
        &root,
        "password-reset-post-challenge",
        "after",
        r#"exports.onExecutePostChallenge = async (event) => { console.log("after " + event.request.query.verified); };"#,
    );
    let (result, code) = flow(&root, &["--password-reset", "--client", "Customer Portal", "--user-id", JANE]);
    assert_eq!(code, 0, "{result:#}");
    assert_eq!(result["status"], "redirected");
    let redirect = &result["redirect"];
    let state = redirect["state"].as_str().unwrap();
    assert_eq!(redirect["url"], format!("https://idv.example.com/verify?email=jane.doe%40example.com&state={state}"));
    let state_file = redirect["state_file"].as_str().unwrap();
    assert!(Path::new(state_file).starts_with(root.join(".actionhost/flows")), "{state_file}");

    let (done, code) = flow(&root, &["--continue", state_file, "--query", "verified=yes"]);
    assert_eq!(code, 0, "{done:#}");
    assert_eq!(done["status"], "completed");
    assert_eq!(steps(&done), ["identity-check redirected", "identity-check completed", "after completed"]);
    assert_eq!(done["steps"][1]["phase"], "continue");
    assert_eq!(done["steps"][1]["resumed"], true);
    assert_eq!(done["steps"][2]["logs"][0]["message"], "after yes");
    assert_eq!(done["result"]["result_url"], "https://portal.example.com/account?reset=done");

    // The same state, another answer: denied; a wrong state is bad input.
    let (denied, _) = flow(&root, &["--continue", state_file, "--query", "verified=no"]);
    assert_eq!(denied["status"], "denied");
    assert_eq!(denied["denial"]["error_description"], "We could not verify your identity.");
    let output = run_binary(&["simulate", "--continue", state_file, "--query", "state=forged"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not the suspended password reset's state"), "{}", stderr(&output));
}

/// A password reset's state file resumes that reset only: the `state` of the query, when given,
/// must be the reset's own (docs/simulate.md: "`state` added, and checked when given"), and a
/// state file of another format or flow is refused, naming the file.
#[test]
fn a_password_reset_resumes_from_its_own_state_file_only() {
    let (_dir, root) = flow_tenant();
    bind(&root, "password-reset-post-challenge", "identity-check", RESET_ACTION);
    let (result, _) = flow(&root, &["--password-reset", "--client", "Customer Portal", "--user-id", JANE]);
    let state = result["redirect"]["state"].as_str().unwrap();
    let state_file = result["redirect"]["state_file"].as_str().unwrap();
    let query = format!("state={state}");
    let (done, code) = flow(&root, &["--continue", state_file, "--query", &query, "--query", "verified=yes"]);
    assert_eq!((code, done["status"].as_str()), (0, Some("completed")), "{done:#}");

    let saved: Value = json_file(state_file);
    for (field, value) in [("flow", "signup"), ("format", "actionhost-suspended-login/1")] {
        let mut tampered = saved.clone();
        tampered[field] = json!(value);
        let path = root.join(format!(".actionhost/flows/{field}.json"));
        write(&path, &tampered.to_string());
        let output =
            run_binary(&["simulate", "--json", "--password-reset", "--continue", path.to_str().unwrap()], None);
        assert_eq!(output.status.code(), Some(2), "{field}: {}", stdout(&output));
        let expected = format!("{}: not a suspended password reset", path.display());
        assert!(stderr(&output).contains(&expected), "{field}: {}", stderr(&output));
    }
}

/// A reset's Actions get the stored user with both metadata objects, empty when the user has
/// none, and the connection of the identity the reset is for, with that identity's provider as
/// its `strategy` (the post-challenge event object).
#[test]
fn a_password_reset_gives_its_actions_the_user_s_metadata_and_connection() {
    let (dir, root) = flow_tenant();
    bind(
        &root,
        "password-reset-post-challenge",
        "seen",
        r#"exports.onExecutePostChallenge = async (event) => {
  console.log(JSON.stringify([event.user.app_metadata, event.user.user_metadata, event.connection.name, event.connection.strategy]));
};"#,
    );
    let user = dir.path().join("two-identities.json");
    let identities = json!([
        {"connection": "Username-Password-Authentication", "provider": "auth0", "user_id": "two", "isSocial": false},
        {"connection": "google-oauth2", "provider": "google-oauth2", "user_id": "1081", "isSocial": true},
    ]);
    write(&user, &json!({"user_id": "auth0|two", "email": "two@example.org", "identities": identities}).to_string());
    let seen = |extra: &[&str]| {
        let mut args = vec!["--password-reset", "--client", "Customer Portal", "--user", user.to_str().unwrap()];
        args.extend_from_slice(extra);
        let (result, code) = flow(&root, &args);
        assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result:#}");
        serde_json::from_str::<Value>(result["steps"][0]["logs"][0]["message"].as_str().unwrap()).unwrap()
    };
    assert_eq!(seen(&[]), json!([{}, {}, "Username-Password-Authentication", "auth0"]));
    assert_eq!(seen(&["--connection", "google-oauth2"]), json!([{}, {}, "google-oauth2", "google-oauth2"]));
}

/// README (`container`): a reset started in a container resumes in it, after each redirect: an
/// Action that counts its runs in module state sees the run before its redirect when it
/// continues (one batch process, so one worker keeps the container), and only then.
#[test]
fn a_password_reset_continues_in_its_container_across_redirects() {
    let (_dir, root) = flow_tenant();
    bind(&root, "password-reset-post-challenge", "identity-check", RESET_ACTION);
    bind(
        &root,
        "password-reset-post-challenge",
        "counts",
        r#"let runs = 0;
exports.onExecutePostChallenge = async (event, api) => { runs += 1; api.redirect.sendUserTo("https://idv.example.com/again"); };
exports.onContinuePostChallenge = async () => { runs += 1; console.log("runs " + runs); };"#,
    );
    let tenant = root.to_str().unwrap();
    let runs = |container: Option<&str>| {
        let mut batch = BatchSession::start(&["--workers", "1"]);
        let mut start = json!({"tenant": tenant, "password_reset": true, "client": "Customer Portal", "user_id": JANE});
        if let Some(key) = container {
            start["container"] = json!(key);
        }
        let first = batch.ask(&json!({"simulate": start}));
        assert_eq!(first["status"], "redirected", "{first:#}");
        let query = json!({"verified": "yes"});
        let second = batch.ask(&json!({"simulate": {"continue": first["redirect"]["state_file"], "query": query}}));
        assert_eq!(second["status"], "redirected", "{second:#}");
        assert_eq!(second["redirect"]["by"], "action counts");
        let third = batch.ask(&json!({"simulate": {"continue": second["redirect"]["state_file"], "query": {}}}));
        assert_eq!(third["status"], "completed", "{third:#}");
        assert!(batch.finish());
        let last = third["steps"].as_array().unwrap().last().unwrap().clone();
        last["logs"][0]["message"].clone()
    };
    assert_eq!(runs(Some("c1")), "runs 2");
    assert_eq!(runs(None), "runs 1");
}

/// Send-phone-message runs when Auth0 sends an MFA code by SMS or voice; its event's
/// `message_options` carry the `recipient`, the `message_type` (`sms` or `voice`), the `code`
/// and the `text` (auth0.com/docs/customize/actions/explore-triggers/mfa-notifications-trigger/
/// send-phone-message-trigger).
#[test]
fn send_phone_message_hands_the_message_to_the_actions() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "send-phone-message",
        "provider",
        r#"exports.onExecuteSendPhoneMessage = async (event) => { console.log(JSON.stringify(event.message_options)); };"#,
    );
    let (result, code) = flow(
        &root,
        &[
            "--send-phone-message",
            "--client",
            "Customer Portal",
            "--user-id",
            JANE,
            "--phone",
            "+64211112222",
            "--message-type",
            "voice",
        ],
    );
    assert_eq!(code, 0, "{result:#}");
    let message = &result["result"]["message"];
    assert_eq!(message["recipient"], "+64211112222");
    assert_eq!(message["message_type"], "voice");
    assert_eq!(message["action"], "second-factor-authentication");
    let code_sent = message["code"].as_str().unwrap();
    assert!(code_sent.len() == 6 && code_sent.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(message["text"], format!("Your Customer Portal verification code is: {code_sent}"));
    assert_eq!(result["steps"][0]["logs"][0]["message"], message.to_string());
    // Jane has no phone number: one must be given; a number not in E.164 form is refused.
    let output = run_binary(
        &[
            "simulate",
            "--tenant",
            root.to_str().unwrap(),
            "--send-phone-message",
            "--client",
            PORTAL_ID,
            "--user-id",
            JANE,
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("has no phone_number"), "{}", stderr(&output));
    let output = run_binary(
        &[
            "simulate",
            "--tenant",
            root.to_str().unwrap(),
            "--send-phone-message",
            "--client",
            PORTAL_ID,
            "--user-id",
            JANE,
            "--phone",
            "021 555",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("E.164"), "{}", stderr(&output));
}

/// Custom token exchange: the Action validates the subject token and sets the user with
/// `api.authentication.setUserById` or `setUserByConnection` (creating it with
/// `creationBehavior: "create_if_not_exists"`), or rejects it with
/// `api.access.rejectInvalidSubjectToken` (an `invalid_request`); then "the post-login
/// Actions … are executed" and tokens are issued for that user (auth0.com/docs/authenticate/
/// custom-token-exchange).
#[test]
fn token_exchange_sets_the_user_then_runs_the_login_actions() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "custom-token-exchange",
        "legacy-token",
        r#"exports.onExecuteCustomTokenExchange = async (event, api) => {
  const token = event.transaction.subject_token;
  if (token === "bad") { api.access.rejectInvalidSubjectToken("The legacy token is expired."); return; }
  if (token.startsWith("new:")) {
    api.authentication.setUserByConnection("Username-Password-Authentication",
      { user_id: token.slice(4), email: token.slice(4) + "@legacy.example.com", email_verified: true },
      { creationBehavior: "create_if_not_exists", updateBehavior: "none" });
  } else {
    api.authentication.setUserById(token);
  }
  api.user.setAppMetadata("legacy_customer_id", "C-42");
  api.user.setAppMetadata("plan", "enterprise");
};"#,
    );
    let args = |token: &'static str| -> Vec<&'static str> {
        vec![
            "--token-exchange",
            "--client",
            "Customer Portal",
            "--subject-token",
            token,
            "--subject-token-type",
            "urn:example:legacy-token",
            "--audience",
            "https://api.example.com/",
            "--sign",
        ]
    };
    let (result, code) = flow(&root, &args(JANE));
    assert_eq!(code, 0, "{result:#}");
    assert_eq!(result["status"], "completed");
    assert_eq!(
        steps(&result),
        [
            "legacy-token completed",
            "require-verified-email completed",
            "enrich-profile completed",
            "marketing-consent completed"
        ]
    );
    assert_eq!(result["result"]["user"], json!({"user_id": JANE, "created": false, "by": "action legacy-token"}));
    assert_eq!(result["result"]["app_metadata"]["legacy_customer_id"], "C-42");
    let jwt = result["result"]["tokens"]["access_token"]["jwt"].as_str().unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&["https://api.example.com/"]);
    let token = decode::<Value>(jwt, &rs256_key(&root), &validation).unwrap();
    assert_eq!(token.claims["sub"], JANE);
    assert_eq!(token.claims["azp"], PORTAL_ID);
    // `--sign-secret`: HS256 with the given secret instead.
    let mut hs256 = args(JANE);
    hs256.pop();
    hs256.extend(["--sign-secret", "exchange-secret"]);
    let (result, code) = flow(&root, &hs256);
    assert_eq!(code, 0, "{result:#}");
    let jwt = result["result"]["tokens"]["access_token"]["jwt"].as_str().unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["https://api.example.com/"]);
    let token = decode::<Value>(jwt, &DecodingKey::from_secret(b"exchange-secret"), &validation).unwrap();
    assert_eq!(token.claims["sub"], JANE);

    // A user the connection does not have yet is created, and written with --persist.
    let mut persist = args("new:lg-77");
    persist.push("--persist");
    let (created, code) = flow(&root, &persist);
    assert_eq!(code, 0, "{created:#}");
    assert_eq!(created["result"]["user"]["created"], true);
    let saved: Value = json_file(root.join("users/auth0_lg-77.json"));
    assert_eq!(saved["email"], "lg-77@legacy.example.com");
    assert_eq!(saved["app_metadata"], json!({"legacy_customer_id": "C-42", "plan": "enterprise"}));
    assert_eq!(saved["identities"][0]["user_id"], "lg-77");

    // Rejected subject token: invalid_request, and no login Action runs.
    let (rejected, code) = flow(&root, &args("bad"));
    assert_eq!(code, 0);
    assert_eq!(
        rejected["denial"],
        json!({"error": "invalid_request", "error_description": "The legacy token is expired.", "by": "action legacy-token"})
    );
    assert_eq!(steps(&rejected), ["legacy-token denied"]);
    // A user id that names no user of users/ fails the exchange.
    let (missing, code) = flow(&root, &args("auth0|nobody"));
    assert_eq!(code, 1);
    assert_eq!(missing["failed_step"], "action legacy-token");
    assert!(missing["error"]["message"].as_str().unwrap().starts_with("setUserById: no user \"auth0|nobody\""));
}

/// `setUserByConnection` with `creationBehavior: "none"` only finds a user: for a user the
/// connection does not have, the exchange fails at that Action and no user is made
/// (auth0.com/docs/authenticate/custom-token-exchange: "none" does not create the user).
#[test]
fn a_token_exchange_creates_no_user_when_told_not_to() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "custom-token-exchange",
        "find-only",
        r#"exports.onExecuteCustomTokenExchange = async (event, api) => {
  api.authentication.setUserByConnection("Username-Password-Authentication",
    { user_id: event.transaction.subject_token, email: "lg-88@legacy.example.com" },
    { creationBehavior: "none", updateBehavior: "none" });
};"#,
    );
    let args = ["--token-exchange", "--client", "Customer Portal", "--subject-token", "lg-88"];
    let (result, code) = flow(&root, &[&args[..], &["--subject-token-type", "urn:x", "--persist"]].concat());
    assert_eq!((code, result["status"].as_str()), (1, Some("error")), "{result:#}");
    assert_eq!(result["failed_step"], "action find-only");
    let message = result["error"]["message"].as_str().unwrap();
    assert!(message.contains(r#"no user "lg-88" of the connection "Username-Password-Authentication""#), "{message}");
    assert!(!root.join("users/auth0_lg-88.json").exists());
}

/// `setUserByConnection` of a user the connection has: `updateBehavior: "replace"` updates the
/// profile with the attributes given (never its id), `"none"` leaves it as stored; the
/// post-login Actions then see that user (auth0.com/docs/authenticate/custom-token-exchange).
#[test]
fn a_token_exchange_updates_a_found_user_only_when_told_to() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "custom-token-exchange",
        "by-connection",
        r#"exports.onExecuteCustomTokenExchange = async (event, api) => {
  api.authentication.setUserByConnection("Username-Password-Authentication",
    { user_id: "65a5027f9b3c4d1e2f3a4b5c", given_name: "Janet" },
    { creationBehavior: "none", updateBehavior: event.transaction.subject_token });
};"#,
    );
    bind(
        &root,
        "post-login",
        "seen",
        "exports.onExecutePostLogin = async (event) => { console.log(event.user.user_id + ' ' + event.user.given_name); };",
    );
    let jane: Value = json_file(root.join("users/auth0_65a5027f9b3c4d1e2f3a4b5c.json"));
    let seen = |behavior: &str| {
        let args = ["--token-exchange", "--client", "Customer Portal", "--subject-token", behavior];
        let (result, code) = flow(&root, &[&args[..], &["--subject-token-type", "urn:x"]].concat());
        assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result:#}");
        let step = result["steps"].as_array().unwrap().iter().find(|s| s["name"] == "seen").unwrap().clone();
        step["logs"][0]["message"].clone()
    };
    assert_eq!(seen("replace"), format!("{JANE} Janet"));
    assert_eq!(seen("none"), format!("{JANE} {}", jane["given_name"].as_str().unwrap()));
}

/// Batch lines take the same fields: a `simulate` object naming a flow yields that flow's result.
#[test]
fn batch_lines_run_flows() {
    let (_dir, root) = flow_tenant();
    bind(&root, "credentials-exchange", "ok", "exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim('https://example.com/b', 1); };");
    let tenant = root.to_str().unwrap();
    let input = format!(
        "{}\n{}\n",
        json!({"id": "m2m", "simulate": {"tenant": tenant, "grant": "client-credentials", "client": "Internal Tools", "audience": REPORTS}}),
        json!({"id": "bad", "simulate": {"tenant": tenant, "signup": true, "password_change": true}}),
    );
    let output = run_binary(&["batch", "--workers", "1"], Some(&input));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["id"], "m2m");
    assert_eq!(lines[0]["flow"], "machine-to-machine");
    assert_eq!(lines[0]["result"]["access_token"]["claims"]["https://example.com/b"], 1);
    assert_eq!(lines[1]["id"], "bad");
    assert_eq!(lines[1]["status"], "error");
    assert!(lines[1]["error"]["message"].as_str().unwrap().contains("one flow at a time"), "{}", lines[1]);
}

/// A flag that belongs to another flow, or to a login, is bad input naming the flag (exit 2),
/// not silently ignored.
#[test]
fn flags_of_another_flow_are_refused() {
    let (_dir, root) = flow_tenant();
    let tenant = root.to_str().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (
            &["--signup", "--client", PORTAL_ID, "--email", "a@example.com", "--phone", "+64211112222"],
            "phone: not an option of the signup flow",
        ),
        (
            &["--grant", "client-credentials", "--client", TOOLS_ID, "--audience", REPORTS, "--persist"],
            "persist: not an option of the machine-to-machine flow",
        ),
        (&["--client", PORTAL_ID, "--user-id", JANE, "--scope", "read:x"], "--scope: not an option of a login"),
    ];
    for (args, message) in cases {
        let mut all = vec!["simulate", "--tenant", tenant];
        all.extend_from_slice(args);
        let output = run_binary(&all, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
    }
}

/// Every flow runs on the example tenant as it is bound (`triggers/triggers.json`): each runs
/// the Action bound to its trigger and ends as that Action decides; its `request` names the
/// tenant, application, user, connection and audience as far as the flow has them
/// (docs/simulate.md), here checked against the tenant's own files and the flags given.
#[test]
fn every_flow_runs_on_the_example_tenant() {
    let (_dir, root) = tenant_copy();
    let jane = "auth0|65a5027f9b3c4d1e2f3a4b5c";
    let bindings: Value = json_file(root.join("triggers/triggers.json"));
    let bound = |trigger: &str| bindings[trigger][0]["action_name"].as_str().unwrap().to_owned();
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "credentials-exchange",
            &["--grant", "client-credentials", "--client", "Internal Tools", "--audience", "https://api.example.com"],
            "denied",
        ),
        (
            "pre-user-registration",
            &["--signup", "--client", "Customer Portal", "--email", "new.user@example.com"],
            "completed",
        ),
        ("post-change-password", &["--password-change", "--client", "Customer Portal", "--user-id", jane], "completed"),
        (
            "password-reset-post-challenge",
            &["--password-reset", "--client", "Customer Portal", "--user-id", jane],
            "completed",
        ),
        (
            "send-phone-message",
            &["--send-phone-message", "--client", "Customer Portal", "--user-id", jane, "--phone", "+64211234567"],
            "completed",
        ),
        (
            "custom-token-exchange",
            &[
                "--token-exchange",
                "--client",
                "Customer Portal",
                "--subject-token",
                "t",
                "--subject-token-type",
                "urn:x",
                "--audience",
                "https://api.example.com",
            ],
            "denied",
        ),
    ];
    let application = |name: &str| {
        let client: Value = json_file(root.join(format!("clients/{name}.json")));
        (json!(name), client["client_id"].clone())
    };
    // docs/simulate.md: a signup's connection defaults to `Username-Password-Authentication`;
    // a password's change and reset are on the connection of the user's first identity.
    let jane_file: Value = json_file(root.join("users/auth0_65a5027f9b3c4d1e2f3a4b5c.json"));
    let connection_of = |trigger: &str| match trigger {
        "pre-user-registration" => json!("Username-Password-Authentication"),
        "post-change-password" | "password-reset-post-challenge" => jane_file["identities"][0]["connection"].clone(),
        _ => Value::Null,
    };
    for (trigger, args, status) in cases {
        let started = jiff::Timestamp::now();
        let (result, code) = flow(&root, args);
        let ended = jiff::Timestamp::now();
        assert_eq!(code, 0, "{trigger}: {result}");
        assert_eq!(result["status"], status, "{trigger}: {result}");
        let first = format!("{} {status}", bound(trigger));
        assert_eq!(steps(&result).first(), Some(&first), "{trigger}: {:?}", steps(&result));

        let flag = |name: &str| args.iter().position(|a| *a == name).map_or(Value::Null, |i| json!(args[i + 1]));
        let (client, client_id) = match flag("--client") {
            Value::String(name) => application(&name),
            _ => (Value::Null, Value::Null),
        };
        let user_id = match trigger {
            // A signup's user is the one it created.
            "pre-user-registration" => result["result"]["user"]["user_id"].clone(),
            _ => flag("--user-id"),
        };
        assert_eq!(
            result["request"],
            json!({"tenant": root, "client": client, "client_id": client_id, "user_id": user_id,
                "connection": connection_of(trigger), "audience": flag("--audience")}),
            "{trigger}"
        );
        // The times a flow stamps (a changed password's, a new user's) are the flow's own.
        let stamp = match trigger {
            "post-change-password" => &result["result"]["last_password_reset"],
            "pre-user-registration" => &result["result"]["user"]["created_at"],
            _ => continue,
        };
        let stamp: jiff::Timestamp = stamp.as_str().unwrap().parse().unwrap();
        assert!(started <= stamp && stamp <= ended, "{trigger}: {stamp} not within {started}..{ended}");
    }
}

/// Every flow carries its Actions' warnings, as a login does: here an unmapped keyword in a
/// pre-user-registration Action's code (`##KEY##` left as written, as a Deploy CLI export masks
/// it), named with the Action and the file's line.
#[test]
fn a_flows_actions_warnings_reach_its_result() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "pre-user-registration",
        "tagged",
        "exports.onExecutePreUserRegistration = async (event, api) => {\n  api.user.setAppMetadata(\"##PLAN_KEY##\", \"free\");\n};",
    );
    let (result, code) = flow(&root, &["--signup", "--client", "Customer Portal", "--email", "w@example.org"]);
    assert_eq!(code, 0, "{result}");
    let warnings: Vec<&str> = result["warnings"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("action tagged: ") && w.contains("code.js:2: ##PLAN_KEY## has no keyword mapping")),
        "{warnings:?}"
    );
}

/// docs/simulate.md and docs/outcome.md: a flow's Actions get what any Action gets: the
/// application's metadata as `event.client.metadata`, the Action's secrets as `event.secrets`,
/// the tenant's Rules configs as `event.configuration`, and, in a file holding the handlers of
/// several triggers, the handler of the flow's trigger.
#[test]
fn a_flows_actions_get_the_application_metadata_their_secrets_and_the_configuration() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "credentials-exchange",
        "inputs",
        r#"exports.onExecutePostLogin = async (event, api) => { api.access.deny("the post-login handler ran"); };
exports.onExecuteCredentialsExchange = async (event, api) => {
  api.accessToken.setCustomClaim("https://example.com/seen", {
    owner: event.client.metadata.OWNER ?? null,
    secret: event.secrets.API_KEY ?? null,
    namespace: event.configuration?.CLAIM_NAMESPACE ?? null,
  });
};"#,
    );
    let path = root.join("actions/inputs.json");
    let mut meta: Value = json_file(&path);
    meta["secrets"] = json!([{"name": "API_KEY", "value": "s3cret"}]);
    write(&path, &meta.to_string());
    let (result, code) =
        flow(&root, &["--grant", "client-credentials", "--client", "Internal Tools", "--audience", REPORTS]);
    assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result:#}");
    let tools: Value = json_file(root.join("clients/Internal Tools.json"));
    let namespace: Value = json_file(root.join("rules-configs/CLAIM_NAMESPACE.json"));
    assert_eq!(
        result["result"]["access_token"]["claims"]["https://example.com/seen"],
        json!({"owner": tools["client_metadata"]["OWNER"], "secret": "s3cret", "namespace": namespace["value"]})
    );
}

/// docs/simulate.md: a flow's `duration_ms` is the whole flow's time, and each step's holds its
/// script's engine time (`engine_ms`); so the steps' times add up to at most the flow's, which
/// lies within the command's own.
#[test]
fn a_flows_time_holds_its_steps_and_lies_within_the_command() {
    let (_dir, root) = flow_tenant();
    for name in ["first", "second"] {
        bind(&root, "credentials-exchange", name, "exports.onExecuteCredentialsExchange = async (event, api) => {};");
    }
    let started = std::time::Instant::now();
    let (result, code) =
        flow(&root, &["--grant", "client-credentials", "--client", "Internal Tools", "--audience", REPORTS]);
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(code, 0, "{result:#}");
    let mut steps_ms = 0.0;
    for step in result["steps"].as_array().unwrap() {
        let (duration, engine) = (step["duration_ms"].as_f64().unwrap(), step["engine_ms"].as_f64().unwrap());
        assert!(engine > 0.0 && engine <= duration, "{step}");
        steps_ms += duration;
    }
    let flow_ms = result["duration_ms"].as_f64().unwrap();
    assert!(steps_ms <= flow_ms, "the steps took {steps_ms} ms of a {flow_ms} ms flow");
    assert!(flow_ms <= wall_ms, "the flow took {flow_ms} ms of a {wall_ms} ms command");
}

/// docs/packages.md: an Action `require`s the packages it declares in `dependencies` (installed
/// in the tenant's cache), in a flow as in a login.
#[test]
fn a_flows_actions_require_their_declared_packages() {
    let (_dir, root) = flow_tenant();
    let package = root.join(".actionhost/packages/greet@1.0.0/node_modules/greet");
    write(&package.join("package.json"), r#"{"name": "greet", "version": "1.0.0", "main": "index.js"}"#);
    write(&package.join("index.js"), "module.exports = (name) => `hello ${name}`;\n");
    bind(
        &root,
        "credentials-exchange",
        "greets",
        r#"exports.onExecuteCredentialsExchange = async (event, api) => {
  api.accessToken.setCustomClaim("https://example.com/greeting", require("greet")(event.client.name));
};"#,
    );
    let path = root.join("actions/greets.json");
    let mut meta: Value = json_file(&path);
    meta["dependencies"] = json!([{"name": "greet", "version": "1.0.0"}]);
    write(&path, &meta.to_string());
    let (result, code) =
        flow(&root, &["--grant", "client-credentials", "--client", "Internal Tools", "--audience", REPORTS]);
    assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result:#}");
    assert_eq!(result["result"]["access_token"]["claims"]["https://example.com/greeting"], "hello Internal Tools");
}

/// README (`container`): Auth0 keeps an Action's instance alive between executions, and a
/// request naming a container gets that: the Action keeps its module state from one flow to the
/// next (batch lines on one worker); without a container each flow starts afresh.
#[test]
fn a_flows_actions_keep_module_state_only_in_a_container() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "credentials-exchange",
        "counts",
        r#"let runs = 0;
exports.onExecuteCredentialsExchange = async (event, api) => { runs += 1; api.accessToken.setCustomClaim("https://example.com/runs", runs); };"#,
    );
    let tenant = root.to_str().unwrap();
    let runs = |container: Option<&str>| {
        let mut line =
            json!({"tenant": tenant, "grant": "client-credentials", "client": "Internal Tools", "audience": REPORTS});
        if let Some(key) = container {
            line["container"] = json!(key);
        }
        let input = format!("{}\n{}\n", json!({"simulate": line}), json!({"simulate": line}));
        let output = run_binary(&["batch", "--workers", "1"], Some(&input));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let lines: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        lines
            .iter()
            .map(|l| l["result"]["access_token"]["claims"]["https://example.com/runs"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(runs(Some("tenant-1")), [json!(1), json!(2)]);
    assert_eq!(runs(None), [json!(1), json!(1)]);
}

/// A signup's `event.request.body` is the body the user's signup posted: its email and
/// connection (pre-user-registration event object); the flow's Actions see the event the flow
/// built, with nothing of the example event filled in.
#[test]
fn a_flows_actions_see_the_event_the_flow_built_and_nothing_else() {
    let (_dir, root) = flow_tenant();
    bind(
        &root,
        "pre-user-registration",
        "body",
        r#"exports.onExecutePreUserRegistration = async (event, api) => { api.user.setUserMetadata("body", event.request.body); };"#,
    );
    let (result, code) = flow(&root, &["--signup", "--client", "Customer Portal", "--email", "jo.doe@example.org"]);
    assert_eq!(code, 0, "{result:#}");
    assert_eq!(
        result["result"]["user"]["user_metadata"]["body"],
        json!({"email": "jo.doe@example.org", "connection": "Username-Password-Authentication"})
    );
}
