//! One login as the simulator sees it: who logs in (the user file), to which application, over
//! which connection and protocol, for which audience; and the inputs each stage starts from:
//! the Rules `user` and `context`, and the Actions `event` made from what the Rules left.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::actions::post_login_event::{default_post_login_event, default_rule_context};
use crate::closed_set::closed_set;
use crate::tenant::Client;

/// The default connection of a login whose user has no identity naming one.
pub const DEFAULT_CONNECTION: &str = "Username-Password-Authentication";
closed_set! {
    /// Protocols a login can be simulated with (Rules' `context.protocol` / Actions'
    /// `event.transaction.protocol`); `redirect-callback` ([`REDIRECT_CALLBACK`]) is not one of
    /// them: the simulator sets it on `--continue`.
    pub enum Protocol("protocol") {
        /// The default: an OIDC authorization-code login.
        OidcBasicProfile => "oidc-basic-profile",
        OidcImplicitProfile => "oidc-implicit-profile",
        OidcHybridProfile => "oidc-hybrid-profile",
        OidcCiba => "oidc-ciba",
        OidcCibaWebLink => "oidc-ciba-web-link",
        Oauth2DeviceCode => "oauth2-device-code",
        Oauth2ResourceOwner => "oauth2-resource-owner",
        Oauth2ResourceOwnerJwtBearer => "oauth2-resource-owner-jwt-bearer",
        Oauth2Password => "oauth2-password",
        Oauth2Webauthn => "oauth2-webauthn",
        Oauth2AccessToken => "oauth2-access-token",
        Oauth2RefreshToken => "oauth2-refresh-token",
        Oauth2TokenExchange => "oauth2-token-exchange",
        Samlp => "samlp",
        Wsfed => "wsfed",
        WstrustUsernamemixed => "wstrust-usernamemixed",
        Delegation => "delegation",
    }
}

/// The default protocol: an OIDC authorization-code login.
pub const DEFAULT_PROTOCOL: Protocol = Protocol::OidcBasicProfile;
/// The protocol Rules see when they run again after a redirect.
pub const REDIRECT_CALLBACK: &str = "redirect-callback";
/// Scopes an OIDC login asks for unless told otherwise.
pub const REQUESTED_SCOPES: [&str; 3] = ["openid", "profile", "email"];

/// The request a login server received for a login (`actionhost serve`): what Rules and Actions
/// see of it instead of the simulator's defaults (the first callback, `openid profile email`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServedRequest {
    /// `GET` for `/authorize`, `POST` for `/oauth/token` (`event.request.method`).
    pub method: String,
    /// Its query: Rules' `context.request.query`, Actions' `event.request.query`; `response_type`,
    /// `response_mode`, `state`, `prompt`, `login_hint`, `ui_locales` and `acr_values` also fill
    /// `event.transaction`.
    pub query: Map<String, Value>,
    /// Its form body: `context.request.body`, `event.request.body`.
    pub body: Map<String, Value>,
    /// The `redirect_uri` in use (`event.transaction.redirect_uri`, the query's `redirect_uri`).
    pub redirect_uri: Option<String>,
    /// The scopes asked (`event.transaction.requested_scopes`).
    pub scopes: Vec<String>,
    /// When the user authenticated, in milliseconds since the epoch
    /// (`context.authentication.methods`, `event.authentication.methods`).
    pub authenticated_at: i64,
    /// A login on an existing login session (single sign-on): the client ids of the applications
    /// the session logged in to before (`context.sso`).
    pub sso_clients: Option<Vec<String>>,
}

/// Everything that identifies the login; saved with a suspended flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Login {
    pub tenant: std::path::PathBuf,
    pub client: String,
    pub client_id: Option<String>,
    pub callback_url: Option<String>,
    /// The user file read.
    pub user_file: std::path::PathBuf,
    pub user_id: String,
    pub connection: String,
    pub connection_id: String,
    pub strategy: String,
    pub protocol: Protocol,
    pub audience: Option<String>,
    /// Roles the user holds (`authorization.roles`).
    pub roles: Value,
    /// Shared-container key passed to every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The request a login server received, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served: Option<ServedRequest>,
}

impl Login {
    pub fn new(
        client: &Client,
        tenant: &std::path::Path,
        user_file: &std::path::Path,
        profile: &Value,
        roles: Value,
        connection: Option<&str>,
    ) -> Login {
        let identity = profile["identities"].as_array().and_then(|ids| ids.first());
        let connection = connection
            .map(str::to_owned)
            .or_else(|| identity.and_then(|i| i["connection"].as_str()).map(str::to_owned))
            .unwrap_or_else(|| DEFAULT_CONNECTION.to_owned());
        let strategy = profile["identities"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["connection"] == connection.as_str())
            .and_then(|i| i["provider"].as_str())
            .unwrap_or("auth0")
            .to_owned();
        Login {
            tenant: tenant.to_owned(),
            client: client.name.clone(),
            client_id: client.client_id.clone(),
            callback_url: client.raw["callbacks"]
                .as_array()
                .and_then(|c| c.first())
                .and_then(Value::as_str)
                .map(str::to_owned),
            user_file: user_file.to_owned(),
            user_id: profile["user_id"].as_str().unwrap_or_default().to_owned(),
            connection_id: connection_id(&connection),
            connection,
            strategy,
            protocol: DEFAULT_PROTOCOL,
            audience: None,
            roles,
            container: None,
            served: None,
        }
    }

    /// The Auth0 domain of the simulated tenant.
    pub fn domain(&self) -> String {
        default_field(&["request", "hostname"])
    }

    /// The authorization request's query string parameters.
    fn query(&self) -> Value {
        if let Some(served) = &self.served {
            return Value::Object(served.query.clone());
        }
        let mut query = json!({
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": self.callback_url.clone().unwrap_or_else(|| default_field(&["transaction", "redirect_uri"])),
            "scope": REQUESTED_SCOPES.join(" "),
            "state": default_field(&["transaction", "state"]),
        });
        if let Some(audience) = &self.audience {
            query["audience"] = json!(audience);
        }
        query
    }
}

/// A string field of the default post-login event (read once).
fn default_field(path: &[&str]) -> String {
    static EVENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let event = EVENT.get_or_init(default_post_login_event);
    path.iter().fold(event, |v, key| &v[*key]).as_str().unwrap_or_default().to_owned()
}

/// A stable, realistic connection id for a connection name.
pub fn connection_id(name: &str) -> String {
    if name == DEFAULT_CONNECTION {
        return default_field(&["connection", "id"]);
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(name.as_bytes());
    let alphabet = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let id: String = digest.iter().take(16).map(|b| alphabet[*b as usize % alphabet.len()] as char).collect();
    format!("con_{id}")
}

/// The Rules `user` for a stored profile: the profile as it is (Rules see no `app_metadata`
/// when the user has none), with `user_metadata` `{}` and an identity when missing, and
/// without the Actions-only `enrolledFactors`.
pub fn rules_user(login: &Login, profile: &Value) -> Value {
    let mut user = profile.clone();
    if let Value::Object(fields) = &mut user {
        fields.shift_remove("enrolledFactors");
        fields.entry("user_metadata").or_insert_with(|| json!({}));
        if !fields.contains_key("identities") {
            let id = login.user_id.split_once('|').map_or(login.user_id.as_str(), |(_, id)| id);
            let identity =
                json!({"connection": login.connection, "provider": login.strategy, "user_id": id, "isSocial": false});
            fields.insert("identities".into(), json!([identity]));
        }
    }
    user
}

/// The Rules `context` of the login; `query` replaces the request's query (a `/continue`).
pub fn rules_context(login: &Login, profile: &Value, protocol: &str, query: Option<&Map<String, Value>>) -> Value {
    let mut context = default_rule_context();
    context["clientName"] = json!(login.client);
    match &login.client_id {
        Some(id) => context["clientID"] = json!(id),
        None => _ = context.as_object_mut().map(|c| c.shift_remove("clientID")),
    }
    context["connection"] = json!(login.connection);
    context["connectionID"] = json!(login.connection_id);
    context["connectionStrategy"] = json!(login.strategy);
    context["protocol"] = json!(protocol);
    context["request"]["query"] = match query {
        Some(query) => Value::Object(query.clone()),
        None => login.query(),
    };
    if let Some(served) = &login.served {
        if query.is_none() {
            context["request"]["body"] = Value::Object(served.body.clone());
        }
        context["authentication"]["methods"][0]["timestamp"] = json!(served.authenticated_at);
        if let Some(clients) = &served.sso_clients {
            context["sso"] =
                json!({ "with_auth0": true, "with_dbconn": login.strategy == "auth0", "current_clients": clients });
        }
    }
    if let Some(count) = profile.get("logins_count").filter(|c| c.is_u64()) {
        context["stats"]["loginsCount"] = count.clone();
    }
    context["authorization"] = json!({ "roles": login.roles });
    context
}

/// The Actions `event` after the Rules: the login's client, connection, request, stats,
/// authorization and session as the Rules left `context`, and their final `user`.
pub fn actions_event(login: &Login, user: &Value, context: &Value) -> Value {
    let mut event = default_post_login_event();
    let mut user = user.clone();
    super::users::fill_metadata_objects(&mut user);
    if let Value::Object(fields) = &mut user {
        fields.entry("enrolledFactors").or_insert_with(|| json!([]));
        fields.entry("multifactor").or_insert_with(|| json!([]));
    }
    event["user"] = user;
    crate::mapping::to_event(context, &mut event);
    // The application's metadata is the tenant's, filled in by the host.
    event["client"]["metadata"] = json!({});
    if context["clientID"].is_null() {
        match &login.client_id {
            Some(id) => event["client"]["client_id"] = json!(id),
            None => _ = event["client"].as_object_mut().map(|c| c.shift_remove("client_id")),
        }
    }
    if !event["connection"]["metadata"].is_object() {
        event["connection"]["metadata"] = json!({});
    }
    let protocol = context["protocol"].as_str().filter(|p| *p != REDIRECT_CALLBACK).unwrap_or(login.protocol.as_str());
    event["transaction"]["protocol"] = json!(protocol);
    if let Some(uri) = &login.callback_url {
        event["transaction"]["redirect_uri"] = json!(uri);
    }
    if let Some(audience) = &login.audience {
        event["resource_server"] = json!({ "identifier": audience });
    }
    if let Some(served) = &login.served {
        served_transaction(&mut event, served);
    }
    event
}

/// The request's method and the transaction's fields of a served login's request.
fn served_transaction(event: &mut Value, served: &ServedRequest) {
    event["request"]["method"] = json!(served.method);
    let text = |name: &str| served.query.get(name).and_then(Value::as_str).filter(|v| !v.is_empty());
    let list = |name: &str| -> Vec<&str> {
        text(name).map(|v| v.split(' ').filter(|s| !s.is_empty()).collect()).unwrap_or_default()
    };
    let transaction = &mut event["transaction"];
    transaction["requested_scopes"] = json!(served.scopes);
    for name in ["response_type", "prompt", "ui_locales", "acr_values"] {
        transaction[name] = json!(list(name));
    }
    transaction["response_mode"] = json!(text("response_mode").unwrap_or("query"));
    for name in ["state", "login_hint"] {
        match text(name) {
            Some(value) => transaction[name] = json!(value),
            None => _ = transaction.as_object_mut().map(|t| t.shift_remove(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> Login {
        let client = Client {
            name: "Portal".into(),
            client_id: Some("portal-id".into()),
            client_metadata: None,
            file: Default::default(),
            raw: json!({"callbacks": ["https://portal/cb"]}),
        };
        let profile = json!({"user_id": "github|42", "identities": [{"connection": "github", "provider": "github", "user_id": "42"}]});
        Login::new(&client, std::path::Path::new("t"), std::path::Path::new("u.json"), &profile, json!(["admin"]), None)
    }

    #[test]
    fn connection_ids_are_the_default_events_or_derived_from_the_name() {
        // The database connection is the one of the default events (src/actions/events/).
        assert_eq!(connection_id(DEFAULT_CONNECTION), default_field(&["connection", "id"]));
        assert_eq!(connection_id(DEFAULT_CONNECTION), "con_4Vd9XkP2mQ7rTz1L");
        // Others: `con_` and 16 characters picked by the first 16 bytes of the name's SHA-256,
        // computed independently (Python's hashlib, the same alphabet).
        assert_eq!(connection_id("google-oauth2"), "con_co8WK5YrkHWgYBNh");
    }

    #[test]
    fn the_login_follows_the_user_and_the_application() {
        let login = login();
        assert_eq!((login.connection.as_str(), login.strategy.as_str()), ("github", "github"));
        assert!(login.connection_id.starts_with("con_") && login.connection_id.len() == 20);
        let user = rules_user(&login, &json!({"user_id": "github|42"}));
        assert_eq!(user["user_metadata"], json!({}));
        assert!(user.get("app_metadata").is_none(), "Rules see no app_metadata when the user has none");
        assert_eq!(user["identities"][0]["user_id"], "42");
        let context = rules_context(&login, &json!({"logins_count": 7}), REDIRECT_CALLBACK, None);
        assert_eq!(context["clientID"], "portal-id");
        assert_eq!(context["protocol"], REDIRECT_CALLBACK);
        assert_eq!(context["request"]["query"]["redirect_uri"], "https://portal/cb");
        assert_eq!(context["stats"]["loginsCount"], 7);
        assert_eq!(context["authorization"]["roles"], json!(["admin"]));
    }

    #[test]
    fn the_actions_event_carries_what_the_rules_left() {
        let mut login = login();
        login.audience = Some("https://api".into());
        let mut context = rules_context(&login, &json!({}), REDIRECT_CALLBACK, None);
        context["request"]["geoip"] = json!({"country_code": "FR"});
        context["connectionMetadata"] = json!({"k": "v"});
        context["authentication"]["methods"] = json!([{"name": "pwd", "timestamp": 0}]);
        let event = actions_event(&login, &json!({"user_id": "github|42", "nickname": "changed by a rule"}), &context);
        assert_eq!(event["user"]["nickname"], "changed by a rule");
        assert_eq!(event["user"]["app_metadata"], json!({}));
        assert_eq!(event["client"], json!({"client_id": "portal-id", "name": "Portal", "metadata": {}}));
        assert_eq!(event["connection"]["name"], "github");
        assert_eq!(event["connection"]["metadata"], json!({"k": "v"}));
        assert_eq!(event["request"]["geoip"], json!({"countryCode": "FR"}));
        assert_eq!(event["authentication"]["methods"][0]["timestamp"], "1970-01-01T00:00:00.000Z");
        assert_eq!(event["transaction"]["protocol"], DEFAULT_PROTOCOL.as_str(), "redirect-callback is the Rules' only");
        assert_eq!(event["resource_server"]["identifier"], "https://api");
        assert_eq!(event["authorization"]["roles"], json!(["admin"]));
    }

    /// A login server's request replaces the defaults: Rules' `context.request` and `context.sso`
    /// (https://auth0.com/docs/customize/rules/context-object), Actions' `event.request` and
    /// `event.transaction` (https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object).
    #[test]
    fn a_served_request_is_what_the_scripts_see() {
        let mut login = login();
        let query = json!({"client_id": "portal-id", "redirect_uri": "https://a.portal/cb", "scope": "openid read:x",
                           "response_type": "code", "state": "xyz", "prompt": "login consent"});
        login.callback_url = Some("https://a.portal/cb".into());
        login.served = Some(ServedRequest {
            method: "GET".into(),
            query: query.as_object().unwrap().clone(),
            body: Map::new(),
            redirect_uri: Some("https://a.portal/cb".into()),
            scopes: vec!["openid".into(), "read:x".into()],
            authenticated_at: 86_400_000,
            sso_clients: Some(vec!["tools-id".into()]),
        });
        let context = rules_context(&login, &json!({}), DEFAULT_PROTOCOL.as_str(), None);
        assert_eq!(context["request"]["query"], query);
        assert_eq!(context["request"]["body"], json!({}));
        assert_eq!(context["sso"], json!({"with_auth0": true, "with_dbconn": false, "current_clients": ["tools-id"]}));
        assert_eq!(context["authentication"]["methods"][0]["timestamp"], 86_400_000);
        let event = actions_event(&login, &json!({"user_id": "github|42"}), &context);
        assert_eq!(event["request"]["query"], query);
        assert_eq!(event["request"]["method"], "GET");
        assert_eq!(event["authentication"]["methods"][0]["timestamp"], "1970-01-02T00:00:00.000Z");
        let transaction = &event["transaction"];
        assert_eq!(transaction["redirect_uri"], "https://a.portal/cb");
        assert_eq!(transaction["requested_scopes"], json!(["openid", "read:x"]));
        assert_eq!(transaction["response_type"], json!(["code"]));
        assert_eq!(transaction["response_mode"], "query");
        assert_eq!(transaction["state"], "xyz");
        assert_eq!(transaction["prompt"], json!(["login", "consent"]));
        assert!(transaction.get("login_hint").is_none());
        // A /continue's query replaces the authorization request's.
        let resumed = rules_context(&login, &json!({}), REDIRECT_CALLBACK, Some(&Map::new()));
        assert_eq!(resumed["request"]["query"], json!({}));
    }

    #[test]
    fn protocols_keep_auth0s_spellings_and_refuse_others() {
        let request: crate::pipeline::LoginRequest =
            serde_json::from_value(json!({"protocol": "oauth2-resource-owner-jwt-bearer"})).unwrap();
        assert_eq!(request.protocol, Some(Protocol::Oauth2ResourceOwnerJwtBearer));
        assert_eq!(json!(Protocol::WstrustUsernamemixed), "wstrust-usernamemixed");
        let error = serde_json::from_value::<crate::pipeline::LoginRequest>(json!({"protocol": REDIRECT_CALLBACK}))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with(r#"unknown protocol "redirect-callback"; known: oidc-basic-profile, "#), "{error}");
        assert!(error.contains("samlp, wsfed, wstrust-usernamemixed, delegation"), "{error}");
    }
}
