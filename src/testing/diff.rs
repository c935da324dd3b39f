//! Comparing what was expected with what happened, as lines a person reads: a partial deep
//! match that names each differing path, and a line diff of lists (`-` expected, `+` actual).

use serde_json::Value;

/// Checks that `actual` contains `expected`: objects need the expected keys (others may be
/// present), arrays need the same length, scalars must be equal (numbers by value). Each
/// difference is one line naming its path under `root`.
pub fn partial(root: &str, expected: &Value, actual: Option<&Value>, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(expected), Some(Value::Object(actual))) => {
            for (key, value) in expected {
                partial(&format!("{root}{}", key_path(key)), value, actual.get(key), out);
            }
        }
        (Value::Array(expected), Some(Value::Array(actual))) if expected.len() == actual.len() => {
            for (index, value) in expected.iter().enumerate() {
                partial(&format!("{root}[{index}]"), value, actual.get(index), out);
            }
        }
        (Value::Null, None) => {}
        (expected, Some(actual)) if same(expected, actual) => {}
        (expected, actual) => out.push(format!(
            "{root}: expected {}, actual {}",
            show(expected),
            actual.map_or_else(|| "(absent)".to_owned(), show)
        )),
    }
}

/// Equal JSON values, numbers compared by value (`1` equals `1.0`).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// `.key`, or `["key"]` when the key is not a plain identifier.
pub fn key_path(key: &str) -> String {
    if !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit())
    {
        format!(".{key}")
    } else {
        format!("[{}]", Value::String(key.to_owned()))
    }
}

/// Compact JSON.
pub fn show(value: &Value) -> String {
    value.to_string()
}

/// A line diff of two lists under a matching relation (a minimal edit script, `similar`'s Myers
/// diff): unchanged items as `  item` (shown as they actually are), missing ones as `- item`,
/// unexpected ones as `+ item`.
pub fn lines(expected: &[String], actual: &[String], matches: impl Fn(usize, usize) -> bool) -> Vec<String> {
    let old: Vec<Item<'_>> = (0..expected.len()).map(|index| Item { index, matches: &matches }).collect();
    let new: Vec<Item<'_>> = (0..actual.len()).map(|index| Item { index, matches: &matches }).collect();
    let mut capture = similar::algorithms::Capture::new();
    // Capturing cannot fail; without a deadline the script is minimal.
    let _ = similar::algorithms::myers::diff_deadline_raw(
        &mut capture,
        old.as_slice(),
        0..old.len(),
        new.as_slice(),
        0..new.len(),
        None,
    );
    // Between two unchanged runs, the missing items come before the unexpected ones.
    let (mut out, mut missing, mut unexpected) = (Vec::new(), Vec::new(), Vec::new());
    for op in capture.ops() {
        let (old_index, old_len, new_index, new_len) = match *op {
            similar::DiffOp::Equal { old_index, new_index, len } => (old_index, len, new_index, len),
            similar::DiffOp::Delete { old_index, old_len, new_index } => (old_index, old_len, new_index, 0),
            similar::DiffOp::Insert { old_index, new_index, new_len } => (old_index, 0, new_index, new_len),
            similar::DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                (old_index, old_len, new_index, new_len)
            }
        };
        if let similar::DiffOp::Equal { .. } = op {
            out.append(&mut missing);
            out.append(&mut unexpected);
            out.extend(actual[new_index..new_index + new_len].iter().map(|item| format!("  {item}")));
        } else {
            missing.extend(expected[old_index..old_index + old_len].iter().map(|item| format!("- {item}")));
            unexpected.extend(actual[new_index..new_index + new_len].iter().map(|item| format!("+ {item}")));
        }
    }
    out.append(&mut missing);
    out.append(&mut unexpected);
    out
}

/// An item of one list, equal to an item of the other when the matching relation says so
/// (`new == old` calls `matches(old, new)`).
struct Item<'a> {
    index: usize,
    matches: &'a dyn Fn(usize, usize) -> bool,
}

impl PartialEq for Item<'_> {
    fn eq(&self, old: &Item<'_>) -> bool {
        (self.matches)(old.index, self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_names_each_path() {
        let mut out = Vec::new();
        let expected = json!({"a": 1, "b": {"c": [1, 2]}, "https://x/y": true, "gone": null});
        let actual = json!({"a": 1.0, "b": {"c": [1, 3], "d": 0}, "extra": 1});
        partial("claims", &expected, Some(&actual), &mut out);
        assert_eq!(
            out,
            ["claims.b.c[1]: expected 2, actual 3", "claims[\"https://x/y\"]: expected true, actual (absent)"]
        );
    }

    #[test]
    fn line_diff() {
        let expected = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let actual = ["a".to_owned(), "x".to_owned(), "c".to_owned(), "d".to_owned()];
        let diff = lines(&expected, &actual, |i, j| expected[i] == actual[j]);
        assert_eq!(diff, ["  a", "- b", "+ x", "  c", "+ d"]);
    }

    #[test]
    fn line_diff_under_a_partial_match_shows_the_actual_items() {
        let expected = ["a".to_owned(), "c".to_owned(), "z".to_owned()];
        let actual = ["ab".to_owned(), "x".to_owned(), "cd".to_owned()];
        let diff = lines(&expected, &actual, |i, j| actual[j].starts_with(&expected[i]));
        assert_eq!(diff, ["  ab", "+ x", "  cd", "- z"]);
    }
}
