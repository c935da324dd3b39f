//! The `warnings` of outcomes: an unmapped keyword of a tenant's script, a secret the tenant
//! declares without a value read by its Action, a deprecated api (`api.redirect.canRedirect()`, deprecated by post-login v3),
//! and a secret-looking application-metadata value copied into an ID-token claim; shown by
//! `run`, `batch` and every `test` reporter, and failing a case under `test --deny-warnings`.

use serde_json::{json, Value};

use crate::util::*;

fn warnings(outcome: &actionhost::Outcome) -> Vec<&str> {
    outcome.warnings.iter().map(String::as_str).collect()
}

fn metadata(value: Value) -> Option<Value> {
    Some(value)
}

#[tokio::test]
async fn an_outcome_without_warnings_has_an_empty_list() {
    let mut request = script_request("warnings/clean.action.js");
    request.client_metadata = metadata(json!({"plan": "gold", "apiKey": "k-1"}));
    let outcome = run(request).await;
    assert_eq!(outcome.status, actionhost::Status::Completed, "{:?}", outcome.error);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(json["warnings"], json!([]), "always present in the JSON");
}

#[tokio::test]
async fn a_deprecated_api_is_a_warning() {
    let outcome = run(script_request("warnings/can-redirect.action.js")).await;
    let [warning] = warnings(&outcome)[..] else { panic!("one warning: {:?}", outcome.warnings) };
    assert!(
        warning.ends_with(
            "can-redirect.action.js:3: api.redirect.canRedirect() is deprecated (post-login v3); check \
             event.transaction.protocol and event.request.query.prompt before api.redirect.sendUserTo() instead"
        ),
        "{warning}"
    );
}

#[tokio::test]
async fn a_secret_looking_metadata_value_in_an_id_token_claim_is_a_warning_for_actions_and_rules() {
    let expected = "ID-token claim \"https://example.com/partner\" holds the value of the application's metadata \
                    \"partnerApiKey\", which looks like a secret: any user can read an ID token (keep secrets out of \
                    ID-token claims)";
    for script in ["warnings/secret-claim.action.js", "warnings/secret-claim.rule.js"] {
        let mut request = script_request(script);
        request.client_metadata = metadata(json!({"plan": "gold", "partnerApiKey": "pk-live-42"}));
        let outcome = run(request).await;
        assert!(outcome.status.ran(), "{script}: {:?}", outcome.error);
        assert_eq!(warnings(&outcome), [expected], "{script}");
        // The same claims from metadata whose keys do not look like secrets: no warning.
        let mut request = script_request(script);
        request.client_metadata = metadata(json!({"plan": "gold", "partner": "pk-live-42"}));
        assert!(run(request).await.warnings.is_empty(), "{script}");
    }
}

/// `run --tenant fixtures/warnings/tenant --action keyword-claim --json` with `args` and the
/// keyword mappings `mappings`: the outcome's warnings.
fn tenant_warnings(args: &[&str], mappings: Option<&str>) -> Value {
    let tenant = fixture("warnings/tenant");
    let mut command = binary();
    command.args(["run", "--tenant", tenant.to_str().unwrap(), "--action", "keyword-claim", "--json"]).args(args);
    if let Some(mappings) = mappings {
        command.env("AUTH0_KEYWORD_REPLACE_MAPPINGS", mappings);
    }
    let output = command.output().unwrap();
    let outcome: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", stderr(&output)));
    assert_eq!(outcome["status"], "completed", "{outcome}");
    outcome["warnings"].clone()
}

#[test]
fn an_unmapped_keyword_and_a_declared_secret_read_without_a_value_reach_the_outcome() {
    let code = fixture("warnings/tenant/actions/keyword-claim/code.js").display().to_string();
    let keyword = format!("{code}:4: ##CLAIM_NAMESPACE## has no keyword mapping; left as written");
    let secret = format!(
        "{code}:5: the script reads secret CRM_API_KEY, which has no value (event.secrets.CRM_API_KEY is undefined; \
         the tenant declares it without one); give it with --secret CRM_API_KEY=VALUE, a keyword mapping of \
         CRM_API_KEY or the case's secrets"
    );
    assert_eq!(tenant_warnings(&[], None), json!([keyword, secret]));
    assert_eq!(tenant_warnings(&["--secret", "CRM_API_KEY=k"], None), json!([keyword]));
    let namespace = r#"{"CLAIM_NAMESPACE": "https://example.com"}"#;
    assert_eq!(tenant_warnings(&[], Some(namespace)), json!([secret]));
    // A keyword mapping of the secret's name gives it its value, as the Deploy CLI does.
    let both = r#"{"CLAIM_NAMESPACE": "https://example.com", "CRM_API_KEY": "k"}"#;
    assert_eq!(tenant_warnings(&[], Some(both)), json!([]));
}

#[test]
fn run_and_batch_show_warnings() {
    let output = run_binary(&["run", "fixtures/warnings/can-redirect.action.js"], None);
    let text = stdout(&output);
    assert!(
        text.contains(
            "warnings:\n  - fixtures/warnings/can-redirect.action.js:3: api.redirect.canRedirect() is deprecated"
        ),
        "{text}"
    );
    let line = r#"{"id": 1, "script_path": "fixtures/warnings/can-redirect.action.js"}"#;
    let output = run_binary(&["batch"], Some(&format!("{line}\n")));
    let outcome: Value = serde_json::from_str(stdout(&output).lines().next().unwrap()).unwrap();
    assert_eq!(outcome["warnings"].as_array().map(Vec::len), Some(1), "{outcome}");
}

#[test]
fn every_reporter_shows_a_passing_cases_warnings() {
    let suite = "fixtures/warnings/cases/warned.cases.yaml";
    let said = "code.js:5: the script reads secret CRM_API_KEY";
    let human = run_binary(&["test", suite], None);
    let text = stdout(&human);
    assert_eq!(human.status.code(), Some(0), "{text}");
    let block = "WARN fixtures/warnings/cases/warned.cases.yaml:6 › an export as it is\n  warnings:\n    - ";
    assert!(text.contains(block) && text.contains(said), "{text}");
    assert!(text.ends_with("\n1 passed, 0 failed\n"), "{text}");

    let json = run_binary(&["test", suite, "--reporter", "json"], None);
    let document: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let warnings = document["cases"][0]["warnings"].as_array().unwrap();
    assert!(warnings.len() == 2 && warnings[1].as_str().unwrap().contains(said), "{document}");

    let junit = stdout(&run_binary(&["test", suite, "--reporter", "junit"], None));
    assert!(junit.contains("<system-out>warning: ") && junit.contains(said), "{junit}");

    let tap = stdout(&run_binary(&["test", suite, "--reporter", "tap"], None));
    assert!(
        tap.contains("ok 1 - fixtures/warnings/cases/warned.cases.yaml:6 › an export as it is\n# warning: "),
        "{tap}"
    );

    let github = stdout(&run_binary(&["test", suite, "--reporter", "github"], None));
    assert!(
        github.starts_with(
            "::warning file=fixtures/warnings/cases/warned.cases.yaml,line=6,title=an export as it is › warning::"
        ) && github.contains(said),
        "{github}"
    );
}

#[test]
fn deny_warnings_fails_a_case_with_warnings_and_says_why() {
    let output = run_binary(&["test", "fixtures/warnings/cases", "--deny-warnings"], None);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "FAIL fixtures/warnings/cases/warned.cases.yaml:6 › an export as it is\n  \
             fixtures/warnings/cases/warned.cases.yaml:6: fails with 2 warning(s) (--deny-warnings)\n  warnings:\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("1 passed, 1 failed\n"), "the clean suite still passes: {text}");
    let args = ["test", "fixtures/warnings/cases", "--deny-warnings", "--reporter"];
    let github = stdout(&run_binary(&[&args[..], &["github"]].concat(), None));
    assert!(
        github.contains("title=an export as it is › warnings::2 warning(s) fail the case (--deny-warnings)"),
        "{github}"
    );
    let junit = stdout(&run_binary(&[&args[..], &["junit"]].concat(), None));
    assert!(junit.contains(r#"<failure message="fails with 2 warning(s) (--deny-warnings)""#), "{junit}");
    let json = stdout(&run_binary(&[&args[..], &["json"]].concat(), None));
    let document: Value = serde_json::from_str(&json).unwrap();
    let denied: Vec<&Value> =
        document["cases"].as_array().unwrap().iter().filter(|c| c["denied_warnings"] == true).collect();
    assert_eq!(denied.len(), 1, "{document}");
    // Without the flag the same cases pass.
    let output = run_binary(&["test", "fixtures/warnings/cases"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}
