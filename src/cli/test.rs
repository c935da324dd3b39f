//! `actionhost test`: finds case files, runs their cases in parallel (a progress bar on a
//! terminal), optionally records actual outcomes (`--update`), and reports. Exit code 0 when
//! every case passed, 1 when one failed, 2 when a case file is unusable.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::args::{Reporter, TestArgs};
use actionhost::files::{self, Mode};
use actionhost::testing::reporters::{human, json, junit};
use actionhost::testing::runner::{self, Verdict};
use actionhost::testing::{discover, update, CaseFile, Loader, Options};
use actionhost::Host;

/// Cases in flight per worker, so each worker always has the next one waiting.
const IN_FLIGHT_PER_WORKER: usize = 8;

pub async fn test(args: TestArgs) -> anyhow::Result<u8> {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let found = discover(&paths).map_err(anyhow::Error::msg)?;
    if found.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!("no case files (*.cases.yaml, *.cases.yml, *.cases.json) in {}", shown.join(", "));
    }
    let keywords = super::keywords(&super::args::TenantArgs { tenant: None, keywords: args.keywords.clone() })?;
    let mut loader = Loader::new(keywords.clone());
    let mut files = Vec::new();
    let mut broken = 0;
    for path in &found {
        match loader.load(path) {
            Ok(file) => files.push(file),
            Err(error) => {
                eprintln!("actionhost: {error}");
                broken += 1;
            }
        }
    }
    if broken > 0 {
        return Ok(2);
    }
    let config = super::HostConfigBuilder::new(&args.engine).pool(&args.pool).keywords(keywords).build();
    let workers = config.workers;
    let host = Host::new(config);
    let options =
        Options { filter: args.filter.clone(), fail_fast: args.fail_fast, in_flight: workers * IN_FLIGHT_PER_WORKER };
    let total: usize = files
        .iter()
        .map(|f| (0..f.cases.len()).filter(|&c| runner::selected(f, c, options.filter.as_deref())).count())
        .sum();
    let bar = progress_bar(total);
    let mut report = runner::run(&host, &files, &options, |_| bar.inc(1)).await;
    bar.finish_and_clear();
    if args.update {
        record(&mut loader, &mut files, &mut report)?;
    }
    let text = match args.reporter {
        Reporter::Human => human::render(&files, &report),
        Reporter::Json => json::render(&files, &report),
        Reporter::Junit => junit::render(&files, &report),
    };
    let mut stdout = std::io::stdout();
    match (&args.output, args.reporter) {
        (Some(path), reporter) => {
            write_file(path, &text)?;
            if reporter != Reporter::Human {
                stdout.write_all(human::render(&files, &report).as_bytes())?;
            }
        }
        (None, Reporter::Human) => stdout.write_all(text.as_bytes())?,
        (None, _) => {
            stdout.write_all(text.as_bytes())?;
            eprintln!("{}", report.summary());
        }
    }
    stdout.flush()?;
    Ok(if report.failed() > 0 { 1 } else { 0 })
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
