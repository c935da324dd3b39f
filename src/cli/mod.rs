//! The `actionhost` command line: argument definitions, one module per command, the printer,
//! and [`main`], what the binary runs (re-exported as `actionhost::main`).

mod args;
mod batch;
mod clients;
mod completions;
mod config;
mod deps;
mod event;
mod print;
mod run;
mod serve;
mod simulate;
mod simulate_print;
mod test;
mod types;
mod watch;

use std::process::ExitCode;

use clap::Parser;

use crate::tenant::Keywords;
use args::{Cli, Command};
use config::HostConfigBuilder;

/// Runs the `actionhost` command line on the process's arguments: a worker process when
/// started as one, else the command given, on a current-thread tokio runtime (`serve` on a
/// multi-threaded one). Exit codes: 0 the script ran (completed, denied, redirected), the login
/// was simulated to its end (issued, denied, redirected) or the batch was processed; 1 a script
/// failed (error, timeout, out of memory) or the tokens broke Auth0's limits; 2 bad usage or
/// input.
pub fn main() -> ExitCode {
    if let Some(code) = crate::run_if_requested() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let cli = Cli::parse();
    let result = match cli.command {
        // A server answers many clients at once: all cores.
        Command::Serve(args) => {
            let tokio = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
            tokio.block_on(serve::serve(args))
        }
        command => {
            let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
            tokio.block_on(one_shot(command))
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("actionhost: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// A command that ends by itself, on one thread.
async fn one_shot(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Run(args) => run::run(args).await,
        Command::Batch(args) => batch::batch(args).await,
        Command::Clients(command) => clients::clients(command),
        Command::Deps(command) => deps::deps(command),
        Command::Simulate(args) => simulate::simulate(args).await,
        Command::Test(args) => test::test(args).await,
        Command::Event(args) => event::event(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man => completions::man(),
        Command::Types(args) => types::types(args),
        Command::Serve(_) => unreachable!("serve runs on its own runtime"),
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Keyword replacements: `AUTH0_KEYWORD_REPLACE_MAPPINGS`, then `--keywords FILE` on top.
fn keywords(args: &args::TenantArgs) -> anyhow::Result<Keywords> {
    let from_env = Keywords::from_env()?;
    Ok(match &args.keywords {
        Some(path) => from_env.merge(Keywords::from_file(path)?),
        None => from_env,
    })
}

/// The tenant a command works on; `--tenant` is required there.
fn tenant_path(args: &args::TenantArgs) -> anyhow::Result<&std::path::Path> {
    args.tenant.as_deref().ok_or_else(|| anyhow::anyhow!("--tenant DIR is required"))
}
