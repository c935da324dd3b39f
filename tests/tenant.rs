//! Tenants in the Deploy CLI formats: running their scripts for an application, listing
//! applications, and managing application metadata (validation, atomic writes, concurrency).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

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
    let outcome: Value =
        serde_json::from_str(&stdout(output)).unwrap_or_else(|_| panic!("{}{}", stdout(output), stderr(output)));
    outcome["status"].as_str().unwrap().to_owned()
}

const UNVERIFIED: &str = "fixtures/seed/events/user-unverified.json";

fn run_action(root: &Path, client: &str) -> std::process::Output {
    run_binary(
        &[
            "run",
            "--tenant",
            root.to_str().unwrap(),
            "--client",
            client,
            "--action",
            "require-verified-email",
            "--event",
            UNVERIFIED,
            "--json",
        ],
        None,
    )
}

fn run_rule(root: &Path, client: &str) -> std::process::Output {
    run_binary(
        &[
            "run",
            "--tenant",
            root.to_str().unwrap(),
            "--client",
            client,
            "--rule",
            "require-verified-email",
            "--user",
            "fixtures/seed/user-unverified.json",
            "--json",
        ],
        None,
    )
}

#[test]
fn the_seed_scripts_run_from_the_tenant_for_each_application() {
    let tenant = fixture("tenant");
    for (client, expected) in
        [("Internal Tools", "completed"), ("Customer Portal", "denied"), ("Legacy Mobile App", "denied")]
    {
        assert_eq!(status_of(&run_action(&tenant, client)), expected, "action for {client}");
        assert_eq!(status_of(&run_rule(&tenant, client)), expected, "rule for {client}");
    }
}

#[test]
fn the_tenant_supplies_client_identity_secrets_and_configuration() {
    let tenant = fixture("tenant");
    let output = run_binary(
        &[
            "run",
            "--tenant",
            tenant.to_str().unwrap(),
            "--client",
            "Gd2Customer0Portal0Client0Id002",
            "--action",
            "require-verified-email",
            "--json",
        ],
        None,
    );
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(outcome["status"], "completed");
    assert_eq!(outcome["script"], json!(format!("{}/actions/require-verified-email/code.js", tenant.display())));
    assert_eq!(outcome["commands"][1]["args"], json!(["https://example.com/tier", "gold"]));

    let probe = "function (user, context, callback) { context.idToken.seen = [context.clientID, context.clientName, context.clientMetadata === undefined, configuration.CLAIM_NAMESPACE]; callback(null, user, context); }";
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), probe).unwrap();
    let output = run_binary(
        &[
            "run",
            script.path().to_str().unwrap(),
            "--tenant",
            tenant.to_str().unwrap(),
            "--client",
            "Legacy Mobile App",
            "--json",
        ],
        None,
    );
    let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        outcome["callback"]["context"]["idToken"]["seen"],
        json!(["Lg3Legacy0Mobile0App0Client0003", "Legacy Mobile App", true, "https://example.com/"])
    );
}

#[test]
fn rules_of_the_tenant_see_its_configuration() {
    let tenant = fixture("tenant");
    let output = run_binary(
        &[
            "run",
            "--tenant",
            tenant.to_str().unwrap(),
            "--rule",
            "add-roles-claim",
            "--context",
            "/dev/stdin",
            "--json",
        ],
        Some(r#"{"authorization": {"roles": ["admin"]}}"#),
    );
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
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&get)).unwrap(),
        json!({"TIER": "gold", "SUPPORT_URL": "https://portal.example.com/help"})
    );
    assert_eq!(stdout(&metadata(&root, &["get", "--client", "Customer Portal", "TIER"])), "gold\n");
    assert_eq!(metadata(&root, &["get", "--client", "Customer Portal", "NOPE"]).status.code(), Some(1));

    let set = metadata(&root, &["set", "--client", "Customer Portal", "TIER=platinum", "REGION=eu"]);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&set)).unwrap(),
        json!({"TIER": "platinum", "SUPPORT_URL": "https://portal.example.com/help", "REGION": "eu"})
    );
    let patch = metadata(
        &root,
        &["patch", "--client", "Gd2Customer0Portal0Client0Id002", "--json", r#"{"REGION": null, "LOCALE": "fr"}"#],
    );
    assert_eq!(patch.status.code(), Some(0), "{}", stderr(&patch));
    let unset = metadata(&root, &["unset", "--client", "Customer Portal", "SUPPORT_URL"]);
    assert_eq!(serde_json::from_str::<Value>(&stdout(&unset)).unwrap(), json!({"TIER": "platinum", "LOCALE": "fr"}));

    // Every other field of the client file is kept, in order.
    let client = read_client(&root, "Customer Portal");
    let keys: Vec<&str> = client.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "name",
            "client_id",
            "app_type",
            "callbacks",
            "allowed_origins",
            "grant_types",
            "token_endpoint_auth_method",
            "oidc_conformant",
            "client_metadata"
        ]
    );

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
    // The file, the line of client_metadata, and the rule broken.
    let long_value_message = format!("actionhost: {}:17: change rejected, nothing written: client_metadata value of \"k\" is 256 characters long; Auth0 allows at most 255\n", file.display());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            ["set", "--client", "Customer Portal"].into_iter().chain(nine.iter().map(String::as_str)).collect(),
            "has 11 keys; Auth0 allows at most 10",
        ),
        (vec!["set", "--client", "Customer Portal", &long_key], "is 256 characters long; Auth0 allows at most 255"),
        (vec!["set", "--client", "Customer Portal", &long_value], &long_value_message),
        (vec!["set", "--client", "Customer Portal", "bad.key=1"], "contains '.'"),
        (vec!["patch", "--client", "Customer Portal", "--json", r#"{"n": 1}"#], "must be a string, found number"),
        (
            vec!["patch", "--client", "Customer Portal", "--json", r#"{"o": {"a": "b"}}"#],
            "must be a string, found object",
        ),
    ];
    for (args, expected) in cases {
        let output = metadata(&root, &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(expected), "{args:?}: {}", stderr(&output));
        assert_eq!(std::fs::read(&file).unwrap(), before, "{args:?} changed the file");
    }
    // The boundaries themselves are accepted: 10 keys, 255 characters.
    let ok = metadata(
        &root,
        &["set", "--client", "Customer Portal"].into_iter().chain(eight.iter().map(String::as_str)).collect::<Vec<_>>(),
    );
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
                .args([
                    "clients",
                    "metadata",
                    "set",
                    "--tenant",
                    root.to_str().unwrap(),
                    "--client",
                    "Customer Portal",
                    &format!("WRITER_{i}=done"),
                ])
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

/// README.md: the client file is rewritten "through a temporary file that is synced and
/// renamed, so a reader (or a process killed mid-write) never sees a partial file". Writers are
/// killed at moments spread over their life until both cases have happened: a writer killed
/// mid-write (its temporary file `.<name>.<random>.tmp` is left behind, so the kill came after the
/// write began and before the rename) and a writer that finished. Every round the file must hold
/// the old or the new value, and at the end the tenant must still load.
#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    let (_dir, root) = tenant_copy();
    let tenant = root.to_str().unwrap().to_owned();
    let set = |value: &str| {
        binary()
            .args([
                "clients",
                "metadata",
                "set",
                "--tenant",
                &tenant,
                "--client",
                "Customer Portal",
                &format!("TIER={value}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // One writer's life, start-up to exit: the kills are spread over it.
    let started = Instant::now();
    assert!(set("warm-up").wait().unwrap().success());
    let life = started.elapsed();
    let (mut finished, mut killed_mid_write, mut killed_before, mut killed_after) = (0, 0, 0, 0);
    // Kill delays known to fall before the write began / after the file was replaced; every
    // other round tries a moment between them, where the write is.
    let (mut early, mut late) = (Duration::ZERO, life);
    let mut seed = 0x9e37_79b9_u64;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut round = 0u64;
    while finished == 0 || killed_mid_write == 0 {
        assert!(
            Instant::now() < deadline,
            "after {round} rounds (writer life {life:?}): {finished} finished, {killed_mid_write} killed mid-write, {killed_before} killed before writing, {killed_after} killed after the rename"
        );
        round += 1;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        if early >= late {
            (early, late) = (Duration::ZERO, life);
        }
        let (from, to) = if round.is_multiple_of(2) { (early, late) } else { (Duration::ZERO, life + life / 2) };
        let span = (to - from).as_micros().max(1) as u64;
        let delay = from + Duration::from_micros(seed % span);

        let before = read_client(&root, "Customer Portal")["client_metadata"]["TIER"].clone();
        let new = format!("tier-{round}");
        let mut child = set(&new);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let text = std::fs::read_to_string(client_file(&root, "Customer Portal")).unwrap();
        let client: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("round {round}: corrupt file: {e}\n{text}"));
        assert_eq!(client["name"], "Customer Portal");
        let tier = &client["client_metadata"]["TIER"];
        if status.success() {
            assert_eq!(tier, &json!(new), "round {round}: the writer finished");
            finished += 1;
            late = late.min(delay);
        } else if remove_temporary_files(&root.join("clients"), ".Customer Portal.json.") > 0 {
            assert_eq!(tier, &before, "round {round}: killed before its rename");
            killed_mid_write += 1;
        } else if tier == &before {
            killed_before += 1;
            early = early.max(delay);
        } else {
            assert_eq!(tier, &json!(new), "round {round}: TIER is {tier}, expected {before} or {new}");
            killed_after += 1;
            late = late.min(delay);
        }
    }
    // Whatever the kills left behind (hidden temporary files), the tenant still loads.
    let list = run_binary(&["clients", "list", "--tenant", &tenant], None);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert!(stdout(&list).contains("Customer Portal    Gd2Customer0Portal0Client0Id002  2\n"), "{}", stdout(&list));
}

#[test]
fn a_bad_tenant_is_reported_with_its_file() {
    let (_dir, root) = tenant_copy();
    std::fs::write(
        client_file(&root, "Customer Portal"),
        "{\n  \"name\": \"Customer Portal\",\n  \"client_id\": \n}\n",
    )
    .unwrap();
    let output = run_binary(&["clients", "list", "--tenant", root.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("Customer Portal.json:4:"), "{message}");
    let output = run_action(&root, "Internal Tools");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("tenant: ") && stderr(&output).contains("Customer Portal.json:4:"),
        "{}",
        stderr(&output)
    );
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

/// README.md: "`##KEY##` is replaced by the value as is, … with the mappings of
/// `AUTH0_KEYWORD_REPLACE_MAPPINGS` (a JSON object) and of `--keywords FILE` (the mappings
/// object, or a Deploy CLI config containing `AUTH0_KEYWORD_REPLACE_MAPPINGS`)". The Customer
/// Portal's TIER becomes a placeholder; the seed Action puts TIER in an access token claim.
#[test]
fn keywords_fill_placeholders_for_run_simulate_and_batch() {
    let (dir, root) = tenant_copy();
    let file = client_file(&root, "Customer Portal");
    let text = std::fs::read_to_string(&file).unwrap().replace(r#""TIER": "gold""#, r###""TIER": "##TIER##""###);
    assert!(text.contains("##TIER##"));
    std::fs::write(&file, text).unwrap();
    let mappings = dir.path().join("keywords.json");
    std::fs::write(&mappings, r#"{"TIER": "platinum"}"#).unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        r#"{"AUTH0_DOMAIN": "example.auth0.com", "AUTH0_KEYWORD_REPLACE_MAPPINGS": {"TIER": "silver"}}"#,
    )
    .unwrap();
    let tenant = root.to_str().unwrap();
    let tier = |output: std::process::Output| -> Value {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let command = outcome["commands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["args"][0] == "https://example.com/tier")
            .unwrap_or_else(|| panic!("{outcome}"));
        command["args"][1].clone()
    };
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--tenant",
            tenant,
            "--client",
            "Customer Portal",
            "--action",
            "require-verified-email",
            "--json",
        ];
        args.extend_from_slice(extra);
        run_binary(&args, None)
    };
    assert_eq!(tier(run(&[])), "##TIER##", "no mappings: the placeholder stays");
    assert_eq!(
        tier(run(&["--keywords", mappings.to_str().unwrap()])),
        "platinum",
        "run --keywords with a mappings file"
    );
    assert_eq!(
        tier(run(&["--keywords", config.to_str().unwrap()])),
        "silver",
        "run --keywords with a Deploy CLI config"
    );
    let with_env = binary()
        .args([
            "run",
            "--tenant",
            tenant,
            "--client",
            "Customer Portal",
            "--action",
            "require-verified-email",
            "--json",
        ])
        .env("AUTH0_KEYWORD_REPLACE_MAPPINGS", r#"{"TIER": "bronze"}"#)
        .output()
        .unwrap();
    assert_eq!(tier(with_env), "bronze", "run with AUTH0_KEYWORD_REPLACE_MAPPINGS");

    let output = run_binary(
        &[
            "simulate",
            "--tenant",
            tenant,
            "--client",
            "Customer Portal",
            "--user-id",
            "auth0|65a5027f9b3c4d1e2f3a4b5c",
            "--json",
            "--keywords",
            mappings.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(result["tokens"]["access_token"]["claims"]["https://example.com/tier"], "platinum", "{result}");

    let line = r#"{"id": 1, "client": "Customer Portal", "action": "require-verified-email"}"#;
    let output = run_binary(&["batch", "--tenant", tenant, "--keywords", mappings.to_str().unwrap()], Some(line));
    let outcome: Value = serde_json::from_str(stdout(&output).trim())
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&output), stderr(&output)));
    assert_eq!(outcome["commands"][1]["args"], json!(["https://example.com/tier", "platinum"]), "{outcome}");
}

/// Removes the writer's temporary files (`<prefix><random>.tmp`) left in `folder`; how many there were.
fn remove_temporary_files(folder: &std::path::Path, prefix: &str) -> usize {
    let mut removed = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(".tmp") {
            std::fs::remove_file(folder.join(&name)).unwrap();
            removed += 1;
        }
    }
    removed
}
