//! `actionhost test`: the example suites, the exact report of failures, `--update`, the JSON
//! and JUnit reporters, `--filter`, `--fail-fast`, case file errors, Rule/Action parity, and
//! determinism and HTTP mocks through case files.

use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::util::*;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    binary().current_dir(dir).args(args).stdin(Stdio::null()).output().unwrap()
}

fn last_line(output: &Output) -> String {
    stdout(output).lines().last().unwrap_or_default().to_owned()
}

#[test]
fn the_example_suites_pass() {
    let output = run_binary(&["test", "fixtures/cases"], None);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert_eq!(stdout(&output), "70 passed, 0 failed\n");
}

#[test]
fn a_failing_case_prints_what_differs_with_file_and_line() {
    let output = run_binary(&["test", "fixtures/failing"], None);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        r#"FAIL fixtures/failing/seed-action.cases.yaml:10 › expects claims from a denial
  fixtures/failing/seed-action.cases.yaml:14: status
    expected: completed
    actual:   denied
  fixtures/failing/seed-action.cases.yaml:15: claims
    access_token["https://example.com/tier"]: expected "gold", actual (absent)
  fixtures/failing/seed-action.cases.yaml:17: commands
    - idToken.setCustomClaim(…)
    - accessToken.setCustomClaim("https://example.com/tier", "gold")
    + access.deny("Please verify your email address before logging in.")
  fixtures/failing/seed-action.cases.yaml:21: logs
    - "checking email verification"

SKIP fixtures/failing/seed-action.cases.yaml:23 › not yet (waiting for the new tier names)
1 passed, 1 failed, 1 skipped
"#
    );
}

const BEFORE_UPDATE: &str = r#"# Round trip of --update.
script: action.js   # the seed Action
defaults:
  user: {email_verified: false}
cases:
  # the application has the flag
  - name: flag
    client_metadata: {SKIP_VERIFICATION: "yes"}
    expect:
      status: denied  # wrong on purpose
      # logs stay as written
      logs: [skipping email verification for Example Application]
      commands:
        - api: access.deny

  - name: other metadata
    # no expectations yet
    client_metadata: {TIER: gold}

  - name: verified
    user: {email_verified: true}
    expect: {status: denied}
"#;

const AFTER_UPDATE: &str = r#"# Round trip of --update.
script: action.js   # the seed Action
defaults:
  user: {email_verified: false}
cases:
  # the application has the flag
  - name: flag
    client_metadata: {SKIP_VERIFICATION: "yes"}
    expect:
      status: completed  # wrong on purpose
      # logs stay as written
      logs: [skipping email verification for Example Application]
      commands: []

  - name: other metadata
    # no expectations yet
    client_metadata: {TIER: gold}
    expect:
      status: denied
      deny: Please verify your email address before logging in.
      commands:
        - api: access.deny
          args:
          - Please verify your email address before logging in.

  - name: verified
    user: {email_verified: true}
    expect:
      status: completed
"#;

#[test]
fn update_rewrites_failing_expectations_keeping_comments_and_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("tenant/actions/require-verified-email/code.js"), dir.path().join("action.js")).unwrap();
    let file = dir.path().join("seed.cases.yaml");
    std::fs::write(&file, BEFORE_UPDATE).unwrap();

    let before = run_in(dir.path(), &["test"]);
    assert_eq!(last_line(&before), "0 passed, 3 failed");
    assert_eq!(before.status.code(), Some(1));

    let update = run_in(dir.path(), &["test", "--update"]);
    assert_eq!(update.status.code(), Some(0), "{}", stdout(&update));
    assert_eq!(stderr(&update), "updated 3 case(s) in seed.cases.yaml\n");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), AFTER_UPDATE);

    let again = run_in(dir.path(), &["test"]);
    assert_eq!(stdout(&again), "3 passed, 0 failed\n");
    let unchanged = run_in(dir.path(), &["test", "--update"]);
    assert_eq!(stderr(&unchanged), "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), AFTER_UPDATE);
}

#[test]
fn update_rewrites_json_case_files_in_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("tenant/actions/require-verified-email/code.js"), dir.path().join("action.js")).unwrap();
    let file = dir.path().join("seed.cases.json");
    std::fs::write(&file, r#"{"script": "action.js", "cases": [{"name": "flag", "client_metadata": {"SKIP_VERIFICATION": "yes"}, "expect": {"status": "denied", "logs": []}}]}"#).unwrap();
    assert_eq!(run_in(dir.path(), &["test", "--update"]).status.code(), Some(0));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let keys: Vec<&str> = written.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["script", "cases"]);
    assert_eq!(
        written["cases"][0]["expect"],
        serde_json::json!({"status": "completed", "logs": ["skipping email verification for Example Application"]})
    );
    assert_eq!(stdout(&run_in(dir.path(), &["test"])), "1 passed, 0 failed\n");
}

#[test]
fn junit_output_is_xml_ci_systems_read() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.xml");
    let output = run_binary(
        &[
            "test",
            "fixtures/failing",
            "fixtures/cases/seed-rule.cases.yaml",
            "--reporter",
            "junit",
            "--output",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    // The human report still goes to standard output.
    assert_eq!(last_line(&output), "5 passed, 1 failed, 1 skipped");

    let text = std::fs::read_to_string(&report).unwrap();
    let document = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        (root.attribute("tests"), root.attribute("failures"), root.attribute("skipped")),
        (Some("7"), Some("1"), Some("1"))
    );
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    let names: Vec<_> = suites.iter().map(|s| s.attribute("name").unwrap()).collect();
    assert_eq!(names, ["fixtures/failing/seed-action.cases.yaml", "fixtures/cases/seed-rule.cases.yaml"]);
    assert_eq!(suites[1].attribute("tests"), Some("4"));
    let cases: Vec<_> = suites[0].children().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 3);
    let failing = cases[1];
    assert_eq!(failing.attribute("name"), Some("expects claims from a denial"));
    assert_eq!(failing.attribute("line"), Some("10"));
    let failure = failing.children().find(|n| n.has_tag_name("failure")).expect("a failure element");
    assert_eq!(failure.attribute("message"), Some("differs: status, claims, commands, logs"));
    assert!(failure.text().unwrap().contains("+ access.deny(\"Please verify your email address before logging in.\")"));
    let skipped = cases[2].children().find(|n| n.has_tag_name("skipped")).expect("a skipped element");
    assert_eq!(skipped.attribute("message"), Some("waiting for the new tier names"));
    for case in &cases {
        assert!(case.attribute("time").unwrap().parse::<f64>().is_ok());
    }
}

#[test]
fn the_json_reporter_prints_one_document() {
    let output = run_binary(&["test", "fixtures/failing", "--reporter", "json"], None);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64(), report["skipped"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    let failing = &report["cases"][1];
    assert_eq!(failing["result"], "failed");
    assert_eq!(failing["line"], 10);
    let status = &failing["failures"][0];
    assert_eq!(
        (status["field"].as_str(), status["line"].as_u64(), &status["actual"]),
        (Some("status"), Some(14), &Value::from("denied"))
    );
    assert_eq!(failing["failures"][2]["actual"][0]["api"], "access.deny");
    assert_eq!(report["cases"][2]["reason"], "waiting for the new tier names");
    // The summary line goes to standard error, so standard output stays one document.
    assert_eq!(stderr(&output), "1 passed, 1 failed, 1 skipped\n");
}

#[test]
fn filter_selects_cases_by_name_or_file() {
    let output = run_binary(&["test", "fixtures/cases", "--filter", "metadata denies"], None);
    assert_eq!(stdout(&output), "6 passed, 0 failed\n");
    let output = run_binary(&["test", "fixtures/cases", "--filter", "http-mocks"], None);
    assert_eq!(stdout(&output), "5 passed, 0 failed\n");
    let output = run_binary(&["test", "fixtures/failing", "--filter", "flag"], None);
    assert_eq!((output.status.code(), stdout(&output)), (Some(0), "1 passed, 0 failed\n".to_owned()));
}

#[test]
fn fail_fast_stops_at_the_first_failure() {
    let output = run_binary(&["test", "fixtures/failing", "fixtures/cases", "--fail-fast", "--jobs", "1"], None);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.matches("FAIL ").count(), 1, "{text}");
    let stopped = text.lines().find(|l| l.starts_with("stopped at the first failure (--fail-fast): ")).expect(&text);
    let not_run: usize = stopped.split(": ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(not_run > 0, "{stopped}");
    let summary = last_line(&output);
    assert!(summary.contains(" passed, 1 failed"), "{summary}");
}

#[test]
fn unknown_keys_are_errors_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("bad.cases.yaml");
    std::fs::write(
        &yaml,
        format!(
            "script: {}\ncases:\n  - name: x\n    expect:\n      status: denied\n      colour: red\n",
            fixture("tenant/actions/require-verified-email/code.js").display()
        ),
    )
    .unwrap();
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "actionhost: bad.cases.yaml:6:7: cases[0].expect: unknown field `colour`, expected one of `status`, "
        ),
        "{}",
        stderr(&output)
    );
    // The broken file is reported as a failed suite too.
    assert!(stdout(&output).starts_with("FAIL bad.cases.yaml:6 › case file not loaded\n"), "{}", stdout(&output));
    assert_eq!(last_line(&output), "0 passed, 1 failed");

    std::fs::write(&yaml, "script: a.js\ncases:\n  - name: x\n    usr: {}\n").unwrap();
    assert!(stderr(&run_in(dir.path(), &["test"]))
        .starts_with("actionhost: bad.cases.yaml:4:5: cases[0]: unknown field `usr`"));

    std::fs::remove_file(&yaml).unwrap();
    std::fs::write(
        dir.path().join("bad.cases.json"),
        "{\"script\": \"a.js\",\n \"cases\": [{\"name\": \"a\", \"expct\": {}}]}",
    )
    .unwrap();
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("actionhost: bad.cases.json:2:32: unknown field `expct`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_misspelt_api_name_in_expected_commands_is_an_error_naming_the_line() {
    // Without the check, the case would only fail later as "expected commands differ".
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("typo.cases.yaml"),
        format!(
            "script: {}\ncases:\n  - name: x\n    expect:\n      commands:\n        - api: access.denny\n",
            fixture("tenant/actions/require-verified-email/code.js").display()
        ),
    )
    .unwrap();
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(error.starts_with("actionhost: typo.cases.yaml:"), "{error}");
    assert!(error.contains("access.denny") && error.contains("access.deny"), "{error}");
}

#[test]
fn case_file_mistakes_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.cases.yaml");
    let message = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let output = run_in(dir.path(), &["test"]);
        assert_eq!(output.status.code(), Some(2));
        stderr(&output)
    };
    let script = fixture("tenant/actions/require-verified-email/code.js").display().to_string();
    assert_eq!(
        message("cases: []\nscript: missing.js\n").lines().next().unwrap(),
        "actionhost: x.cases.yaml:2: script: cannot read missing.js: No such file or directory (os error 2)"
    );
    assert_eq!(
        message(&format!("script: {script}\ncases:\n  - name: a\n  - name: a\n")),
        "actionhost: x.cases.yaml:4: cases[1]: the name \"a\" is already used by cases[0]\n"
    );
    assert_eq!(
        message(&format!("script: {script}\ncases:\n  - name: a\n    client: Customer Portal\n")),
        "actionhost: x.cases.yaml:3: cases[0].client: needs the file's `tenant`\n"
    );
    assert!(message(&format!("script: {script}\ncases:\n  - name: a\n    expect:\n      error: {{message: \"(\"}}\n"))
        .starts_with("actionhost: x.cases.yaml:5: cases[0].expect.error.message: not a regular expression"));
    assert!(message("tenant: ../nowhere\naction: x\ncases:\n  - name: a\n")
        .starts_with("actionhost: x.cases.yaml:1: tenant: "));
}

#[test]
fn parity_reports_each_effect_a_ported_action_changes() {
    let output = run_binary(&["test", "fixtures/parity/divergent.cases.yaml"], None);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        r#"FAIL fixtures/parity/divergent.cases.yaml:6 › admin signs in
  fixtures/parity/divergent.cases.yaml:6: parity: fixtures/parity/roles.rule.js and fixtures/parity/roles-divergent.action.js differ
    access token claim "https://example.com/roles" (context.accessToken ↔ api.accessToken.setCustomClaim): rule ["admin"], action (not set)
    MFA (context.multifactor ↔ api.multifactor.enable): rule {"provider":"any","allowRememberBrowser":false}, action (none)

1 passed, 1 failed
"#
    );
    // The faithful port has no difference.
    assert_eq!(stdout(&run_binary(&["test", "fixtures/cases/roles-parity.cases.yaml"], None)), "5 passed, 0 failed\n");
}

#[test]
fn a_fixed_clock_and_seed_give_the_same_outcome_on_every_run() {
    // The suite pins the nonce, random bucket and random bytes of two seeds: it passes on every run.
    for _ in 0..2 {
        assert_eq!(
            stdout(&run_binary(&["test", "fixtures/cases/determinism.cases.json"], None)),
            "3 passed, 0 failed\n"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let script = fixture("scripts/session-stamp.action.js").display().to_string();
    let file = dir.path().join("stamp.cases.yaml");
    std::fs::write(&file, format!("script: {script}\ncases:\n  - name: seeded\n    now: 1000\n    seed: 5\n")).unwrap();
    run_in(dir.path(), &["test", "--update"]);
    let recorded = std::fs::read_to_string(&file).unwrap();
    assert!(recorded.contains("      https://example.com/login_at: 1970-01-01T00:00:01.000Z\n"), "{recorded}");
    assert!(recorded.contains("        now: 1000\n        since_start: 0\n"), "{recorded}");
    // Another seed gives other random values: the recorded expectations no longer hold.
    std::fs::write(&file, recorded.replace("seed: 5", "seed: 6")).unwrap();
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("https://example.com/nonce"), "{}", stdout(&output));
}

#[test]
fn http_mocks_answer_fetch_and_requests_can_be_asserted() {
    let output = run_binary(&["test", "fixtures/cases/http-mocks.cases.yaml", "--reporter", "json"], None);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["passed"], 5, "{report:#}");

    let dir = tempfile::tempdir().unwrap();
    let script = fixture("scripts/risk-score.action.js").display().to_string();
    std::fs::write(
        dir.path().join("risk.cases.yaml"),
        format!(
            "script: {script}\ncases:\n  - name: wrong host\n    http: [{{url: \"https://other.example.com/*\", json: {{}}}}]\n    expect:\n      status: completed\n      requests:\n        - {{method: GET, url: \"https://risk.example.com/*\"}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("origin.js"),
        "exports.onExecutePostLogin = async () => (await fetch('https://api.example.com')).status;",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("origin.cases.yaml"),
        "script: origin.js\ncases:\n  - name: a bare origin matches\n    http: [{url: \"https://api.example.com\", status: 204}]\n    expect: {returned: 204, requests: [{url: \"https://api.example.com/\"}]}\n",
    )
    .unwrap();
    assert_eq!(stdout(&run_in(dir.path(), &["test", "origin.cases.yaml"])), "1 passed, 0 failed\n");
    let text = stdout(&run_in(dir.path(), &["test", "risk.cases.yaml"]));
    assert!(text.contains("risk.cases.yaml:6: status\n    expected: completed\n    actual:   error\n    error:    TypeError: fetch: no HTTP mock matches POST https://risk.example.com/v1/score?ip=203.0.113.42"), "{text}");
    assert!(text.contains("  risk.cases.yaml:7: requests\n    - GET https://risk.example.com/* → …\n    + POST https://risk.example.com/v1/score?ip=203.0.113.42 → unmocked\n"), "{text}");
}

#[test]
fn paths_that_hold_no_case_files_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output), "actionhost: no case files (*.cases.yaml, *.cases.yml, *.cases.json) in .\n");
    let output = run_binary(&["test", "fixtures/nowhere"], None);
    assert_eq!(stderr(&output), "actionhost: fixtures/nowhere: no such file or directory\n");
}

/// A folder holding a passing case file and one that cannot be loaded.
fn good_and_broken_suites() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = fixture("tenant/actions/require-verified-email/code.js").display().to_string();
    std::fs::write(
        dir.path().join("a-broken.cases.yaml"),
        format!("script: {script}\ncases:\n  - name: x\n    expct: {{}}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b-good.cases.yaml"),
        format!("script: {script}\ncases:\n  - name: verified\n    expect: {{status: completed}}\n"),
    )
    .unwrap();
    dir
}

#[test]
fn a_broken_case_file_is_a_failed_suite_while_the_others_run() {
    let dir = good_and_broken_suites();
    let output = run_in(dir.path(), &["test", "--reporter", "junit=reports/ci/junit.xml"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).starts_with("actionhost: a-broken.cases.yaml:4:5: cases[0]: unknown field `expct`"));
    let text = stdout(&output);
    assert!(text.starts_with("FAIL a-broken.cases.yaml:4 › case file not loaded\n"), "{text}");
    assert_eq!(last_line(&output), "1 passed, 1 failed");

    // The JUnit file is still written (its missing folder created), the broken file a failed suite.
    let xml = std::fs::read_to_string(dir.path().join("reports/ci/junit.xml")).unwrap();
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!((root.attribute("tests"), root.attribute("failures")), (Some("2"), Some("1")));
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    let names: Vec<_> = suites.iter().map(|s| s.attribute("name").unwrap()).collect();
    assert_eq!(names, ["a-broken.cases.yaml", "b-good.cases.yaml"]);
    let broken = suites[0].children().find(|n| n.has_tag_name("testcase")).unwrap();
    assert_eq!((broken.attribute("name"), broken.attribute("line")), (Some("case file"), Some("4")));
    let failure = broken.children().find(|n| n.has_tag_name("failure")).expect("a failure element");
    assert!(failure.text().unwrap().contains("unknown field `expct`"), "{xml}");

    // JSON lists it under `broken`.
    let output = run_in(dir.path(), &["test", "--reporter", "json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!((report["passed"].as_u64(), report["broken"][0]["line"].as_u64()), (Some(1), Some(4)));
    assert_eq!(report["broken"][0]["file"], "a-broken.cases.yaml");
}

#[test]
fn a_filter_that_matches_no_case_fails() {
    let output = run_binary(&["test", "fixtures/cases", "--filter", "no such case anywhere"], None);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "actionhost: no cases matched --filter \"no such case anywhere\"\n");
    assert_eq!(stdout(&output), "0 passed, 0 failed\n");
}

#[test]
fn a_failing_case_shows_the_script_error_at_its_line_and_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("throw.js"),
        "exports.onExecutePostLogin = async (event, api) => {\n  console.log(\"about to fail\", event.user.email);\n  null.boom;\n};\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("throw.cases.yaml"),
        "script: throw.js\ncases:\n  - name: fails\n    expect: {status: completed}\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("\n  throw.js:3:8: TypeError: Cannot read properties of null (reading 'boom')\n"), "{text}");
    assert!(text.contains("\n  logs:\n    [log] about to fail jane.doe@example.com\n"), "{text}");

    let output = run_in(dir.path(), &["test", "--reporter", "github"]);
    assert!(
        stdout(&output).contains(
            "::error file=throw.js,line=3,title=fails › script error::TypeError: Cannot read properties of null (reading 'boom')\n"
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_tap_reporter_gives_a_plan_and_one_line_per_case() {
    let output = run_binary(&["test", "fixtures/failing", "--reporter", "tap"], None);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..3],
        ["TAP version 14", "1..3", "ok 1 - fixtures/failing/seed-action.cases.yaml:6 › the flag skips the check"]
    );
    assert_eq!(lines[3], "not ok 2 - fixtures/failing/seed-action.cases.yaml:10 › expects claims from a denial");
    assert_eq!(lines[4], "  ---");
    assert!(lines.contains(&"  at: \"fixtures/failing/seed-action.cases.yaml:10\""), "{text}");
    assert!(lines.contains(
        &"ok 3 - fixtures/failing/seed-action.cases.yaml:23 › not yet # SKIP waiting for the new tier names"
    ));
    assert_eq!(stderr(&output), "1 passed, 1 failed, 1 skipped\n");
}

#[test]
fn the_github_reporter_annotates_each_failing_field_at_its_line() {
    let output = run_binary(&["test", "fixtures/failing", "--reporter", "github"], None);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=fixtures/failing/seed-action.cases.yaml,line=14,title=expects claims from a denial › status::expected: completed%0Aactual:   denied"
    );
    assert!(lines[1].starts_with(
        "::error file=fixtures/failing/seed-action.cases.yaml,line=15,title=expects claims from a denial › claims::"
    ));
    assert!(lines.iter().any(|l| l.starts_with("::notice file=fixtures/failing/seed-action.cases.yaml,line=23,")));
    assert_eq!(stderr(&output), "1 passed, 1 failed, 1 skipped\n");
}

#[test]
fn several_reporters_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out/report.json");
    let junit = dir.path().join("junit.xml");
    let output = run_binary(
        &[
            "test",
            "fixtures/failing",
            "--reporter",
            "tap",
            "--reporter",
            &format!("json={}", json.display()),
            "--reporter",
            "junit",
            "--output",
            junit.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("TAP version 14\n"));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["failed"], 1);
    roxmltree::Document::parse(&std::fs::read_to_string(&junit).unwrap()).expect("well-formed XML");

    // Two reports cannot share standard output.
    let output = run_binary(&["test", "fixtures/failing", "--reporter", "tap", "--reporter", "json"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("only one --reporter may write to standard output"), "{}", stderr(&output));
    let output = run_binary(&["test", "fixtures/failing", "--reporter", "xunit"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown reporter \"xunit\""), "{}", stderr(&output));
}

#[test]
fn an_output_path_that_cannot_be_made_fails_before_any_case_runs() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let target = blocker.join("sub/report.xml");
    let started = std::time::Instant::now();
    let output = run_binary(&["test", "fixtures/cases", "--reporter", &format!("junit={}", target.display())], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "", "no case ran");
    let message = stderr(&output);
    assert!(
        message.contains(&format!("cannot create the folder {} of a report", blocker.join("sub").display())),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn case_files_get_keyword_replacement() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("secret.js"),
        "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim(\"https://x/key\", event.secrets.API_KEY ?? \"unset\");\n};\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("secret.cases.yaml"),
        "script: secret.js\ncases:\n  - name: injected\n    secrets: {API_KEY: \"##API_KEY##\"}\n    expect:\n      claims: {id_token: {\"https://x/key\": k-123}}  # from CI\n",
    )
    .unwrap();
    let output = binary()
        .current_dir(dir.path())
        .args(["test"])
        .env("AUTH0_KEYWORD_REPLACE_MAPPINGS", r#"{"API_KEY": "k-123"}"#)
        .output()
        .unwrap();
    assert_eq!((output.status.code(), stdout(&output)), (Some(0), "1 passed, 0 failed\n".to_owned()));

    // Unmapped: left as written, and warned about with file and line.
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "warning: secret.cases.yaml:4: ##API_KEY## has no keyword mapping; left as written\n");
    assert!(stdout(&output).contains("expected \"k-123\", actual \"##API_KEY##\""), "{}", stdout(&output));

    // --update writes the file's own text back: the placeholder stays, the comment too.
    let output = run_in(dir.path(), &["test", "--update"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("secret.cases.yaml")).unwrap();
    assert!(text.contains("    secrets: {API_KEY: \"##API_KEY##\"}\n"), "{text}");
    assert!(text.contains("      claims:  # from CI\n        id_token:\n"), "{text}");
}

#[test]
fn an_exported_action_secret_without_a_value_loads() {
    let (_dir, tenant) = tenant_copy();
    let action = tenant.join("actions/enrich-profile.json");
    let text = std::fs::read_to_string(&action).unwrap();
    std::fs::write(&action, text.replace("\"secrets\": []", "\"secrets\": [{\"name\": \"API_KEY\"}]")).unwrap();
    std::fs::write(
        tenant.join("actions/enrich-profile/code.js"),
        "exports.onExecutePostLogin = async (event) => {\n  console.log(JSON.stringify(event.secrets));\n};\n",
    )
    .unwrap();
    let run = |env: Option<&str>, extra: &[&str]| {
        let mut command = binary();
        command.args(["run", "--tenant", tenant.to_str().unwrap(), "--action", "enrich-profile", "--json"]);
        command.args(extra);
        if let Some(mappings) = env {
            command.env("AUTH0_KEYWORD_REPLACE_MAPPINGS", mappings);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let outcome: Value = serde_json::from_str(&stdout(&output)).unwrap();
        outcome["logs"][0]["message"].as_str().unwrap().to_owned()
    };
    assert_eq!(run(None, &[]), "{}");
    assert_eq!(run(Some(r#"{"API_KEY": "from-keywords"}"#), &[]), r#"{"API_KEY":"from-keywords"}"#);
    assert_eq!(run(Some(r#"{"API_KEY": "from-keywords"}"#), &["--secret", "API_KEY=flag"]), r#"{"API_KEY":"flag"}"#);
}

/// A case file in `dir/rel` running `script` (written next to it).
fn case_file(dir: &Path, rel: &str, body: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

const TWO_CLAIMS: &str = "exports.onExecutePostLogin = async (event, api) => {\n  console.log('one');\n  api.idToken.setCustomClaim('a', 1);\n  console.log('two');\n  api.idToken.setCustomClaim('b', 2);\n};\n";

/// docs/cases.md: the runner finds "`*.cases.yaml`, `*.cases.yml` and `*.cases.json`".
#[test]
fn discovery_finds_cases_yml_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.js"), TWO_CLAIMS).unwrap();
    case_file(
        dir.path(),
        "sub/found.cases.yml",
        "script: ../two.js\ncases:\n  - name: completes\n    expect: {status: completed}\n",
    );
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(
        (output.status.code(), stdout(&output)),
        (Some(0), "1 passed, 0 failed\n".to_owned()),
        "{}",
        stderr(&output)
    );
}

/// docs/cases.md: discovery skips hidden folders, `target` and `node_modules`. Each holds a
/// failing case: finding any of them would add a failure; the only passing case is outside.
#[test]
fn discovery_skips_hidden_folders_target_and_node_modules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.js"), TWO_CLAIMS).unwrap();
    let passing = "script: ../two.js\ncases:\n  - name: completes\n    expect: {status: completed}\n";
    let failing = "script: ../two.js\ncases:\n  - name: never\n    expect: {status: denied}\n";
    case_file(dir.path(), "sub/found.cases.yaml", passing);
    for skipped in [".hidden", "target", "node_modules"] {
        case_file(dir.path(), &format!("{skipped}/skipped.cases.yaml"), failing);
    }
    let output = run_in(dir.path(), &["test"]);
    assert_eq!(
        (output.status.code(), stdout(&output)),
        (Some(0), "1 passed, 0 failed\n".to_owned()),
        "{}",
        stderr(&output)
    );
    // Named on the command line, a file in such a folder still runs.
    let output = run_in(dir.path(), &["test", "target/skipped.cases.yaml"]);
    assert_eq!(last_line(&output), "0 passed, 1 failed");
}

/// docs/cases.md: `commands` and `logs` take "`{contains: [...]}` for calls that must appear in
/// any order": a subset out of order passes; a call that was not made fails, named as missing.
#[test]
fn contains_matches_a_subset_in_any_order_and_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.js"), TWO_CLAIMS).unwrap();
    case_file(
        dir.path(),
        "contains.cases.yaml",
        "script: two.js\ncases:\n  - name: subset\n    expect:\n      commands: {contains: [{api: idToken.setCustomClaim, args: [b, 2]}, {api: idToken.setCustomClaim, args: [a, 1]}]}\n      logs: {contains: [two]}\n  - name: missing\n    expect:\n      commands: {contains: [{api: idToken.setCustomClaim, args: [b, 2]}, {api: access.deny}]}\n",
    );
    let output = run_in(dir.path(), &["test"]);
    let text = stdout(&output);
    assert_eq!(last_line(&output), "1 passed, 1 failed", "{text}");
    assert!(text.starts_with("FAIL contains.cases.yaml:7 › missing\n"), "{text}");
    assert!(text.contains("    missing: access.deny(…)\n"), "{text}");
    assert!(!text.contains("missing: idToken.setCustomClaim"), "{text}");
}
