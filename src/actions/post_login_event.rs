//! Default inputs for one simulated login: the post-login Action `event` and the legacy Rules
//! `user` / `context` (user-supplied overrides are layered on top with
//! [`crate::json::deep_merge`]).
//!
//! Scripts read these objects without guarding optional fields, so the defaults must be complete
//! and realistic; they are fixed values so runs are deterministic. The Rules objects are derived
//! from the Action event, so both describe the same login (same user, client, connection, session).

use serde_json::{json, Map, Value};

/// When the password authentication happened, as Actions expose it (ISO text; Rules see its
/// epoch milliseconds).
const AUTHENTICATED_AT_ISO: &str = "2024-06-01T09:30:00.000Z";

/// A complete post-login `event`: every required field plus the commonly used optional ones.
/// `organization` and `resource_server` are absent, as for a login without them.
pub fn default_post_login_event() -> Value {
    static EVENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EVENT.get_or_init(build_default_post_login_event).clone()
}

fn build_default_post_login_event() -> Value {
    json!({
        "authentication": {
            "methods": [{ "name": "pwd", "timestamp": AUTHENTICATED_AT_ISO }]
        },
        "authorization": { "roles": [] },
        "client": {
            "client_id": "8Xq2vLm4Rt7Kp9Wn3Zb6Yc1Hd5Fj0Gs",
            "name": "Example Application",
            "metadata": {}
        },
        "configuration": {},
        "connection": {
            "id": "con_4Vd9XkP2mQ7rTz1L",
            "name": "Username-Password-Authentication",
            "strategy": "auth0",
            "metadata": {}
        },
        "request": {
            "ip": "203.0.113.42",
            "method": "GET",
            "hostname": "example.auth0.com",
            "language": "en",
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
            "query": {},
            "body": {},
            "geoip": {
                "cityName": "Wellington",
                "continentCode": "OC",
                "countryCode": "NZ",
                "countryCode3": "NZL",
                "countryName": "New Zealand",
                "latitude": -41.2866,
                "longitude": 174.7756,
                "subdivisionCode": "WGN",
                "subdivisionName": "Wellington Region",
                "timeZone": "Pacific/Auckland"
            }
        },
        "secrets": {},
        "session": { "id": "Ks8vR2nX5qL9wT3mZ7bY1cH4dF6jG0pA" },
        "stats": { "logins_count": 5 },
        "tenant": { "id": "example" },
        "transaction": {
            "id": "Tx7qM3kV9nB2wR5zL8cY",
            "locale": "en",
            "protocol": "oidc-basic-profile",
            "requested_scopes": ["openid", "profile", "email"],
            "redirect_uri": "http://localhost:3000/callback",
            "response_type": ["code"],
            "response_mode": "query",
            "state": "hKFo2SBfZ3pLdU1XQ2VzTjRkV3J5",
            "ui_locales": [],
            "acr_values": [],
            "prompt": [],
            "metadata": {}
        },
        "user": {
            "user_id": "auth0|65a5027f9b3c4d1e2f3a4b5c",
            "email": "jane.doe@example.com",
            "email_verified": true,
            "name": "Jane Doe",
            "nickname": "jane.doe",
            "given_name": "Jane",
            "family_name": "Doe",
            "picture": "https://s.gravatar.com/avatar/8eb1b522f60d11fa897de1dc6351b7e8?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png",
            "created_at": "2024-01-15T10:00:00.000Z",
            "updated_at": AUTHENTICATED_AT_ISO,
            "last_password_reset": "2024-03-01T08:00:00.000Z",
            "app_metadata": {},
            "user_metadata": {},
            "identities": [{
                "connection": "Username-Password-Authentication",
                "provider": "auth0",
                "user_id": "65a5027f9b3c4d1e2f3a4b5c",
                "isSocial": false
            }],
            "multifactor": [],
            "enrolledFactors": []
        }
    })
}

/// The Rules `user` for the same login as [`default_post_login_event`]: the event's user
/// without `app_metadata` (undefined by default in Rules) and without the Actions-only
/// `enrolledFactors`.
pub fn default_rule_user() -> Value {
    let mut user = default_post_login_event()["user"].take();
    if let Value::Object(fields) = &mut user {
        fields.shift_remove("app_metadata");
        fields.shift_remove("enrolledFactors");
    }
    user
}

/// The Rules `context` for the same login as [`default_post_login_event`].
///
/// Has no `clientMetadata` key: the host adds it only when the application has metadata.
pub fn default_rule_context() -> Value {
    static CONTEXT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    CONTEXT.get_or_init(build_default_rule_context).clone()
}

fn build_default_rule_context() -> Value {
    let mut mapped = json!({});
    crate::mapping::to_context(&default_post_login_event(), &mut mapped);
    let Value::Object(mapped) = mapped else { unreachable!("made an object") };
    let mut context = Map::new();
    for (key, value) in mapped {
        if key == "clientMetadata" {
            continue;
        }
        // The Rules-only objects, where the default context has always shown them.
        if key == "authentication" {
            context.insert("sso".into(), json!({ "with_auth0": false, "with_dbconn": false, "current_clients": [] }));
            context.insert("accessToken".into(), json!({}));
            context.insert("idToken".into(), json!({}));
        }
        context.insert(key, value);
    }
    Value::Object(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`AUTHENTICATED_AT_ISO`] in epoch milliseconds, as a Rule sees it.
    const AUTHENTICATED_AT_MS: i64 = 1_717_234_200_000;

    fn has(v: &Value, pointer: &str) -> bool {
        v.pointer(pointer).is_some()
    }

    #[test]
    fn event_has_required_fields() {
        let e = default_post_login_event();
        for p in [
            "/client/client_id",
            "/client/name",
            "/client/metadata",
            "/connection/id",
            "/connection/name",
            "/connection/strategy",
            "/request/ip",
            "/request/method",
            "/request/query",
            "/request/body",
            "/request/geoip",
            "/secrets",
            "/stats/logins_count",
            "/tenant/id",
            "/user/user_id",
            "/user/created_at",
            "/user/updated_at",
            "/user/email_verified",
            "/user/app_metadata",
            "/user/user_metadata",
            "/user/identities",
        ] {
            assert!(has(&e, p), "missing {p}");
        }
        assert!(e["client"]["metadata"].is_object());
        assert!(e["user"]["app_metadata"].is_object());
        assert!(e["stats"]["logins_count"].is_u64());
        assert!(e["connection"]["id"].as_str().unwrap().starts_with("con_"));
        assert!(e["user"]["user_id"].as_str().unwrap().starts_with("auth0|"));
        assert!(!has(&e, "/organization") && !has(&e, "/resource_server"));
        assert!(has(&e, "/request/geoip/countryCode") && has(&e, "/request/geoip/timeZone"));
        assert_eq!(e["authentication"]["methods"][0]["timestamp"], AUTHENTICATED_AT_ISO);
        assert_eq!(e, default_post_login_event(), "deterministic");
    }

    #[test]
    fn rule_user_matches_event_without_app_metadata() {
        let (u, e) = (default_rule_user(), default_post_login_event());
        assert!(!has(&u, "/app_metadata") && !has(&u, "/enrolledFactors"));
        assert_eq!(u["user_metadata"], json!({}));
        assert_eq!(u["user_id"], e["user"]["user_id"]);
        assert_eq!(u["identities"], e["user"]["identities"]);
    }

    #[test]
    fn rule_context_describes_same_login() {
        let (c, e) = (default_rule_context(), default_post_login_event());
        assert!(!has(&c, "/clientMetadata"));
        assert_eq!(c["clientID"], e["client"]["client_id"]);
        assert_eq!(c["connectionID"], e["connection"]["id"]);
        assert_eq!(c["sessionID"], e["session"]["id"]);
        assert_eq!(c["tenant"], "example");
        assert_eq!(c["stats"]["loginsCount"], e["stats"]["logins_count"]);
        assert_eq!(c["request"]["userAgent"], e["request"]["user_agent"]);
        assert_eq!(c["request"]["geoip"]["country_code"], "NZ");
        assert_eq!(c["request"]["geoip"].as_object().unwrap().len(), 10);
        assert!(c["request"]["geoip"].as_object().unwrap().keys().all(|k| !k.chars().any(char::is_uppercase)));
        assert_eq!(c["connectionMetadata"], json!({}));
        assert_eq!(c["sso"]["current_clients"], json!([]));
        assert_eq!(c["authorization"]["roles"], json!([]));
    }

    #[test]
    fn rule_timestamp_is_event_timestamp_in_ms() {
        assert_eq!(crate::dates::iso_from_ms(AUTHENTICATED_AT_MS), AUTHENTICATED_AT_ISO);
        assert_eq!(default_rule_context()["authentication"]["methods"][0]["timestamp"], AUTHENTICATED_AT_MS);
    }
}
