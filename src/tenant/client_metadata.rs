//! Auth0 application metadata (`client_metadata`) validation and Management API PATCH semantics.
//!
//! Auth0 rejects metadata with more than 10 keys, keys or values over 255 characters, non-string
//! values, or keys with characters outside ASCII alphanumerics, Tab, Space and `:,-+=_*?"/\()<>@`.
//! The host validates on every write so a script that works locally does not fail on the tenant.

use serde_json::{Map, Value};

use crate::json::json_type;

/// Application metadata: string keys to (after validation) string values.
///
/// A plain `serde_json::Map` so it passes straight into the event/context JSON; the crate enables
/// serde_json's `preserve_order`, so insertion order is kept.
pub type ClientMetadata = Map<String, Value>;

/// Most keys Auth0 allows.
pub const MAX_KEYS: usize = 10;
/// Longest key or value Auth0 allows, in characters (Unicode scalar values).
pub const MAX_LEN: usize = 255;
/// Punctuation allowed in keys besides ASCII alphanumerics, Tab and Space.
pub const KEY_PUNCTUATION: &str = r#":,-+=_*?"/\()<>@"#;

/// Why metadata was rejected. `key` fields hold the full key; messages truncate it.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MetadataError {
    #[error("client_metadata has {count} keys; Auth0 allows at most {MAX_KEYS}")]
    TooManyKeys { count: usize },
    #[error("client_metadata key \"\" is empty; Auth0 requires non-empty keys")]
    EmptyKey,
    #[error("client_metadata key {} is {len} characters long; Auth0 allows at most {MAX_LEN}", shown(.key))]
    KeyTooLong { key: String, len: usize },
    #[error("client_metadata value of {} is {len} characters long; Auth0 allows at most {MAX_LEN}", shown(.key))]
    ValueTooLong { key: String, len: usize },
    #[error("client_metadata value of {} must be a string, found {found}", shown(.key))]
    NotAString { key: String, found: &'static str },
    #[error(
        "client_metadata key {} contains '{}', which Auth0 does not allow (allowed: letters, digits, space, tab and {KEY_PUNCTUATION})",
        shown(.key), .ch.escape_debug()
    )]
    ForbiddenKeyChar { key: String, ch: char },
    #[error("client_metadata must be a JSON object of string values, found {found}")]
    NotAnObject { found: &'static str },
}

/// The key quoted for a message, cut to 40 characters plus `…`.
fn shown(key: &str) -> String {
    match key.char_indices().nth(40) {
        Some((cut, _)) => format!("{:?}", format!("{}…", &key[..cut])),
        None => format!("{key:?}"),
    }
}

fn key_char_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ' ' || c == '\t' || KEY_PUNCTUATION.contains(c)
}

/// Checks `meta` against every Auth0 rule; reports the first violation found.
pub fn validate(meta: &Map<String, Value>) -> Result<(), MetadataError> {
    if meta.len() > MAX_KEYS {
        return Err(MetadataError::TooManyKeys { count: meta.len() });
    }
    for (key, value) in meta {
        let len = key.chars().count();
        if len == 0 {
            return Err(MetadataError::EmptyKey);
        }
        if len > MAX_LEN {
            return Err(MetadataError::KeyTooLong { key: key.clone(), len });
        }
        if let Some(ch) = key.chars().find(|&c| !key_char_allowed(c)) {
            return Err(MetadataError::ForbiddenKeyChar { key: key.clone(), ch });
        }
        let Value::String(s) = value else {
            return Err(MetadataError::NotAString { key: key.clone(), found: json_type(value) });
        };
        let len = s.chars().count();
        if len > MAX_LEN {
            return Err(MetadataError::ValueTooLong { key: key.clone(), len });
        }
    }
    Ok(())
}

/// Reads metadata from JSON: it must be an object that passes [`validate`].
pub fn from_json(value: &Value) -> Result<ClientMetadata, MetadataError> {
    let Value::Object(meta) = value else {
        return Err(MetadataError::NotAnObject { found: json_type(value) });
    };
    validate(meta)?;
    Ok(meta.clone())
}

/// Applies a Management API `PATCH /api/v2/clients/{id}` `client_metadata` body: shallow merge,
/// a `null` value deletes the key. The *result* is validated; `current` is never modified.
pub fn apply_patch(current: &ClientMetadata, patch: &ClientMetadata) -> Result<ClientMetadata, MetadataError> {
    let mut next = current.clone();
    for (key, value) in patch {
        if value.is_null() {
            next.shift_remove(key);
        } else {
            next.insert(key.clone(), value.clone());
        }
    }
    validate(&next)?;
    Ok(next)
}

/// A command-line pair without `=` or with an empty key; holds the text given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected KEY=VALUE, got {0:?}")]
pub struct PairError(pub String);

/// Parses a command-line `KEY=VALUE` pair, splitting at the first `=`. The key must be
/// non-empty; the value may be empty or contain `=`. Key rules are left to [`validate`].
pub fn parse_pair(s: &str) -> Result<(String, String), PairError> {
    match s.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(PairError(s.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(v: Value) -> ClientMetadata {
        v.as_object().unwrap().clone()
    }

    fn n_keys(n: usize) -> ClientMetadata {
        (0..n).map(|i| (format!("k{i}"), json!("v"))).collect()
    }

    fn one(key: &str, value: Value) -> Result<(), MetadataError> {
        validate(&meta(json!({ key: value })))
    }

    #[test]
    fn key_count_boundary() {
        assert_eq!(validate(&n_keys(10)), Ok(()));
        let err = validate(&n_keys(11)).unwrap_err();
        assert_eq!(err, MetadataError::TooManyKeys { count: 11 });
        assert_eq!(err.to_string(), "client_metadata has 11 keys; Auth0 allows at most 10");
        assert_eq!(validate(&Map::new()), Ok(()));
    }

    #[test]
    fn key_length_boundary() {
        assert_eq!(one(&"a".repeat(255), json!("v")), Ok(()));
        let err = one(&"a".repeat(256), json!("v")).unwrap_err();
        assert_eq!(err, MetadataError::KeyTooLong { key: "a".repeat(256), len: 256 });
        assert_eq!(
            err.to_string(),
            format!("client_metadata key \"{}…\" is 256 characters long; Auth0 allows at most 255", "a".repeat(40))
        );
        // Counted in chars, not bytes: 256 two-byte chars is 256, not 512.
        assert!(matches!(one(&"é".repeat(256), json!("v")), Err(MetadataError::KeyTooLong { len: 256, .. })));
    }

    #[test]
    fn value_length_boundary() {
        for c in ["a", "é", "😀"] {
            assert_eq!(one("k", json!(c.repeat(255))), Ok(()), "{c}");
            assert_eq!(
                one("k", json!(c.repeat(256))),
                Err(MetadataError::ValueTooLong { key: "k".into(), len: 256 }),
                "{c}"
            );
        }
        assert_eq!(one("k", json!("")), Ok(()));
        assert_eq!(
            one("k", json!("x".repeat(256))).unwrap_err().to_string(),
            "client_metadata value of \"k\" is 256 characters long; Auth0 allows at most 255"
        );
    }

    #[test]
    fn allowed_key_chars_accepted() {
        for c in KEY_PUNCTUATION.chars().chain(['\t', ' ', 'a', 'Z', '0', '9']) {
            assert_eq!(one(&format!("a{c}b"), json!("v")), Ok(()), "{c:?}");
            assert_eq!(one(&c.to_string(), json!("v")), Ok(()), "{c:?}");
        }
        assert_eq!(one(r#":,-+=_*?"/\()<>@ 	AZaz09"#, json!("v")), Ok(()));
    }

    #[test]
    fn forbidden_key_chars_rejected() {
        for ch in ['!', '.', '#', 'é', '\n', '[', '\''] {
            let key = format!("a{ch}b");
            assert_eq!(one(&key, json!("v")), Err(MetadataError::ForbiddenKeyChar { key: key.clone(), ch }));
        }
        assert_eq!(
            one("a!b", json!("v")).unwrap_err().to_string(),
            r#"client_metadata key "a!b" contains '!', which Auth0 does not allow (allowed: letters, digits, space, tab and :,-+=_*?"/\()<>@)"#
        );
        assert!(one("a\nb", json!("v"))
            .unwrap_err()
            .to_string()
            .starts_with(r#"client_metadata key "a\nb" contains '\n'"#));
    }

    #[test]
    fn empty_key_rejected() {
        assert_eq!(one("", json!("v")), Err(MetadataError::EmptyKey));
    }

    #[test]
    fn non_string_values_rejected() {
        for (value, found) in [
            (json!(1), "number"),
            (json!(true), "boolean"),
            (json!({"a": "b"}), "object"),
            (json!(["a"]), "array"),
            (Value::Null, "null"),
        ] {
            assert_eq!(one("k", value), Err(MetadataError::NotAString { key: "k".into(), found }));
        }
        assert_eq!(
            one("k", json!(1.5)).unwrap_err().to_string(),
            r#"client_metadata value of "k" must be a string, found number"#
        );
    }

    #[test]
    fn from_json_requires_valid_object() {
        assert_eq!(from_json(&json!({"a": "b"})), Ok(meta(json!({"a": "b"}))));
        assert_eq!(from_json(&json!(["a"])), Err(MetadataError::NotAnObject { found: "array" }));
        assert_eq!(from_json(&json!("x")), Err(MetadataError::NotAnObject { found: "string" }));
        assert_eq!(from_json(&json!({"a": 1})), Err(MetadataError::NotAString { key: "a".into(), found: "number" }));
    }

    #[test]
    fn patch_merges_shallowly_and_keeps_order() {
        let current = meta(json!({"mycolor": "red", "myflavor": "grape"}));
        let next = apply_patch(&current, &meta(json!({"mycolor": "blue", "size": "L"}))).unwrap();
        assert_eq!(next, meta(json!({"mycolor": "blue", "myflavor": "grape", "size": "L"})));
        assert_eq!(next.keys().collect::<Vec<_>>(), ["mycolor", "myflavor", "size"]);
        assert_eq!(current, meta(json!({"mycolor": "red", "myflavor": "grape"})));
    }

    #[test]
    fn patch_null_deletes() {
        let current = meta(json!({"a": "1", "b": "2", "c": "3"}));
        let next = apply_patch(&current, &meta(json!({"a": null, "zz": null}))).unwrap();
        assert_eq!(next.keys().collect::<Vec<_>>(), ["b", "c"]);
    }

    #[test]
    fn patch_result_is_validated() {
        let current = n_keys(10);
        let before = current.clone();
        assert_eq!(apply_patch(&current, &meta(json!({"new": "v"}))), Err(MetadataError::TooManyKeys { count: 11 }));
        assert_eq!(current, before);
        let next = apply_patch(&current, &meta(json!({"k0": null, "new": "v"}))).unwrap();
        assert_eq!(next.len(), 10);
        assert!(next.contains_key("new") && !next.contains_key("k0"));
        assert_eq!(
            apply_patch(&current, &meta(json!({"k1": 5}))),
            Err(MetadataError::NotAString { key: "k1".into(), found: "number" })
        );
    }

    #[test]
    fn parse_pair_splits_at_first_equals() {
        assert_eq!(parse_pair("a=b"), Ok(("a".into(), "b".into())));
        assert_eq!(parse_pair("a="), Ok(("a".into(), "".into())));
        assert_eq!(parse_pair("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(parse_pair("=b").unwrap_err().to_string(), r#"expected KEY=VALUE, got "=b""#);
        assert_eq!(parse_pair("ab").unwrap_err().to_string(), r#"expected KEY=VALUE, got "ab""#);
    }
}
