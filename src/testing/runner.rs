//! Runs the cases of loaded case files in parallel on a [`Host`]'s pool and judges each one:
//! its expectations against every script it names, and for a Rule/Action pair their parity.

use std::time::{Duration, Instant};

use futures::StreamExt;

use super::case_file::CaseFile;
use super::check::{check, Mismatch};
use super::effects::{self, Effects};
use super::{inputs, parity};
use crate::host::Host;
use crate::outcome::Outcome;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only cases whose name, or whose file's path, contains this text.
    pub filter: Option<String>,
    /// Stop at the first failure; cases not yet finished are not reported.
    pub fail_fast: bool,
    /// Cases in flight at once (a few per worker keeps every worker busy).
    pub in_flight: usize,
    /// Only this shard of the cases the filter selects.
    pub shard: Option<super::Shard>,
    /// A case whose outcomes carry warnings fails (`--deny-warnings`).
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Passed,
    Failed,
    /// With the reason given (possibly empty).
    Skipped(String),
}

/// One script run for a case.
#[derive(Debug, Clone)]
pub struct Side {
    /// `rule NAME`, `action NAME` or the script's path.
    pub label: String,
    pub outcome: Option<Outcome>,
    pub effects: Option<Effects>,
    /// The case could not be run with this script (`field: problem`).
    pub invalid: Option<String>,
    pub mismatches: Vec<Mismatch>,
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Indexes into the files and their cases.
    pub file: usize,
    pub case: usize,
    pub name: String,
    pub verdict: Verdict,
    pub sides: Vec<Side>,
    /// Parity differences (pairs only).
    pub parity: Vec<String>,
    /// The case has no `expect` block.
    pub no_expect: bool,
    /// Engine time: the scripts' executions (`duration_ms` of their outcomes), without waiting.
    pub duration: Duration,
    /// The warnings of the case's outcomes (`label: warning` when the case runs two scripts),
    /// kept for passing cases too.
    pub warnings: Vec<String>,
    /// The warnings make the case fail (`--deny-warnings`).
    pub deny_warnings: bool,
}

impl CaseResult {
    /// The case has warnings and `--deny-warnings` makes them a failure.
    pub fn denied_warnings(&self) -> bool {
        self.deny_warnings && !self.warnings.is_empty()
    }
}

/// A case file that could not be loaded: reported as a failed suite, while the other files run.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub path: std::path::PathBuf,
    /// 1-based, when known.
    pub line: Option<usize>,
    /// The whole error, `file:line:column: message`.
    pub message: String,
}

impl From<&super::CaseFileError> for Broken {
    fn from(error: &super::CaseFileError) -> Broken {
        Broken { path: error.file().to_owned(), line: error.line(), message: error.to_string() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In file order, then case order.
    pub results: Vec<CaseResult>,
    /// Case files that could not be loaded, in the order found; each counts as one failure.
    pub broken: Vec<Broken>,
    /// Cases selected but not run because `fail_fast` stopped the run.
    pub not_run: usize,
    pub duration: Duration,
}

impl Report {
    pub fn count(&self, wanted: fn(&Verdict) -> bool) -> usize {
        self.results.iter().filter(|r| wanted(&r.verdict)).count()
    }

    pub fn passed(&self) -> usize {
        self.count(|v| *v == Verdict::Passed)
    }

    pub fn failed(&self) -> usize {
        self.count(|v| *v == Verdict::Failed)
    }

    pub fn skipped(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Skipped(_)))
    }

    /// `N passed, N failed`, then `, N skipped` when some were; each case file that could not
    /// be loaded counts as one failure.
    pub fn summary(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed(), self.failed() + self.broken.len());
        if self.skipped() > 0 {
            line.push_str(&format!(", {} skipped", self.skipped()));
        }
        line
    }
}

/// Whether `--filter` selects case `index` of `file`.
pub fn selected(file: &CaseFile, index: usize, filter: Option<&str>) -> bool {
    filter.is_none_or(|text| file.cases[index].name().contains(text) || file.path.to_string_lossy().contains(text))
}

/// The (file, case) indices `options` select: the filter's cases, then the shard's part of them.
pub fn chosen(files: &[CaseFile], options: &Options) -> Vec<(usize, usize)> {
    let chosen: Vec<(usize, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(f, file)| {
            (0..file.cases.len()).filter(|&c| selected(file, c, options.filter.as_deref())).map(move |c| (f, c))
        })
        .collect();
    match &options.shard {
        Some(shard) => shard.pick(files, &chosen),
        None => chosen,
    }
}

/// Runs the selected cases; `progress` hears of each as it finishes (in completion order).
pub async fn run(host: &Host, files: &[CaseFile], options: &Options, mut progress: impl FnMut(&CaseResult)) -> Report {
    let started = Instant::now();
    let chosen = chosen(files, options);
    let total = chosen.len();
    let mut results = Vec::with_capacity(total);
    let mut running = futures::stream::iter(chosen.into_iter().map(|(f, c)| run_case(host, files, f, c, options)))
        .buffer_unordered(options.in_flight.max(1));
    while let Some(result) = running.next().await {
        progress(&result);
        let failed = result.verdict == Verdict::Failed;
        results.push(result);
        if failed && options.fail_fast {
            break;
        }
    }
    results.sort_by_key(|r| (r.file, r.case));
    Report { not_run: total - results.len(), results, broken: Vec::new(), duration: started.elapsed() }
}

async fn run_case(
    host: &Host,
    files: &[CaseFile],
    file_index: usize,
    case_index: usize,
    options: &Options,
) -> CaseResult {
    let file = &files[file_index];
    let case = &file.cases[case_index];
    let mut result = CaseResult {
        file: file_index,
        case: case_index,
        name: case.name().to_owned(),
        verdict: Verdict::Passed,
        sides: Vec::new(),
        parity: Vec::new(),
        no_expect: false,
        duration: Duration::ZERO,
        warnings: Vec::new(),
        deny_warnings: options.deny_warnings,
    };
    if let Some(reason) = case.skipped() {
        result.verdict = Verdict::Skipped(reason);
        return result;
    }
    if let Some(login) = &case.simulate {
        result.sides = vec![super::simulate_case::run(host, login).await];
        return finish(file, result);
    }
    let runs = file.subjects.iter().map(|subject| async move {
        let mut side =
            Side { label: subject.label.clone(), outcome: None, effects: None, invalid: None, mismatches: Vec::new() };
        match inputs::request(file, subject, case) {
            Ok((request, base)) => match host.run_prepared(request).await {
                Ok(outcome) => {
                    side.effects = Some(effects::of(&outcome, &base));
                    side.outcome = Some(outcome);
                }
                Err(error) => side.invalid = Some(error.to_string()),
            },
            Err(error) => side.invalid = Some(error.to_string()),
        }
        side
    });
    result.sides = futures::future::join_all(runs).await;
    finish(file, result)
}

/// Judges a case that ran, and keeps only what its verdict needs.
fn finish(file: &CaseFile, mut result: CaseResult) -> CaseResult {
    let pair = file.is_pair();
    for side in &result.sides {
        for warning in side.outcome.iter().flat_map(|o| &o.warnings) {
            result.warnings.push(if pair { format!("{}: {warning}", side.label) } else { warning.clone() });
        }
    }
    judge(file, &mut result);
    let engine_ms: f64 = result.sides.iter().filter_map(|s| s.outcome.as_ref()).map(|o| o.duration_ms).sum();
    result.duration = Duration::from_secs_f64(engine_ms / 1000.0);
    if result.verdict == Verdict::Passed {
        // Only failures are reported or rewritten with their scripts' outcomes; a run of many
        // cases keeps no more than the name, verdict and time of each passing one.
        result.sides = Vec::new();
    }
    result
}

/// Checks a case's runs against the file's expectations (again, after `--update` rewrote them).
pub fn judge(file: &CaseFile, result: &mut CaseResult) {
    let case = &file.cases[result.case];
    result.no_expect = case.expect.is_none();
    for side in &mut result.sides {
        side.mismatches = match (&case.expect, &side.outcome, &side.effects) {
            (Some(expect), Some(outcome), Some(effects)) => check(expect, outcome, effects),
            _ => Vec::new(),
        };
    }
    result.parity = match (file.is_pair(), result.sides.as_slice()) {
        (true, [rule, action]) => match (&rule.effects, &action.effects) {
            (Some(r), Some(a)) => parity::compare(r, a),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let failed = result.no_expect
        || result.denied_warnings()
        || !result.parity.is_empty()
        || result.sides.iter().any(|s| s.invalid.is_some() || !s.mismatches.is_empty());
    if !matches!(result.verdict, Verdict::Skipped(_)) {
        result.verdict = if failed { Verdict::Failed } else { Verdict::Passed };
    }
}
