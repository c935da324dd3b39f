//! The JUnit XML report: one `<testsuite>` per case file, one `<testcase>` per case (with its
//! file and line), `<failure>` holding the same explanation the human report prints and
//! `<skipped>` for skipped cases.

use std::fmt::Write;

use super::human::details;
use crate::testing::case_file::CaseFile;
use crate::testing::runner::{Report, Verdict};

pub fn render(files: &[CaseFile], report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let seconds = |d: std::time::Duration| format!("{:.6}", d.as_secs_f64());
    let _ = writeln!(
        out,
        "<testsuites name=\"actionhost\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\">",
        report.results.len(),
        report.failed(),
        report.skipped(),
        seconds(report.duration)
    );
    for (index, file) in files.iter().enumerate() {
        let results: Vec<_> = report.results.iter().filter(|r| r.file == index).collect();
        if results.is_empty() {
            continue;
        }
        let count = |wanted: fn(&Verdict) -> bool| results.iter().filter(|r| wanted(&r.verdict)).count();
        let path = escape(&file.path.display().to_string());
        let total: std::time::Duration = results.iter().map(|r| r.duration).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\" time=\"{}\">",
            results.len(),
            count(|v| *v == Verdict::Failed),
            count(|v| matches!(v, Verdict::Skipped(_))),
            seconds(total)
        );
        for result in results {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\" time=\"{}\"",
                escape(&result.name),
                file.locations.line(result.case, None),
                seconds(result.duration)
            );
            match &result.verdict {
                Verdict::Passed => out.push_str("/>\n"),
                Verdict::Skipped(reason) => {
                    let _ = writeln!(out, ">\n      <skipped message=\"{}\"/>\n    </testcase>", escape(reason));
                }
                Verdict::Failed => {
                    let lines = details(file, result);
                    let mut fields: Vec<&str> = Vec::new();
                    for field in result.sides.iter().flat_map(|s| s.mismatches.iter().map(|m| m.field.as_str())) {
                        if !fields.contains(&field) {
                            fields.push(field);
                        }
                    }
                    if !result.parity.is_empty() {
                        fields.push("parity");
                    }
                    let message = if fields.is_empty() {
                        lines.first().cloned().unwrap_or_default()
                    } else {
                        format!("differs: {}", fields.join(", "))
                    };
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"AssertionError\">{}</failure>\n    </testcase>",
                        escape(&message),
                        escape(&lines.join("\n"))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text safe in XML attributes and content; characters XML 1.0 forbids become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
