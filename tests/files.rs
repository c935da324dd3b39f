//! Files read and written: writes never go through a planted symbolic link nor leave the tenant,
//! a suspended login resumes only in its own tenant, a tenant's scripts stay inside its folder,
//! and input files that are not regular files (`/dev/zero`, a FIFO) are refused at once.

#![cfg(unix)]

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::util::*;

const ALEX: &str = "google-oauth2|108177262311459836421";

/// A file outside every tenant, with a content and a mode a write through a link would change.
fn outside_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn assert_untouched(path: &Path, text: &str) {
    assert_eq!(std::fs::read_to_string(path).unwrap(), text, "{} was written", path.display());
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o600, "the mode of {} changed", path.display());
}

/// Runs the binary, killing it if it has not ended within `limit` (then the test fails).
fn run_bounded(args: &[&str], limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child =
        binary().args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("actionhost {args:?} still running after {limit:?}; killed ({})", stderr(&output));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

#[test]
fn metadata_set_refuses_a_linked_clients_folder() {
    let (dir, root) = tenant_copy();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::rename(root.join("clients"), &elsewhere).unwrap();
    symlink(&elsewhere, root.join("clients")).unwrap();
    let target = elsewhere.join("Customer Portal.json");
    let before = std::fs::read_to_string(&target).unwrap();
    let output = run_binary(
        &[
            "clients",
            "metadata",
            "set",
            "--tenant",
            root.to_str().unwrap(),
            "--client",
            "Customer Portal",
            "TIER=bronze",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!(
            "{}: cannot write: is a symbolic link (a folder on the way to it",
            root.join("clients").display()
        )),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), before);
}

fn simulate(args: &[&str]) -> Output {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    run_binary(&all, None)
}

/// Alex's login into the Customer Portal, suspended by the require-terms rule: its state file.
fn suspended_login(root: &Path) -> PathBuf {
    let output =
        simulate(&["--tenant", root.to_str().unwrap(), "--client", "Customer Portal", "--user-id", ALEX, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let result: Value = serde_json::from_str(&stdout(&output)).unwrap();
    PathBuf::from(result["redirect"]["state_file"].as_str().unwrap())
}

#[test]
fn a_state_file_is_not_written_through_a_linked_folder() {
    let (dir, root) = tenant_copy();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, root.join(".actionhost")).unwrap();
    let output = simulate(&["--tenant", root.to_str().unwrap(), "--client", "Customer Portal", "--user-id", ALEX]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is a symbolic link"), "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing written through the link");

    // Nor outside the tenant folder when asked to.
    std::fs::remove_file(root.join(".actionhost")).unwrap();
    let away = dir.path().join("away.json");
    let output = simulate(&[
        "--tenant",
        root.to_str().unwrap(),
        "--client",
        "Customer Portal",
        "--user-id",
        ALEX,
        "--state-file",
        away.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is outside the tenant folder"), "{}", stderr(&output));
    assert!(!away.exists());
}

#[test]
fn a_tampered_state_file_cannot_make_persist_write_another_file() {
    let (dir, root) = tenant_copy();
    let state_file = suspended_login(&root);
    let victim_text = format!("{}\n", json!({"user_id": ALEX, "note": "not a user of the tenant"}));
    let victim = outside_file(dir.path(), "victim.json", &victim_text);
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
    state["flow"]["login"]["user_file"] = json!(victim);
    std::fs::write(&state_file, state.to_string()).unwrap();
    let output = simulate(&["--continue", state_file.to_str().unwrap(), "--query", "accepted=yes", "--persist"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("names the user file {}, which --persist may not write", victim.display())),
        "{message}"
    );
    assert!(message.contains("is outside the tenant folder"), "{message}");
    assert_untouched(&victim, &victim_text);

    // Inside the tenant, only its users/ folder is written.
    let client = root.join("clients/Customer Portal.json");
    let before = std::fs::read_to_string(&client).unwrap();
    state["flow"]["login"]["user_file"] = json!(client);
    std::fs::write(&state_file, state.to_string()).unwrap();
    let output = simulate(&["--continue", state_file.to_str().unwrap(), "--query", "accepted=yes", "--persist"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("not a file of the tenant's users folder"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&client).unwrap(), before);
}

#[test]
fn a_state_file_resumes_only_in_its_own_tenant() {
    let (_a, tenant_a) = tenant_copy();
    let (_b, tenant_b) = tenant_copy();
    let state_file = suspended_login(&tenant_a);
    let (a, b) = (tenant_a.to_str().unwrap(), tenant_b.to_str().unwrap());

    // Given with its own tenant, it resumes.
    let output = simulate(&["--continue", state_file.to_str().unwrap(), "--tenant", a, "--query", "accepted=no"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // Given with another tenant, it is refused.
    let output = simulate(&["--continue", state_file.to_str().unwrap(), "--tenant", b, "--query", "accepted=no"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("is a state file of the tenant {a}, not of the tenant given ({b})")),
        "{message}"
    );

    // Planted in another tenant's folder, it is refused too.
    let planted = tenant_b.join(".actionhost/flows").join(state_file.file_name().unwrap());
    std::fs::create_dir_all(planted.parent().unwrap()).unwrap();
    std::fs::copy(&state_file, &planted).unwrap();
    let output = simulate(&["--continue", planted.to_str().unwrap(), "--query", "accepted=no"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains(&format!("names the tenant {a} but is not inside that tenant's folder")), "{message}");
}

/// `clients list` on `root`: exit code and standard error.
fn list(root: &Path) -> (Option<i32>, String) {
    let output = run_binary(&["clients", "list", "--tenant", root.to_str().unwrap()], None);
    (output.status.code(), stderr(&output))
}

#[test]
fn tenant_scripts_outside_the_tenant_folder_are_refused_at_load() {
    let (dir, root) = tenant_copy();
    let secret = "root:x:0:0:THE-SECRET-LINE";
    std::fs::write(dir.path().join("outside.js"), secret).unwrap();
    let rule = root.join("rules/leak.json");
    std::fs::write(&rule, "{\n  \"name\": \"leak\",\n  \"order\": 9,\n  \"script\": \"../../outside.js\"\n}\n")
        .unwrap();
    let (code, message) = list(&root);
    assert_eq!(code, Some(2), "{message}");
    assert!(message.contains(&format!("{}:4:", rule.display())), "the file and the line of `script`: {message}");
    assert!(message.contains("rule script \"../../outside.js\" is outside the tenant folder"), "{message}");
    assert!(!message.contains("THE-SECRET"), "{message}");

    // A link inside the tenant to a file outside is the same escape.
    symlink(dir.path().join("outside.js"), root.join("rules/leak.js")).unwrap();
    std::fs::write(&rule, "{\"name\": \"leak\", \"order\": 9, \"script\": \"./leak.js\"}").unwrap();
    let (code, message) = list(&root);
    assert_eq!(code, Some(2), "{message}");
    assert!(message.contains("rule script \"./leak.js\" is outside the tenant folder"), "{message}");
    std::fs::remove_file(&rule).unwrap();

    // An Action's code likewise.
    let action = root.join("actions/leak.json");
    std::fs::write(
        &action,
        "{\"name\": \"leak\", \"code\": \"./actions/../../outside.js\", \"supported_triggers\": []}",
    )
    .unwrap();
    let (code, message) = list(&root);
    assert_eq!(code, Some(2), "{message}");
    assert!(message.contains(&format!("{}:1:", action.display())), "{message}");
    assert!(
        message.contains("action code file \"./actions/../../outside.js\" is outside the tenant folder"),
        "{message}"
    );
    assert!(!message.contains("THE-SECRET"), "{message}");
}

#[test]
fn dev_zero_as_a_script_is_refused_at_once() {
    let (output, took) = run_bounded(&["run", "/dev/zero"], Duration::from_secs(5));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("/dev/zero: not a regular file (a character device)"), "{message}");
    assert!(took < Duration::from_secs(2), "{took:?}");

    // Standard input named explicitly is read, but never past the bound.
    let script = fixture("tenant/actions/require-verified-email/code.js");
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let mut child = binary()
        .args(["run", script.to_str().unwrap(), "--event", "-"])
        .stdin(zero)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("--event - from /dev/zero still reading after 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("standard input: too large (more than 16 MiB): actionhost reads at most 16 MiB"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_fifo_as_event_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("event.json");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let script = fixture("tenant/actions/require-verified-email/code.js");
    let args = ["run", script.to_str().unwrap(), "--event", fifo.to_str().unwrap()];
    let (output, took) = run_bounded(&args, Duration::from_secs(5));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains(&format!("{}: not a regular file (a FIFO)", fifo.display())), "{message}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn test_report_output_is_not_written_through_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let outside = outside_file(dir.path(), "victim.txt", "secret\n");
    let report = dir.path().join("report.xml");
    // The temporary name the report writer used to pick.
    symlink(&outside, dir.path().join("report.xml.actionhost-tmp")).unwrap();
    let args =
        ["test", "fixtures/cases/seed-action.cases.yaml", "--reporter", "junit", "--output", report.to_str().unwrap()];
    let (output, _) = run_bounded(&args, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_untouched(&outside, "secret\n");
    assert!(std::fs::read_to_string(&report).unwrap().contains("<testsuites"));

    // A report path that is itself a link is refused.
    let linked = dir.path().join("linked.xml");
    symlink(&outside, &linked).unwrap();
    let args =
        ["test", "fixtures/cases/seed-action.cases.yaml", "--reporter", "junit", "--output", linked.to_str().unwrap()];
    let (output, _) = run_bounded(&args, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is a symbolic link"), "{}", stderr(&output));
    assert_untouched(&outside, "secret\n");
}
