//! The `actionhost` command line: argument definitions, one module per command, the printer.

pub mod args;
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

pub use config::HostConfigBuilder;

pub use batch::batch;
pub use clients::clients;
pub use completions::{completions, man};
pub use deps::deps;
pub use event::event;
pub use run::run;
pub use serve::serve;
pub use simulate::simulate;
pub use test::test;
pub use types::types;

use actionhost::tenant::Keywords;

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
