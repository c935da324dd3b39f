//! Tenants in the Deploy CLI formats: running their scripts for an application, listing
//! applications, and managing application metadata (validation, atomic writes, concurrency).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};

use crate::util::*;

fn client_file(root: &Path, name: &str) -> PathBuf {
    root.join("clients").join(format!("{name}.json"))
}

fn read_client(root: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(client_file(root, name)).unwrap()).unwrap()
}

fn metadata(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["clients", "metadata"];
    all.extend_from_slice(&args[..1]);
    all.extend(["--tenant", root.to_str().unwrap()]);
    all.extend_from_slice(&args[1..]);
    run_binary(&all, None)
}

fn status_of(output: &std::process::Output) -> String {
    let outcome: Value = serde_json::from_str(&stdout(output)).unwrap_or_else(|_| panic!("{}{}", stdout(output), stderr(output)));
    outcome["status"].as_str().unwrap().to_owned()
}

const UNVERIFIED: &str = "fixtures/seed/events/user-unverified.json";

fn run_action(root: &Path, client: &str) -> std::process::Output {
    run_binary(&["run", "--tenant", root.to_str().unwrap(), "--client", client, "--action", "require-verified-email", "--event", UNVERIFIED, "--json"], None)
}

fn run_rule(root: &Path, client: &str) -> std::process::Output {
    run_binary(&["run", "--tenant", root.to_str().unwrap(), "--client", client, "--rule", "require-verified-email", "--user", "fixtures/seed/user-unverified.json", "--json"], None)
}

#[test]
fn the_seed_scripts_run_from_the_tenant_for_each_application() {
    let tenant = fixture("tenant");
    for (client, expected) in [("Internal Tools", "completed"), ("Customer Portal", "denied"), ("Legacy Mobile App", "denied")] {
        assert_eq!(status_of(&run_action(&tenant, client)), expected, "action for {client}");
        assert_eq!(status_of(&run_rule(&tenant, client)), expected, "rule for {client}");
    }
}

#[test]
fn the_tenant_supplies_client_identity_secrets_and_configuration() {
    let tenant = fixture("tenant");
    let output = run_binary(&["run", "--tenant", tenant.to_str().unwrap(), "--client", "Gd2Customer0Portal0Client0Id002", "--action", "require-verified-email", "--json"], None);
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(outcome["status"], "completed");
    assert_eq!(outcome["script"], json!(format!("{}/actions/require-verified-email/code.js", tenant.display())));
    assert_eq!(outcome["commands"][1]["args"], json!(["https://example.com/tier", "gold"]));

    let probe = "function (user, context, callback) { context.idToken.seen = [context.clientID, context.clientName, context.clientMetadata === undefined, configuration.CLAIM_NAMESPACE]; callback(null, user, context); }";
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), probe).unwrap();
    let output = run_binary(&["run", script.path().to_str().unwrap(), "--tenant", tenant.to_str().unwrap(), "--client", "Legacy Mobile App", "--json"], None);
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        outcome["callback"]["context"]["idToken"]["seen"],
        json!(["Lg3Legacy0Mobile0App0Client0003", "Legacy Mobile App", true, "https://example.com/"])
    );
}

#[test]
fn rules_of_the_tenant_see_its_configuration() {
    let tenant = fixture("tenant");
    let output = run_binary(&["run", "--tenant", tenant.to_str().unwrap(), "--rule", "add-roles-claim", "--context", "/dev/stdin", "--json"], Some(r#"{"authorization": {"roles": ["admin"]}}"#));
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(outcome["callback"]["context"]["idToken"]["https://example.com/roles"], json!(["admin"]));
}

#[test]
fn clients_list_shows_both_formats_alike() {
    let directory = run_binary(&["clients", "list", "--tenant", "fixtures/tenant"], None);
    let yaml = run_binary(&["clients", "list", "--tenant", "fixtures/tenant-yaml/tenant.yaml"], None);
    assert_eq!(directory.status.code(), Some(0), "{}", stderr(&directory));
    assert_eq!(stdout(&directory), stdout(&yaml));
    let text = stdout(&directory);
    assert!(text.starts_with("NAME "), "{text}");
    assert!(text.contains("Internal Tools     Wx1Internal0Tools0Client0Id0001  2\n"), "{text}");
    assert!(text.contains("Legacy Mobile App  Lg3Legacy0Mobile0App0Client0003  0\n"), "{text}");
}

#[test]
fn a_metadata_change_is_seen_by_the_next_run() {
    let (_dir, root) = tenant_copy();
    assert_eq!(status_of(&run_action(&root, "Customer Portal")), "denied");
    let output = metadata(&root, &["set", "--client", "Customer Portal", "SKIP_VERIFICATION=yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(status_of(&run_action(&root, "Customer Portal")), "completed");
    assert_eq!(status_of(&run_rule(&root, "Customer Portal")), "completed");
    let output = metadata(&root, &["unset", "--client", "Customer Portal", "SKIP_VERIFICATION"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(status_of(&run_action(&root, "Customer Portal")), "denied");
    assert_eq!(status_of(&run_rule(&root, "Customer Portal")), "denied");
}

#[test]
fn metadata_get_set_unset_patch() {
    let (_dir, root) = tenant_copy();
    let get = metadata(&root, &["get", "--client", "Customer Portal"]);
    assert_eq!(serde_json::from_str::<Value>(&stdout(&get)).unwrap(), json!({"TIER": "gold", "SUPPORT_URL": "https://portal.example.com/help"}));
    assert_eq!(stdout(&metadata(&root, &["get", "--client", "Customer Portal", "TIER"])), "gold\n");
    assert_eq!(metadata(&root, &["get", "--client", "Customer Portal", "NOPE"]).status.code(), Some(1));

    let set = metadata(&root, &["set", "--client", "Customer Portal", "TIER=platinum", "REGION=eu"]);
    assert_eq!(serde_json::from_str::<Value>(&stdout(&set)).unwrap(), json!({"TIER": "platinum", "SUPPORT_URL": "https://portal.example.com/help", "REGION": "eu"}));
    let patch = metadata(&root, &["patch", "--client", "Gd2Customer0Portal0Client0Id002", "--json", r#"{"REGION": null, "LOCALE": "fr"}"#]);
    assert_eq!(patch.status.code(), Some(0), "{}", stderr(&patch));
    let unset = metadata(&root, &["unset", "--client", "Customer Portal", "SUPPORT_URL"]);
    assert_eq!(serde_json::from_str::<Value>(&stdout(&unset)).unwrap(), json!({"TIER": "platinum", "LOCALE": "fr"}));

    // Every other field of the client file is kept, in order.
    let client = read_client(&root, "Customer Portal");
    let keys: Vec<&str> = client.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["name", "client_id", "app_type", "callbacks", "allowed_origins", "grant_types", "token_endpoint_auth_method", "oidc_conformant", "client_metadata"]);

    // An application that never had metadata gets it.
    let set = metadata(&root, &["set", "--client", "Legacy Mobile App", "SKIP_VERIFICATION=yes"]);
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    assert_eq!(read_client(&root, "Legacy Mobile App")["client_metadata"], json!({"SKIP_VERIFICATION": "yes"}));
}

#[test]
fn rejected_changes_name_the_rule_and_leave_the_file_untouched() {
    let (_dir, root) = tenant_copy();
    let file = client_file(&root, "Customer Portal");
    let before = std::fs::read(&file).unwrap();
    let eight: Vec<String> = (0..8).map(|i| format!("K{i}=v")).collect();
    let nine: Vec<String> = (0..9).map(|i| format!("K{i}=v")).collect();
    let long_key = format!("{}=v", "k".repeat(256));
    let long_value = format!("k={}", "v".repeat(256));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (["set", "--client", "Customer Portal"].into_iter().chain(nine.iter().map(String::as_str)).collect(), "has 11 keys; Auth0 allows at most 10"),
        (vec!["set", "--client", "Customer Portal", &long_key], "is 256 characters long; Auth0 allows at most 255"),
        (vec!["set", "--client", "Customer Portal", &long_value], "255"),
        (vec!["set", "--client", "Customer Portal", "bad.key=1"], "contains '.'"),
        (vec!["patch", "--client", "Customer Portal", "--json", r#"{"n": 1}"#], "must be a string, found number"),
        (vec!["patch", "--client", "Customer Portal", "--json", r#"{"o": {"a": "b"}}"#], "must be a string, found object"),
    ];
    for (args, expected) in cases {
        let output = metadata(&root, &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(expected), "{args:?}: {}", stderr(&output));
        assert_eq!(std::fs::read(&file).unwrap(), before, "{args:?} changed the file");
    }
    // The boundaries themselves are accepted: 10 keys, 255 characters.
    let ok = metadata(&root, &["set", "--client", "Customer Portal"].into_iter().chain(eight.iter().map(String::as_str)).collect::<Vec<_>>());
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let max_key = format!("{}=v", "k".repeat(255));
    let ok = metadata(&root, &["patch", "--client", "Customer Portal", "--json", r#"{"K0": null}"#]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(metadata(&root, &["set", "--client", "Customer Portal", &max_key]).status.code(), Some(0));
}

#[test]
fn concurrent_writers_lose_no_update() {
    let (_dir, root) = tenant_copy();
    let children: Vec<_> = (0..8)
        .map(|i| {
            binary()
                .args(["clients", "metadata", "set", "--tenant", root.to_str().unwrap(), "--client", "Customer Portal", &format!("WRITER_{i}=done")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let metadata = read_client(&root, "Customer Portal")["client_metadata"].clone();
    for i in 0..8 {
        assert_eq!(metadata[format!("WRITER_{i}")], json!("done"), "{metadata}");
    }
}

#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    let (_dir, root) = tenant_copy();
    let mut completed = 0;
    for round in 0..40u64 {
        let before = read_client(&root, "Customer Portal")["client_metadata"]["TIER"].clone();
        let new = format!("tier-{round}");
        let mut child = binary()
            .args(["clients", "metadata", "set", "--tenant", root.to_str().unwrap(), "--client", "Customer Portal", &format!("TIER={new}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the process's short life (start-up, lock, write, rename).
        std::thread::sleep(Duration::from_micros((round * 7919) % 6000));
        let _ = child.kill();
        let status = child.wait().unwrap();
        completed += usize::from(status.success());
        let text = std::fs::read_to_string(client_file(&root, "Customer Portal")).unwrap();
        let client: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("round {round}: corrupt file: {e}\n{text}"));
        let tier = &client["client_metadata"]["TIER"];
        assert!(tier == &before || tier == &json!(new), "round {round}: TIER is {tier}, expected {before} or {new}");
        assert_eq!(client["name"], "Customer Portal");
    }
    // Whatever the kills left behind (hidden temporary files), the tenant still loads.
    let list = run_binary(&["clients", "list", "--tenant", root.to_str().unwrap()], None);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    eprintln!("{completed} of 40 writers finished before being killed");
}

#[test]
fn a_bad_tenant_is_reported_with_its_file() {
    let (_dir, root) = tenant_copy();
    std::fs::write(client_file(&root, "Customer Portal"), "{\n  \"name\": \"Customer Portal\",\n  \"client_id\": \n}\n").unwrap();
    let output = run_binary(&["clients", "list", "--tenant", root.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("Customer Portal.json:4:"), "{message}");
    let output = run_action(&root, "Internal Tools");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("tenant: ") && stderr(&output).contains("Customer Portal.json:4:"), "{}", stderr(&output));
}

#[test]
fn batch_takes_tenant_requests_and_command_line_defaults() {
    let input = [
        r#"{"id": 1, "tenant": "fixtures/tenant", "client": "Internal Tools", "action": "require-verified-email", "event": {"user": {"email_verified": false}}}"#,
        r#"{"id": 2, "action": "require-verified-email", "event": {"user": {"email_verified": false}}}"#,
        r#"{"id": 3, "client": "Nobody", "rule": "require-verified-email"}"#,
    ]
    .join("\n");
    let output = run_binary(&["batch", "--tenant", "fixtures/tenant", "--client", "Customer Portal"], Some(&input));
    let outcomes: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(outcomes[0]["status"], "completed");
    assert_eq!(outcomes[1]["status"], "denied");
    assert_eq!(outcomes[2]["error"]["name"], "InvalidRequest");
    assert!(outcomes[2]["error"]["message"].as_str().unwrap().contains("Nobody"), "{}", outcomes[2]);
}
