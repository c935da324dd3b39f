//! The TAP report (Test Anything Protocol, version 14): the plan `1..N`, then one `ok` / `not ok`
//! line per case, named `file:line › case`, skipped cases marked `# SKIP reason`; a failure
//! carries a YAML diagnostic block (`message`, `at`, and the human report's explanation, its
//! warnings included); a passing case's warnings follow its line as `# warning: …` comments. A
//! case file that could not be loaded is one `not ok` line.

use super::human::{self, details};
use crate::testing::case_file::CaseFile;
use crate::testing::runner::{Report, Verdict};

pub fn render(files: &[CaseFile], report: &Report) -> String {
    let mut out = String::from("TAP version 14\n");
    out.push_str(&format!("1..{}\n", report.broken.len() + report.results.len()));
    let mut number = 0;
    for broken in &report.broken {
        number += 1;
        let at = human::place(broken);
        out.push_str(&format!("not ok {number} - {} › case file not loaded\n", description(&at)));
        diagnostic(&mut out, "case file not loaded", &at, std::slice::from_ref(&broken.message));
    }
    for result in &report.results {
        number += 1;
        let file = &files[result.file];
        let at = file.place(result.case, None);
        let name = description(&format!("{at} › {}", result.name));
        match &result.verdict {
            Verdict::Passed => {
                out.push_str(&format!("ok {number} - {name}\n"));
                for warning in &result.warnings {
                    out.push_str(&format!("# warning: {}\n", one_line(warning)));
                }
            }
            Verdict::Skipped(reason) => out.push_str(&format!("ok {number} - {name} # SKIP {}\n", one_line(reason))),
            Verdict::Failed => {
                out.push_str(&format!("not ok {number} - {name}\n"));
                let lines = details(file, result);
                let message = lines.first().cloned().unwrap_or_default();
                diagnostic(&mut out, &message, &at, &lines);
            }
        }
    }
    if report.not_run > 0 {
        out.push_str(&format!("# stopped at the first failure (--fail-fast): {} case(s) not run\n", report.not_run));
    }
    out.push_str(&format!("# {}\n", report.summary()));
    out
}

/// The YAML block under a `not ok` line, indented by two spaces and fenced by `---` / `...`.
fn diagnostic(out: &mut String, message: &str, at: &str, lines: &[String]) {
    out.push_str("  ---\n");
    out.push_str(&format!("  message: {}\n", yaml_string(message)));
    out.push_str(&format!("  at: {}\n", yaml_string(at)));
    out.push_str("  details: |-\n");
    for line in lines.iter().flat_map(|l| l.lines()) {
        out.push_str(&format!("    {line}\n"));
    }
    out.push_str("  ...\n");
}

/// A test point's description: one line, without `#` (which starts a directive in TAP).
fn description(text: &str) -> String {
    one_line(text).replace('#', "\\#")
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// A double-quoted YAML scalar (JSON's string syntax is valid YAML).
fn yaml_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}
