//! The JavaScript engine: deno_core isolates on worker threads, run under limits. It knows
//! nothing of Auth0; it runs a named runner of `js_runtime/` on a script with a JSON input.

mod extension;
mod isolate;
mod job;
mod limits;
mod pool;
mod watchdog;
mod worker;

pub use job::{Job, JobResult, Script, ScriptError, ScriptKind};
pub use limits::{Limits, Termination, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS};
pub use pool::Pool;
