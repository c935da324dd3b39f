//! Resource limits of one execution, with their units in the field names, and the closed set of
//! reasons an execution can be stopped by the host.

use serde::{Deserialize, Serialize};

/// Auth0 fails a flow that runs longer than 20 seconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 20_000;
/// Auth0 documents no memory limit; 128 MiB is what comparable hosts (Cloudflare Workers) grant.
pub const DEFAULT_MEMORY_MB: u64 = 128;

/// Resource limits of one execution: a [`crate::HostConfig`]'s defaults, which a
/// [`crate::Request`] may override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Wall-clock budget of one execution, in milliseconds.
    pub timeout_ms: u64,
    /// Heap cap of the isolate, in MiB. Fixed when an isolate is created.
    pub memory_mb: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { timeout_ms: DEFAULT_TIMEOUT_MS, memory_mb: DEFAULT_MEMORY_MB }
    }
}

/// Why the host stopped an execution before the script finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Termination {
    /// The wall-clock budget ran out (busy loop, or waiting too long).
    Timeout,
    /// The script settled nothing and left nothing that could ever settle it.
    NeverSettled,
    /// The heap cap was reached.
    OutOfMemory,
}
