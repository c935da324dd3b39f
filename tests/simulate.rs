//! The login simulator on the example tenant: Rules in order then post-login Actions, denials,
//! redirects and `--continue`, claims and Auth0's restrictions, signed tokens, users and
//! `--persist`, application metadata changing the result, `batch` simulate lines.

use std::path::{Path, PathBuf};
use std::process::Output;

use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

use crate::util::*;

const JANE: &str = "auth0|65a5027f9b3c4d1e2f3a4b5c";
const SAM: &str = "auth0|7c1e9a4b2d3f5e6a7b8c9d0e";
const ALEX: &str = "google-oauth2|108177262311459836421";
const PORTAL_ID: &str = "Gd2Customer0Portal0Client0Id002";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Adds a post-login Action to a tenant copy, bound at `position` of the flow.
fn add_action(root: &Path, name: &str, code: &str, position: usize) {
    write(&root.join(format!("actions/{name}/code.js")), code);
    let meta = json!({"name": name, "code": format!("./actions/{name}/code.js"), "runtime": "node22", "dependencies": [], "secrets": [], "supported_triggers": [{"id": "post-login", "version": "v3"}], "deployed": true});
    write(&root.join(format!("actions/{name}.json")), &meta.to_string());
    let path = root.join("triggers/triggers.json");
    let mut triggers: Value = json_file(&path);
    triggers["post-login"].as_array_mut().unwrap().insert(position, json!({"action_name": name, "display_name": name}));
    write(&path, &triggers.to_string());
}

/// Adds a Rule to a tenant copy.
fn add_rule(root: &Path, name: &str, order: i64, enabled: bool, code: &str) {
    write(&root.join(format!("rules/{name}.js")), code);
    let meta = json!({"name": name, "enabled": enabled, "order": order, "stage": "login_success", "script": format!("./{name}.js")});
    write(&root.join(format!("rules/{name}.json")), &meta.to_string());
}

fn simulate(args: &[&str]) -> Output {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    run_binary(&all, None)
}

/// `actionhost simulate … --json` on `tenant`: the result and the exit code.
fn simulate_json(tenant: &Path, client: &str, user_id: &str, extra: &[&str]) -> (Value, i32) {
    let tenant = tenant.to_str().unwrap();
    let mut args = vec!["--tenant", tenant, "--client", client, "--user-id", user_id, "--json"];
    args.extend_from_slice(extra);
    parse(simulate(&args))
}

fn parse(output: Output) -> (Value, i32) {
    let code = output.status.code().unwrap();
    let value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&output), stderr(&output)));
    (value, code)
}

/// `kind name status` of every step.
fn steps(result: &Value) -> Vec<String> {
    result["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!("{} {} {}", s["kind"].as_str().unwrap(), s["name"].as_str().unwrap(), s["status"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn rules_run_in_order_skipping_disabled_ones_then_the_actions() {
    let (result, code) = simulate_json(&fixture("tenant"), "Customer Portal", JANE, &[]);
    assert_eq!(code, 0);
    assert_eq!(result["status"], "completed");
    assert_eq!(
        steps(&result),
        [
            "rule add-roles-claim completed",
            "rule require-verified-email completed",
            "rule block-contractors skipped",
            "rule require-terms completed",
            "action require-verified-email completed",
            "action enrich-profile completed",
            "action marketing-consent completed",
        ]
    );
    assert_eq!(result["steps"][2]["reason"], "disabled");
    // Each rule sees what the previous one passed on: add-roles-claim's claim is in the context
    // require-verified-email returns.
    let change = &result["steps"][0]["changes"][0];
    assert_eq!(change["path"], "/context/accessToken/https:~1~1example.com~1roles");
    assert_eq!(change["value"], json!(["admin", "editor"]));

    // The order field decides, not the file names; enabling a rule makes it run.
    let (_dir, root) = tenant_copy();
    let path = root.join("rules/add-roles-claim.json");
    let text = std::fs::read_to_string(&path).unwrap().replace("\"order\": 1", "\"order\": 9");
    write(&path, &text);
    let path = root.join("rules/block-contractors.json");
    let text = std::fs::read_to_string(&path).unwrap().replace("\"enabled\": false", "\"enabled\": true");
    write(&path, &text);
    let (result, _) = simulate_json(&root, "Customer Portal", JANE, &[]);
    let rules: Vec<String> = steps(&result).into_iter().filter(|s| s.starts_with("rule")).collect();
    assert_eq!(
        rules,
        [
            "rule require-verified-email completed",
            "rule block-contractors completed",
            "rule require-terms completed",
            "rule add-roles-claim completed"
        ]
    );
}

#[test]
fn a_rule_denial_stops_everything() {
    let (result, code) = simulate_json(&fixture("tenant"), "Customer Portal", SAM, &[]);
    assert_eq!(code, 0, "a denied login is a normal result");
    assert_eq!(result["status"], "denied");
    assert_eq!(steps(&result), ["rule add-roles-claim completed", "rule require-verified-email denied"]);
    assert_eq!(
        result["denial"],
        json!({"error": "access_denied", "error_description": "Please verify your email address before logging in.", "by": "rule require-verified-email"})
    );
    assert_eq!(result["tokens"], Value::Null);
    assert_eq!(result["user_metadata"], json!({"marketing_consent": false}), "no Action ran");
}

#[test]
fn an_action_denial_stops_later_actions_and_keeps_its_metadata_changes() {
    let (_dir, root) = tenant_copy();
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  api.user.setAppMetadata("last_denied_client", event.client.name);
  if (event.transaction.metadata.plan === "free") api.access.deny("The free plan cannot use " + event.client.name);
};"#;
    add_action(&root, "deny-free-plan", code, 2);
    let (result, exit) = simulate_json(&root, "Internal Tools", SAM, &["--persist"]);
    assert_eq!(exit, 0);
    assert_eq!(result["status"], "denied");
    let actions: Vec<String> = steps(&result).into_iter().filter(|s| s.starts_with("action")).collect();
    assert_eq!(
        actions,
        ["action require-verified-email completed", "action enrich-profile completed", "action deny-free-plan denied"]
    );
    assert_eq!(result["denial"]["error"], "access_denied");
    assert_eq!(result["denial"]["error_description"], "The free plan cannot use Internal Tools");
    assert_eq!(result["denial"]["by"], "action deny-free-plan");
    // The denying Action's change and the earlier Action's change are both applied and written.
    assert_eq!(
        result["app_metadata"],
        json!({"plan": "free", "terms_accepted": true, "last_denied_client": "Internal Tools"})
    );
    assert_eq!(result["user_metadata"], json!({"marketing_consent": false, "last_application": "Internal Tools"}));
    let file: Value = json_file(root.join("users/auth0_7c1e9a4b2d3f5e6a7b8c9d0e.json"));
    assert_eq!(file["app_metadata"], result["app_metadata"]);
    assert_eq!(file["user_metadata"], result["user_metadata"]);
    assert_eq!(file["email"], "sam.lee@example.com", "other fields kept");
}

#[test]
fn claims_from_rules_and_actions_end_up_in_the_tokens() {
    let (result, _) =
        simulate_json(&fixture("tenant"), "Customer Portal", JANE, &["--audience", "https://api.example.com/"]);
    let id = &result["tokens"]["id_token"]["claims"];
    let access = &result["tokens"]["access_token"]["claims"];
    assert_eq!(id["https://example.com/roles"], json!(["admin", "editor"]), "from a rule");
    assert_eq!(id["https://example.com/email_verified"], true, "from a rule and an action");
    assert_eq!(id["https://example.com/language"], "fr", "from an action");
    assert_eq!(access["https://example.com/tier"], "gold");
    assert_eq!(access["https://example.com/plan"], "enterprise");
    // Standard claims of the login.
    assert_eq!(id["sub"], JANE);
    assert_eq!(id["aud"], PORTAL_ID);
    assert_eq!(id["iss"], "https://example.auth0.com/");
    assert_eq!(id["email"], "jane.doe@example.com");
    assert_eq!(id["name"], "Jane Doe");
    assert_eq!(access["aud"], json!(["https://api.example.com/", "https://example.auth0.com/userinfo"]));
    assert_eq!(access["azp"], PORTAL_ID);
    assert_eq!(access["scope"], "openid profile email read:reports");
    assert_eq!(result["scopes"], json!(["openid", "profile", "email", "read:reports"]));
    assert_eq!(access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(), 86_400);
    assert_eq!(
        result["mfa"],
        json!({"provider": "any", "allow_remember_browser": true, "by": "action enrich-profile"})
    );
    assert_eq!(result["user_metadata"], json!({"language": "fr", "last_application": "Customer Portal"}));
    assert_eq!(result["warnings"], json!([]));
}

#[test]
fn restricted_claims_are_dropped_with_a_warning_and_oversized_tokens_fail() {
    let (_dir, root) = tenant_copy();
    add_rule(
        &root,
        "bad-claims",
        5,
        true,
        r#"function (user, context, callback) {
  context.idToken.sub = "someone-else";
  context.idToken["https://tenant.auth0.com/admin"] = true;
  context.accessToken.favorite_color = "blue";
  callback(null, user, context);
}"#,
    );
    add_action(
        &root,
        "more-bad-claims",
        r#"exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim("roles", ["root"]);
  api.idToken.setCustomClaim("https://x.webtask.run/y", 1);
  api.idToken.setCustomClaim("https://example.com/fine", 1);
};"#,
        3,
    );
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!((code, result["status"].as_str()), (0, Some("completed")));
    let id = &result["tokens"]["id_token"]["claims"];
    let access = &result["tokens"]["access_token"]["claims"];
    assert_eq!(id["sub"], JANE, "the standard claim stays");
    assert!(id.get("https://tenant.auth0.com/admin").is_none() && id.get("https://x.webtask.run/y").is_none());
    assert_eq!(id["https://example.com/fine"], 1);
    assert!(access.get("roles").is_none());
    assert_eq!(access["favorite_color"], "blue", "non-namespaced claims are allowed for other audiences");
    let warnings: Vec<&str> = result["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(warnings, [
        "ID token claim \"sub\" (set by rule bad-claims) dropped: a restricted claim name",
        "ID token claim \"https://tenant.auth0.com/admin\" (set by rule bad-claims) dropped: auth0.com namespaces are reserved",
        "ID token claim \"https://x.webtask.run/y\" (set by action more-bad-claims) dropped: webtask.run namespaces are reserved",
        "access token claim \"roles\" (set by action more-bad-claims) dropped: a restricted claim name",
    ]);
    // For an Auth0 API, non-namespaced access token claims are dropped too.
    let (result, _) =
        simulate_json(&root, "Customer Portal", JANE, &["--audience", "https://example.auth0.com/api/v2/"]);
    assert!(result["tokens"]["access_token"]["claims"].get("favorite_color").is_none());
    assert!(result["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("non-namespaced claims are not allowed")));

    // More than 100 KB of custom claims in one token fails the login.
    add_rule(
        &root,
        "huge-claim",
        6,
        true,
        r#"function (user, context, callback) {
  context.accessToken["https://example.com/blob"] = "x".repeat(100 * 1024);
  callback(null, user, context);
}"#,
    );
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!(code, 1);
    assert_eq!(result["status"], "error");
    assert_eq!(result["failed_step"], "tokens");
    assert_eq!(result["error"]["name"], "TokenTooLarge");
    assert!(
        result["error"]["message"].as_str().unwrap().starts_with("the custom claims of the access token take 102"),
        "{}",
        result["error"]
    );
    assert_eq!(result["tokens"], Value::Null);
}

#[test]
fn a_rule_redirect_suspends_the_login_and_continue_runs_the_rules_again() {
    let (_dir, root) = tenant_copy();
    let (result, code) = simulate_json(&root, "Customer Portal", ALEX, &[]);
    assert_eq!((code, result["status"].as_str()), (0, Some("redirected")));
    let redirect = &result["redirect"];
    let state = redirect["state"].as_str().unwrap();
    assert_eq!(redirect["url"], format!("https://terms.example.com/accept?state={state}"));
    assert_eq!(redirect["by"], "rule require-terms");
    assert!(steps(&result).iter().all(|s| s.starts_with("rule")), "no Action runs before the redirect");
    let state_file = redirect["state_file"].as_str().unwrap().to_owned();
    assert_eq!(PathBuf::from(&state_file), root.join(format!(".actionhost/flows/{state}.json")));

    // Declining: the rules run again with protocol redirect-callback and one denies. (The
    // /continue may give the login's own state, as Auth0's does.)
    let own_state = format!("state={state}");
    let (declined, code) =
        parse(simulate(&["--continue", &state_file, "--query", "accepted=no", "--query", &own_state, "--json"]));
    assert_eq!((code, declined["status"].as_str()), (0, Some("denied")));
    assert_eq!(declined["denial"]["error_description"], "The terms of service must be accepted.");

    // Accepting (the same suspended login): the rule records it, then the Actions run, and the
    // marketing-consent Action redirects in turn.
    let (accepted, code) = parse(simulate(&[
        "--continue",
        &state_file,
        "--query",
        "accepted=yes",
        "--json",
        "--state-file",
        root.join("consent.json").to_str().unwrap(),
    ]));
    assert_eq!((code, accepted["status"].as_str()), (0, Some("redirected")));
    let resumed: Vec<&Value> = accepted["steps"].as_array().unwrap().iter().filter(|s| s["resumed"] == true).collect();
    assert_eq!(resumed[0]["name"], "add-roles-claim", "every rule runs again");
    let terms = resumed.iter().find(|s| s["name"] == "require-terms").unwrap();
    assert_eq!(
        terms["commands"][0],
        json!({"api": "auth0.users.updateAppMetadata", "args": [ALEX, {"terms_accepted": true}]})
    );
    assert_eq!(accepted["app_metadata"], json!({"terms_accepted": true}));
    assert_eq!(accepted["redirect"]["by"], "action marketing-consent");
    assert_eq!(accepted["redirect"]["state_file"], root.join("consent.json").to_str().unwrap());

    // A /continue whose state is not the suspended login's is refused.
    let output = simulate(&["--continue", &state_file, "--query", "state=forged"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not the suspended login's state"), "{}", stderr(&output));
}

#[test]
fn an_action_redirect_resumes_in_on_continue_post_login_then_the_remaining_actions() {
    let (_dir, root) = tenant_copy();
    // Alex has accepted the terms already: only the Action redirects.
    let user = root.join("users/google-oauth2_108177262311459836421.json");
    let mut alex: Value = json_file(&user);
    alex["app_metadata"] = json!({"terms_accepted": true});
    write(&user, &serde_json::to_string_pretty(&alex).unwrap());
    add_action(
        &root,
        "after-consent",
        r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://example.com/seen_consent", event.user.user_metadata.marketing_consent);
  api.idToken.setCustomClaim("https://example.com/plan_seen", event.transaction.metadata.plan);
};"#,
        3,
    );
    let (result, _) = simulate_json(&root, "Legacy Mobile App", ALEX, &["--persist"]);
    assert_eq!(result["status"], "redirected");
    let url = result["redirect"]["url"].as_str().unwrap();
    assert!(url.starts_with("https://consent.example.com/marketing?client=Legacy+Mobile+App&state="), "{url}");
    // Pending metadata is written before the redirect.
    let saved: Value = json_file(&user);
    assert_eq!(saved["user_metadata"]["last_application"], "Legacy Mobile App");
    assert!(!steps(&result).iter().any(|s| s.contains("after-consent")));

    let state_file = result["redirect"]["state_file"].as_str().unwrap().to_owned();
    let (done, code) = parse(simulate(&["--continue", &state_file, "--query", "consent=yes", "--json", "--persist"]));
    assert_eq!((code, done["status"].as_str()), (0, Some("completed")));
    let resumed: Vec<String> = done["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["resumed"] == true)
        .map(|s| format!("{} {}", s["name"].as_str().unwrap(), s["phase"].as_str().unwrap()))
        .collect();
    assert_eq!(resumed, ["marketing-consent continue", "after-consent execute"]);
    let id = &done["tokens"]["id_token"]["claims"];
    assert_eq!(id["https://example.com/marketing_consent"], true);
    assert_eq!(id["https://example.com/seen_consent"], true, "later Actions see the metadata change");
    assert_eq!(id["https://example.com/plan_seen"], "free", "and the transaction metadata");
    assert_eq!(done["user_metadata"], json!({"last_application": "Legacy Mobile App", "marketing_consent": true}));
    let saved: Value = json_file(&user);
    assert_eq!(saved["user_metadata"], done["user_metadata"]);
}

#[test]
fn signed_tokens_verify_with_the_tenant_key_or_the_secret() {
    let (_dir, root) = tenant_copy();
    let (result, code) =
        simulate_json(&root, "Customer Portal", JANE, &["--sign", "--audience", "https://api.example.com/"]);
    assert_eq!(code, 0);
    let signing = &result["tokens"]["signing"];
    assert_eq!(signing["alg"], "RS256");
    let public = std::fs::read(root.join(".actionhost/signing-key.pub.pem")).unwrap();
    let key = DecodingKey::from_rsa_pem(&public).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[PORTAL_ID]);
    validation.set_issuer(&["https://example.auth0.com/"]);
    let id_jwt = result["tokens"]["id_token"]["jwt"].as_str().unwrap();
    let id = decode::<Value>(id_jwt, &key, &validation).unwrap();
    assert_eq!(id.header.kid.as_deref(), signing["kid"].as_str());
    assert_eq!(id.claims, result["tokens"]["id_token"]["claims"]);
    validation.set_audience(&["https://api.example.com/"]);
    let access = decode::<Value>(result["tokens"]["access_token"]["jwt"].as_str().unwrap(), &key, &validation).unwrap();
    assert_eq!(access.claims["https://example.com/plan"], "enterprise");
    // The JWKS holds the same key, under the same kid.
    let jwks: Value = json_file(root.join(".actionhost/jwks.json"));
    let jwk = &jwks["keys"][0];
    assert_eq!(jwk["kid"], signing["kid"]);
    let from_jwk = DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap()).unwrap();
    assert!(decode::<Value>(result["tokens"]["access_token"]["jwt"].as_str().unwrap(), &from_jwk, &validation).is_ok());
    // The key pair is kept: a second login signs with the same key.
    let (again, _) = simulate_json(&root, "Customer Portal", JANE, &["--sign"]);
    assert_eq!(again["tokens"]["signing"]["kid"], signing["kid"]);

    // HS256 with a secret; a wrong secret fails validation.
    let (result, _) = simulate_json(&root, "Customer Portal", JANE, &["--sign-secret", "client-secret-123"]);
    assert_eq!(result["tokens"]["signing"]["alg"], "HS256");
    let jwt = result["tokens"]["id_token"]["jwt"].as_str().unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[PORTAL_ID]);
    let token = decode::<Value>(jwt, &DecodingKey::from_secret(b"client-secret-123"), &validation).unwrap();
    assert_eq!(token.claims["sub"], JANE);
    assert!(decode::<Value>(jwt, &DecodingKey::from_secret(b"wrong"), &validation).is_err());
}

/// docs/simulate.md: "`--continue` … refuses a state file whose redirecting Action is no longer at
/// its place in the flow. The file is left in place". Alex is redirected by marketing-consent,
/// the flow's third Action; an Action bound before it moves it to fourth.
#[test]
fn continue_refuses_a_state_whose_redirecting_action_moved() {
    let (_dir, root) = tenant_copy();
    let user = root.join("users/google-oauth2_108177262311459836421.json");
    let mut alex: Value = json_file(&user);
    alex["app_metadata"] = json!({"terms_accepted": true});
    write(&user, &serde_json::to_string_pretty(&alex).unwrap());
    let (result, _) = simulate_json(&root, "Legacy Mobile App", ALEX, &[]);
    assert_eq!(
        (result["status"].as_str(), result["redirect"]["by"].as_str()),
        (Some("redirected"), Some("action marketing-consent"))
    );
    let state_file = result["redirect"]["state_file"].as_str().unwrap().to_owned();
    add_action(&root, "audit", "exports.onExecutePostLogin = async () => {};", 0);
    let output = simulate(&["--continue", &state_file, "--query", "consent=yes", "--json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("the tenant's post-login flow changed since the login was suspended: action \"marketing-consent\" is no longer number 3"),
        "{}",
        stderr(&output)
    );
    assert!(Path::new(&state_file).is_file(), "the state file is left in place");
}

/// docs/simulate.md: "A login that changes nothing writes nothing." Jane's first `--persist` login
/// records `last_application`; the same login again sets only values she has: the user file keeps
/// its bytes, its modification time and its inode (an atomic replace would give a new one).
#[test]
fn a_login_that_changes_nothing_writes_nothing() {
    use std::os::unix::fs::MetadataExt;
    let (_dir, root) = tenant_copy();
    let user = root.join("users/auth0_65a5027f9b3c4d1e2f3a4b5c.json");
    let (first, code) = simulate_json(&root, "Customer Portal", JANE, &["--persist"]);
    assert_eq!((code, first["status"].as_str()), (0, Some("completed")), "{first}");
    let bytes = std::fs::read(&user).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("\"last_application\": \"Customer Portal\""));
    let meta = std::fs::metadata(&user).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let (again, code) = simulate_json(&root, "Customer Portal", JANE, &["--persist"]);
    assert_eq!((code, again["status"].as_str()), (0, Some("completed")), "{again}");
    assert_eq!(again["user_metadata"], first["user_metadata"]);
    let after = std::fs::metadata(&user).unwrap();
    assert_eq!(std::fs::read(&user).unwrap(), bytes);
    assert_eq!((after.ino(), after.mtime(), after.mtime_nsec()), (meta.ino(), meta.mtime(), meta.mtime_nsec()));
}

/// Promises of `--sign` checked against independent sources: the JWKS `kid` is the key's RFC 7638
/// SHA-256 thumbprint (computed here by Node's `crypto`: the JWK export of the public PEM, then
/// SHA-256 of `{"e","kty","n"}` in that order, RFC 7638 §3.2–3.3, base64url per §3.1); the private
/// key file is mode 0600 (docs/simulate.md).
#[test]
fn signed_tokens_kid_is_the_rfc_7638_thumbprint_and_the_key_is_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, root) = tenant_copy();
    let (result, code) =
        simulate_json(&root, "Customer Portal", JANE, &["--sign", "--audience", "https://api.example.com/"]);
    assert_eq!(code, 0);
    let node = std::process::Command::new("node")
        .arg("-e")
        .arg(
            r#"const c = require("crypto"); const fs = require("fs");
const jwk = c.createPublicKey(fs.readFileSync(process.argv[1])).export({ format: "jwk" });
const json = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
process.stdout.write(c.createHash("sha256").update(json).digest("base64url"));"#,
        )
        .arg(root.join(".actionhost/signing-key.pub.pem"))
        .output()
        .expect("node runs");
    assert!(node.status.success(), "{}", String::from_utf8_lossy(&node.stderr));
    let thumbprint = String::from_utf8(node.stdout).unwrap();
    assert_eq!(thumbprint.len(), 43, "a SHA-256 digest in unpadded base64url");
    assert_eq!(result["tokens"]["signing"]["kid"], thumbprint.as_str());
    let jwks: Value = json_file(root.join(".actionhost/jwks.json"));
    assert_eq!(jwks["keys"][0]["kid"], thumbprint.as_str());

    let mode = std::fs::metadata(root.join(".actionhost/signing-key.pem")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the private key is readable by its owner only");
}

/// Auth0's default lifetimes: 36,000 s for an ID token (auth0.com/docs/secure/tokens/id-tokens:
/// "valid for 36000 seconds (10 hours)" by default) and 86,400 s for an access token to a custom
/// API (auth0.com/docs/secure/tokens/access-tokens/update-access-token-lifetime: 24 hours).
#[test]
fn token_lifetimes_are_auth0_defaults() {
    let (_dir, root) = tenant_copy();
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &["--audience", "https://api.example.com/"]);
    assert_eq!(code, 0);
    let lifetime = |token: &str| {
        let claims = &result["tokens"][token]["claims"];
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap()
    };
    assert_eq!(lifetime("id_token"), 36_000);
    assert_eq!(lifetime("access_token"), 86_400);
}

#[test]
fn the_seed_application_metadata_changes_the_result() {
    let (_dir, root) = tenant_copy();
    let tenant = root.to_str().unwrap();
    let metadata = |args: &[&str]| {
        let mut all = vec!["clients", "metadata", args[0], "--tenant", tenant];
        all.extend_from_slice(&args[1..]);
        let output = run_binary(&all, None);
        assert!(output.status.success(), "{}", stderr(&output));
    };
    let status = |client: &str| simulate_json(&root, client, SAM, &[]).0["status"].as_str().unwrap().to_owned();
    // Sam's email is unverified: only the application with SKIP_VERIFICATION lets Sam in.
    assert_eq!(status("Internal Tools"), "completed");
    assert_eq!(status("Customer Portal"), "denied");
    assert_eq!(status("Legacy Mobile App"), "denied");
    metadata(&["unset", "--client", "Internal Tools", "SKIP_VERIFICATION"]);
    assert_eq!(status("Internal Tools"), "denied");
    metadata(&["set", "--client", "Customer Portal", "SKIP_VERIFICATION=yes"]);
    assert_eq!(status("Customer Portal"), "completed");
    metadata(&["set", "--client", "Legacy Mobile App", "SKIP_VERIFICATION=yes"]);
    let (result, _) = simulate_json(&root, "Legacy Mobile App", SAM, &[]);
    assert_eq!(result["status"], "completed");
    let logs: Vec<&str> = result["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["logs"].as_array().unwrap())
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        logs,
        ["skipping email verification for Legacy Mobile App", "skipping email verification for Legacy Mobile App"],
        "the Rule and the Action both skip"
    );
}

#[test]
fn rules_executed_reach_the_actions() {
    let (_dir, root) = tenant_copy();
    add_action(
        &root,
        "which-rules",
        r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://example.com/ran", ["add-roles-claim", "block-contractors", "require-terms"].map((r) => api.rules.wasExecuted(r)));
};"#,
        0,
    );
    let (result, _) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!(result["tokens"]["id_token"]["claims"]["https://example.com/ran"], json!([true, false, true]));
}

#[test]
fn a_failing_script_exits_1_and_bad_input_exits_2() {
    let (_dir, root) = tenant_copy();
    add_action(
        &root,
        "broken",
        "exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('x', 1); null.boom; };",
        1,
    );
    // An Action before it succeeds: its batched change is dropped with the failed flow too.
    add_action(
        &root,
        "sets",
        "exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('y', 2); };",
        0,
    );
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!(code, 1);
    assert_eq!(result["status"], "error");
    assert_eq!(result["failed_step"], "action broken");
    assert_eq!(result["error"]["name"], "TypeError");
    assert!(result["app_metadata"].get("x").is_none(), "a failed flow applies no Action's metadata: {result}");
    assert!(result["app_metadata"].get("y").is_none(), "a failed flow applies no Action's metadata: {result}");
    let tenant = fixture("tenant");
    let tenant = tenant.to_str().unwrap();
    for (args, message) in [
        (vec!["--client", "Customer Portal", "--user-id", "auth0|nobody"], "no user \"auth0|nobody\""),
        (vec!["--client", "Nope", "--user-id", JANE], "no application with name or client_id \"Nope\""),
        (vec!["--client", "Customer Portal", "--user-id", JANE, "--protocol", "carrier-pigeon"], "unknown protocol"),
        (
            vec!["--client", "Customer Portal", "--user", "fixtures/seed/user-unverified.json"],
            "the user has no user_id",
        ),
    ] {
        let mut all = vec!["--tenant", tenant];
        all.extend(args);
        let output = simulate(&all);
        assert_eq!(output.status.code(), Some(2), "{all:?}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }
    let output = simulate(&["--tenant", tenant, "--client", "Customer Portal", "--user-id", JANE, "--user", "x.json"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_human_view_shows_steps_tokens_and_metadata() {
    let output = simulate(&["--tenant", "fixtures/tenant", "--client", "Customer Portal", "--user-id", JANE]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with(&format!("login: {JANE} into Customer Portal via Username-Password-Authentication (oidc-basic-profile)\nstatus: completed  (6 steps, ")), "{text}");
    for needle in [
        "   3. rule block-contractors",
        "skipped (disabled)",
        "        transaction.setMetadata(\"plan\", \"enterprise\")",
        "        + /event/transaction/metadata/plan = \"enterprise\"",
        "id token:\n",
        "  https://example.com/language: \"fr\"",
        "scopes: openid profile email read:reports",
        "mfa: any, browser may be remembered (by action enrich-profile)",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
}

#[test]
fn batch_takes_simulate_lines() {
    let input = [
        json!({"id": "jane", "simulate": {"client": "Customer Portal", "user_id": JANE}}),
        json!({"id": "sam", "simulate": {"tenant": "fixtures/tenant-yaml/tenant.yaml", "client": PORTAL_ID, "user": "fixtures/tenant/users/auth0_7c1e9a4b2d3f5e6a7b8c9d0e.json"}}),
        json!({"id": "run", "script_path": "fixtures/tenant/actions/require-verified-email/code.js"}),
        json!({"id": "bad", "simulate": {"client": "Customer Portal", "user_id": JANE, "sgin": true}}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let output = run_binary(&["batch", "--tenant", "fixtures/tenant"], Some(&input));
    assert!(output.status.success());
    let lines: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!((lines[0]["id"].as_str(), lines[0]["status"].as_str()), (Some("jane"), Some("completed")));
    assert_eq!((lines[1]["id"].as_str(), lines[1]["status"].as_str()), (Some("sam"), Some("denied")));
    assert_eq!(lines[2]["trigger"], "post-login", "plain requests still yield outcomes");
    assert_eq!(lines[3]["status"], "error");
    assert!(lines[3]["error"]["message"].as_str().unwrap().starts_with("line 4: unknown field `sgin`"), "{}", lines[3]);
}

#[test]
fn the_same_login_simulates_alike_from_the_yaml_tenant() {
    let (from_dir, code) = simulate_json(&fixture("tenant"), "Customer Portal", JANE, &[]);
    assert_eq!(code, 0, "{from_dir}");
    let tenant = fixture("tenant-yaml/tenant.yaml");
    let user = fixture("tenant/users/auth0_65a5027f9b3c4d1e2f3a4b5c.json");
    let (from_yaml, code) = parse(simulate(&[
        "--tenant",
        tenant.to_str().unwrap(),
        "--client",
        "Customer Portal",
        "--user",
        user.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, 0, "{from_yaml}");
    assert_eq!((&from_dir["status"], &from_yaml["status"]), (&json!("completed"), &json!("completed")));
    let claims = |result: &Value| {
        let mut access = result["tokens"]["access_token"]["claims"].as_object().unwrap().clone();
        access.shift_remove("iat");
        access.shift_remove("exp");
        access
    };
    assert_eq!(claims(&from_dir), claims(&from_yaml));
    let names =
        |result: &Value| result["steps"].as_array().unwrap().iter().map(|s| s["name"].clone()).collect::<Vec<_>>();
    assert_eq!(names(&from_dir), names(&from_yaml));
    assert!(!names(&from_dir).is_empty());
}

/// docs/outcome.md: an Action that records both `access.deny` and `redirect.sendUserTo` is
/// `denied` ("this wins over a redirect"); docs/simulate.md: a deny ends the flow, a redirect
/// suspends it. The login must end denied: no redirect, no state file, no later Action.
#[test]
fn an_action_that_denies_and_redirects_denies_the_login() {
    let (_dir, root) = tenant_copy();
    add_action(
        &root,
        "deny-and-redirect",
        r#"exports.onExecutePostLogin = async (event, api) => {
  api.redirect.sendUserTo("https://idp.example.com/step-up");
  api.access.deny("no entry");
};"#,
        0,
    );
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!(code, 0, "a denial is a normal result");
    assert_eq!(result["status"], "denied", "{result}");
    assert_eq!(
        result["denial"],
        json!({"error": "access_denied", "error_description": "no entry", "by": "action deny-and-redirect"})
    );
    assert_eq!(result["redirect"], Value::Null);
    assert_eq!(result["tokens"], Value::Null);
    let actions: Vec<String> = steps(&result).into_iter().filter(|s| s.starts_with("action")).collect();
    assert_eq!(actions, ["action deny-and-redirect denied"]);
    assert!(!root.join(".actionhost/flows").exists(), "no suspended login is written");
}

/// docs/simulate.md: "a disabled Rule, or one of another stage than `login_success`, is
/// skipped (and listed in the transcript as `skipped`)", with the reason `stage login_failure`.
/// The rule runs first and would leave a claim and a metadata change if it ran.
#[test]
fn a_rule_of_another_stage_does_not_run_in_a_login() {
    let (_dir, root) = tenant_copy();
    for (name, stage) in [("on-failure", "login_failure"), ("on-authorize", "pre_authorize")] {
        write(
            &root.join(format!("rules/{name}.js")),
            &format!(
                r#"function (user, context, callback) {{
  context.idToken["https://example.com/{name}"] = true;
  auth0.users.updateAppMetadata(user.user_id, {{ "{name}": true }});
  callback(null, user, context);
}}"#
            ),
        );
        let order = if stage == "login_failure" { 0 } else { 5 };
        let meta =
            json!({"name": name, "enabled": true, "order": order, "stage": stage, "script": format!("./{name}.js")});
        write(&root.join(format!("rules/{name}.json")), &meta.to_string());
    }
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result}");
    let rules: Vec<String> = steps(&result).into_iter().filter(|s| s.starts_with("rule")).collect();
    assert_eq!(
        rules,
        [
            "rule on-failure skipped",
            "rule add-roles-claim completed",
            "rule require-verified-email completed",
            "rule block-contractors skipped",
            "rule require-terms completed",
            "rule on-authorize skipped",
        ]
    );
    let reasons: Vec<&Value> = result["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "on-failure" || s["name"] == "on-authorize")
        .map(|s| &s["reason"])
        .collect();
    assert_eq!(reasons, [&json!("stage login_failure"), &json!("stage pre_authorize")]);
    let id = &result["tokens"]["id_token"]["claims"];
    assert!(
        id.get("https://example.com/on-failure").is_none() && id.get("https://example.com/on-authorize").is_none(),
        "{id}"
    );
    assert_eq!(result["app_metadata"], json!({"plan": "enterprise", "terms_accepted": true}));
}

/// docs/simulate.md: `auth0.users.updateAppMetadata(id, metadata)` / `updateUserMetadata` "for
/// the user logging in change the stored user at once …; for another user they are ignored with
/// a warning". Jane logs in; a rule updates Sam (ignored) and Jane herself (applied).
#[test]
fn a_rule_updating_another_users_metadata_does_not_change_the_login_user() {
    let (_dir, root) = tenant_copy();
    add_rule(
        &root,
        "touch-others",
        5,
        true,
        &format!(
            r#"function (user, context, callback) {{
  auth0.users.updateAppMetadata("{SAM}", {{ plan: "hijacked" }});
  auth0.users.updateUserMetadata("{SAM}", {{ language: "xx" }});
  auth0.users.updateUserMetadata(user.user_id, {{ seen_rule: true }});
  callback(null, user, context);
}}"#
        ),
    );
    let sam_file = root.join("users/auth0_7c1e9a4b2d3f5e6a7b8c9d0e.json");
    let sam_before = std::fs::read(&sam_file).unwrap();
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &["--persist"]);
    assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result}");
    assert_eq!(
        result["app_metadata"],
        json!({"plan": "enterprise", "terms_accepted": true}),
        "Sam's update is not Jane's"
    );
    assert_eq!(
        result["user_metadata"],
        json!({"language": "fr", "seen_rule": true, "last_application": "Customer Portal"}),
        "only Jane's own update applies"
    );
    let warnings: Vec<&str> = result["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for (warning, api) in warnings.iter().zip(["auth0.users.updateAppMetadata", "auth0.users.updateUserMetadata"]) {
        assert!(
            warning.starts_with("rule touch-others: ")
                && warning.contains(api)
                && warning.contains(SAM)
                && warning.contains("ignored"),
            "{warning}"
        );
    }
    let jane: Value = json_file(root.join("users/auth0_65a5027f9b3c4d1e2f3a4b5c.json"));
    assert_eq!(jane["app_metadata"], json!({"plan": "enterprise", "terms_accepted": true}));
    assert_eq!(jane["user_metadata"]["seen_rule"], true);
    assert_eq!(std::fs::read(&sam_file).unwrap(), sam_before, "Sam's file is not written either");
}

/// Auth0 runs the deployed version of each Action bound to the trigger, and nothing else: an
/// undeployed bound Action and an unbound post-login Action are reported, not passed over.
#[test]
fn undeployed_and_unbound_actions_are_reported() {
    let (_dir, root) = tenant_copy();
    add_action(&root, "draft-action", "exports.onExecutePostLogin = async () => {};", 0);
    let meta_path = root.join("actions/draft-action.json");
    let mut meta: Value = json_file(&meta_path);
    meta["deployed"] = json!(false);
    write(&meta_path, &meta.to_string());
    add_action(&root, "unbound-action", "exports.onExecutePostLogin = async () => {};", 0);
    let path = root.join("triggers/triggers.json");
    let mut triggers: Value = json_file(&path);
    triggers["post-login"].as_array_mut().unwrap().retain(|b| b["action_name"] != "unbound-action");
    write(&path, &triggers.to_string());

    let (result, code) = simulate_json(&root, "Internal Tools", JANE, &[]);
    assert_eq!(code, 0, "{result}");
    let warnings: Vec<&str> = result["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(warnings, [
        "action draft-action is bound to post-login but not deployed (deployed: false): Auth0 would not run it; it ran here as written",
        "action unbound-action supports post-login but is not bound to it (triggers/triggers.json): it did not run",
    ]);
    assert!(steps(&result).iter().any(|s| s.contains("draft-action")), "{:?}", steps(&result));
    assert!(!steps(&result).iter().any(|s| s.contains("unbound-action")), "{:?}", steps(&result));

    // A login the first Action suspends reports them once, and so does its resumption.
    add_action(
        &root,
        "consent-first",
        "exports.onExecutePostLogin = async (event, api) => { api.redirect.sendUserTo('https://consent.example.com/'); };\nexports.onContinuePostLogin = async () => {};",
        0,
    );
    let (suspended, _) = simulate_json(&root, "Internal Tools", JANE, &[]);
    assert_eq!(suspended["status"], "redirected", "{suspended}");
    assert_eq!(suspended["warnings"].as_array().unwrap().len(), 2, "{}", suspended["warnings"]);
    let state_file = suspended["redirect"]["state_file"].as_str().unwrap().to_owned();
    let (resumed, code) = parse(simulate(&["--continue", &state_file, "--json"]));
    assert_eq!((code, resumed["status"].as_str()), (0, Some("completed")), "{resumed}");
    assert_eq!(resumed["warnings"], suspended["warnings"]);
}

#[test]
fn an_action_gets_its_handler_secrets_and_declared_packages_and_each_step_takes_part_of_the_login() {
    let (_dir, root) = tenant_copy();
    add_action(
        &root,
        "step-inputs",
        // One file may hold the handlers of several triggers: the login runs the post-login one.
        r#"exports.onExecuteCredentialsExchange = async (event, api) => { api.access.deny("invalid_request", "the wrong handler ran"); };
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://example.com/secret", event.secrets.API_KEY);
  api.idToken.setCustomClaim("https://example.com/greeting", require("greet")("Jane"));
};"#,
        0,
    );
    let meta = json!({"name": "step-inputs", "code": "./actions/step-inputs/code.js", "runtime": "node22",
        "dependencies": [{"name": "greet", "version": "1.0.0"}], "secrets": [{"name": "API_KEY", "value": "s3cret"}],
        "supported_triggers": [{"id": "post-login", "version": "v3"}], "deployed": true});
    write(&root.join("actions/step-inputs.json"), &meta.to_string());
    // The declared version, as `actionhost deps install` leaves it in the package cache.
    let package = root.join(".actionhost/packages/greet@1.0.0/node_modules/greet");
    write(&package.join("package.json"), r#"{"name": "greet", "version": "1.0.0", "main": "index.js"}"#);
    write(&package.join("index.js"), "module.exports = (name) => `hello ${name}`;\n");
    let started = std::time::Instant::now();
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result}");
    let claims = &result["tokens"]["id_token"]["claims"];
    assert_eq!(claims["https://example.com/secret"], "s3cret");
    assert_eq!(claims["https://example.com/greeting"], "hello Jane");
    // Each step's time holds its script's engine time and is part of the whole command's.
    let mut steps_ms = 0.0;
    for step in result["steps"].as_array().unwrap().iter().filter(|s| s["status"] != "skipped") {
        let (duration, engine) = (step["duration_ms"].as_f64().unwrap(), step["engine_ms"].as_f64().unwrap());
        assert!(engine <= duration, "{step}");
        steps_ms += duration;
    }
    // The login's own time holds its steps' and lies within the command's.
    let login_ms = result["duration_ms"].as_f64().unwrap();
    assert!(steps_ms <= login_ms, "the steps took {steps_ms} ms of a {login_ms} ms login");
    assert!(login_ms <= wall_ms, "the login took {login_ms} ms of a {wall_ms} ms command");
}

#[test]
fn rules_of_a_login_share_global_only_in_a_shared_container() {
    let (_dir, root) = tenant_copy();
    add_rule(
        &root,
        "plant",
        10,
        true,
        "function (user, context, callback) { global.planted = 'by plant'; callback(null, user, context); }",
    );
    add_rule(
        &root,
        "read",
        11,
        true,
        "function (user, context, callback) { context.idToken['https://example.com/planted'] = String(global.planted); callback(null, user, context); }",
    );
    let (shared, _) = simulate_json(&root, "Customer Portal", JANE, &["--container", "tenant-1"]);
    assert_eq!(shared["tokens"]["id_token"]["claims"]["https://example.com/planted"], "by plant", "{shared}");
    let (alone, _) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!(alone["tokens"]["id_token"]["claims"]["https://example.com/planted"], "undefined");
}

/// README: `--missing-client-metadata absent|empty` is what a Rule sees as
/// `context.clientMetadata` when the application has none (default `absent`); a login runs its
/// Rules with it, and an application with metadata gets its own either way. (Order 0: the
/// example tenant's first Rule sets `context.clientMetadata ||= {}` itself.)
#[test]
fn a_login_gives_rules_the_missing_client_metadata_asked_for() {
    let (_dir, root) = tenant_copy();
    add_rule(
        &root,
        "seen",
        0,
        true,
        "function (user, context, callback) { context.idToken['https://example.com/meta'] = JSON.stringify(context.clientMetadata) ?? 'absent'; callback(null, user, context); }",
    );
    let seen = |client: &str, extra: &[&str]| {
        let (result, code) = simulate_json(&root, client, JANE, extra);
        assert_eq!(code, 0, "{result}");
        // The host's `context.clientMetadata` is the Rule's input, not a change the Rule made.
        let step = result["steps"].as_array().unwrap().iter().find(|s| s["name"] == "seen").unwrap();
        let paths: Vec<&str> = step["changes"].as_array().unwrap().iter().filter_map(|c| c["path"].as_str()).collect();
        assert!(!paths.contains(&"/context/clientMetadata"), "{paths:?}");
        result["tokens"]["id_token"]["claims"]["https://example.com/meta"].clone()
    };
    assert_eq!(seen("Legacy Mobile App", &[]), "absent");
    assert_eq!(seen("Legacy Mobile App", &["--missing-client-metadata", "absent"]), "absent");
    assert_eq!(seen("Legacy Mobile App", &["--missing-client-metadata", "empty"]), "{}");
    let portal: Value = json_file(root.join("clients/Customer Portal.json"));
    let own = serde_json::to_string(&portal["client_metadata"]).unwrap();
    assert_eq!(seen("Customer Portal", &["--missing-client-metadata", "empty"]), own.as_str());
}

/// docs/packages.md: a Rule `require`s the packages installed in the tenant's cache, by bare
/// name or `name@version`, in a login as in `run --rule`.
#[test]
fn a_rule_of_a_login_requires_the_tenant_s_installed_packages() {
    let (_dir, root) = tenant_copy();
    let package = root.join(".actionhost/packages/greet@1.0.0/node_modules/greet");
    write(&package.join("package.json"), r#"{"name": "greet", "version": "1.0.0", "main": "index.js"}"#);
    write(&package.join("index.js"), "module.exports = (name) => `hello ${name}`;\n");
    add_rule(
        &root,
        "greets",
        10,
        true,
        r#"function (user, context, callback) {
  context.idToken['https://example.com/greeting'] = require('greet')(user.given_name);
  context.idToken['https://example.com/pinned'] = require('greet@1.0.0')('pinned');
  callback(null, user, context);
}"#,
    );
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!((code, result["status"].as_str()), (0, Some("completed")), "{result}");
    let claims = &result["tokens"]["id_token"]["claims"];
    assert_eq!(claims["https://example.com/greeting"], "hello Jane");
    assert_eq!(claims["https://example.com/pinned"], "hello pinned");
}

/// Auth0's Rules: `callback(null, user, context)` hands both objects to the next Rule; a Rule
/// that passes something else in either place fails the login at that Rule, whichever it is.
#[test]
fn a_rule_passing_a_user_or_context_that_is_not_an_object_fails_the_login() {
    for (label, call) in [("user", "callback(null, 'jane', context)"), ("context", "callback(null, user, 42)")] {
        let (_dir, root) = tenant_copy();
        add_rule(&root, "bad-callback", 10, true, &format!("function (user, context, callback) {{ {call}; }}"));
        let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
        assert_eq!((code, result["status"].as_str()), (1, Some("error")), "{label}: {result}");
        assert_eq!(result["failed_step"], "rule bad-callback", "{label}");
        let step = result["steps"].as_array().unwrap().iter().find(|s| s["name"] == "bad-callback").unwrap();
        assert_eq!(step["status"], "error", "{label}: {step}");
        assert_eq!(step["error"]["name"], "CallbackError", "{label}: {step}");
        assert!(!steps(&result).iter().any(|s| s.starts_with("action ")), "{label}: no Action runs: {result}");
    }
}

/// Auth0's Rules: `context.accessToken.scope` (an array) replaces the granted scopes and is no
/// claim of its own; `context.multifactor` asks for MFA, each credited to the Rule that set it.
#[test]
fn scopes_and_mfa_set_by_a_rule_reach_the_login_result() {
    let (_dir, root) = tenant_copy();
    add_rule(
        &root,
        "narrow",
        10,
        true,
        r#"function (user, context, callback) {
  context.accessToken.scope = ['openid', 'email'];
  context.multifactor = { provider: 'guardian', allowRememberBrowser: false };
  callback(null, user, context);
}"#,
    );
    // No Action after the Rules, so what the login ends with is the Rules' doing.
    let path = root.join("triggers/triggers.json");
    let mut triggers: Value = json_file(&path);
    triggers["post-login"] = json!([]);
    write(&path, &triggers.to_string());
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["scopes"], json!(["openid", "email"]), "{result}");
    let access = &result["tokens"]["access_token"]["claims"];
    assert_eq!(access["scope"], "openid email", "{access}");
    assert_eq!(result["mfa"]["provider"], "guardian", "{result}");
    assert_eq!(result["mfa"]["by"], "rule narrow", "{result}");
}

/// A login's Rules run as one job on one worker, each an execution of its own: a Rule gets the
/// `user` and `context` the Rule before passed to its callback, and nothing else it left (its
/// globals, its `global` object).
#[test]
fn the_rules_of_one_job_pass_on_their_objects_and_nothing_else() {
    let (_dir, root) = tenant_copy();
    add_rule(
        &root,
        "plant",
        10,
        true,
        r#"function (user, context, callback) {
  globalThis.planted = 'secret';
  global.cached = 'token';
  context.idToken['https://example.com/first'] = 'one';
  user.nickname = 'changed';
  callback(null, user, context);
}"#,
    );
    add_rule(
        &root,
        "look",
        11,
        true,
        r#"function (user, context, callback) {
  context.idToken['https://example.com/seen'] =
    [typeof planted, typeof global.cached, context.idToken['https://example.com/first'], user.nickname].join(',');
  callback(null, user, context);
}"#,
    );
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &[]);
    assert_eq!(code, 0, "{result}");
    let claims = &result["tokens"]["id_token"]["claims"];
    assert_eq!(claims["https://example.com/seen"], "undefined,undefined,one,changed", "{claims}");
    let look = result["steps"].as_array().unwrap().iter().find(|s| s["name"] == "look").unwrap();
    assert_eq!(look["changes"].as_array().unwrap().len(), 1, "only its own claim is its change: {look}");
}

/// Each Rule keeps its own time limit inside the one job, and the job may take all of them: four
/// Rules of 400 ms each complete under a 600 ms limit, without the worker being stopped (a stopped
/// job is run again Rule by Rule, which would take several more seconds); a Rule that never ends
/// times out alone, and the login fails at it.
#[test]
fn each_rule_of_the_job_keeps_its_own_time_limit() {
    let (_dir, root) = tenant_copy();
    for order in 10..14 {
        add_rule(
            &root,
            &format!("slow-{order}"),
            order,
            true,
            "function (user, context, callback) { setTimeout(() => callback(null, user, context), 400); }",
        );
    }
    let started = std::time::Instant::now();
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &["--timeout-ms", "600"]);
    let elapsed = started.elapsed();
    assert_eq!(code, 0, "{result}");
    assert_eq!(steps(&result).iter().filter(|s| s.starts_with("rule slow-") && s.ends_with("completed")).count(), 4);
    assert!(elapsed < std::time::Duration::from_millis(4_000), "{elapsed:?}: the job was stopped and run again");

    add_rule(&root, "spin", 9, true, "function (user, context, callback) { for (;;) {} }");
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &["--timeout-ms", "600"]);
    assert_eq!((code, result["status"].as_str()), (1, Some("error")), "{result}");
    assert_eq!(result["failed_step"], "rule spin", "{result}");
    let rules: Vec<String> = steps(&result).into_iter().filter(|s| s.starts_with("rule ")).collect();
    assert_eq!(rules[rules.len() - 2..], ["rule require-terms completed", "rule spin timeout"], "{result}");
}

/// A Rule that gets its worker killed (memory outside the heap, over the process's cap) ends the
/// one job without an answer for any Rule: the Rules are then run one by one, so the outcome
/// names the Rule at fault and the Rules before it keep their results.
#[test]
fn a_rule_that_kills_its_worker_is_the_one_the_login_fails_at() {
    let (_dir, root) = tenant_copy();
    add_rule(
        &root,
        "before",
        10,
        true,
        "function (user, context, callback) { context.idToken['https://example.com/before'] = 1; callback(null, user, context); }",
    );
    add_rule(
        &root,
        "hog",
        11,
        true,
        r#"function (user, context, callback) {
  const kept = [];
  for (let i = 0; i < 10; i++) { const b = new SharedArrayBuffer(16 * 1024 * 1024); new Uint8Array(b).fill(1); kept.push(b); }
  callback(null, user, context);
}"#,
    );
    add_rule(&root, "after", 12, true, "function (user, context, callback) { callback(null, user, context); }");
    let (result, code) = simulate_json(&root, "Customer Portal", JANE, &["--memory-mb", "16"]);
    assert_eq!((code, result["status"].as_str()), (1, Some("error")), "{result}");
    assert_eq!(result["failed_step"], "rule hog", "{result}");
    let rules: Vec<String> = steps(&result).into_iter().filter(|s| s.starts_with("rule ")).collect();
    assert_eq!(rules[rules.len() - 2..], ["rule before completed", "rule hog out_of_memory"], "{result}");
    let before = result["steps"].as_array().unwrap().iter().find(|s| s["name"] == "before").unwrap();
    assert_eq!(before["changes"][0]["path"], "/context/idToken/https:~1~1example.com~1before", "{before}");
}
