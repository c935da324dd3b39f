//! Generic JSON helpers that know nothing of Auth0: layering overrides onto defaults
//! ([`deep_merge`]) and naming a value's type in error messages ([`json_type`]).

use serde_json::Value;

/// Merges `overrides` into `base`: where both are objects, keys merge recursively; any other
/// override value (array, string, number, bool, `null`) replaces the base value wholesale.
///
/// `null` in `overrides` sets the field to `null`; it does **not** delete the key. Keys only
/// in `overrides` are added. A non-object `overrides` replaces `base` entirely.
pub fn deep_merge(base: &mut Value, overrides: &Value) {
    match (base, overrides) {
        (Value::Object(base), Value::Object(overrides)) => {
            for (key, value) in overrides {
                match base.get_mut(key) {
                    Some(slot) => deep_merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overrides) => *base = overrides.clone(),
    }
}

/// The JSON type of a value, as JavaScript programmers name it.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "user": {"name": "Jane Doe", "email": "jane@example.com", "app_metadata": {}},
            "transaction": {"requested_scopes": ["openid", "profile"]},
            "stats": {"logins_count": 7},
            "session": {"id": "s"}
        })
    }

    #[test]
    fn merge_recurses_into_objects() {
        let mut e = base();
        deep_merge(&mut e, &json!({"user": {"email": "x@example.com", "app_metadata": {"plan": "pro"}}, "extra": 1}));
        assert_eq!(e["user"]["email"], "x@example.com");
        assert_eq!(e["user"]["app_metadata"], json!({"plan": "pro"}));
        assert_eq!(e["user"]["name"], "Jane Doe", "siblings kept");
        assert_eq!(e["extra"], 1, "new keys added");
    }

    #[test]
    fn merge_replaces_arrays_and_scalars() {
        let mut e = base();
        deep_merge(&mut e, &json!({"transaction": {"requested_scopes": ["openid"]}, "stats": {"logins_count": 1}}));
        assert_eq!(e["transaction"]["requested_scopes"], json!(["openid"]));
        assert_eq!(e["stats"]["logins_count"], 1);
        let mut base = json!({"a": {"b": 1}});
        deep_merge(&mut base, &json!({"a": [1, 2]}));
        assert_eq!(base, json!({"a": [1, 2]}));
        deep_merge(&mut base, &json!("whole"));
        assert_eq!(base, json!("whole"), "a non-object override replaces the base");
    }

    #[test]
    fn merge_null_sets_null() {
        let mut e = base();
        deep_merge(&mut e, &json!({"user": {"email": null}, "session": null}));
        assert!(e["user"].as_object().unwrap().contains_key("email"));
        assert_eq!(e["user"]["email"], Value::Null);
        assert_eq!(e["session"], Value::Null);
    }

    #[test]
    fn types_named_as_javascript_names_them() {
        let named: Vec<&str> =
            [json!(null), json!(true), json!(1.5), json!("s"), json!([]), json!({})].iter().map(json_type).collect();
        assert_eq!(named, ["null", "boolean", "number", "string", "array", "object"]);
    }
}
