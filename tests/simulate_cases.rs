//! Whole-login cases (`simulate:` in a case file) through `actionhost test`: the example
//! tenant's logins pass with the effects Auth0 gives them (a Rule's namespaced claims in the ID
//! token, an `UnauthorizedError` as the denial, `context.redirect` as the redirect), a wrong
//! expectation fails naming its line, and mistakes are refused naming file and line.

use std::path::Path;
use std::process::{Output, Stdio};

use crate::util::*;

fn test_in(dir: &Path, args: &[&str]) -> Output {
    binary().current_dir(dir).arg("test").args(args).stdin(Stdio::null()).output().unwrap()
}

/// The example tenant and its login cases, copied so the logins' state files stay private.
fn logins_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, tenant) = tenant_copy();
    copy_dir(&fixture("logins"), &dir.path().join("logins"));
    (dir, tenant)
}

#[test]
fn whole_logins_of_the_example_tenant_pass() {
    let (dir, tenant) = logins_copy();
    let output = test_in(dir.path(), &["logins"]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert_eq!(stdout(&output), "3 passed, 0 failed\n");
    // The redirected login leaves no state file behind.
    let flows = tenant.join(".actionhost/flows");
    let left: Vec<_> = std::fs::read_dir(&flows).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

const WRONG: &str = r#"tenant: tenant
cases:
  - name: the roles are both of the user's
    simulate:
      client: Customer Portal
      user_id: "auth0|65a5027f9b3c4d1e2f3a4b5c"
    expect:
      status: completed
      claims:
        id_token: {"https://example.com/roles": [admin]}
      scopes: [openid]
      user_metadata: {last_application: Internal Tools}
"#;

#[test]
fn a_whole_login_that_differs_fails_naming_each_field_and_line() {
    let (dir, _tenant) = tenant_copy();
    std::fs::write(dir.path().join("wrong.cases.yaml"), WRONG).unwrap();
    let output = test_in(dir.path(), &["wrong.cases.yaml"]);
    assert_eq!(output.status.code(), Some(1), "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    let expected = r#"FAIL wrong.cases.yaml:3 › the roles are both of the user's
  wrong.cases.yaml:9: claims
    id_token["https://example.com/roles"]: expected ["admin"], actual ["admin","editor"]
  wrong.cases.yaml:11: scopes
    expected: ["openid"]
    actual:   ["email","openid","profile","read:reports"]
  wrong.cases.yaml:12: user_metadata
    user_metadata.last_application: expected "Internal Tools", actual "Customer Portal"
"#;
    assert!(text.starts_with(expected), "{text}");
    assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
}

#[test]
fn a_login_that_fails_its_status_shows_the_failing_step() {
    let (dir, tenant) = tenant_copy();
    let rule = tenant.join("rules/add-roles-claim.js");
    let source = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(&rule, source.replace("const roles", "throw new Error(\"roles unavailable\");\n  const roles"))
        .unwrap();
    std::fs::write(dir.path().join("wrong.cases.yaml"), WRONG).unwrap();
    let output = test_in(dir.path(), &["wrong.cases.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("  wrong.cases.yaml:8: status\n    expected: completed\n    actual:   error\n"), "{text}");
    assert!(text.contains("Error: roles unavailable"), "{text}");
}

#[test]
fn mistakes_in_a_simulate_case_are_refused_with_file_and_line() {
    let (dir, _tenant) = tenant_copy();
    let cases = [
        (
            "tenant: tenant\ncases:\n  - name: a\n    simulate:\n      client: Customer Portal\n      user_id: x\n      usr: y\n",
            "bad.cases.yaml:7:",
            "unknown field `usr`",
        ),
        (
            "tenant: tenant\ncases:\n  - name: a\n    event: {}\n    simulate: {client: Customer Portal, user_id: x}\n",
            "bad.cases.yaml:3:",
            "cases[0].event: a simulate case takes its inputs in `simulate:`",
        ),
        (
            "tenant: tenant\ncases:\n  - name: a\n    simulate: {client: Customer Portal, user_id: x}\n    expect:\n      returned: 1\n",
            "bad.cases.yaml:6:",
            "cases[0].expect.returned: not an expectation of a simulated login",
        ),
        (
            "cases:\n  - name: a\n    simulate: {client: Customer Portal, user_id: x}\n",
            "bad.cases.yaml:2:",
            "cases[0].simulate: needs the file's `tenant`",
        ),
        (
            "tenant: tenant\ncases:\n  - name: a\n    simulate: {client: Nobody, user_id: x}\n",
            "bad.cases.yaml:3:",
            "cases[0].simulate.client:",
        ),
    ];
    for (text, place, message) in cases {
        std::fs::write(dir.path().join("bad.cases.yaml"), text).unwrap();
        let output = test_in(dir.path(), &["bad.cases.yaml"]);
        assert_eq!(output.status.code(), Some(2), "{text}");
        let err = stderr(&output);
        let line = err.lines().find(|l| l.contains(message)).unwrap_or_else(|| panic!("{message}: {err}"));
        assert!(line.starts_with(&format!("actionhost: {place}")), "{line}");
    }
}
