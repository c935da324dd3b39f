//! The human report: each failing case with its file and line, each failing field with what
//! was expected and what happened, skipped cases, and the summary line `N passed, N failed`.

use crate::testing::case_file::CaseFile;
use crate::testing::runner::{CaseResult, Report, Verdict};

/// Failures and skips, then the summary line.
pub fn render(files: &[CaseFile], report: &Report) -> String {
    let mut out = String::new();
    for result in &report.results {
        let file = &files[result.file];
        match &result.verdict {
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
    }
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
