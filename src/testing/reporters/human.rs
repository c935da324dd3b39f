//! The human report: each case file that could not be loaded, each failing case with its file
//! and line, each failing field with what was expected and what happened, the script's error at
//! its own `file:line:column` and the script's logs, skipped cases, the warnings of every case
//! (`WARN` for a passing one; a failure under `--deny-warnings`), and the summary line
//! `N passed, N failed`.

use crate::outcome::Outcome;
use crate::testing::case_file::CaseFile;
use crate::testing::runner::{CaseResult, Report, Verdict};

/// Broken case files, failures and skips, then the summary line.
pub fn render(files: &[CaseFile], report: &Report) -> String {
    let mut out = String::new();
    for broken in &report.broken {
        out.push_str(&format!("FAIL {} › case file not loaded\n  {}\n\n", place(broken), broken.message));
    }
    for result in &report.results {
        let file = &files[result.file];
        match &result.verdict {
            Verdict::Passed if !result.warnings.is_empty() => {
                out.push_str(&format!("WARN {} › {}\n", file.place(result.case, None), result.name));
                for line in warning_lines(result) {
                    out.push_str(&format!("  {line}\n"));
                }
                out.push('\n');
            }
            Verdict::Passed => {}
            Verdict::Skipped(reason) => {
                let reason = if reason.is_empty() { String::new() } else { format!(" ({reason})") };
                out.push_str(&format!("SKIP {} › {}{reason}\n", file.place(result.case, None), result.name));
            }
            Verdict::Failed => {
                out.push_str(&format!("FAIL {} › {}\n", file.place(result.case, None), result.name));
                for line in details(file, result) {
                    out.push_str(&format!("  {line}\n"));
                }
                out.push('\n');
            }
        }
    }
    out.push_str(&render_summary(report));
    out
}

/// The `--fail-fast` note when cases were not run, then the summary line.
pub fn render_summary(report: &Report) -> String {
    let mut out = String::new();
    if report.not_run > 0 {
        out.push_str(&format!("stopped at the first failure (--fail-fast): {} case(s) not run\n", report.not_run));
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

/// Why a case failed, as lines: each failing field under its `file:line`, parity differences,
/// cases that could not run.
pub fn details(file: &CaseFile, result: &CaseResult) -> Vec<String> {
    let mut out = Vec::new();
    let pair = file.is_pair();
    if result.no_expect {
        out.push(format!(
            "{}: no expect block (`actionhost test --update` records the outcome)",
            file.place(result.case, None)
        ));
    }
    for side in &result.sides {
        let which = if pair { format!(" ({})", side.label) } else { String::new() };
        if let Some(invalid) = &side.invalid {
            out.push(format!("{}: cannot run{which}: {invalid}", file.place(result.case, None)));
        }
        for mismatch in &side.mismatches {
            out.push(format!("{}: {}{which}", file.place(result.case, Some(mismatch.field.as_str())), mismatch.field));
            out.extend(mismatch.lines.iter().map(|line| format!("  {line}")));
        }
        if let Some(outcome) = &side.outcome {
            if let Some(error) = &outcome.error {
                let at = error_location(outcome)
                    .map_or_else(|| script_name(outcome), |(file, line, column)| format!("{file}:{line}:{column}"));
                out.push(format!("{at}: {}: {}{which}", error.name, error.message));
            }
            if !outcome.logs.is_empty() {
                out.push(format!("logs{which}:"));
                out.extend(outcome.logs.iter().map(|log| format!("  [{}] {}", log.level, log.message)));
                if outcome.logs_truncated {
                    out.push("  … (truncated)".to_owned());
                }
            }
        }
    }
    if result.denied_warnings() {
        out.push(format!(
            "{}: fails with {} warning(s) (--deny-warnings)",
            file.place(result.case, None),
            result.warnings.len()
        ));
    }
    out.extend(warning_lines(result));
    if !result.parity.is_empty() {
        out.push(format!(
            "{}: parity: {} and {} differ",
            file.place(result.case, None),
            file.subjects[0].label,
            file.subjects[1].label
        ));
        out.extend(result.parity.iter().map(|line| format!("  {line}")));
    }
    out
}

/// `warnings:` and each warning of the case, indented (nothing when it has none).
pub fn warning_lines(result: &CaseResult) -> Vec<String> {
    if result.warnings.is_empty() {
        return Vec::new();
    }
    let mut out = vec!["warnings:".to_owned()];
    out.extend(result.warnings.iter().map(|w| format!("  - {w}")));
    out
}

/// `path:line` of a case file that could not be loaded (`path` when the line is unknown).
pub fn place(broken: &crate::testing::runner::Broken) -> String {
    match broken.line {
        Some(line) => format!("{}:{line}", broken.path.display()),
        None => broken.path.display().to_string(),
    }
}

fn script_name(outcome: &Outcome) -> String {
    outcome.script.clone().unwrap_or_else(|| "script".to_owned())
}

/// Where the script's error was thrown: the first frame of its stack in the script's own file
/// (`file`, line, column), or the first frame with a position when none is.
pub fn error_location(outcome: &Outcome) -> Option<(String, usize, usize)> {
    let stack = outcome.error.as_ref()?.stack.as_deref()?;
    let frames: Vec<(String, usize, usize)> =
        stack.lines().filter_map(|line| line.trim_start().strip_prefix("at ")).filter_map(frame_position).collect();
    let script = outcome.script.as_deref();
    frames.iter().find(|(file, _, _)| Some(file.as_str()) == script).or(frames.first()).cloned()
}

/// `file:line:column` at the end of a stack frame (`name (file:1:2)` or `file:1:2`).
fn frame_position(frame: &str) -> Option<(String, usize, usize)> {
    let frame = frame.trim_end();
    let frame = frame.strip_suffix(')').map_or(frame, |f| f.rsplit_once('(').map_or(f, |(_, inner)| inner));
    let (rest, column) = frame.rsplit_once(':')?;
    let (file, line) = rest.rsplit_once(':')?;
    Some((file.to_owned(), line.parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::frame_position;

    #[test]
    fn frames_with_and_without_a_function_name() {
        assert_eq!(frame_position("throw.js:3:8"), Some(("throw.js".into(), 3, 8)));
        assert_eq!(frame_position("onExecutePostLogin (a/b c.js:12:1)"), Some(("a/b c.js".into(), 12, 1)));
        assert_eq!(frame_position("<anonymous>"), None);
    }
}
