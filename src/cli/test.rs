//! `actionhost test`: finds case files, runs their cases in parallel (a progress bar on a
//! terminal), optionally records actual outcomes (`--update`), and writes each report asked for
//! (`--reporter NAME[=FILE]`, repeatable). A case file that cannot be loaded is reported as a
//! failed suite while the other files run. `--shard I/N` runs one part of the cases
//! ([`crate::testing::Shard`]). Exit code 0 when every case passed, 1 when one failed
//! or `--filter` matched no case, 2 when a case file is unusable. `--watch` then runs again
//! the case files each change affects (`super::watch`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::args::{Reporter, ReporterSpec, TestArgs};
use crate::files::{self, Mode};
use crate::tenant::Keywords;
use crate::testing::case_file::Target;
use crate::testing::reporters::{github, human, json, junit, tap};
use crate::testing::runner::{self, Broken, Verdict};
use crate::testing::{discover, update, CaseFile, Loader, Options};
use crate::Host;

/// Cases in flight per worker, so each worker always has the next one waiting.
const IN_FLIGHT_PER_WORKER: usize = 32;

pub async fn test(args: TestArgs) -> anyhow::Result<u8> {
    let reports = reports(&args.reporter, args.output.as_deref())?;
    for target in reports.iter().filter_map(|r| r.file.as_deref()) {
        prepare_output(target)?;
    }
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let found = discover(&paths).map_err(anyhow::Error::msg)?;
    if found.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!("no case files (*.cases.yaml, *.cases.yml, *.cases.json) in {}", shown.join(", "));
    }
    let keywords = super::keywords(&super::args::TenantArgs { tenant: None, keywords: args.keywords.clone() })?;
    super::config::apply_cpu_policy(&args.pool, Some(crate::engine::CpuPolicy::Batch));
    let config = super::HostConfigBuilder::new(&args.engine).pool(&args.pool).keywords(keywords.clone()).build();
    let workers = config.workers;
    let suite = Suite {
        host: Host::new(config),
        options: Options {
            filter: args.filter.clone(),
            fail_fast: args.fail_fast,
            in_flight: workers * IN_FLIGHT_PER_WORKER,
            shard: args.shard,
            deny_warnings: args.deny_warnings,
        },
        keywords,
        reports,
        update: args.update,
    };
    let (code, loaded) = suite.run(&found).await?;
    if !args.watch {
        return Ok(code);
    }
    super::watch::watch(&suite, &paths, loaded, code).await
}

/// What every run of `actionhost test` shares: the host and its workers, the options, the
/// reports; `--watch` runs it again on the case files a change affects.
pub struct Suite {
    host: Host,
    options: Options,
    keywords: Keywords,
    reports: Vec<ReporterSpec>,
    update: bool,
}

impl Suite {
    /// Loads, runs and reports the case files at `found` (fresh: tenants and scripts are read
    /// again); the exit code, and what each file depends on.
    pub async fn run(&self, found: &[PathBuf]) -> anyhow::Result<(u8, Vec<Loaded>)> {
        let mut loader = Loader::new(self.keywords.clone());
        let mut files = Vec::new();
        let mut broken = Vec::new();
        for path in found {
            match loader.load(path) {
                Ok(file) => files.push(file),
                Err(error) => broken.push(Broken::from(&error)),
            }
        }
        // Said at once on standard error too, whatever the reporters.
        for file in &broken {
            eprintln!("actionhost: {}", file.message);
        }
        let mut loaded: Vec<Loaded> = files.iter().map(Loaded::of).collect();
        loaded.extend(broken.iter().map(|b| Loaded { case_file: b.path.clone(), scripts: Vec::new(), tenant: None }));
        let stdout_reporter = self.stdout_reporter();
        let host = &self.host;
        let options = &self.options;
        let matched: usize = files
            .iter()
            .map(|f| (0..f.cases.len()).filter(|&c| runner::selected(f, c, options.filter.as_deref())).count())
            .sum();
        let total = runner::chosen(&files, options).len();
        if let Some(shard) = &options.shard {
            eprintln!("actionhost: shard {shard}: {total} of {matched} cases");
        }
        let unmatched = match &options.filter {
            Some(pattern) if matched == 0 => {
                eprintln!("actionhost: no cases matched --filter {pattern:?}");
                true
            }
            _ => false,
        };
        let bar = progress_bar(total);
        let mut report = runner::run(host, &files, options, |_| bar.inc(1)).await;
        bar.finish_and_clear();
        report.broken = broken;
        if self.update {
            record(&mut loader, &mut files, &mut report)?;
        }
        let mut stdout = std::io::stdout();
        for spec in &self.reports {
            let text = match spec.reporter {
                Reporter::Human => human::render(&files, &report),
                Reporter::Json => json::render(&files, &report),
                Reporter::Junit => junit::render(&files, &report),
                Reporter::Tap => tap::render(&files, &report),
                Reporter::Github => github::render(&files, &report),
            };
            match &spec.file {
                Some(path) => write_file(path, &text)?,
                None => stdout.write_all(text.as_bytes())?,
            }
        }
        if stdout_reporter != Some(Reporter::Human) {
            eprintln!("{}", report.summary());
        }
        stdout.flush()?;
        let code = if !report.broken.is_empty() {
            2
        } else if report.failed() > 0 || unmatched {
            1
        } else {
            0
        };
        Ok((code, loaded))
    }

    /// The reporter that writes to standard output.
    pub fn stdout_reporter(&self) -> Option<Reporter> {
        self.reports.iter().find(|r| r.file.is_none()).map(|r| r.reporter)
    }
}

/// The files a case file's cases read: its scripts and its tenant (whose every file counts).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub case_file: PathBuf,
    pub scripts: Vec<PathBuf>,
    /// The tenant's folder.
    pub tenant: Option<PathBuf>,
}

impl Loaded {
    fn of(file: &CaseFile) -> Loaded {
        let scripts = file
            .subjects
            .iter()
            .filter_map(|s| match &s.target {
                Target::File { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect();
        Loaded { case_file: file.path.clone(), scripts, tenant: file.tenant.as_ref().map(|t| t.root.clone()) }
    }
}

/// The reports to write: each `--reporter NAME[=FILE]` (default `human`), `--output FILE` given
/// to the last one without a file; at most one writes to standard output, and when none does
/// the human report does.
fn reports(specs: &[ReporterSpec], output: Option<&Path>) -> anyhow::Result<Vec<ReporterSpec>> {
    let mut reports =
        if specs.is_empty() { vec![ReporterSpec { reporter: Reporter::Human, file: None }] } else { specs.to_vec() };
    if let Some(output) = output {
        match reports.iter_mut().rev().find(|r| r.file.is_none()) {
            Some(spec) => spec.file = Some(output.to_owned()),
            None => bail!("--output {}: every --reporter already names its file", output.display()),
        }
    }
    let on_stdout = reports.iter().filter(|r| r.file.is_none()).count();
    if on_stdout > 1 {
        bail!("only one --reporter may write to standard output; give the others a file (--reporter NAME=FILE)");
    }
    let mut seen = std::collections::HashSet::new();
    for file in reports.iter().filter_map(|r| r.file.as_ref()) {
        if !seen.insert(file.clone()) {
            bail!("--reporter: {} is named twice", file.display());
        }
    }
    if on_stdout == 0 {
        reports.push(ReporterSpec { reporter: Reporter::Human, file: None });
    }
    Ok(reports)
}

/// Before any case runs: creates the report's folder when missing and refuses a target that is
/// a folder, naming the path.
fn prepare_output(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {} of a report", dir.display()))?;
    }
    if path.is_dir() {
        bail!("cannot write the report {}: it is a folder", path.display());
    }
    Ok(())
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    if total == 0 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cases {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// Writes the actual outcomes of failing cases into their files, then judges those cases again
/// against what was written.
fn record(loader: &mut Loader, files: &mut [CaseFile], report: &mut runner::Report) -> anyhow::Result<()> {
    for (index, file) in files.iter_mut().enumerate() {
        let results: Vec<_> =
            report.results.iter().filter(|r| r.file == index && r.verdict == Verdict::Failed).collect();
        let Some((text, count)) = update::rewrite(file, &results) else { continue };
        let path = file.path.clone();
        write_file(&path, &text)?;
        let reloaded = loader.load(&path).with_context(|| format!("{} after --update", path.display()))?;
        if reloaded.cases.len() != file.cases.len() {
            bail!("{}: --update changed the number of cases", path.display());
        }
        *file = reloaded;
        for result in report.results.iter_mut().filter(|r| r.file == index) {
            runner::judge(file, result);
        }
        eprintln!("updated {count} case(s) in {}", path.display());
    }
    Ok(())
}

/// Writes through the crate's atomic writer (synced, renamed into place, never through a
/// symbolic link), so a reader never sees half a file.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    files::write_atomic(path, text.as_bytes(), Mode::default()).map_err(|e| anyhow::anyhow!("cannot write {e}"))
}
