//! The Rules `context` ↔ post-login Actions `event` field mapping, as one table ([`FIELDS`]) of
//! (Rules path, Actions path, conversion) applied in both directions: [`to_event`] places a
//! Rules context's fields where an Action finds them (the login simulator's event after the
//! Rules, a Rule/Action pair's case), [`to_context`] the reverse (the default Rules context,
//! made from the default event so both describe one login).
//!
//! The correspondences are Auth0's: the guide "Migrate from Rules to Actions" ("Change how
//! context data is accessed": `context.clientID` → `event.client.client_id`, `clientMetadata` →
//! `client.metadata`, `connectionID` → `connection.id`, `connectionMetadata` →
//! `connection.metadata`, `protocol` → `transaction.protocol`, `tenant` → `tenant.id`), and the
//! two objects' reference pages ("Context Object Properties in Rules", "Actions Triggers:
//! post-login - Event Object") for the rest: snake_case `geoip` keys and epoch-millisecond
//! authentication timestamps in Rules, camelCase keys and ISO 8601 text in Actions.

use serde_json::{Map, Value};

use crate::dates::{iso_from_ms, ms_from_iso};

/// How a value changes between the two objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// The value as it is.
    Same,
    /// `request.geoip`: its keys, snake_case in Rules and camelCase in Actions ([`GEOIP_KEYS`]).
    GeoipKeys,
    /// `authentication`: its `methods[].timestamp` epoch milliseconds in Rules, ISO 8601 in
    /// Actions; the Actions `authentication.riskAssessment` is a field of its own in Rules
    /// (`context.riskAssessment`), so it is left out going to the context.
    Authentication,
}

/// One field: where a Rule reads it in `context`, where an Action reads it in `event` (JSON
/// Pointers), and how its value changes.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub rules: &'static str,
    pub actions: &'static str,
    pub conversion: Conversion,
}

const fn same(rules: &'static str, actions: &'static str) -> Field {
    Field { rules, actions, conversion: Conversion::Same }
}

/// Every field a Rules context and a post-login event share. (`riskAssessment` follows
/// `authentication`, which it lives in on the Actions side.)
pub const FIELDS: &[Field] = &[
    same("/tenant", "/tenant/id"),
    same("/clientID", "/client/client_id"),
    same("/clientName", "/client/name"),
    same("/clientMetadata", "/client/metadata"),
    same("/connection", "/connection/name"),
    same("/connectionID", "/connection/id"),
    same("/connectionStrategy", "/connection/strategy"),
    same("/connectionMetadata", "/connection/metadata"),
    same("/protocol", "/transaction/protocol"),
    same("/request/userAgent", "/request/user_agent"),
    same("/request/ip", "/request/ip"),
    same("/request/hostname", "/request/hostname"),
    same("/request/query", "/request/query"),
    same("/request/body", "/request/body"),
    Field { rules: "/request/geoip", actions: "/request/geoip", conversion: Conversion::GeoipKeys },
    same("/stats/loginsCount", "/stats/logins_count"),
    Field { rules: "/authentication", actions: "/authentication", conversion: Conversion::Authentication },
    same("/riskAssessment", "/authentication/riskAssessment"),
    same("/authorization", "/authorization"),
    same("/organization", "/organization"),
    same("/sessionID", "/session/id"),
    same("/locale", "/transaction/locale"),
];

/// `(Actions, Rules)` keys of `request.geoip`.
pub const GEOIP_KEYS: [(&str, &str); 10] = [
    ("cityName", "city_name"),
    ("continentCode", "continent_code"),
    ("countryCode", "country_code"),
    ("countryCode3", "country_code3"),
    ("countryName", "country_name"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("subdivisionCode", "subdivision_code"),
    ("subdivisionName", "subdivision_name"),
    ("timeZone", "time_zone"),
];

/// Which way a value moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    ToEvent,
    ToContext,
}

impl Conversion {
    fn apply(self, value: &Value, direction: Direction) -> Value {
        match self {
            Conversion::Same => value.clone(),
            Conversion::GeoipKeys => match value {
                Value::Object(fields) => Value::Object(
                    fields
                        .iter()
                        .map(|(key, value)| {
                            let renamed = GEOIP_KEYS.iter().find_map(|(camel, snake)| match direction {
                                Direction::ToEvent => (snake == key).then_some(*camel),
                                Direction::ToContext => (camel == key).then_some(*snake),
                            });
                            (renamed.map_or_else(|| key.clone(), str::to_owned), value.clone())
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            Conversion::Authentication => {
                let mut value = value.clone();
                if let (Direction::ToContext, Value::Object(fields)) = (direction, &mut value) {
                    fields.shift_remove("riskAssessment");
                }
                for method in value.get_mut("methods").and_then(Value::as_array_mut).into_iter().flatten() {
                    let converted = match (direction, &method["timestamp"]) {
                        (Direction::ToEvent, Value::Number(ms)) => ms.as_i64().map(|ms| Value::from(iso_from_ms(ms))),
                        (Direction::ToContext, Value::String(iso)) => ms_from_iso(iso).map(Value::from),
                        _ => None,
                    };
                    if let Some(converted) = converted {
                        method["timestamp"] = converted;
                    }
                }
                value
            }
        }
    }
}

/// Places each field `context` has at its Actions path in `event` (making the objects on the
/// way), converted; fields the context lacks are left as `event` has them.
pub fn to_event(context: &Value, event: &mut Value) {
    for field in FIELDS {
        if let Some(value) = context.pointer(field.rules) {
            put(event, field.actions, field.conversion.apply(value, Direction::ToEvent));
        }
    }
}

/// Places each field `event` has at its Rules path in `context`, converted.
pub fn to_context(event: &Value, context: &mut Value) {
    for field in FIELDS {
        if let Some(value) = event.pointer(field.actions) {
            put(context, field.rules, field.conversion.apply(value, Direction::ToContext));
        }
    }
}

/// Sets the value at a JSON Pointer of plain keys, replacing what is not an object on the way.
fn put(root: &mut Value, pointer: &str, value: Value) {
    let mut slot = root;
    for key in pointer.split('/').skip(1) {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        slot = slot.as_object_mut().expect("made an object").entry(key).or_insert(Value::Null);
    }
    *slot = value;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A Rules context with every field of the table.
    fn context() -> Value {
        json!({
            "tenant": "example",
            "clientID": "abc",
            "clientName": "Portal",
            "clientMetadata": {"TIER": "gold"},
            "connection": "Username-Password-Authentication",
            "connectionID": "con_1",
            "connectionStrategy": "auth0",
            "connectionMetadata": {"region": "eu"},
            "protocol": "oidc-basic-profile",
            "request": {
                "userAgent": "ua",
                "ip": "203.0.113.7",
                "hostname": "example.auth0.com",
                "query": {"a": "1"},
                "body": {},
                "geoip": {"country_code": "NZ", "country_code3": "NZL", "time_zone": "Pacific/Auckland", "extra": 1}
            },
            "stats": {"loginsCount": 3},
            "authentication": {"methods": [{"name": "pwd", "timestamp": 1_717_234_200_000_i64}]},
            "riskAssessment": {"confidence": "high"},
            "authorization": {"roles": ["admin"]},
            "organization": {"id": "org_1"},
            "sessionID": "s1",
            "locale": "en"
        })
    }

    fn event_of(context: &Value) -> Value {
        let mut event = json!({});
        to_event(context, &mut event);
        event
    }

    fn context_of(event: &Value) -> Value {
        let mut context = json!({});
        to_context(event, &mut context);
        context
    }

    #[test]
    fn a_context_round_trips_through_the_event() {
        assert_eq!(context_of(&event_of(&context())), context());
    }

    #[test]
    fn an_event_round_trips_through_the_context() {
        let event = event_of(&context());
        assert_eq!(event_of(&context_of(&event)), event);
    }

    /// Auth0, "Migrate from Rules to Actions" ("Change how context data is accessed"), and the
    /// reference pages of the Rules context object and the post-login event object.
    #[test]
    fn the_documented_correspondences_hold() {
        let event = event_of(&context());
        for (rules, actions) in [
            ("/clientID", "/client/client_id"),
            ("/clientMetadata", "/client/metadata"),
            ("/connectionID", "/connection/id"),
            ("/connectionMetadata", "/connection/metadata"),
            ("/protocol", "/transaction/protocol"),
            ("/tenant", "/tenant/id"),
            ("/connection", "/connection/name"),
            ("/connectionStrategy", "/connection/strategy"),
            ("/request/userAgent", "/request/user_agent"),
            ("/request/geoip/country_code", "/request/geoip/countryCode"),
            ("/request/geoip/country_code3", "/request/geoip/countryCode3"),
            ("/request/geoip/time_zone", "/request/geoip/timeZone"),
            ("/stats/loginsCount", "/stats/logins_count"),
            ("/sessionID", "/session/id"),
            ("/riskAssessment", "/authentication/riskAssessment"),
        ] {
            assert_eq!(context().pointer(rules), event.pointer(actions), "context{rules} ↔ event{actions}");
        }
        // Epoch milliseconds in Rules, the same instant as `toISOString` text in Actions.
        assert_eq!(event["authentication"]["methods"][0]["timestamp"], "2024-06-01T09:30:00.000Z");
        // A geoip key outside Auth0's list keeps its name.
        assert_eq!(event["request"]["geoip"]["extra"], 1);
    }

    #[test]
    fn fields_the_source_lacks_are_left_alone() {
        let mut event = json!({"client": {"client_id": "kept", "name": "old"}});
        to_event(&json!({"clientName": "new"}), &mut event);
        assert_eq!(event, json!({"client": {"client_id": "kept", "name": "new"}}));
    }
}
