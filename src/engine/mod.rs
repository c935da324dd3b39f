//! The JavaScript engine: deno_core isolates in supervised, sandboxed worker processes, run under
//! limits. It knows nothing of Auth0: it runs a runner, registered by name by a script extension
//! its caller gives, on a script with a JSON input.

mod esm;
mod extension;
mod intl;
mod isolate;
mod job;
mod limits;
mod modules;
#[cfg(feature = "node-builtins")]
mod node;
mod protocol;
mod sandbox;
mod scheduling;
mod supervisor;
mod watchdog;
mod worker;

pub use extension::script_extension;
pub use job::{Job, JobResult, Script, ScriptError, ScriptKind};
pub use limits::{Limits, Termination, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS};
pub use modules::{is_node_builtin, split_version, split_versioned, ModuleScope};
pub use scheduling::{apply_to_this_thread, CpuPolicy};
pub use supervisor::{Supervisor, WorkerSpec, KILL_GRACE};
pub use worker::{run_if_requested, PROCESS_OVERHEAD_MB, WORKER_ALLOCATOR_ENV, WORKER_ARG};
