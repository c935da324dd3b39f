//! The command line, defined once with clap: each doc comment is the flag's help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use actionhost::{MissingClientMetadata, Phase, Trigger};

#[derive(Debug, Parser)]
#[command(name = "actionhost", version, about = "Run Auth0 Actions and Rules locally and see what they did")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one Action or Rule against a crafted event and print every effect
    Run(RunArgs),
    /// Run JSON-lines requests from stdin in parallel; print one JSON outcome line per request
    Batch(BatchArgs),
}

/// Engine settings shared by every command.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Wall-clock limit of one execution, in milliseconds
    #[arg(long, value_name = "N", default_value_t = actionhost::engine::DEFAULT_TIMEOUT_MS, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// Heap limit of the JavaScript engine, in MiB
    #[arg(long, value_name = "N", default_value_t = actionhost::engine::DEFAULT_MEMORY_MB, value_parser = clap::value_parser!(u64).range(8..))]
    pub memory_mb: u64,
    /// What a Rule sees as context.clientMetadata when the application has no metadata
    #[arg(long, value_enum, default_value_t = MissingClientMetadata::Absent)]
    pub missing_client_metadata: MissingClientMetadata,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The script: an Action (exports.onExecutePostLogin) or a Rule (function (user, context, callback))
    pub script: PathBuf,
    /// The trigger, when it cannot be told from the script
    #[arg(long, value_enum)]
    pub trigger: Option<Trigger>,
    /// Which Action handler runs: execute (onExecutePostLogin) or continue (onContinuePostLogin)
    #[arg(long, value_enum, default_value_t = Phase::Execute)]
    pub phase: Phase,
    /// JSON file deep-merged into the default post-login event
    #[arg(long, value_name = "FILE")]
    pub event: Option<PathBuf>,
    /// JSON file deep-merged into the default Rules user
    #[arg(long, value_name = "FILE")]
    pub user: Option<PathBuf>,
    /// JSON file deep-merged into the default Rules context
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// Application metadata entry (repeatable); Auth0's limits apply
    #[arg(long = "client-metadata", value_name = "KEY=VALUE")]
    pub client_metadata: Vec<String>,
    /// Action secret (repeatable)
    #[arg(long = "secret", value_name = "KEY=VALUE")]
    pub secrets: Vec<String>,
    /// Rules configuration / event.configuration entry (repeatable)
    #[arg(long = "configuration", value_name = "KEY=VALUE")]
    pub configuration: Vec<String>,
    /// Print exactly one Outcome JSON object instead of the human view
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Worker threads (isolates); defaults to the number of CPUs
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..256))]
    pub workers: Option<u64>,
    #[command(flatten)]
    pub engine: EngineArgs,
}
