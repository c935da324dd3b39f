//! Where a tenant object sits in its file, and best-effort line lookups for error messages.
//!
//! Parsed values carry no positions, so semantic errors find their line by scanning the file
//! text for the offending key, nearest after the object's start. A miss leaves the line unknown.

use std::path::{Path, PathBuf};

use super::TenantError;

/// How keys are written in the file being scanned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Syntax {
    /// `"key": …`
    Json,
    /// `key: …`, possibly after `- ` or quoted.
    Yaml,
}

/// A file, its (keyword-replaced) text and the byte offset where the current object begins.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub start: usize,
    pub syntax: Syntax,
}

/// A loaded item's file and line, kept for cross-file error messages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Site {
    pub file: PathBuf,
    pub line: Option<usize>,
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        match self.line {
            Some(line) => write!(f, ":{line}"),
            None => Ok(()),
        }
    }
}

impl<'a> Origin<'a> {
    pub fn new(file: &'a Path, text: &'a str, syntax: Syntax) -> Origin<'a> {
        Origin { file, text, start: 0, syntax }
    }

    /// The same file, with the object starting at `start` (clamped to the text).
    pub fn from(self, start: usize) -> Origin<'a> {
        Origin { start: start.min(self.text.len()), ..self }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }

    pub fn start_line(&self) -> usize {
        self.line_of(self.start)
    }

    /// Offset of the `n`th (0-based) occurrence of `key` written as a key, after the start.
    pub fn nth_key(&self, key: &str, n: usize) -> Option<usize> {
        let mut from = self.start;
        let mut seen = 0;
        loop {
            let at = self.next_key(key, from)?;
            if seen == n {
                return Some(at);
            }
            seen += 1;
            from = at + key.len();
        }
    }

    /// Line of `key` written as a key, nearest after the start.
    pub fn key_line(&self, key: &str) -> Option<usize> {
        self.nth_key(key, 0).map(|at| self.line_of(at))
    }

    /// This object's origin moved to where `key` appears (unchanged when not found).
    pub fn at_key(self, key: &str) -> Origin<'a> {
        match self.nth_key(key, 0) {
            Some(at) => self.from(at),
            None => self,
        }
    }

    pub fn site(&self, key: Option<&str>) -> Site {
        Site { file: self.file.to_path_buf(), line: key.and_then(|k| self.key_line(k)) }
    }

    /// An error at `key`'s line, or at the object's start when the key is absent or not found.
    pub fn error(&self, key: Option<&str>, message: impl Into<String>) -> TenantError {
        let line = key.and_then(|k| self.key_line(k)).unwrap_or_else(|| self.start_line());
        TenantError::at(self.file, Some(line), message)
    }

    fn next_key(&self, key: &str, from: usize) -> Option<usize> {
        let text = self.text;
        match self.syntax {
            Syntax::Json => {
                let quoted = format!("\"{key}\"");
                let mut at = from;
                while let Some(i) = text.get(at..)?.find(&quoted) {
                    let hit = at + i;
                    let after = text[hit + quoted.len()..].trim_start();
                    if after.starts_with(':') {
                        return Some(hit);
                    }
                    at = hit + quoted.len();
                }
                None
            }
            Syntax::Yaml => {
                // Line by line: a line's structure (indentation, `- `) is read from its start.
                let mut line_start = 0;
                for line in text.split('\n') {
                    match yaml_key_column(line, key) {
                        Some(col) if line_start + col >= from => return Some(line_start + col),
                        _ => line_start += line.len() + 1,
                    }
                }
                None
            }
        }
    }
}

/// Column of `key:` on a YAML line (after indentation and any `- `), bare or quoted.
fn yaml_key_column(line: &str, key: &str) -> Option<usize> {
    let mut rest = line.trim_start();
    while let Some(r) = rest.strip_prefix('-') {
        if !r.starts_with([' ', '\t']) {
            break;
        }
        rest = r.trim_start();
    }
    let col = line.len() - rest.len();
    let after = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
        .into_iter()
        .find_map(|k| rest.strip_prefix(k.as_str()).map(str::to_owned))?;
    let after = after.trim_start_matches([' ', '\t']);
    let colon = after.strip_prefix(':')?;
    (colon.is_empty() || colon.starts_with([' ', '\t', '\r'])).then_some(col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_found_after_start() {
        let text = "{\n  \"name\": \"a\",\n  \"x\": \"name\",\n  \"order\" : 1\n}";
        let o = Origin::new(Path::new("f.json"), text, Syntax::Json);
        assert_eq!(o.key_line("name"), Some(2));
        assert_eq!(o.key_line("order"), Some(4));
        assert_eq!(o.key_line("missing"), None);
        assert_eq!(o.nth_key("name", 1), None);
    }

    #[test]
    fn json_key_not_taken_from_an_equal_value() {
        // The quoted word first appears as a value: the key is the later one, at its exact offset.
        let text = "{\n  \"x\": \"name\",\n  \"name\": 1\n}";
        let o = Origin::new(Path::new("f.json"), text, Syntax::Json);
        assert_eq!(o.nth_key("name", 0), Some(text.rfind("\"name\"").unwrap()));
        assert_eq!(o.key_line("name"), Some(3));
        assert_eq!(o.from(text.len()).key_line("name"), None);
    }

    #[test]
    fn yaml_key_offsets_are_exact() {
        // Offsets counted by hand: lines of 5, 5 and 12 bytes (with their newlines).
        let text = "a: 1\nb: 2\n  - name: x\n    name: y\n";
        let o = Origin::new(Path::new("t.yaml"), text, Syntax::Yaml);
        assert_eq!(o.nth_key("a", 0), Some(0));
        assert_eq!(o.nth_key("b", 0), Some(5));
        assert_eq!(o.nth_key("name", 0), Some(14));
        assert_eq!(o.nth_key("name", 1), Some(26));
        assert_eq!(o.nth_key("name", 2), None);
        // A start inside a line finds a key later on that line only if it lies at or after it.
        assert_eq!(o.from(14).nth_key("name", 0), Some(14));
        assert_eq!(o.from(15).nth_key("name", 0), Some(26));
        assert_eq!(o.from(text.len()).nth_key("name", 0), None);
    }

    #[test]
    fn yaml_keys_found_after_start() {
        let text = "rules:\n  - name: a\n    order: 1\n  - \"name\": b\n    order : 2\n";
        let o = Origin::new(Path::new("t.yaml"), text, Syntax::Yaml);
        assert_eq!(o.key_line("name"), Some(2));
        assert_eq!(o.nth_key("name", 1).map(|at| o.line_of(at)), Some(4));
        let second = o.from(o.nth_key("name", 1).unwrap_or(0));
        assert_eq!(second.key_line("order"), Some(5));
        assert_eq!(o.key_line("rules"), Some(1));
    }
}
