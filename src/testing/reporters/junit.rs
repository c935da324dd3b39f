//! The JUnit XML report, written with `quick-xml`: one `<testsuite>` per case file, one
//! `<testcase>` per case (with its file and line), `<failure>` holding the same explanation the
//! human report prints and `<skipped>` for skipped cases; a case's warnings are its
//! `<system-out>` (`warning: …` lines). A case file that could not be loaded is
//! a suite of one failed test case named `case file`, so CI shows it among the failures.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::human::{self, details};
use crate::testing::case_file::CaseFile;
use crate::testing::runner::{Report, Verdict};

pub fn render(files: &[CaseFile], report: &Report) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write(&mut writer, files, report);
    let mut out = String::from_utf8(writer.into_inner()).unwrap_or_default();
    out.push('\n');
    out
}

fn write(writer: &mut Writer<Vec<u8>>, files: &[CaseFile], report: &Report) -> io::Result<()> {
    let seconds = |d: std::time::Duration| format!("{:.6}", d.as_secs_f64());
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let tests = (report.results.len() + report.broken.len()).to_string();
    let failures = (report.failed() + report.broken.len()).to_string();
    writer
        .create_element("testsuites")
        .with_attributes([
            ("name", "actionhost"),
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("skipped", report.skipped().to_string().as_str()),
            ("errors", "0"),
            ("time", seconds(report.duration).as_str()),
        ])
        .write_inner_content(|writer| {
            for broken in &report.broken {
                let path = clean(&broken.path.display().to_string());
                let line = broken.line.unwrap_or(1).to_string();
                let counts = suite_counts(&path, 1, 1, 0, "0.000000");
                writer
                    .create_element("testsuite")
                    .with_attributes(counts.iter().map(|(k, v)| (*k, v.as_str())))
                    .write_inner_content(|writer| {
                        writer
                            .create_element("testcase")
                            .with_attributes([
                                ("name", "case file"),
                                ("classname", path.as_str()),
                                ("file", path.as_str()),
                                ("line", line.as_str()),
                                ("time", "0.000000"),
                            ])
                            .write_inner_content(|writer| {
                                let message = clean(&format!("not loaded: {}", human::place(broken)));
                                writer
                                    .create_element("failure")
                                    .with_attributes([("message", message.as_str()), ("type", "CaseFileError")])
                                    .write_text_content(BytesText::new(&clean(&broken.message)))?;
                                Ok(())
                            })?;
                        Ok(())
                    })?;
            }
            for (index, file) in files.iter().enumerate() {
                let results: Vec<_> = report.results.iter().filter(|r| r.file == index).collect();
                if results.is_empty() {
                    continue;
                }
                let count = |wanted: fn(&Verdict) -> bool| results.iter().filter(|r| wanted(&r.verdict)).count();
                let path = clean(&file.path.display().to_string());
                let total: std::time::Duration = results.iter().map(|r| r.duration).sum();
                let failed = count(|v| *v == Verdict::Failed);
                let skipped = count(|v| matches!(v, Verdict::Skipped(_)));
                let counts = suite_counts(&path, results.len(), failed, skipped, &seconds(total));
                writer
                    .create_element("testsuite")
                    .with_attributes(counts.iter().map(|(k, v)| (*k, v.as_str())))
                    .write_inner_content(|writer| {
                        for result in &results {
                            let name = clean(&result.name);
                            let line = file.locations.line(result.case, None).to_string();
                            let time = seconds(result.duration);
                            let element = writer.create_element("testcase").with_attributes([
                                ("name", name.as_str()),
                                ("classname", path.as_str()),
                                ("file", path.as_str()),
                                ("line", line.as_str()),
                                ("time", time.as_str()),
                            ]);
                            let out = clean(
                                &result.warnings.iter().map(|w| format!("warning: {w}")).collect::<Vec<_>>().join("\n"),
                            );
                            let system_out = |writer: &mut Writer<Vec<u8>>| -> io::Result<()> {
                                if !out.is_empty() {
                                    writer.create_element("system-out").write_text_content(BytesText::new(&out))?;
                                }
                                Ok(())
                            };
                            match &result.verdict {
                                Verdict::Passed if !out.is_empty() => {
                                    element.write_inner_content(|writer| system_out(writer))?;
                                }
                                Verdict::Passed => {
                                    element.write_empty()?;
                                }
                                Verdict::Skipped(reason) => {
                                    element.write_inner_content(|writer| {
                                        writer
                                            .create_element("skipped")
                                            .with_attribute(("message", clean(reason).as_str()))
                                            .write_empty()?;
                                        Ok(())
                                    })?;
                                }
                                Verdict::Failed => {
                                    let lines = details(file, result);
                                    let message = clean(&failure_message(result, &lines));
                                    element.write_inner_content(|writer| {
                                        writer
                                            .create_element("failure")
                                            .with_attributes([
                                                ("message", message.as_str()),
                                                ("type", "AssertionError"),
                                            ])
                                            .write_text_content(BytesText::new(&clean(&lines.join("\n"))))?;
                                        system_out(writer)
                                    })?;
                                }
                            }
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

fn suite_counts(path: &str, tests: usize, failures: usize, skipped: usize, time: &str) -> [(&'static str, String); 6] {
    [
        ("name", path.to_owned()),
        ("tests", tests.to_string()),
        ("failures", failures.to_string()),
        ("skipped", skipped.to_string()),
        ("errors", "0".to_owned()),
        ("time", time.to_owned()),
    ]
}

/// `differs: status, claims` when fields differ, else the first line of the explanation.
fn failure_message(result: &crate::testing::runner::CaseResult, lines: &[String]) -> String {
    let mut fields: Vec<&str> = Vec::new();
    for field in result.sides.iter().flat_map(|s| s.mismatches.iter().map(|m| m.field.as_str())) {
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    if !result.parity.is_empty() {
        fields.push("parity");
    }
    if fields.is_empty() && result.denied_warnings() {
        format!("fails with {} warning(s) (--deny-warnings)", result.warnings.len())
    } else if fields.is_empty() {
        lines.first().cloned().unwrap_or_default()
    } else {
        format!("differs: {}", fields.join(", "))
    }
}

/// Characters XML 1.0 forbids (most control characters, U+FFFE, U+FFFF) become U+FFFD; the
/// writer escapes the rest.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}
