//! `TenantError`: every tenant load or write failure, located as `file:line:column: message`.
//!
//! Syntax errors carry the parser's line and column; semantic errors carry the line of the
//! offending field when a scan of the file text finds it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A tenant file that could not be read, parsed, checked or written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}: {message}", .file.display(), Position(*.line, *.column))]
pub struct TenantError {
    pub file: PathBuf,
    /// 1-based.
    pub line: Option<usize>,
    /// 1-based; only given with `line`.
    pub column: Option<usize>,
    pub message: String,
}

/// `:line:column`, `:line` or nothing.
struct Position(Option<usize>, Option<usize>);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Position(Some(line), Some(column)) => write!(f, ":{line}:{column}"),
            Position(Some(line), None) => write!(f, ":{line}"),
            Position(None, _) => Ok(()),
        }
    }
}

impl TenantError {
    /// An error about a whole file (or a path that is not a file).
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> TenantError {
        TenantError { file: file.into(), line: None, column: None, message: message.into() }
    }

    /// An error at a line, when known.
    pub fn at(file: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        TenantError { line, ..TenantError::new(file, message) }
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
        let (mut line, mut column) = (err.line(), err.column());
        let shown = err.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = format!("invalid JSON: {}", shown.strip_suffix(&suffix).unwrap_or(&shown));
        if line > 1 && column == 0 {
            // serde_json reports an error found at a line break as column 0 of the next line.
            line -= 1;
            column = text.lines().nth(line - 1).map_or(0, |l| l.chars().count() + 1);
        }
        TenantError {
            file: file.into(),
            line: (line > 0).then_some(line),
            column: (line > 0 && column > 0).then_some(column),
            message,
        }
    }

    /// A YAML syntax or shape error; the position moves out of the message.
    pub(crate) fn yaml(file: &Path, err: &serde_yaml_ng::Error) -> TenantError {
        let text = err.to_string();
        let Some(at) = err.location() else {
            return TenantError::new(file, format!("invalid YAML: {text}"));
        };
        let (line, column) = (at.line(), at.column());
        let message = text.replacen(&format!(" at line {line} column {column}"), "", 1);
        TenantError {
            file: file.into(),
            line: Some(line),
            column: Some(column),
            message: format!("invalid YAML: {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_omits_missing_parts() {
        let e = TenantError::new("a/b.json", "bad");
        assert_eq!(e.to_string(), "a/b.json: bad");
        let e = TenantError::at("a/b.json", Some(3), "bad");
        assert_eq!(e.to_string(), "a/b.json:3: bad");
        let e = TenantError { column: Some(7), ..e };
        assert_eq!(e.to_string(), "a/b.json:3:7: bad");
    }

    #[test]
    fn syntax_positions_leave_the_message() {
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
