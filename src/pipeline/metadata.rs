//! User metadata changes made during a login, with Auth0's semantics: a change sets one
//! first-level key of `app_metadata` or `user_metadata` (a nested object is replaced whole) and
//! `null` deletes the key; later changes to the same key win.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::effects::Field;

/// First-level changes to a user's `app_metadata` and `user_metadata` (`null` deletes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetadataPatch {
    #[serde(default)]
    pub app_metadata: Map<String, Value>,
    #[serde(default)]
    pub user_metadata: Map<String, Value>,
}

impl MetadataPatch {
    pub fn is_empty(&self) -> bool {
        self.app_metadata.is_empty() && self.user_metadata.is_empty()
    }

    fn map_mut(&mut self, field: Field) -> &mut Map<String, Value> {
        match field {
            Field::App => &mut self.app_metadata,
            Field::User => &mut self.user_metadata,
        }
    }

    /// Records `key = value` (a `null` value deletes the key when applied).
    pub fn set(&mut self, field: Field, key: &str, value: Value) {
        let map = self.map_mut(field);
        map.shift_remove(key);
        map.insert(key.to_owned(), value);
    }

    /// Records every key of a Management API PATCH body (`{app_metadata: {...}}` style).
    pub fn set_all(&mut self, field: Field, changes: &Map<String, Value>) {
        for (key, value) in changes {
            self.set(field, key, value.clone());
        }
    }

    /// Adds `later` on top of this patch.
    pub fn extend(&mut self, later: MetadataPatch) {
        self.set_all(Field::App, &later.app_metadata);
        self.set_all(Field::User, &later.user_metadata);
    }

    /// Applies the patch to a user object; returns whether anything changed. A metadata
    /// object the user lacks is created when a key is set in it.
    pub fn apply_to(&self, user: &mut Value) -> bool {
        let Value::Object(user) = user else { return false };
        let mut changed = false;
        for (field, changes) in [(Field::App, &self.app_metadata), (Field::User, &self.user_metadata)] {
            for (key, value) in changes {
                let slot = user.get_mut(field.key()).filter(|v| v.is_object());
                match (slot, value) {
                    (Some(Value::Object(meta)), Value::Null) => changed |= meta.shift_remove(key).is_some(),
                    (Some(Value::Object(meta)), value) => {
                        if meta.get(key) != Some(value) {
                            meta.insert(key.clone(), value.clone());
                            changed = true;
                        }
                    }
                    (_, Value::Null) => {}
                    (_, value) => {
                        let mut meta = Map::new();
                        meta.insert(key.clone(), value.clone());
                        user.insert(field.key().to_owned(), Value::Object(meta));
                        changed = true;
                    }
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_level_merge_null_deletes_later_wins() {
        let mut patch = MetadataPatch::default();
        patch.set(Field::App, "plan", json!("pro"));
        patch.set_all(Field::App, json!({"prefs": {"a": 1}, "old": null}).as_object().unwrap());
        patch.set(Field::App, "plan", json!("enterprise"));
        patch.set(Field::User, "lang", json!("fr"));
        let mut user = json!({"user_id": "x", "app_metadata": {"old": 1, "prefs": {"b": 2}, "keep": true}});
        assert!(patch.apply_to(&mut user));
        assert_eq!(user["app_metadata"], json!({"prefs": {"a": 1}, "keep": true, "plan": "enterprise"}));
        assert_eq!(user["user_metadata"], json!({"lang": "fr"}));
        assert!(!patch.apply_to(&mut user), "applying twice changes nothing");
        // A deletion alone is a change (Management API: a `null` removes the key).
        let mut deletion = MetadataPatch::default();
        deletion.set(Field::App, "keep", Value::Null);
        assert!(deletion.apply_to(&mut user));
        assert_eq!(user["app_metadata"], json!({"prefs": {"a": 1}, "plan": "enterprise"}));
        let mut deletions = MetadataPatch::default();
        deletions.set(Field::User, "absent", Value::Null);
        let mut bare = json!({"user_id": "y"});
        assert!(!deletions.apply_to(&mut bare));
        assert_eq!(bare, json!({"user_id": "y"}));
    }
}
