//! `FileError`: a file that could not be read or written, shown as `path: reason`.

use std::io;
use std::path::{Path, PathBuf};

/// A file that could not be read or written, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {reason}", .path.display())]
pub struct FileError {
    pub path: PathBuf,
    /// What is wrong, without the path (`not a regular file (a FIFO) …`, `No such file…`).
    pub reason: String,
    /// The file does not exist (the callers that look for optional files need to know).
    pub not_found: bool,
}

impl FileError {
    pub fn new(path: &Path, reason: impl Into<String>) -> FileError {
        FileError { path: path.to_owned(), reason: reason.into(), not_found: false }
    }

    pub(crate) fn io(path: &Path, error: &io::Error) -> FileError {
        FileError {
            path: path.to_owned(),
            reason: error.to_string(),
            not_found: error.kind() == io::ErrorKind::NotFound,
        }
    }

    /// `action: error`, e.g. `sync folder: Input/output error`.
    pub(crate) fn io_while(path: &Path, action: &str, error: &io::Error) -> FileError {
        FileError { reason: format!("{action}: {error}"), ..FileError::io(path, error) }
    }
}
