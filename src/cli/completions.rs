//! `actionhost completions SHELL` and `actionhost man`: a shell completion script
//! (clap_complete) and the man page (clap_mangen), both generated from the argument definitions.

use std::io::Write;

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};

pub fn completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    let mut command = Cli::command();
    // Into memory first: clap_complete panics on a failed write, and a closed pipe
    // (`actionhost completions bash | head`) is no error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "actionhost", &mut script);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&script)?;
    stdout.flush()?;
    Ok(0)
}

pub fn man() -> anyhow::Result<u8> {
    let mut stdout = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut stdout)?;
    stdout.flush()?;
    Ok(0)
}
