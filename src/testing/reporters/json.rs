//! The JSON report: one document with the counts and every case, its result, where it is, and
//! for a failure each failing field with its explanation and the actual value; case files that
//! could not be loaded are listed under `broken` (each with `file`, `line` and `message`). Every
//! case has `warnings` (`[]` when none), `outcomes` (the Outcome of each script it ran, `[]` when
//! none) and, when `--deny-warnings` failed it, `denied_warnings`.

use serde_json::{json, Value};

use crate::testing::case_file::CaseFile;
use crate::testing::check::actual_value;
use crate::testing::runner::{Report, Verdict};

pub fn render(files: &[CaseFile], report: &Report) -> String {
    let cases: Vec<Value> = report
        .results
        .iter()
        .map(|result| {
            let file = &files[result.file];
            let mut case = json!({
                "file": file.path.display().to_string(),
                "line": file.locations.line(result.case, None),
                "name": result.name,
                "result": match result.verdict { Verdict::Passed => "passed", Verdict::Failed => "failed", Verdict::Skipped(_) => "skipped" },
                "duration_ms": result.duration.as_secs_f64() * 1000.0,
                "warnings": result.warnings,
                "outcomes": result.sides.iter().filter_map(|side| side.outcome.as_ref()).collect::<Vec<_>>(),
            });
            if result.denied_warnings() {
                case["denied_warnings"] = json!(true);
            }
            if let Verdict::Skipped(reason) = &result.verdict {
                case["reason"] = json!(reason);
            }
            if result.verdict == Verdict::Failed {
                let mut failures = Vec::new();
                if result.no_expect {
                    failures.push(json!({"field": "expect", "line": file.locations.line(result.case, None), "lines": ["no expect block"]}));
                }
                for side in &result.sides {
                    if let Some(invalid) = &side.invalid {
                        failures.push(json!({"script": side.label, "field": "request", "line": file.locations.line(result.case, None), "lines": [invalid]}));
                    }
                    for mismatch in &side.mismatches {
                        let actual = match (&side.outcome, &side.effects) {
                            (Some(outcome), Some(effects)) => actual_value(mismatch.field, outcome, effects),
                            _ => Value::Null,
                        };
                        failures.push(json!({
                            "script": side.label,
                            "field": mismatch.field,
                            "line": file.locations.line(result.case, Some(mismatch.field.as_str())),
                            "lines": mismatch.lines,
                            "actual": actual,
                        }));
                    }
                }
                case["failures"] = json!(failures);
                if !result.parity.is_empty() {
                    case["parity"] = json!(result.parity);
                }
            }
            case
        })
        .collect();
    let broken: Vec<Value> = report
        .broken
        .iter()
        .map(|b| json!({"file": b.path.display().to_string(), "line": b.line, "message": b.message}))
        .collect();
    let document = json!({
        "passed": report.passed(),
        "failed": report.failed(),
        "skipped": report.skipped(),
        "not_run": report.not_run,
        "duration_ms": report.duration.as_secs_f64() * 1000.0,
        "cases": cases,
        "broken": broken,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}
