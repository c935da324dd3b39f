//! The claims of the tokens a login ends with: the standard claims Auth0 issues for the user,
//! the application and the audience, plus the custom claims the Rules and Actions set, under
//! Auth0's rules: restricted claim names and the `auth0.com`, `webtask.io`, `webtask.run` (and
//! `urn:auth0`) namespaces are dropped with a warning, non-namespaced claims are dropped from an
//! access token for an Auth0 API, and more than 100 KB of custom claims in one token fails the
//! login.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::error::TokenError;

/// Custom claims Auth0 drops silently (its documented restricted names).
pub const RESTRICTED: &[&str] = &[
    "acr",
    "act",
    "active",
    "amr",
    "at_hash",
    "ath",
    "attest",
    "aud",
    "auth_time",
    "authorization_details",
    "azp",
    "c_hash",
    "client_id",
    "cnf",
    "cty",
    "dest",
    "entitlements",
    "events",
    "exp",
    "groups",
    "gty",
    "htm",
    "htu",
    "iat",
    "internalService",
    "iss",
    "jcard",
    "jku",
    "jti",
    "jwe",
    "jwk",
    "kid",
    "may_act",
    "mky",
    "nbf",
    "nonce",
    "object_id",
    "org_id",
    "org_name",
    "orig",
    "origid",
    "permissions",
    "roles",
    "rph",
    "s_hash",
    "sid",
    "sip_callid",
    "sip_cseq_num",
    "sip_date",
    "sip_from_tag",
    "sip_via_branch",
    "sub",
    "sub_jwk",
    "toe",
    "txn",
    "typ",
    "uuid",
    "vot",
    "vtm",
    "x5t#S256",
];
/// Namespaces whose claims Auth0 ignores.
const RESERVED_DOMAINS: [&str; 3] = ["auth0.com", "webtask.io", "webtask.run"];
/// Auth0's limit on the custom claims of one token.
pub const MAX_CUSTOM_CLAIMS_BYTES: usize = 100 * 1024;
/// Token lifetimes Auth0 uses by default.
pub const ID_TOKEN_LIFETIME_S: u64 = 36_000;
pub const ACCESS_TOKEN_LIFETIME_S: u64 = 86_400;

/// Profile claims an ID token carries for each scope, when the user has them.
pub const SCOPE_CLAIMS: [(&str, &[&str]); 4] = [
    (
        "profile",
        &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
    ),
    ("email", &["email", "email_verified"]),
    ("phone", &["phone_number", "phone_verified"]),
    ("address", &["address"]),
];

/// Custom claims set during the flow for one token, in order, with who set each.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomClaims {
    pub claims: Map<String, Value>,
    pub set_by: BTreeMap<String, String>,
}

impl CustomClaims {
    pub fn set(&mut self, key: &str, value: Value, by: &str) {
        self.claims.insert(key.to_owned(), value);
        self.set_by.insert(key.to_owned(), by.to_owned());
    }
}

/// What the standard claims are made of.
pub struct Login<'a> {
    pub domain: &'a str,
    pub client_id: Option<&'a str>,
    pub user: &'a Value,
    pub session_id: Option<&'a str>,
    pub requested_scopes: &'a [String],
    pub scopes: &'a [String],
    pub audience: Option<&'a str>,
    /// Seconds since the epoch.
    pub now: u64,
}

/// A token's claims.
pub type Claims = Map<String, Value>;

/// Both tokens' claims (no ID token without `openid`), or why the login fails.
pub fn build(
    login: &Login,
    id_custom: &CustomClaims,
    access_custom: &CustomClaims,
    warnings: &mut Vec<String>,
) -> Result<(Option<Claims>, Claims), TokenError> {
    let issuer = format!("https://{}/", login.domain);
    let userinfo = format!("https://{}/userinfo", login.domain);
    let sub = login.user["user_id"].clone();
    let id_token = if login.requested_scopes.iter().any(|s| s == "openid") {
        let mut claims = Map::new();
        for (scope, names) in SCOPE_CLAIMS {
            if login.requested_scopes.iter().any(|s| s == scope) {
                for name in names {
                    if let Some(value) = login.user.get(*name).filter(|v| !v.is_null()) {
                        claims.insert((*name).into(), value.clone());
                    }
                }
            }
        }
        claims.insert("iss".into(), json!(issuer));
        claims.insert("aud".into(), json!(login.client_id));
        claims.insert("iat".into(), json!(login.now));
        claims.insert("exp".into(), json!(login.now + ID_TOKEN_LIFETIME_S));
        claims.insert("sub".into(), sub.clone());
        if let Some(sid) = login.session_id {
            claims.insert("sid".into(), json!(sid));
        }
        add_custom(&mut claims, "ID token", id_custom, false, warnings)?;
        Some(claims)
    } else {
        None
    };
    let aud = match login.audience {
        Some(audience) if login.scopes.iter().any(|s| s == "openid") => json!([audience, userinfo]),
        Some(audience) => json!(audience),
        None => json!(userinfo),
    };
    let mut access = Map::new();
    access.insert("iss".into(), json!(issuer));
    access.insert("sub".into(), sub);
    access.insert("aud".into(), aud);
    access.insert("iat".into(), json!(login.now));
    access.insert("exp".into(), json!(login.now + ACCESS_TOKEN_LIFETIME_S));
    access.insert("scope".into(), json!(login.scopes.join(" ")));
    access.insert("azp".into(), json!(login.client_id));
    let auth0_api = login.audience.is_some_and(|a| is_auth0_api(a, login.domain));
    add_custom(&mut access, "access token", access_custom, auth0_api, warnings)?;
    Ok((id_token, access))
}

fn add_custom(
    claims: &mut Map<String, Value>,
    token: &'static str,
    custom: &CustomClaims,
    auth0_api: bool,
    warnings: &mut Vec<String>,
) -> Result<(), TokenError> {
    let mut kept = Map::new();
    for (key, value) in &custom.claims {
        let by = custom.set_by.get(key).map(|b| format!(" (set by {b})")).unwrap_or_default();
        if let Some(reason) = dropped(key, auth0_api) {
            warnings.push(format!("{token} claim {key:?}{by} dropped: {reason}"));
            continue;
        }
        kept.insert(key.clone(), value.clone());
    }
    let size = serde_json::to_vec(&kept).map_or(0, |bytes| bytes.len());
    if size > MAX_CUSTOM_CLAIMS_BYTES {
        return Err(TokenError::TooLarge { token, size });
    }
    claims.extend(kept);
    Ok(())
}

/// Why Auth0 would drop this custom claim, if it would.
pub fn dropped(key: &str, auth0_api: bool) -> Option<String> {
    if RESTRICTED.contains(&key) {
        return Some("a restricted claim name".into());
    }
    if key.starts_with("urn:auth0") {
        return Some("the urn:auth0 namespace is reserved".into());
    }
    match namespace_host(key) {
        Some(host) => RESERVED_DOMAINS
            .iter()
            .find(|domain| host == **domain || host.ends_with(&format!(".{domain}")))
            .map(|domain| format!("{domain} namespaces are reserved")),
        None if auth0_api => Some("non-namespaced claims are not allowed in access tokens for an Auth0 API".into()),
        None => None,
    }
}

/// The host of a namespaced (`http://` / `https://`) claim name.
fn namespace_host(key: &str) -> Option<String> {
    let rest = key.strip_prefix("https://").or_else(|| key.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    Some(host.to_ascii_lowercase())
}

/// An audience served by Auth0 itself: the Management API or the MFA API of the tenant.
fn is_auth0_api(audience: &str, domain: &str) -> bool {
    let Some(rest) = audience.strip_prefix("https://") else { return false };
    let Some(path) = rest.strip_prefix(domain) else { return false };
    path.starts_with("/api") || path.starts_with("/mfa")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restrictions() {
        assert!(dropped("sub", false).is_some());
        assert!(dropped("https://example.com/roles", false).is_none());
        assert!(dropped("roles", false).is_some());
        assert!(dropped("favorite_color", false).is_none());
        assert!(dropped("favorite_color", true).is_some());
        assert_eq!(dropped("https://my.auth0.com/x", false).as_deref(), Some("auth0.com namespaces are reserved"));
        assert_eq!(dropped("http://webtask.io/x", false).as_deref(), Some("webtask.io namespaces are reserved"));
        assert!(dropped("https://notauth0.com/x", false).is_none());
        assert!(dropped("urn:auth0:x", false).is_some());
        assert!(is_auth0_api("https://example.auth0.com/api/v2/", "example.auth0.com"));
        assert!(!is_auth0_api("https://api.example.com/", "example.auth0.com"));
    }

    #[test]
    fn size_limit_fails() {
        let user = json!({"user_id": "auth0|1"});
        let scopes = vec!["openid".to_owned()];
        let login = Login {
            domain: "d",
            client_id: Some("c"),
            user: &user,
            session_id: None,
            requested_scopes: &scopes,
            scopes: &scopes,
            audience: None,
            now: 0,
        };
        let mut big = CustomClaims::default();
        big.set("https://x/big", json!("a".repeat(MAX_CUSTOM_CLAIMS_BYTES)), "rule r");
        let err = build(&login, &CustomClaims::default(), &big, &mut vec![]).unwrap_err().to_string();
        assert!(err.starts_with("the custom claims of the access token take 102420 bytes"), "{err}");
        let err = build(&login, &big, &CustomClaims::default(), &mut vec![]).unwrap_err().to_string();
        assert!(err.starts_with("the custom claims of the ID token"), "{err}");
    }

    /// OpenID Connect Core 1.0 §5.4: `email` asks for `email` and `email_verified`, `profile`
    /// for `name`, `nickname`, `picture`… A claim the user lacks, or holds as `null`, is left out.
    /// Auth0's access token names the `/userinfo` endpoint as a second audience when `openid` is
    /// granted with an API audience, and as its only one without an audience.
    #[test]
    fn scopes_choose_the_standard_claims_and_the_access_audiences() {
        let user = json!({"user_id": "auth0|1", "email": "j@example.com", "email_verified": true,
            "name": "Jane", "nickname": null, "phone_number": "+64 21 000"});
        let tokens = |scopes: &[&str], audience: Option<&str>| {
            let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
            let login = Login {
                domain: "example.auth0.com",
                client_id: Some("c"),
                user: &user,
                session_id: None,
                requested_scopes: &scopes,
                scopes: &scopes,
                audience,
                now: 0,
            };
            build(&login, &CustomClaims::default(), &CustomClaims::default(), &mut vec![]).unwrap()
        };
        let standard = |id: Option<Claims>| {
            let id = id.expect("an ID token");
            ["email", "email_verified", "name", "nickname", "phone_number"]
                .into_iter()
                .filter(|name| id.contains_key(*name))
                .collect::<Vec<_>>()
        };
        let (id, access) = tokens(&["openid", "email"], None);
        assert_eq!(standard(id), ["email", "email_verified"]);
        assert_eq!(access["aud"], "https://example.auth0.com/userinfo");
        let (id, access) = tokens(&["openid", "profile"], Some("https://api.example.com/"));
        assert_eq!(standard(id), ["name"]);
        assert_eq!(access["aud"], json!(["https://api.example.com/", "https://example.auth0.com/userinfo"]));
        let (id, access) = tokens(&["read:things"], Some("https://api.example.com/"));
        assert_eq!(id, None, "no ID token without openid");
        assert_eq!(access["aud"], "https://api.example.com/");
    }

    /// docs/simulate.md: "More than 100 KB (102,400 bytes of JSON) of custom claims in one token
    /// fails the login". One claim `"https://x/c"` (13 bytes with its quotes) in an object:
    /// `{` + key + `:` + `"` + value + `"` + `}` is 1 + 13 + 1 + 1 + n + 1 + 1 = n + 18 bytes.
    #[test]
    fn size_limit_boundary_is_102400_bytes_of_json() {
        let user = json!({"user_id": "auth0|1"});
        let scopes = vec!["openid".to_owned()];
        let login = Login {
            domain: "d",
            client_id: Some("c"),
            user: &user,
            session_id: None,
            requested_scopes: &scopes,
            scopes: &scopes,
            audience: None,
            now: 0,
        };
        let claims = |value: String| {
            let mut custom = CustomClaims::default();
            custom.set("https://x/c", json!(value), "rule r");
            custom
        };
        let none = CustomClaims::default();
        // 102,382 ASCII bytes of value: exactly 102,400 bytes, accepted in either token.
        let (id, access) =
            build(&login, &claims("a".repeat(102_382)), &claims("a".repeat(102_382)), &mut vec![]).unwrap();
        assert_eq!(id.unwrap()["https://x/c"].as_str().unwrap().len(), 102_382);
        assert_eq!(access["https://x/c"].as_str().unwrap().len(), 102_382);
        // One byte more is refused.
        let err = build(&login, &none, &claims("a".repeat(102_383)), &mut vec![]).unwrap_err().to_string();
        assert_eq!(err, "the custom claims of the access token take 102401 bytes; Auth0 allows at most 102400 (100 KB) per token and fails the login");
        let err = build(&login, &claims("a".repeat(102_383)), &none, &mut vec![]).unwrap_err().to_string();
        assert!(err.starts_with("the custom claims of the ID token take 102401 bytes"), "{err}");
        // Bytes, not characters: "é" is 2 bytes of UTF-8, so 51,191 of them are 102,382 bytes.
        assert!(build(&login, &none, &claims("é".repeat(51_191)), &mut vec![]).is_ok());
        let err = build(&login, &none, &claims("é".repeat(51_191) + "a"), &mut vec![]).unwrap_err().to_string();
        assert!(err.starts_with("the custom claims of the access token take 102401 bytes"), "{err}");
    }
}
