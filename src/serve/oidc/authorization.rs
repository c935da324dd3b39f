//! The authorization request of `/authorize` (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636):
//! read and checked in the order that decides how an error reaches the user. An unknown
//! `client_id` or a `redirect_uri` not among the application's `callbacks` cannot be sent back
//! to the application, so it is shown as a page; every later error redirects to the
//! `redirect_uri` with `error=` (RFC 6749 §4.1.2.1).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::allowed_url::{is_allowed, ORGANIZATION_NAME};
use super::pkce::Challenge;
pub use crate::pipeline::state::with_query;
use crate::serve::token::is_public;
use crate::tenant::{Client, Organization};

/// What `/authorize` was asked, kept until the code it ends with is redeemed.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub client_id: String,
    pub client_name: String,
    pub redirect_uri: String,
    /// Whether the request named its `redirect_uri` (the token request must then repeat it).
    pub redirect_uri_given: bool,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scopes: Vec<String>,
    pub audience: Option<String>,
    pub challenge: Option<Challenge>,
    pub login_hint: Option<String>,
    /// `prompt=none`: no login page may be shown.
    pub prompt_none: bool,
    /// `prompt=login`: the user logs in again, whatever login session the browser has.
    pub prompt_login: bool,
    /// `max_age`: a login session whose login is older (in seconds) does not serve.
    pub max_age: Option<u64>,
    /// The whole query, as Rules (`context.request.query`) and Actions (`event.request.query`)
    /// see it.
    pub query: Map<String, Value>,
}

/// Why an authorization request fails.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Shown as a page: the application cannot be told.
    Page { title: String, message: String },
    /// Sent to the `redirect_uri` as `error` and `error_description`, with `state`.
    Redirect { redirect_uri: String, state: Option<String>, error: &'static str, description: String },
}

/// The application's `callbacks` (Auth0's Allowed Callback URLs).
pub fn callbacks(client: &Client) -> Vec<&str> {
    client.raw["callbacks"].as_array().into_iter().flatten().filter_map(Value::as_str).collect()
}

/// The name of the organization an authorization request is in the context of, for the
/// `{organization_name}` placeholder: its `organization` parameter names one of the tenant's
/// organizations (by id or name) and the application takes organizations (`organization_usage`
/// `allow` or `require`) — the two conditions of Auth0's "How URL evaluation works"
/// (<https://auth0.com/docs/get-started/applications/wildcards-for-subdomains>).
pub fn organization_context<'a>(
    client: &Client,
    organizations: &'a [Organization],
    parameter: Option<&str>,
) -> Option<&'a str> {
    let usage = client.raw["organization_usage"].as_str();
    if !matches!(usage, Some("allow" | "require")) {
        return None;
    }
    Organization::find(organizations, parameter?).map(|o| o.name.as_str())
}

/// The `redirect_uri` to use: the given one when it is one of the callbacks, exactly (as Auth0
/// compares them, a trailing slash and the query included), through a subdomain wildcard or,
/// in the context of an `organization`, its name in place of `{organization_name}`
/// (`allowed_url`), or the server's own tester callback (`tester`), which every application
/// accepts; without one, the first callback that has neither.
pub fn check_redirect_uri(
    client: &Client,
    given: Option<&str>,
    tester: &str,
    organization: Option<&str>,
) -> Result<String, RedirectUriError> {
    let allowed = callbacks(client);
    match given {
        Some(uri) if is_allowed(allowed.iter().copied(), uri, organization) || uri == tester => Ok(uri.to_owned()),
        Some(uri) => Err(RedirectUriError::NotAllowed {
            uri: uri.to_owned(),
            application: client.name.clone(),
            callbacks: allowed.iter().map(|s| (*s).to_owned()).collect(),
        }),
        None => allowed
            .iter()
            .find(|s| !s.contains('*') && !s.contains(ORGANIZATION_NAME))
            .map(|s| (*s).to_owned())
            .ok_or_else(|| RedirectUriError::NoCallbacks { application: client.name.clone() }),
    }
}

/// Why a `redirect_uri` is refused (Auth0's "Callback URL mismatch" page).
#[derive(Debug, thiserror::Error)]
pub enum RedirectUriError {
    /// The URL given is not among the application's callbacks.
    #[error(
        "The provided redirect_uri is not in the list of allowed callback URLs. redirect_uri {uri:?} is not among the Allowed Callback URLs of the application {application:?} (callbacks: {}).",
        if callbacks.is_empty() { "none".to_owned() } else { callbacks.join(", ") }
    )]
    NotAllowed { uri: String, application: String, callbacks: Vec<String> },
    /// No URL given, and no callback to use instead.
    #[error("The application {application:?} has no Allowed Callback URLs (callbacks): give one in its file.")]
    NoCallbacks { application: String },
}

impl Authorization {
    /// Reads the query of `/authorize` against the tenant's applications and organizations.
    /// `tester` is the server's tester callback (see `check_redirect_uri`).
    pub fn parse(
        clients: &[Client],
        organizations: &[Organization],
        query: &HashMap<String, String>,
        tester: &str,
    ) -> Result<Authorization, Refusal> {
        let get = |name: &str| query.get(name).map(String::as_str).filter(|v| !v.is_empty());
        let page = |title: &str, message: String| Refusal::Page { title: title.to_owned(), message };
        let client_id =
            get("client_id").ok_or_else(|| page("invalid_request", "Missing required parameter: client_id".into()))?;
        let client = clients.iter().find(|c| c.client_id.as_deref() == Some(client_id)).ok_or_else(|| {
            page(
                "invalid_request",
                format!("Unknown client: {client_id} (no application of the tenant has this client_id)"),
            )
        })?;
        let organization = organization_context(client, organizations, get("organization"));
        let redirect_uri = check_redirect_uri(client, get("redirect_uri"), tester, organization)
            .map_err(|error| page("Callback URL mismatch", error.to_string()))?;
        let state = get("state").map(str::to_owned);
        let refuse = |error: &'static str, description: String| Refusal::Redirect {
            redirect_uri: redirect_uri.clone(),
            state: state.clone(),
            error,
            description,
        };
        match get("response_type") {
            Some("code") => {}
            None => return Err(refuse("invalid_request", "Missing required parameter: response_type".into())),
            Some(other) => {
                return Err(refuse(
                    "unsupported_response_type",
                    format!(
                    "Unsupported response_type: {other} (this server issues authorization codes: response_type=code)"
                ),
                ))
            }
        }
        if let Some(mode) = get("response_mode").filter(|m| *m != "query") {
            return Err(refuse("invalid_request", format!("Unsupported response_mode: {mode} (only query)")));
        }
        let challenge = Challenge::parse(get("code_challenge"), get("code_challenge_method"))
            .map_err(|description| refuse("invalid_request", description))?;
        // A public application cannot prove who redeems its code but with PKCE
        // (https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce).
        if challenge.is_none() && is_public(client) {
            return Err(refuse(
                "invalid_request",
                format!("Missing required parameter: code_challenge ({:?} is a public application, without a client secret: it must use PKCE)", client.name),
            ));
        }
        let prompts: Vec<&str> = get("prompt").unwrap_or_default().split(' ').collect();
        let mut sorted: Vec<(&String, &String)> = query.iter().collect();
        sorted.sort();
        let scopes: Vec<String> =
            get("scope").unwrap_or("openid").split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        Ok(Authorization {
            client_id: client_id.to_owned(),
            client_name: client.name.clone(),
            redirect_uri: redirect_uri.clone(),
            redirect_uri_given: get("redirect_uri").is_some(),
            state: state.clone(),
            nonce: get("nonce").map(str::to_owned),
            scopes,
            audience: get("audience").map(str::to_owned),
            challenge,
            login_hint: get("login_hint").map(str::to_owned),
            prompt_none: prompts.contains(&"none"),
            prompt_login: prompts.contains(&"login"),
            max_age: get("max_age").and_then(|age| age.parse().ok()),
            query: sorted.into_iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect(),
        })
    }

    pub fn asked(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The `redirect_uri` with `params` and this request's `state` added to its query.
    pub fn redirect(&self, params: &[(&str, &str)]) -> String {
        with_query(&self.redirect_uri, params, self.state.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TESTER: &str = "http://127.0.0.1:4000/tester/callback";

    /// The server's own tester callback is accepted for every application (as Auth0's Dashboard
    /// tester callback is), and only that exact URL.
    #[test]
    fn the_tester_callback_is_accepted_for_any_application() {
        let client = client(json!(["https://app/cb"]));
        assert_eq!(check_redirect_uri(&client, Some(TESTER), TESTER, None).unwrap(), TESTER);
        assert!(check_redirect_uri(&client, Some("http://127.0.0.1:4000/tester/callback2"), TESTER, None).is_err());
    }

    fn client(callbacks: Value) -> Client {
        Client {
            name: "Portal".into(),
            client_id: Some("portal-id".into()),
            client_metadata: None,
            file: Default::default(),
            raw: json!({ "callbacks": callbacks }),
        }
    }

    #[test]
    fn a_redirect_uri_must_be_one_of_the_callbacks_exactly() {
        let client = client(json!(["https://app/cb", "http://localhost:3000/cb"]));
        assert_eq!(
            check_redirect_uri(&client, Some("http://localhost:3000/cb"), TESTER, None).unwrap(),
            "http://localhost:3000/cb"
        );
        for bad in ["https://app/cb/", "https://app/cb?x=1", "https://app/c", "https://evil/cb", "HTTPS://APP/CB"] {
            let error = check_redirect_uri(&client, Some(bad), TESTER, None).unwrap_err().to_string();
            assert!(error.contains(bad) && error.contains("https://app/cb"), "{bad}: {error}");
        }
        assert_eq!(
            check_redirect_uri(&client, None, TESTER, None).unwrap(),
            "https://app/cb",
            "the first callback by default"
        );
        assert!(check_redirect_uri(&self::client(json!([])), None, TESTER, None)
            .unwrap_err()
            .to_string()
            .contains("no Allowed Callback URLs"));
    }

    /// A subdomain wildcard callback allows one label in its place
    /// (https://auth0.com/docs/get-started/applications/wildcards-for-subdomains).
    #[test]
    fn a_wildcard_callback_allows_its_subdomains() {
        let client = client(json!(["https://*.portal.example.com/callback"]));
        let uri = "https://tenant-a.portal.example.com/callback";
        assert_eq!(check_redirect_uri(&client, Some(uri), TESTER, None).unwrap(), uri);
        for bad in ["https://a.b.portal.example.com/callback", "https://portal.example.com/callback"] {
            assert!(check_redirect_uri(&client, Some(bad), TESTER, None).is_err(), "{bad}");
        }
    }

    /// `{organization_name}` is evaluated only when the application has `organization_usage`
    /// `allow` or `require` and the request names an organization
    /// (https://auth0.com/docs/get-started/applications/wildcards-for-subdomains).
    #[test]
    fn an_organization_callback_needs_the_organization_and_the_applications_usage() {
        let organizations = [
            Organization { name: "acme".into(), id: Some("org_1".into()), file: Default::default() },
            Organization { name: "globex".into(), id: None, file: Default::default() },
        ];
        let mut client = client(json!(["https://{organization_name}.example.com/callback", "https://app/cb"]));
        let context = |client: &Client, parameter| organization_context(client, &organizations, parameter);
        assert_eq!(context(&client, Some("org_1")), None, "organization_usage unset: deny");
        for usage in ["allow", "require"] {
            client.raw["organization_usage"] = json!(usage);
            assert_eq!(context(&client, Some("org_1")), Some("acme"), "by id");
            assert_eq!(context(&client, Some("globex")), Some("globex"), "by name");
            assert_eq!(context(&client, Some("org_9")), None, "not an organization of the tenant");
            assert_eq!(context(&client, None), None);
        }
        client.raw["organization_usage"] = json!("deny");
        assert_eq!(context(&client, Some("org_1")), None);

        let uri = "https://acme.example.com/callback";
        assert_eq!(check_redirect_uri(&client, Some(uri), TESTER, Some("acme")).unwrap(), uri);
        assert!(check_redirect_uri(&client, Some(uri), TESTER, Some("globex")).is_err());
        assert!(check_redirect_uri(&client, Some(uri), TESTER, None).is_err());
        assert_eq!(
            check_redirect_uri(&client, None, TESTER, Some("acme")).unwrap(),
            "https://app/cb",
            "never the default"
        );

        client.raw["organization_usage"] = json!("allow");
        let query: HashMap<String, String> = [
            ("client_id", "portal-id"),
            ("response_type", "code"),
            ("code_challenge", CHALLENGE),
            ("redirect_uri", uri),
        ]
        .map(|(k, v)| (k.into(), v.into()))
        .into();
        let refusal = Authorization::parse(std::slice::from_ref(&client), &organizations, &query, TESTER).unwrap_err();
        assert!(matches!(refusal, Refusal::Page { ref title, .. } if title == "Callback URL mismatch"), "{refusal:?}");
        let mut with_organization = query.clone();
        with_organization.insert("organization".into(), "org_1".into());
        let ok =
            Authorization::parse(std::slice::from_ref(&client), &organizations, &with_organization, TESTER).unwrap();
        assert_eq!(ok.redirect_uri, uri);
        assert_eq!(ok.query["organization"], "org_1", "Rules and Actions see the parameter");
    }

    #[test]
    fn errors_after_the_redirect_uri_is_known_redirect_with_state() {
        let tenant = [client(json!(["https://app/cb"]))];
        let query = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let refusal = Authorization::parse(
            &tenant,
            &[],
            &query(&[("client_id", "portal-id"), ("redirect_uri", "https://evil/cb")]),
            TESTER,
        )
        .unwrap_err();
        assert!(matches!(refusal, Refusal::Page { .. }), "a bad redirect_uri is never redirected to");
        let refusal = Authorization::parse(&tenant, &[], &query(&[("client_id", "nobody")]), TESTER).unwrap_err();
        assert!(matches!(refusal, Refusal::Page { ref message, .. } if message.contains("nobody")));
        let refusal = Authorization::parse(
            &tenant,
            &[],
            &query(&[("client_id", "portal-id"), ("response_type", "token"), ("state", "s 1")]),
            TESTER,
        )
        .unwrap_err();
        let Refusal::Redirect { redirect_uri, state, error, .. } = refusal else { panic!("{refusal:?}") };
        assert_eq!(
            (redirect_uri.as_str(), state.as_deref(), error),
            ("https://app/cb", Some("s 1"), "unsupported_response_type")
        );
        let ok = Authorization::parse(
            &tenant,
            &[],
            &query(&[
                ("client_id", "portal-id"),
                ("response_type", "code"),
                ("state", "s 1"),
                ("code_challenge", CHALLENGE),
            ]),
            TESTER,
        )
        .unwrap();
        assert_eq!(ok.redirect(&[("code", "c")]), "https://app/cb?code=c&state=s+1");
        assert_eq!(ok.query["state"], "s 1", "the whole query, for Rules and Actions");
    }

    /// RFC 7636 Appendix B's challenge.
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    /// A public application (no secret, or `token_endpoint_auth_method: none`) must use PKCE, as
    /// Auth0's code flow for applications that cannot keep a secret has it
    /// (https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce);
    /// a confidential one may go without.
    #[test]
    fn a_public_application_must_use_pkce() {
        let query = |challenge: Option<&str>| -> HashMap<String, String> {
            let mut q: HashMap<String, String> =
                [("client_id", "portal-id"), ("response_type", "code")].map(|(k, v)| (k.into(), v.into())).into();
            q.extend(challenge.map(|c| ("code_challenge".to_owned(), c.to_owned())));
            q
        };
        let public = client(json!(["https://app/cb"]));
        let refusal = Authorization::parse(std::slice::from_ref(&public), &[], &query(None), TESTER).unwrap_err();
        let Refusal::Redirect { error, description, .. } = refusal else { panic!("{refusal:?}") };
        assert_eq!(error, "invalid_request");
        assert!(description.contains("code_challenge"), "{description}");
        assert!(Authorization::parse(&[public], &[], &query(Some(CHALLENGE)), TESTER).is_ok());
        let mut declared = client(json!(["https://app/cb"]));
        declared.raw["client_secret"] = json!("s");
        declared.raw["token_endpoint_auth_method"] = json!("none");
        assert!(Authorization::parse(&[declared.clone()], &[], &query(None), TESTER).is_err(), "none: public");
        declared.raw["token_endpoint_auth_method"] = json!("client_secret_post");
        assert!(Authorization::parse(&[declared], &[], &query(None), TESTER).is_ok(), "confidential");
    }

    #[test]
    fn the_query_is_appended_before_a_fragment() {
        assert_eq!(
            with_query("https://a/cb?x=1#f", &[("error", "access_denied")], None),
            "https://a/cb?x=1&error=access_denied#f"
        );
    }
}
