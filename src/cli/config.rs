//! The one way every command turns its flags into a [`HostConfig`]: the engine flags
//! (`--timeout-ms`, `--memory-mb`, `--missing-client-metadata`), the size of the worker pool and
//! the tenant's keyword replacements, each read in one place.

use crate::engine::{apply_to_this_thread, CpuPolicy};
use crate::tenant::Keywords;
use crate::{HostConfig, Limits};

use super::args::{EngineArgs, PoolArgs};

/// Builds the [`HostConfig`] of one command; every setting it does not name keeps
/// [`HostConfig::default`].
#[derive(Debug)]
pub struct HostConfigBuilder {
    config: HostConfig,
}

impl HostConfigBuilder {
    /// Starts from the engine flags every command has; one worker process, no keywords.
    pub fn new(engine: &EngineArgs) -> HostConfigBuilder {
        HostConfigBuilder {
            config: HostConfig {
                workers: 1,
                limits: Limits { timeout_ms: engine.timeout_ms, memory_mb: engine.memory_mb },
                missing_client_metadata: engine.missing_client_metadata.into(),
                ..HostConfig::default()
            },
        }
    }

    /// The pool of a command that runs many scripts at once: `--workers N`, else one worker per
    /// CPU.
    pub fn pool(mut self, pool: &PoolArgs) -> HostConfigBuilder {
        self.config.workers = pool.workers.map_or_else(|| HostConfig::default().workers, |n| n as usize);
        self
    }

    /// Deploy CLI keyword replacements applied to tenant files.
    pub fn keywords(mut self, keywords: Keywords) -> HostConfigBuilder {
        self.config.keywords = keywords;
        self
    }

    /// The finished configuration.
    pub fn build(self) -> HostConfig {
        self.config
    }
}

/// Gives the calling thread the pool's CPU policy (`--cpu-policy`, else `default`; `None`
/// leaves the policy the command was started with), before it starts the pool, whose supervisor
/// thread and worker processes inherit it. A kernel that refuses is only warned about.
pub fn apply_cpu_policy(pool: &PoolArgs, default: Option<CpuPolicy>) {
    let Some(policy) = pool.cpu_policy.or(default) else { return };
    if let Err(error) = apply_to_this_thread(policy) {
        eprintln!("actionhost: warning: could not set the CPU policy {policy:?}: {error}");
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::args::{Cli, Command};

    fn parse(args: &[&str]) -> Command {
        Cli::try_parse_from(std::iter::once("actionhost").chain(args.iter().copied())).expect("parses").command
    }

    #[test]
    fn batch_and_test_size_their_pool_with_the_same_flag() {
        let Command::Batch(batch) = parse(&["batch", "--workers", "3", "--timeout-ms", "500"]) else { panic!() };
        let config = HostConfigBuilder::new(&batch.engine).pool(&batch.pool).build();
        assert_eq!((config.workers, config.limits.timeout_ms), (3, 500));
        let Command::Test(test) = parse(&["test", "--workers", "2", "--memory-mb", "64"]) else { panic!() };
        let config = HostConfigBuilder::new(&test.engine).pool(&test.pool).build();
        assert_eq!((config.workers, config.limits.memory_mb), (2, 64));
    }

    #[test]
    fn jobs_is_kept_as_another_name_for_workers() {
        for command in ["test", "batch"] {
            let pool = match parse(&[command, "--jobs", "5"]) {
                Command::Test(test) => test.pool,
                Command::Batch(batch) => batch.pool,
                _ => unreachable!(),
            };
            assert_eq!(pool.workers, Some(5), "{command} --jobs");
        }
    }

    #[test]
    fn one_worker_unless_a_pool_is_asked_for_and_cpus_by_default() {
        let Command::Run(run) = parse(&["run", "x.js", "--missing-client-metadata", "empty"]) else { panic!() };
        let config = HostConfigBuilder::new(&run.engine).build();
        assert_eq!(config.workers, 1);
        assert_eq!(config.missing_client_metadata, crate::MissingClientMetadata::Empty);
        let Command::Batch(batch) = parse(&["batch"]) else { panic!() };
        let config = HostConfigBuilder::new(&batch.engine).pool(&batch.pool).build();
        assert_eq!(config.workers, HostConfig::default().workers);
    }
}
