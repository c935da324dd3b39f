//! The GitHub Actions report: workflow commands that become annotations on the pull request,
//! `::error file=F,line=L,title=T::message`, one per failing field (at its line in the case
//! file), per case that could not run or has no `expect`, per parity difference, per script
//! error (at the script's own line) and per case file that could not be loaded; skipped cases
//! are `::notice`; each warning of a case is `::warning` at the case's line (and an `::error`
//! when `--deny-warnings` fails the case for them). Values are escaped as the Actions toolkit does (`%`, CR, LF; in properties
//! also `:` and `,`).

use super::human::error_location;
use crate::testing::case_file::CaseFile;
use crate::testing::runner::{Report, Verdict};

pub fn render(files: &[CaseFile], report: &Report) -> String {
    let mut out = String::new();
    for broken in &report.broken {
        let line = broken.line.unwrap_or(1);
        annotate(&mut out, "error", &broken.path.display().to_string(), line, "case file not loaded", &broken.message);
    }
    for result in &report.results {
        let file = &files[result.file];
        let path = file.path.display().to_string();
        let case_line = file.locations.line(result.case, None);
        let title = |what: &str| format!("{} › {what}", result.name);
        for warning in &result.warnings {
            annotate(&mut out, "warning", &path, case_line, &title("warning"), warning);
        }
        if result.denied_warnings() {
            let message = format!("{} warning(s) fail the case (--deny-warnings)", result.warnings.len());
            annotate(&mut out, "error", &path, case_line, &title("warnings"), &message);
        }
        match &result.verdict {
            Verdict::Passed => {}
            Verdict::Skipped(reason) => annotate(&mut out, "notice", &path, case_line, &title("skipped"), reason),
            Verdict::Failed => {
                if result.no_expect {
                    let message = "no expect block (`actionhost test --update` records the outcome)";
                    annotate(&mut out, "error", &path, case_line, &title("expect"), message);
                }
                let pair = file.is_pair();
                for side in &result.sides {
                    let which = if pair { format!(" ({})", side.label) } else { String::new() };
                    if let Some(invalid) = &side.invalid {
                        annotate(&mut out, "error", &path, case_line, &title(&format!("cannot run{which}")), invalid);
                    }
                    for mismatch in &side.mismatches {
                        let line = file.locations.line(result.case, Some(mismatch.field.as_str()));
                        let what = format!("{}{which}", mismatch.field);
                        annotate(&mut out, "error", &path, line, &title(&what), &mismatch.lines.join("\n"));
                    }
                    if let Some(outcome) = &side.outcome {
                        if let (Some(error), Some((script, line, _))) = (&outcome.error, error_location(outcome)) {
                            let message = format!("{}: {}", error.name, error.message);
                            annotate(
                                &mut out,
                                "error",
                                &script,
                                line,
                                &title(&format!("script error{which}")),
                                &message,
                            );
                        }
                    }
                }
                if !result.parity.is_empty() {
                    annotate(&mut out, "error", &path, case_line, &title("parity"), &result.parity.join("\n"));
                }
            }
        }
    }
    out
}

fn annotate(out: &mut String, level: &str, file: &str, line: usize, title: &str, message: &str) {
    out.push_str(&format!(
        "::{level} file={},line={line},title={}::{}\n",
        property(file),
        property(title),
        data(message)
    ));
}

fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn escapes_as_the_actions_toolkit() {
        assert_eq!(data("50% done\nnext:, line"), "50%25 done%0Anext:, line");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
