//! `TenantError`: every tenant load or write failure, a [`Located`] error
//! (`file:line:column: message`).
//!
//! Syntax errors carry the parser's line and column; semantic errors carry the line of the
//! offending field when a scan of the file text finds it.

use std::io;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use crate::located::Located;

/// A tenant file that could not be read, parsed, checked or written; its place is read through
/// `Deref` (`error.file`, `error.line`, `error.column`, `error.message`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(transparent)]
pub struct TenantError(#[from] pub Located);

impl Deref for TenantError {
    type Target = Located;

    fn deref(&self) -> &Located {
        &self.0
    }
}

impl TenantError {
    /// An error about a whole file (or a path that is not a file).
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> TenantError {
        TenantError(Located::new(file, message))
    }

    /// An error at a line, when known.
    pub fn at(file: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        TenantError(Located::at(file, line, message))
    }

    pub(crate) fn io(file: &Path, action: &str, err: &io::Error) -> TenantError {
        TenantError::new(file, format!("cannot {action}: {err}"))
    }

    /// A tenant file that could not be read (missing, not a regular file, too large…).
    pub(crate) fn read(err: &crate::files::FileError) -> TenantError {
        TenantError::new(&err.path, format!("cannot read: {}", err.reason))
    }

    /// A tenant file that could not be written (outside the tenant, through a link…).
    pub(crate) fn write(err: &crate::files::FileError) -> TenantError {
        TenantError::new(&err.path, format!("cannot write: {}", err.reason))
    }

    /// A JSON syntax or shape error in `text`; the position moves out of the message.
    pub(crate) fn json(file: &Path, text: &str, err: &serde_json::Error) -> TenantError {
        TenantError(Located::json(file, text, err).prefixed("invalid JSON: "))
    }

    /// A YAML syntax or shape error; the position moves out of the message.
    pub(crate) fn yaml(file: &Path, err: &serde_yaml_ng::Error) -> TenantError {
        TenantError(Located::yaml(file, err).prefixed("invalid YAML: "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_located_error() {
        let e = TenantError::at("a/b.json", Some(3), "bad");
        assert_eq!(e.to_string(), "a/b.json:3: bad");
        assert_eq!((e.line, e.message.as_str()), (Some(3), "bad"));
        let e = TenantError::from(Located { column: Some(7), ..e.0 });
        assert_eq!(e.to_string(), "a/b.json:3:7: bad");
    }

    #[test]
    fn syntax_errors_name_the_syntax() {
        let text = "{\n  \"a\": ,\n}";
        let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let e = TenantError::json(Path::new("x.json"), text, &err);
        assert_eq!((e.line, e.column), (Some(2), Some(8)));
        assert_eq!(e.message, "invalid JSON: expected value");
        let err = serde_yaml_ng::from_str::<serde_json::Value>("a: 1\n b: c").unwrap_err();
        let e = TenantError::yaml(Path::new("t.yaml"), &err);
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        let msg = "invalid YAML: mapping values are not allowed in this context";
        assert_eq!(e.message, msg);
        assert_eq!(e.to_string(), format!("t.yaml:2:3: {msg}"));
    }
}
