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
    let result = match cli.command {
        // A server answers many clients at once: all cores.
        cli::args::Command::Serve(args) => {
            let tokio = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
            tokio.block_on(cli::serve(args))
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
async fn one_shot(command: cli::args::Command) -> anyhow::Result<u8> {
    {
        match command {
            cli::args::Command::Run(args) => cli::run(args).await,
            cli::args::Command::Batch(args) => cli::batch(args).await,
            cli::args::Command::Clients(command) => cli::clients(command),
            cli::args::Command::Deps(command) => cli::deps(command),
            cli::args::Command::Simulate(args) => cli::simulate(args).await,
            cli::args::Command::Test(args) => cli::test(args).await,
            cli::args::Command::Event(args) => cli::event(args),
            cli::args::Command::Completions(args) => cli::completions(args),
            cli::args::Command::Man => cli::man(),
            cli::args::Command::Types(args) => cli::types(args),
            cli::args::Command::Serve(_) => unreachable!("serve runs on its own runtime"),
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}
