//! [`Located`]: an error in a file the user wrote (a tenant file, a case file), shown as
//! `file:line:column: message` with whatever part of the position is known. Syntax errors carry
//! the parser's line and column; other errors the line of the offending key when it was found.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem at a place in a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}: {message}", .file.display(), Position(*.line, *.column))]
pub struct Located {
    /// The file at fault.
    pub file: PathBuf,
    /// 1-based.
    pub line: Option<usize>,
    /// 1-based; only given with `line`.
    pub column: Option<usize>,
    /// What is wrong, without the position.
    pub message: String,
}

/// `:line:column`, `:line` or nothing.
pub(crate) struct Position(pub Option<usize>, pub Option<usize>);

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Position(Some(line), Some(column)) => write!(f, ":{line}:{column}"),
            Position(Some(line), None) => write!(f, ":{line}"),
            Position(None, _) => Ok(()),
        }
    }
}

impl Located {
    /// A problem with a whole file (or a path that is not a file).
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Located {
        Located { file: file.into(), line: None, column: None, message: message.into() }
    }

    /// A problem at a line, when known.
    pub fn at(file: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Located {
        Located { line, ..Located::new(file, message) }
    }

    /// A JSON syntax or shape error in `text`; the position moves out of serde_json's message.
    pub fn json(file: &Path, text: &str, err: &serde_json::Error) -> Located {
        let (mut line, mut column) = (err.line(), err.column());
        let shown = err.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = shown.strip_suffix(&suffix).unwrap_or(&shown).to_owned();
        if line > 1 && column == 0 {
            // serde_json reports an error found at a line break as column 0 of the next line.
            line -= 1;
            column = text.lines().nth(line - 1).map_or(0, |l| l.chars().count() + 1);
        }
        Located {
            file: file.into(),
            line: (line > 0).then_some(line),
            column: (line > 0 && column > 0).then_some(column),
            message,
        }
    }

    /// A YAML syntax or shape error; the position moves out of the parser's message.
    pub fn yaml(file: &Path, err: &serde_yaml_ng::Error) -> Located {
        let text = err.to_string();
        let Some(at) = err.location() else {
            return Located::new(file, text);
        };
        let (line, column) = (at.line(), at.column());
        let message = text.replacen(&format!(" at line {line} column {column}"), "", 1);
        Located { file: file.into(), line: Some(line), column: Some(column), message }
    }

    /// The same place with `prefix` before the message (`invalid JSON: …`).
    pub fn prefixed(self, prefix: &str) -> Located {
        Located { message: format!("{prefix}{}", self.message), ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_omits_missing_parts() {
        let e = Located::new("a/b.json", "bad");
        assert_eq!(e.to_string(), "a/b.json: bad");
        let e = Located::at("a/b.json", Some(3), "bad");
        assert_eq!(e.to_string(), "a/b.json:3: bad");
        let e = Located { column: Some(7), ..e };
        assert_eq!(e.to_string(), "a/b.json:3:7: bad");
    }

    #[test]
    fn syntax_positions_leave_the_message() {
        let text = "{\n  \"a\": ,\n}";
        let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let e = Located::json(Path::new("x.json"), text, &err);
        assert_eq!((e.line, e.column), (Some(2), Some(8)));
        assert_eq!(e.message, "expected value");
        let err = serde_yaml_ng::from_str::<serde_json::Value>("a: 1\n b: c").unwrap_err();
        let e = Located::yaml(Path::new("t.yaml"), &err);
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert_eq!(e.to_string(), "t.yaml:2:3: mapping values are not allowed in this context");
    }

    #[test]
    fn an_error_at_a_line_break_is_placed_at_the_end_of_its_line() {
        let text = "{\"a\": [1,\n";
        let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let e = Located::json(Path::new("x.json"), text, &err);
        assert_eq!((e.line, e.column), (Some(1), Some(10)), "{e}");
    }
}
