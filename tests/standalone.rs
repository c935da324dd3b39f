//! The built binary is self-contained: copied elsewhere and run from another working directory,
//! with the cargo registry's sources and the crate's folder hidden, it still runs an Action.
//!
//! The folders are hidden by running the binary in a private mount namespace (`unshare --mount`,
//! as root; `unshare --map-root-user --mount` otherwise) with an empty tmpfs mounted over each.
//! Where namespaces are not permitted the test fails and says so, unless
//! `ACTIONHOST_SKIP_NAMESPACE_TESTS=1` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// An Action that needs the engine's own JavaScript and deno_web's (`URL`, `btoa`,
/// `TextEncoder`, `structuredClone`, `console`).
const ACTION: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const tier = new URL("https://example.com/login?tier=gold").searchParams.get("tier");
  const copy = structuredClone({ tier });
  console.log("tier", copy.tier);
  api.idToken.setCustomClaim("https://example.com/standalone", {
    tier: copy.tier,
    encoded: btoa("hi"),
    bytes: new TextEncoder().encode("\u00e9").length,
  });
};
"#;

/// Where cargo keeps the registry's unpacked sources: `$CARGO_HOME/registry/src`, `CARGO_HOME`
/// defaulting to `~/.cargo`.
fn registry_sources() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME or CARGO_HOME is set")).join(".cargo"));
    home.join("registry").join("src")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn copied_binary_runs_with_registry_and_source_tree_hidden() {
    let temp = tempfile::tempdir().unwrap();
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        !temp.path().starts_with(crate_dir),
        "the temporary folder {} must lie outside the crate's folder",
        temp.path().display()
    );
    let bin = temp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let binary = bin.join("actionhost");
    std::fs::copy(env!("CARGO_BIN_EXE_actionhost"), &binary).unwrap();
    std::fs::write(temp.path().join("action.js"), ACTION).unwrap();

    let registry = registry_sources();
    let mut hidden = vec![crate_dir.to_path_buf()];
    if registry.is_dir() {
        hidden.push(registry);
    }
    // Mount an empty tmpfs over each folder, prove it is empty, then run the copy.
    let mut script = String::from("set -e\n");
    for dir in &hidden {
        script += &format!("mount -t tmpfs actionhost-hidden {}\n", quote(dir));
        script += &format!("test -z \"$(ls -A {})\"\n", quote(dir));
    }
    script += "echo namespace-ready >&2\n";
    script += &format!("exec {} run --json action.js\n", quote(&binary));

    let mut unshare = Command::new("unshare");
    if !is_root() {
        unshare.arg("--map-root-user");
    }
    let output =
        unshare.args(["--mount", "--propagation", "private", "sh", "-c", &script]).current_dir(temp.path()).output();
    let stderr = output.as_ref().map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).unwrap_or_default();
    let ready = stderr.contains("namespace-ready");
    if !ready {
        let why = match &output {
            Err(error) => format!("unshare could not be started: {error}"),
            Ok(o) => format!("unshare or mount failed ({}): {}", o.status, stderr.trim()),
        };
        if std::env::var("ACTIONHOST_SKIP_NAMESPACE_TESTS").as_deref() == Ok("1") {
            eprintln!("skipped (ACTIONHOST_SKIP_NAMESPACE_TESTS=1): {why}");
            return;
        }
        panic!(
            "this test hides folders in a private mount namespace, which is not permitted here: {why}\n\
             run the tests as root (or where user namespaces are allowed), or set \
             ACTIONHOST_SKIP_NAMESPACE_TESTS=1 to skip it"
        );
    }
    let output = output.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let outcome: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("one Outcome JSON ({e}); stdout: {stdout}; stderr: {stderr}"));
    assert_eq!(outcome["status"], "completed", "{outcome:#}");
    assert_eq!(
        outcome["commands"],
        json!([{
            "api": "idToken.setCustomClaim",
            "args": ["https://example.com/standalone", {"tier": "gold", "encoded": "aGk=", "bytes": 2}],
        }]),
        "{outcome:#}"
    );
    assert_eq!(outcome["logs"][0]["message"], "tier gold", "{outcome:#}");
    assert!(output.status.success(), "{}: {stderr}", output.status);
}
