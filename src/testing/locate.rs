//! Where each case, its `expect` block and each expected field sit in a case file's text, so
//! failures can name `file:line` and `--update` can rewrite one field without touching the rest.
//!
//! serde gives values, not positions, so the text is scanned separately: YAML by indentation
//! (the block style case files are written in), JSON by a small tokenizer. A file this scan
//! cannot follow (flow-style YAML) still runs; its failures then point at the case's first line
//! or the file itself.

use std::collections::HashMap;

/// Positions are 0-based line indexes; [`Locations::line`] gives the 1-based number to print.
#[derive(Debug, Default, Clone)]
pub struct Locations {
    pub cases: Vec<CaseLocation>,
}

#[derive(Debug, Default, Clone)]
pub struct CaseLocation {
    /// The case's first line (its `-` in YAML, its `{` in JSON).
    pub start: usize,
    /// YAML: one past the case's last content line.
    pub end: usize,
    /// YAML: the column of the case's keys.
    pub key_indent: usize,
    pub expect: Option<Entry>,
    /// The keys of the `expect` block, in file order.
    pub expect_keys: Vec<(String, Entry)>,
}

/// A `key: value` entry: the key's line and, for YAML, the lines its value spans.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Entry {
    pub line: usize,
    pub indent: usize,
    /// One past the value's last content line (trailing blank and comment lines excluded).
    pub end: usize,
    /// The value is on the key's line (`status: denied`, `expect: {}`).
    pub inline: bool,
}

impl Locations {
    /// The 1-based line of case `index`, or of one of its expected fields when known.
    pub fn line(&self, index: usize, field: Option<&str>) -> usize {
        let Some(case) = self.cases.get(index) else { return 1 };
        let entry = field.and_then(|name| case.expect_keys.iter().find(|(key, _)| key == name)).map(|(_, e)| e.line);
        entry.or(case.expect.as_ref().map(|e| e.line).filter(|_| field.is_some())).unwrap_or(case.start) + 1
    }
}

/// Scans a YAML case file written in block style.
pub fn yaml(text: &str) -> Locations {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let Some(cases) =
        (0..lines.len()).find(|&i| indent(&lines[i]) == 0 && key_of(&lines[i]).is_some_and(|(k, _)| k == "cases"))
    else {
        return Locations::default();
    };
    // Items may sit at the key's own indentation (`cases:` then `- name: …` at column 0).
    let end = (cases + 1..lines.len())
        .find(|&i| is_content(&lines[i]) && indent(&lines[i]) == 0 && !is_dash(&lines[i]))
        .unwrap_or(lines.len());
    let Some(first) = (cases + 1..end).find(|&i| is_content(&lines[i])) else { return Locations::default() };
    let seq_indent = indent(&lines[first]);
    let dashes: Vec<usize> = (first..end).filter(|&i| is_dash(&lines[i]) && indent(&lines[i]) == seq_indent).collect();
    for &i in &dashes {
        lines[i].replace_range(seq_indent..seq_indent + 1, " ");
    }
    let mut found = Vec::new();
    for (n, &start) in dashes.iter().enumerate() {
        let stop = trim_end(&lines, start, dashes.get(n + 1).copied().unwrap_or(end));
        let Some(key_line) = (start..stop).find(|&i| is_content(&lines[i])) else { continue };
        let key_indent = indent(&lines[key_line]);
        let keys = entries(&lines, start, stop, key_indent);
        let mut case = CaseLocation { start, end: stop, key_indent, ..Default::default() };
        if let Some((_, expect)) = keys.into_iter().find(|(key, _)| key == "expect") {
            if !expect.inline {
                if let Some(child) = (expect.line + 1..expect.end).find(|&i| is_content(&lines[i])) {
                    case.expect_keys = entries(&lines, child, expect.end, indent(&lines[child]));
                }
            }
            case.expect = Some(expect);
        }
        found.push(case);
    }
    Locations { cases: found }
}

/// The `key:` lines at exactly `indent` in `start..end`, each with the lines its value spans.
fn entries(lines: &[String], start: usize, end: usize, indent_at: usize) -> Vec<(String, Entry)> {
    let starts: Vec<(usize, String, bool)> = (start..end)
        .filter(|&i| is_content(&lines[i]) && indent(&lines[i]) == indent_at)
        .filter_map(|i| key_of(&lines[i]).map(|(key, inline)| (i, key, inline)))
        .collect();
    let mut out = Vec::new();
    for (n, (line, key, inline)) in starts.iter().enumerate() {
        let next = starts.get(n + 1).map_or(end, |s| s.0);
        let next = (line + 1..next).find(|&i| is_content(&lines[i]) && indent(&lines[i]) < indent_at).unwrap_or(next);
        out.push((
            key.clone(),
            Entry { line: *line, indent: indent_at, end: trim_end(lines, *line, next), inline: *inline },
        ));
    }
    out
}

/// One past the last content line of `start..end`.
fn trim_end(lines: &[String], start: usize, end: usize) -> usize {
    (start..end).rev().find(|&i| is_content(&lines[i])).map_or(start + 1, |i| i + 1)
}

pub(crate) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_content(line: &str) -> bool {
    let text = line.trim();
    !text.is_empty() && !text.starts_with('#')
}

fn is_dash(line: &str) -> bool {
    let text = line.trim_start();
    text == "-" || text.starts_with("- ")
}

/// `key: …` → the key (unquoted) and whether a value follows on the same line.
pub(crate) fn key_of(line: &str) -> Option<(String, bool)> {
    let text = line.trim_start();
    if text.starts_with('-') || text.starts_with('#') {
        return None;
    }
    let (key, rest) = match text.chars().next()? {
        quote @ ('"' | '\'') => {
            let close = text[1..].find(quote)? + 1;
            (text[1..close].to_owned(), text[close + 1..].strip_prefix(':')?)
        }
        _ => {
            let colon = text.find(": ").or_else(|| text.strip_suffix(':').map(|k| k.len()))?;
            (text[..colon].trim_end().to_owned(), &text[colon + 1..])
        }
    };
    let rest = rest.trim();
    Some((key, !rest.is_empty() && !rest.starts_with('#')))
}

/// Scans a JSON case file: the line of each case and of each key of its `expect` object.
pub fn json(text: &str) -> Locations {
    let mut scan = JsonScan { text: text.as_bytes(), pos: 0, line: 0, keys: HashMap::new(), elements: HashMap::new() };
    scan.value("");
    // The keys of each case's `expect` object, grouped in one pass over all keys.
    let mut expect_keys: HashMap<usize, Vec<(String, Entry)>> = HashMap::new();
    for (path, &line) in &scan.keys {
        let Some((index, key)) = path.strip_prefix(".cases[").and_then(|rest| rest.split_once("].expect.")) else {
            continue;
        };
        if let (Ok(index), false) = (index.parse::<usize>(), key.contains(['.', '['])) {
            expect_keys.entry(index).or_default().push((key.to_owned(), Entry { line, ..Default::default() }));
        }
    }
    let mut cases = Vec::new();
    while let Some(&start) = scan.elements.get(&format!(".cases[{}]", cases.len())) {
        let mut keys = expect_keys.remove(&cases.len()).unwrap_or_default();
        keys.sort_by_key(|(_, e)| e.line);
        let expect =
            scan.keys.get(&format!(".cases[{}].expect", cases.len())).map(|&line| Entry { line, ..Default::default() });
        cases.push(CaseLocation { start, expect, expect_keys: keys, ..Default::default() });
    }
    Locations { cases }
}

struct JsonScan<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    /// `.a.b` → line of the key `b`.
    keys: HashMap<String, usize>,
    /// `.a[3]` → line where element 3 starts.
    elements: HashMap<String, usize>,
}

impl JsonScan<'_> {
    fn skip_space(&mut self) {
        while let Some(&c) = self.text.get(self.pos) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' | b',' | b':' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn string(&mut self) -> String {
        let start = self.pos + 1;
        self.pos += 1;
        while let Some(&c) = self.text.get(self.pos) {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => break,
                _ => {}
            }
        }
        let raw = String::from_utf8_lossy(&self.text[start..self.pos.saturating_sub(1).max(start)]);
        serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.into_owned())
    }

    fn value(&mut self, path: &str) {
        self.skip_space();
        match self.text.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                loop {
                    self.skip_space();
                    match self.text.get(self.pos) {
                        Some(b'"') => {
                            let line = self.line;
                            let key = self.string();
                            let child = format!("{path}.{key}");
                            self.keys.insert(child.clone(), line);
                            self.value(&child);
                        }
                        Some(_) => {
                            self.pos += 1;
                            return;
                        }
                        None => return,
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.text.get(self.pos) {
                        Some(b']') | None => {
                            self.pos += 1;
                            return;
                        }
                        Some(_) => {
                            let child = format!("{path}[{index}]");
                            self.elements.insert(child.clone(), self.line);
                            self.value(&child);
                            index += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self.text.get(self.pos).is_some_and(|c| !b",]}\n \t\r".contains(c)) {
                    self.pos += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "# suite\nscript: a.js\ncases:\n  - name: one # first\n    user: {email_verified: false}\n    expect:\n      status: denied\n      # the only command\n      commands:\n      - api: access.deny\n        args: [x]\n\n      logs: []\n\n  # second\n  -\n    name: two\n    expect: {status: completed}\ndefaults:\n  seed: 1\n";

    #[test]
    fn yaml_cases_and_expect_keys() {
        let found = yaml(YAML);
        assert_eq!(found.cases.len(), 2);
        let one = &found.cases[0];
        assert_eq!((one.start, one.end, one.key_indent), (3, 13, 4));
        let keys: Vec<(&str, usize, usize)> =
            one.expect_keys.iter().map(|(k, e)| (k.as_str(), e.line, e.end)).collect();
        assert_eq!(keys, [("status", 6, 7), ("commands", 8, 11), ("logs", 12, 13)]);
        let two = &found.cases[1];
        assert_eq!(two.start, 15);
        assert_eq!(two.expect, Some(Entry { line: 17, indent: 4, end: 18, inline: true }));
        assert_eq!(found.line(0, Some("commands")), 9);
        assert_eq!(found.line(1, None), 16);
    }

    #[test]
    fn yaml_items_at_the_keys_indentation() {
        let found = yaml("cases:\n- name: one\n  expect:\n    status: denied\n- name: two\nscript: a.js\n");
        assert_eq!(found.cases.len(), 2);
        assert_eq!((found.cases[0].key_indent, found.cases[0].end), (2, 4));
        assert_eq!(found.line(0, Some("status")), 4);
        assert_eq!((found.cases[1].start, found.cases[1].end), (4, 5));
    }

    #[test]
    fn json_lines() {
        let text = "{\"script\": \"a.js\",\n \"cases\": [\n  {\"name\": \"one\",\n   \"expect\": {\n     \"status\": \"denied\",\n     \"commands\": [{\"api\": \"x\"}]}},\n  {\"name\": \"t\\\"wo\"}\n ]}";
        let found = json(text);
        assert_eq!(found.cases.len(), 2);
        assert_eq!(found.line(0, Some("commands")), 6);
        assert_eq!(found.line(0, Some("status")), 5);
        assert_eq!(found.line(1, None), 7);
    }

    #[test]
    fn keys() {
        assert_eq!(key_of("  \"a: b\": 1"), Some(("a: b".into(), true)));
        assert_eq!(key_of("expect:   # x"), Some(("expect".into(), false)));
        assert_eq!(key_of("- api: x"), None);
        assert_eq!(key_of("https://x"), None);
    }
}
