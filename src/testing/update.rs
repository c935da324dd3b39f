//! `--update`: writes what failing cases actually did into their `expect` blocks. In YAML only
//! the failing fields are rewritten, in place, so comments, blank lines and the order of
//! everything else stay as they were; a case without expectations gets a block recording its
//! status and effects. JSON files (which have no comments) are rewritten whole, keys in order.

use serde_json::{Map, Value};

use super::case_file::{CaseFile, Format};
use super::check::{actual_value, recorded_fields};
use super::expect::ExpectField;
use super::locate::Entry;
use super::runner::{CaseResult, Side, Verdict};

/// The new text of `file` with the expectations of its failing cases rewritten, and how many
/// cases were changed. `None` when there is nothing to write.
pub fn rewrite(file: &CaseFile, results: &[&CaseResult]) -> Option<(String, usize)> {
    let edits: Vec<Edit> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .filter_map(|r| {
            let side = recording_side(r)?;
            let (outcome, effects) = (side.outcome.as_ref()?, side.effects.as_ref()?);
            let expect = file.cases[r.case].expect.as_ref();
            let inline = file.locations.cases.get(r.case).and_then(|l| l.expect.as_ref()).is_some_and(|e| e.inline);
            let whole = expect.is_none() || inline;
            let fields: Vec<ExpectField> = match expect {
                // A whole login records its status and effects, not every step's calls and logs.
                None if file.cases[r.case].simulate.is_some() => recorded_fields(outcome, effects)
                    .into_iter()
                    .filter(|f| !matches!(f, ExpectField::Commands | ExpectField::Logs))
                    .collect(),
                None => recorded_fields(outcome, effects),
                // An inline `expect: {…}` is rewritten whole: every field it names, as it is now.
                Some(expect) if inline => ExpectField::ALL.iter().copied().filter(|&f| expect.has(f)).collect(),
                Some(_) => {
                    let mut failing: Vec<ExpectField> =
                        r.sides.iter().flat_map(|s| s.mismatches.iter().map(|m| m.field)).collect();
                    failing.sort_by_key(|f| ExpectField::ALL.iter().position(|x| x == f));
                    failing.dedup();
                    failing
                }
            };
            let values = fields
                .into_iter()
                .map(|f| (f.as_str(), value_for(f, file, r.case, outcome, effects)))
                .collect::<Vec<_>>();
            (!values.is_empty()).then_some(Edit { case: r.case, values, whole })
        })
        .collect();
    if edits.is_empty() {
        return None;
    }
    let count = edits.len();
    let text = match file.format {
        Format::Json => rewrite_json(&file.text, &edits)?,
        Format::Yaml => rewrite_yaml(file, edits),
    };
    Some((text, count))
}

/// The fields to write into one case's `expect` block; `whole`: the block is written anew.
struct Edit {
    case: usize,
    values: Vec<(&'static str, Value)>,
    whole: bool,
}

/// The script whose outcome is recorded: the Action of a pair (the migration's target).
fn recording_side(result: &CaseResult) -> Option<&Side> {
    result.sides.iter().rev().find(|s| s.outcome.is_some())
}

fn value_for(
    field: ExpectField,
    file: &CaseFile,
    case: usize,
    outcome: &crate::Outcome,
    effects: &super::effects::Effects,
) -> Value {
    let mut actual = actual_value(field, outcome, effects);
    if field == ExpectField::Claims && file.cases[case].simulate.is_some() {
        // A login's tokens carry the time of the run; what is recorded must hold on the next.
        for token in actual.as_object_mut().into_iter().flat_map(|claims| claims.values_mut()) {
            if let Some(token) = token.as_object_mut() {
                for claim in super::simulate_case::VOLATILE_CLAIMS {
                    token.shift_remove(*claim);
                }
            }
        }
    }
    // A callback is checked partially: keep the fields the case names, with their actual values.
    match (field, file.cases[case].expect.as_ref().and_then(|e| e.callback.as_ref())) {
        (ExpectField::Callback, Some(expected)) => project(expected, &actual),
        _ => actual,
    }
}

fn project(shape: &Value, actual: &Value) -> Value {
    match (shape, actual) {
        (Value::Object(shape), Value::Object(actual)) => Value::Object(
            shape.iter().map(|(k, v)| (k.clone(), project(v, actual.get(k).unwrap_or(&Value::Null)))).collect(),
        ),
        _ => actual.clone(),
    }
}

fn rewrite_json(text: &str, edits: &[Edit]) -> Option<String> {
    let mut document: Value = serde_json::from_str(text).ok()?;
    for Edit { case, values, whole } in edits {
        let slot = document.get_mut("cases")?.get_mut(*case)?.as_object_mut()?;
        let expect = slot.entry("expect").or_insert_with(|| Value::Object(Map::new()));
        if *whole || !expect.is_object() {
            *expect = Value::Object(Map::new());
        }
        for (field, value) in values {
            expect[*field] = value.clone();
        }
    }
    Some(serde_json::to_string_pretty(&document).ok()? + "\n")
}

fn rewrite_yaml(file: &CaseFile, mut edits: Vec<Edit>) -> String {
    let mut lines: Vec<String> = file.text.lines().map(str::to_owned).collect();
    // Bottom-up, so earlier line numbers stay valid.
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.case));
    for Edit { case, values, whole } in edits {
        let Some(location) = file.locations.cases.get(case) else { continue };
        let pad = location.key_indent;
        let block = |values: &[(&str, Value)], comment: Option<String>| {
            let comment = comment.map(|c| format!("  {c}")).unwrap_or_default();
            let mut text = vec![format!("{}expect:{comment}", " ".repeat(pad))];
            for (field, value) in values {
                text.extend(entry(field, value, pad + 2, None));
            }
            text
        };
        match (&location.expect, whole) {
            (None, _) => {
                let at = location.end.min(lines.len());
                lines.splice(at..at, block(&values, None));
            }
            (Some(expect), true) => {
                // A comment after an inline `expect: {…}` stays on the `expect:` line.
                let comment = lines.get(expect.line).and_then(|line| trailing_comment(line));
                lines.splice(expect.line..expect.end.min(lines.len()), block(&values, comment));
            }
            (Some(expect), false) => {
                let mut by_line: Vec<(Entry, &str, &Value)> = Vec::new();
                let mut added = Vec::new();
                for (field, value) in &values {
                    match location.expect_keys.iter().find(|(k, _)| k == field) {
                        Some((_, entry)) => by_line.push((entry.clone(), field, value)),
                        None => added.push((*field, value.clone())),
                    }
                }
                let child_indent = location.expect_keys.first().map_or(pad + 2, |(_, e)| e.indent);
                if !added.is_empty() {
                    let at = expect.end.min(lines.len());
                    let text: Vec<String> = added.iter().flat_map(|(f, v)| entry(f, v, child_indent, None)).collect();
                    lines.splice(at..at, text);
                }
                by_line.sort_by_key(|(e, ..)| std::cmp::Reverse(e.line));
                for (place, field, value) in by_line {
                    let comment = place.inline.then(|| trailing_comment(&lines[place.line])).flatten();
                    let text = entry(field, value, place.indent, comment.as_deref());
                    lines.splice(place.line..place.end.min(lines.len()), text);
                }
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// `key: value` at `indent`, as YAML lines: scalars and empty collections on the key's line,
/// anything else as a block under it; `comment` ends the key's line either way.
fn entry(key: &str, value: &Value, indent: usize, comment: Option<&str>) -> Vec<String> {
    let pad = " ".repeat(indent);
    let yaml = serde_yaml_ng::to_string(value).unwrap_or_default();
    let yaml = yaml.trim_end_matches('\n');
    let flat = match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        _ => !yaml.contains('\n'),
    };
    if flat {
        let comment = comment.map(|c| format!("  {c}")).unwrap_or_default();
        return vec![format!("{pad}{key}: {yaml}{comment}")];
    }
    let comment = comment.map(|c| format!("  {c}")).unwrap_or_default();
    let mut out = vec![format!("{pad}{key}:{comment}")];
    out.extend(yaml.lines().map(|line| format!("{pad}  {line}")));
    out
}

/// The `# comment` ending a line, outside quotes.
fn trailing_comment(line: &str) -> Option<String> {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous == ' ' => return Some(line[at..].to_owned()),
            _ => {}
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries() {
        assert_eq!(entry("status", &json!("denied"), 6, Some("# why")), ["      status: denied  # why"]);
        assert_eq!(entry("logs", &json!([]), 2, None), ["  logs: []"]);
        assert_eq!(
            entry("commands", &json!([{"api": "a", "args": [1]}]), 2, None),
            ["  commands:", "    - api: a", "      args:", "      - 1"]
        );
        assert_eq!(entry("deny", &Value::Null, 0, None), ["deny: null"]);
        // A flow-style mapping that becomes a block keeps its comment on the key's line.
        assert_eq!(
            entry("claims", &json!({"id_token": {"a": 1}}), 4, Some("# from the rule")),
            ["    claims:  # from the rule", "      id_token:", "        a: 1"]
        );
    }

    #[test]
    fn comments() {
        assert_eq!(trailing_comment("status: denied # was completed").as_deref(), Some("# was completed"));
        assert_eq!(trailing_comment("deny: \"a # b\""), None);
    }
}
