//! The Application Metadata tab's draft: the pairs shown on the page, which travel in the form
//! (hidden fields) from one Add or Delete to the next, and the change Save Changes writes — the
//! keys set and deleted between the metadata the page was opened with and the draft.

use serde_json::{Map, Value};

use crate::tenant::client_metadata::{self, ClientMetadata, MetadataError};

/// Key → value pairs in the order shown.
pub type Pairs = Vec<(String, String)>;

/// The pairs of saved metadata (non-string values, which validation never lets in, are shown as JSON).
pub fn pairs_of(metadata: &ClientMetadata) -> Pairs {
    metadata.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))).collect()
}

/// Sets `key` to `value`: an existing key keeps its place (the Dashboard's Add updates it), a
/// new one goes last.
pub fn add(draft: &mut Pairs, key: &str, value: &str) {
    match draft.iter_mut().find(|(k, _)| k == key) {
        Some(pair) => pair.1 = value.to_owned(),
        None => draft.push((key.to_owned(), value.to_owned())),
    }
}

/// Removes `key` from the draft.
pub fn delete(draft: &mut Pairs, key: &str) {
    draft.retain(|(k, _)| k != key);
}

/// Checks the draft against Auth0's rules (the tenant's own validation, not a copy of it).
pub fn validate(draft: &Pairs) -> Result<(), MetadataError> {
    client_metadata::validate(&to_map(draft))
}

fn to_map(pairs: &Pairs) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()
}

/// The Management API `client_metadata` PATCH that turns `base` into `draft`: every key of the
/// draft that is new or whose value differs is set (in draft order), every key of `base` the
/// draft no longer has is deleted (`null`). Empty when nothing changed. Applied to the metadata
/// as saved now, keys changed elsewhere meanwhile and not touched here are kept.
pub fn changes(base: &Pairs, draft: &Pairs) -> Map<String, Value> {
    let mut patch = Map::new();
    for (key, _) in base {
        if !draft.iter().any(|(k, _)| k == key) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    for (key, value) in draft {
        if !base.iter().any(|(k, v)| k == key && v == value) {
            patch.insert(key.clone(), Value::String(value.clone()));
        }
    }
    patch
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn patch(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn unchanged_draft_changes_nothing() {
        let base = pairs(&[("TIER", "gold"), ("SUPPORT_URL", "https://help")]);
        assert_eq!(changes(&base, &base.clone()), Map::new());
        // Order alone is no change.
        let reordered = pairs(&[("SUPPORT_URL", "https://help"), ("TIER", "gold")]);
        assert_eq!(changes(&base, &reordered), Map::new());
        assert_eq!(changes(&Pairs::new(), &Pairs::new()), Map::new());
    }

    #[test]
    fn new_and_changed_keys_are_set_removed_keys_deleted() {
        let base = pairs(&[("TIER", "gold"), ("SUPPORT_URL", "https://help"), ("OWNER", "it")]);
        let draft = pairs(&[("TIER", "platinum"), ("OWNER", "it"), ("SKIP_VERIFICATION", "yes")]);
        let got = changes(&base, &draft);
        assert_eq!(got, patch(json!({"SUPPORT_URL": null, "TIER": "platinum", "SKIP_VERIFICATION": "yes"})));
        // Applied with the store's PATCH semantics, the base becomes the draft.
        let saved = client_metadata::apply_patch(&to_map(&base), &got).unwrap();
        assert_eq!(saved, to_map(&draft));
    }

    #[test]
    fn everything_deleted_and_empty_values_kept() {
        let base = pairs(&[("A", "1"), ("B", "2")]);
        assert_eq!(changes(&base, &Pairs::new()), patch(json!({"A": null, "B": null})));
        // An empty string is a value, not a deletion.
        assert_eq!(changes(&base, &pairs(&[("A", ""), ("B", "2")])), patch(json!({"A": ""})));
    }

    #[test]
    fn keys_changed_elsewhere_survive() {
        let base = pairs(&[("A", "1")]);
        let draft = pairs(&[("A", "2")]);
        // Meanwhile another writer added C: the draft's change does not remove it.
        let now = to_map(&pairs(&[("A", "1"), ("C", "3")]));
        let saved = client_metadata::apply_patch(&now, &changes(&base, &draft)).unwrap();
        assert_eq!(saved, to_map(&pairs(&[("A", "2"), ("C", "3")])));
    }

    #[test]
    fn add_updates_in_place_delete_removes() {
        let mut draft = pairs(&[("A", "1"), ("B", "2")]);
        add(&mut draft, "A", "9");
        add(&mut draft, "C", "3");
        assert_eq!(draft, pairs(&[("A", "9"), ("B", "2"), ("C", "3")]));
        delete(&mut draft, "B");
        delete(&mut draft, "absent");
        assert_eq!(draft, pairs(&[("A", "9"), ("C", "3")]));
    }

    #[test]
    fn validation_is_the_tenants() {
        let long = "v".repeat(256);
        let err = validate(&pairs(&[("TIER", &long)])).unwrap_err();
        assert_eq!(err, MetadataError::ValueTooLong { key: "TIER".into(), len: 256 });
        assert_eq!(validate(&pairs(&[("TIER", &"v".repeat(255))])), Ok(()));
    }
}
