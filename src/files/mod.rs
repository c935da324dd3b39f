//! Every file actionhost reads or writes goes through this module.
//!
//! - [`read_text`] / [`read_bytes`]: an input file (script, JSON given on the command line, case
//!   file, tenant file, state file, keyword file) is opened without blocking, must be a regular
//!   file and at most [`MAX_INPUT_BYTES`] long; a FIFO, a device such as `/dev/zero` or a folder
//!   is refused at once with a message naming the path. Standard input, named `-` or
//!   `/dev/stdin` for a JSON input of `actionhost run`, is read with the same bound
//!   ([`read_stdin_text`]).
//! - [`write_atomic`]: the one atomic writer (a temporary file of unpredictable name created
//!   exclusively in the target's folder, its mode set through the handle, synced, renamed over
//!   the target, the folder synced). It never writes through a symbolic link.
//! - [`write_inside`] / [`check_inside`]: writes of tenant files (client files, users, keys,
//!   state files, locks) stay inside the tenant folder: the target and every folder between the
//!   tenant root and it must not be a symbolic link, and `..` may not leave the root.

mod confine;
mod error;
mod input;
mod write;

pub use confine::{check_inside, write_inside};
pub use error::FileError;
pub use input::{is_stdin, read_bytes, read_stdin_text, read_text};
pub use write::{write_atomic, Mode};
