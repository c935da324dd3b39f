//! The `actionhost` binary. Exit codes: 0 the script ran (completed, denied, redirected), the
//! login was simulated to its end (issued, denied, redirected) or the batch was processed; 1 a
//! script failed (error, timeout, out of memory) or the tokens broke Auth0's limits; 2 bad usage
//! or input.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Some(code) = actionhost::run_if_requested() {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let cli = cli::args::Cli::parse();
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let result = tokio.block_on(async {
        match cli.command {
            cli::args::Command::Run(args) => cli::run(args).await,
            cli::args::Command::Batch(args) => cli::batch(args).await,
            cli::args::Command::Clients(command) => cli::clients(command),
            cli::args::Command::Simulate(args) => cli::simulate(args).await,
            cli::args::Command::Test(args) => cli::test(args).await,
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("actionhost: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}
