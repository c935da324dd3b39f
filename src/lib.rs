//! actionhost runs Auth0 Actions and Rules scripts in an embedded JavaScript engine, the way a
//! tenant runs them, and reports what they did.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use actionhost::{Host, HostConfig, Request, Script};
//! let host = Host::new(HostConfig::default());
//! let script = Script::path("fixtures/tenant/actions/require-verified-email/code.js");
//! let outcome = host.run(Request::new(script)).await?;
//! println!("{}", outcome.status.as_str());
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub(crate) mod actions;
pub(crate) mod api_call;
pub(crate) mod cli;
pub(crate) mod closed_set;
pub(crate) mod dates;
pub(crate) mod effects;
pub(crate) mod engine;
pub(crate) mod files;
pub(crate) mod host;
pub(crate) mod infer;
pub(crate) mod json;
pub(crate) mod located;
pub(crate) mod mapping;
pub(crate) mod outcome;
pub(crate) mod pipeline;
pub(crate) mod request;
pub(crate) mod rules;
pub(crate) mod serve;
pub(crate) mod tenant;
pub(crate) mod testing;
pub(crate) mod trigger;
pub(crate) mod url_pattern;
pub(crate) mod warnings;

pub use api_call::{ApiName, Command};
pub use cli::main;
pub use closed_set::UnknownValue;
pub use engine::{Limits, KILL_GRACE, PROCESS_OVERHEAD_MB, WORKER_ALLOCATOR_ENV, WORKER_ARG};
pub use host::{run_if_requested, Host, HostConfig};
pub use outcome::{CallbackResult, HttpRequest, LogLevel, LogLine, Outcome, OutcomeError, Status};
pub use request::{ConnectionFailure, HttpMock, Phase, Request, RequestError, Script};
pub use rules::rule::MissingClientMetadata;
pub use tenant::Keywords;
pub use trigger::{Trigger, UnknownTrigger};
