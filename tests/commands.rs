//! The commands around `run`: `actionhost event TRIGGER` prints the inputs scripts really get,
//! `--version` names the engine Cargo.lock pins, `completions SHELL` and `man` print scripts a
//! shell and `man` accept, and `test --shard I/N` splits a suite into disjoint parts that cover it.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::{run_binary, stderr, stdout};

fn json_of(args: &[&str], stdin: Option<&str>) -> Value {
    let output = run_binary(args, stdin);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// What `event` prints is what a script of the trigger gets: an Action logs its whole event,
/// run with the printed event given back through standard input and without.
#[test]
fn event_prints_the_event_an_action_gets() {
    let dir = tempfile::tempdir().unwrap();
    for (trigger, handler) in
        [("post-login", "onExecutePostLogin"), ("credentials-exchange", "onExecuteCredentialsExchange")]
    {
        let printed = json_of(&["event", trigger], None);
        // Fields Auth0's documentation lists for the trigger's event.
        for field in ["request", "tenant", "client", "transaction"] {
            assert!(printed.get(field).is_some(), "{trigger}: no {field} in {printed}");
        }
        let path = dir.path().join(format!("{trigger}.js"));
        std::fs::write(
            &path,
            format!("exports.{handler} = async (event) => {{ console.log(JSON.stringify(event)); }};\n"),
        )
        .unwrap();
        let path = path.display().to_string();
        let outcome = json_of(&["run", &path, "--json"], None);
        let seen: Value = serde_json::from_str(outcome["logs"][0]["message"].as_str().unwrap()).unwrap();
        for (key, value) in printed.as_object().unwrap() {
            assert_eq!(&seen[key], value, "{trigger}: event.{key}");
        }
        let again = json_of(&["run", &path, "--json", "--event", "-"], Some(&printed.to_string()));
        assert_eq!(again["logs"][0]["message"], outcome["logs"][0]["message"], "{trigger}");
    }
}

#[test]
fn event_rule_prints_the_user_and_context_a_rule_gets() {
    let printed = json_of(&["event", "rule"], None);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rule.js");
    std::fs::write(&path, "function (user, context, callback) { console.log(JSON.stringify({ user, context })); callback(null, user, context); }\n")
        .unwrap();
    let outcome = json_of(&["run", &path.display().to_string(), "--json"], None);
    let seen: Value = serde_json::from_str(outcome["logs"][0]["message"].as_str().unwrap()).unwrap();
    assert_eq!(seen["user"], printed["user"]);
    for (key, value) in printed["context"].as_object().unwrap() {
        assert_eq!(&seen["context"][key], value, "context.{key}");
    }
    assert!(printed["context"]["clientID"].is_string());
}

#[test]
fn event_of_a_misspelt_trigger_suggests_the_closest() {
    let output = run_binary(&["event", "post_login"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(r#"did you mean "post-login"?"#), "{}", stderr(&output));
}

#[test]
fn version_names_the_engine_cargo_lock_pins() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let block = lock.split("[[package]]").find(|b| b.contains("\nname = \"deno_core\"\n")).expect("deno_core locked");
    let version = block.lines().find_map(|l| l.strip_prefix("version = ")).unwrap().trim_matches('"');
    let node = if cfg!(feature = "node-builtins") {
        let block =
            lock.split("[[package]]").find(|b| b.contains("\nname = \"deno_node\"\n")).expect("deno_node locked");
        let node = block.lines().find_map(|l| l.strip_prefix("version = ")).unwrap().trim_matches('"');
        format!(", Node built-ins from deno_node {node}")
    } else {
        String::new()
    };
    let output = run_binary(&["--version"], None);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!("actionhost {} (deno_core {version}, QuickJS backend{node})\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_are_scripts_the_shells_accept() {
    let output = run_binary(&["completions", "bash"], None);
    assert_eq!(output.status.code(), Some(0));
    let script = stdout(&output);
    assert!(script.contains("--shard") && script.contains("--query"), "options of subcommands are completed");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("actionhost.bash");
    std::fs::write(&path, &script).unwrap();
    // `bash -n`: the script parses; sourcing it registers the completion function.
    let check = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("source {} && complete -p actionhost", path.display()))
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(String::from_utf8_lossy(&check.stdout).contains("actionhost"));
    assert!(stdout(&run_binary(&["completions", "zsh"], None)).starts_with("#compdef actionhost"));
    let output = run_binary(&["completions", "tcsh"], None);
    assert_eq!(output.status.code(), Some(2), "an unknown shell is refused");
}

#[test]
fn man_prints_a_man_page() {
    let output = run_binary(&["man"], None);
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH actionhost 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains(".TH actionhost 1"));
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section}");
    }
    assert!(page.contains("actionhost\\-run") || page.contains("actionhost-run"), "names the subcommands");
}

/// The (file, name) of every case a `test` run reports.
fn cases(extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["test", "fixtures/cases", "--reporter", "json", "--workers", "2"];
    args.extend_from_slice(extra);
    let output = run_binary(&args, None);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["file"].as_str().unwrap().to_owned(), c["name"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn shards_run_every_case_exactly_once() {
    let all: BTreeSet<_> = cases(&[]).into_iter().collect();
    assert!(all.len() >= 6, "a suite worth splitting");
    let mut union = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let part = cases(&["--shard", shard]);
        assert!(!part.is_empty(), "shard {shard} is empty");
        assert!(part.len() <= all.len() / 3 + 1, "shard {shard} holds {} of {}", part.len(), all.len());
        assert_eq!(part, cases(&["--shard", shard]), "shard {shard} is the same on every run");
        union.extend(part);
    }
    let distinct: BTreeSet<_> = union.iter().cloned().collect();
    assert_eq!(distinct.len(), union.len(), "no case runs in two shards");
    assert_eq!(distinct, all, "together the shards run every case");
}

#[test]
fn bad_shards_are_clear_errors() {
    for (bad, says) in [("0/3", "numbered 1 to 3"), ("4/3", "numbered 1 to 3"), ("1/0", "at least 1"), ("x", "not I/N")]
    {
        let output = run_binary(&["test", "fixtures/cases", "--shard", bad], None);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        let message = stderr(&output);
        assert!(message.contains("--shard") && message.contains(says), "{bad}: {message}");
    }
}
