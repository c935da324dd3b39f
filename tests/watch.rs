//! `actionhost test --watch` as a process: the first run is the run without `--watch`, a change
//! to a script runs again only the case file naming it, a change to a tenant's Rule only the
//! case file naming that tenant, each after a separator and with its own summary.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::*;

/// Generous: a run again waits for the debounce, a reload and the worker pool.
const PATIENCE: Duration = Duration::from_secs(90);

const GREETING: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://example.com/greeting", "hello");
};
"#;

const GREETING_CASES: &str = r#"script: greeting.action.js
cases:
  - name: greets
    expect:
      claims:
        id_token: {"https://example.com/greeting": hello}
"#;

/// The example tenant's Rule add-roles-claim copies `context.authorization.roles` into the
/// tokens under `configuration.CLAIM_NAMESPACE` (`https://example.com/`).
const ROLES_CASES: &str = r#"tenant: tenant
rule: add-roles-claim
cases:
  - name: copies the roles
    context:
      authorization: {roles: [admin]}
    expect:
      claims:
        id_token: {"https://example.com/roles": [admin]}
"#;

/// A child's output as it arrives, read on a thread.
fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut text = sink.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

/// Waits until `done` holds for the text, polling; panics with both streams after PATIENCE.
fn wait_for(what: &str, out: &Mutex<String>, err: &Mutex<String>, done: impl Fn(&str, &str) -> bool) {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if done(&out.lock().unwrap(), &err.lock().unwrap()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}\nstdout:\n{}\nstderr:\n{}", out.lock().unwrap(), err.lock().unwrap());
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn watching(err: &str) -> usize {
    err.matches("watching for changes").count()
}

#[test]
fn a_change_runs_again_the_cases_it_affects_and_reports_the_failure() {
    let (dir, tenant) = tenant_copy();
    let root = dir.path();
    std::fs::write(root.join("greeting.action.js"), GREETING).unwrap();
    std::fs::write(root.join("greeting.cases.yaml"), GREETING_CASES).unwrap();
    std::fs::write(root.join("roles.cases.yaml"), ROLES_CASES).unwrap();
    let args = ["test", ".", "--workers", "1"];
    let plain = binary().current_dir(root).args(args).stdin(Stdio::null()).output().unwrap();
    assert_eq!(stdout(&plain), "2 passed, 0 failed\n", "{}", stderr(&plain));

    let mut child = binary()
        .current_dir(root)
        .args(args)
        .arg("--watch")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (out, err) = (collect(child.stdout.take().unwrap()), collect(child.stderr.take().unwrap()));
    let _child = Killed(child);
    wait_for("the first run", &out, &err, |_, e| watching(e) == 1);
    // The first run prints what a run without --watch prints.
    assert_eq!(*out.lock().unwrap(), stdout(&plain));

    std::fs::write(root.join("greeting.action.js"), GREETING.replace("\"hello\"", "\"bye\"")).unwrap();
    wait_for("the run after the script changed", &out, &err, |o, e| {
        o.contains("0 passed, 1 failed") && watching(e) == 2
    });
    let second = out.lock().unwrap().clone();
    let rerun = &second[stdout(&plain).len()..];
    assert!(rerun.contains("──── changed: ") && rerun.contains("greeting.action.js"), "{rerun}");
    assert!(rerun.contains("running 1 case file(s) again"), "{rerun}");
    assert!(rerun.contains("FAIL greeting.cases.yaml:3 › greets"), "{rerun}");
    assert!(rerun.contains(r#"id_token["https://example.com/greeting"]: expected "hello", actual "bye""#), "{rerun}");
    assert!(!rerun.contains("roles.cases.yaml"), "only the case file naming the script runs again: {rerun}");

    let rule = tenant.join("rules/add-roles-claim.js");
    let source = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(
        &rule,
        source.replace("context.idToken[namespace + \"roles\"]", "context.idToken[namespace + \"groups\"]"),
    )
    .unwrap();
    wait_for("the run after the tenant changed", &out, &err, |o, e| {
        o.matches("0 passed, 1 failed").count() == 2 && watching(e) == 3
    });
    let third = out.lock().unwrap()[second.len()..].to_owned();
    assert!(third.contains("add-roles-claim.js"), "{third}");
    assert!(third.contains("FAIL roles.cases.yaml:4 › copies the roles"), "{third}");
    assert!(third.contains(r#"id_token["https://example.com/roles"]: expected ["admin"], actual (absent)"#), "{third}");
    assert!(!third.contains("greeting"), "only the case file naming the tenant runs again: {third}");
}
