//! The recorded api calls as one Rust vocabulary: [`ApiCall`] has one variant per command name
//! the JavaScript `api` objects (`js_runtime/actions/*/`) and the Rules' `auth0` object
//! (`js_runtime/rules/rule_globals.js`) record, each with its arguments read once into a typed
//! payload. A [`Command`] is one recorded call: its [`ApiCall`] and the arguments exactly as they
//! were recorded (what the Outcome JSON shows). A name outside the list, or arguments of another
//! shape, is a [`CommandError`]: the host reports it as the execution's error, never ignores it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::closed_set::closed_set;

/// Arguments kept as recorded: calls that change nothing the host simulates (session and
/// refresh-token settings, SAML response settings, the cache, notifications).
pub type Args = Vec<Value>;

/// `(key, value)`: a custom claim, a metadata write (`null` deletes the key).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct KeyValue {
    pub key: String,
    pub value: Value,
}

/// `(scope)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Scope {
    pub scope: String,
}

/// `(scopes)`: credentials-exchange's `transaction.setTargetScopes`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Scopes {
    pub scopes: Vec<String>,
}

/// `(text)`: a URL, a user id, a reason.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Text {
    pub text: String,
}

/// `(value)`: an organization, an actor.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct One {
    pub value: Value,
}

/// `access.deny`: `(reason)` in post-login and password-reset-post-challenge, `(reason,
/// userMessage)` in pre-user-registration, `(code, reason)` in credentials-exchange and
/// custom-token-exchange; what each argument means depends on the trigger (see
/// [`crate::effects::Effect::of_call`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Deny {
    pub first: String,
    #[serde(default)]
    pub second: Option<String>,
}

/// `validation.error(code, message)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CodeMessage {
    pub code: String,
    pub message: String,
}

/// `multifactor.enable(provider, options)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MfaEnable {
    pub provider: String,
    #[serde(default)]
    pub options: Value,
}

/// `authentication.challengeWith(factor, options?)` and its siblings (`…Any(factors)`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Factors {
    pub factors: Value,
    #[serde(default)]
    pub options: Value,
}

/// `prompt.render(id, options)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Prompt {
    pub id: Value,
    #[serde(default)]
    pub options: Value,
}

/// `authentication.setUserByConnection(connection, attributes, options)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ByConnection {
    pub connection: String,
    pub attributes: Map<String, Value>,
    #[serde(default)]
    pub options: Value,
}

/// `auth0.users.update…Metadata(userId, metadata)` of a Rule.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserUpdate {
    pub user_id: Value,
    pub metadata: Value,
}

/// Defines [`ApiName`] (the closed set of command names) and [`ApiCall`] (one variant per name,
/// with its payload read from the recorded arguments) from one list.
macro_rules! api_calls {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) => $name:literal, )+) => {
        closed_set! {
            /// The name of a recorded api call, as the JavaScript records it.
            pub enum ApiName("api command") {
                $( #[doc = concat!("`", $name, "`")] $variant => $name, )+
            }
        }

        /// One recorded api call and its arguments.
        #[derive(Debug, Clone, PartialEq)]
        pub enum ApiCall {
            $( $(#[$doc])* $variant($payload), )+
        }

        impl ApiCall {
            /// The command name.
            pub fn name(&self) -> ApiName {
                match self {
                    $( ApiCall::$variant(_) => ApiName::$variant, )+
                }
            }

            fn read(name: ApiName, args: Value) -> Result<ApiCall, serde_json::Error> {
                match name {
                    $( ApiName::$variant => serde_json::from_value(args).map(ApiCall::$variant), )+
                }
            }
        }
    };
}

api_calls! {
    /// Ends the login / flow denied.
    AccessDeny(Deny) => "access.deny",
    /// custom-token-exchange: the subject token is invalid.
    AccessRejectInvalidSubjectToken(Text) => "access.rejectInvalidSubjectToken",
    AccessTokenSetCustomClaim(KeyValue) => "accessToken.setCustomClaim",
    AccessTokenAddScope(Scope) => "accessToken.addScope",
    AccessTokenRemoveScope(Scope) => "accessToken.removeScope",
    IdTokenSetCustomClaim(KeyValue) => "idToken.setCustomClaim",
    MultifactorEnable(MfaEnable) => "multifactor.enable",
    AuthenticationChallengeWith(Factors) => "authentication.challengeWith",
    AuthenticationChallengeWithAny(Factors) => "authentication.challengeWithAny",
    AuthenticationEnrollWith(Factors) => "authentication.enrollWith",
    AuthenticationEnrollWithAny(Factors) => "authentication.enrollWithAny",
    AuthenticationRecordMethod(Args) => "authentication.recordMethod",
    AuthenticationSetPrimaryUser(Args) => "authentication.setPrimaryUser",
    AuthenticationSetUserById(Text) => "authentication.setUserById",
    AuthenticationSetUserByConnection(ByConnection) => "authentication.setUserByConnection",
    AuthenticationSetOrganization(One) => "authentication.setOrganization",
    AuthenticationSetActor(One) => "authentication.setActor",
    UserSetAppMetadata(KeyValue) => "user.setAppMetadata",
    UserSetUserMetadata(KeyValue) => "user.setUserMetadata",
    UserSetUserId(Text) => "user.setUserId",
    ValidationError(CodeMessage) => "validation.error",
    RedirectSendUserTo(Text) => "redirect.sendUserTo",
    PromptRender(Prompt) => "prompt.render",
    TransactionSetMetadata(KeyValue) => "transaction.setMetadata",
    TransactionAddTargetScope(Scope) => "transaction.addTargetScope",
    TransactionRemoveTargetScope(Scope) => "transaction.removeTargetScope",
    TransactionSetTargetScopes(Scopes) => "transaction.setTargetScopes",
    TransactionClearTargetScopes(Args) => "transaction.clearTargetScopes",
    TransactionSetResultUrl(Text) => "transaction.setResultUrl",
    SessionRevoke(Args) => "session.revoke",
    SessionSetExpiresAt(Args) => "session.setExpiresAt",
    SessionSetIdleExpiresAt(Args) => "session.setIdleExpiresAt",
    SessionSetCookieMode(Args) => "session.setCookieMode",
    SessionSetMetadata(Args) => "session.setMetadata",
    SessionDeleteMetadata(Args) => "session.deleteMetadata",
    SessionEvictMetadata(Args) => "session.evictMetadata",
    RefreshTokenRevoke(Args) => "refreshToken.revoke",
    RefreshTokenSetExpiresAt(Args) => "refreshToken.setExpiresAt",
    RefreshTokenSetIdleExpiresAt(Args) => "refreshToken.setIdleExpiresAt",
    RefreshTokenSetMetadata(Args) => "refreshToken.setMetadata",
    RefreshTokenDeleteMetadata(Args) => "refreshToken.deleteMetadata",
    RefreshTokenEvictMetadata(Args) => "refreshToken.evictMetadata",
    SamlResponseSetAttribute(Args) => "samlResponse.setAttribute",
    SamlResponseSetAudience(Args) => "samlResponse.setAudience",
    SamlResponseSetRecipient(Args) => "samlResponse.setRecipient",
    SamlResponseSetCreateUpnClaim(Args) => "samlResponse.setCreateUpnClaim",
    SamlResponseSetPassthroughClaimsWithNoMapping(Args) => "samlResponse.setPassthroughClaimsWithNoMapping",
    SamlResponseSetMapUnknownClaimsAsIs(Args) => "samlResponse.setMapUnknownClaimsAsIs",
    SamlResponseSetMapIdentities(Args) => "samlResponse.setMapIdentities",
    SamlResponseSetSignatureAlgorithm(Args) => "samlResponse.setSignatureAlgorithm",
    SamlResponseSetDigestAlgorithm(Args) => "samlResponse.setDigestAlgorithm",
    SamlResponseSetDestination(Args) => "samlResponse.setDestination",
    SamlResponseSetLifetimeInSeconds(Args) => "samlResponse.setLifetimeInSeconds",
    SamlResponseSetSignResponse(Args) => "samlResponse.setSignResponse",
    SamlResponseSetNameIdentifierFormat(Args) => "samlResponse.setNameIdentifierFormat",
    SamlResponseSetNameIdentifierProbes(Args) => "samlResponse.setNameIdentifierProbes",
    SamlResponseSetAuthnContextClassRef(Args) => "samlResponse.setAuthnContextClassRef",
    SamlResponseSetSigningCert(Args) => "samlResponse.setSigningCert",
    SamlResponseSetIncludeAttributeNameFormat(Args) => "samlResponse.setIncludeAttributeNameFormat",
    SamlResponseSetTypedAttributes(Args) => "samlResponse.setTypedAttributes",
    SamlResponseSetEncryptionCert(Args) => "samlResponse.setEncryptionCert",
    SamlResponseSetEncryptionPublicKey(Args) => "samlResponse.setEncryptionPublicKey",
    SamlResponseSetCert(Args) => "samlResponse.setCert",
    SamlResponseSetKey(Args) => "samlResponse.setKey",
    SamlResponseSetRelayState(Args) => "samlResponse.setRelayState",
    SamlResponseSetIssuer(Args) => "samlResponse.setIssuer",
    SamlResponseSetEncryptionAlgorithm(Args) => "samlResponse.setEncryptionAlgorithm",
    CacheSet(Args) => "cache.set",
    CacheDelete(Args) => "cache.delete",
    NotificationDrop(Args) => "notification.drop",
    NotificationRetry(Args) => "notification.retry",
    /// A Rule's Management API call for a user's `app_metadata`.
    Auth0UsersUpdateAppMetadata(UserUpdate) => "auth0.users.updateAppMetadata",
    /// A Rule's Management API call for a user's `user_metadata`.
    Auth0UsersUpdateUserMetadata(UserUpdate) => "auth0.users.updateUserMetadata",
}

/// A recorded call the host cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No api records a call of this name.
    #[error("unknown api command {0:?}")]
    Unknown(String),
    /// The arguments do not have the shape the api records.
    #[error("{name}: unexpected arguments ({reason})")]
    Arguments { name: ApiName, reason: String },
}

/// One recorded call: its name ([`ApiName`]) and its arguments as recorded (`{"api", "args"}`
/// in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Recorded", into = "Recorded")]
pub struct Command {
    call: ApiCall,
    args: Vec<Value>,
}

/// The wire form of a [`Command`]: `{"api": name, "args": [...]}`.
#[derive(Serialize, Deserialize)]
struct Recorded {
    api: String,
    args: Vec<Value>,
}

impl Command {
    /// Reads the call `name(args…)` as recorded.
    pub(crate) fn parse(name: &str, args: Vec<Value>) -> Result<Command, CommandError> {
        let api: ApiName = name.parse().map_err(|_| CommandError::Unknown(name.to_owned()))?;
        let call = ApiCall::read(api, Value::Array(args.clone()))
            .map_err(|e| CommandError::Arguments { name: api, reason: e.to_string() })?;
        Ok(Command { call, args })
    }

    /// What the call means.
    pub(crate) fn call(&self) -> &ApiCall {
        &self.call
    }

    /// The command name (`idToken.setCustomClaim`).
    pub fn name(&self) -> ApiName {
        self.call.name()
    }

    /// The arguments as recorded.
    pub fn args(&self) -> &[Value] {
        &self.args
    }
}

impl TryFrom<Recorded> for Command {
    type Error = CommandError;

    fn try_from(recorded: Recorded) -> Result<Command, CommandError> {
        Command::parse(&recorded.api, recorded.args)
    }
}

impl From<Command> for Recorded {
    fn from(command: Command) -> Recorded {
        Recorded { api: command.name().as_str().to_owned(), args: command.args }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    #[test]
    fn a_command_reads_its_call_and_writes_its_arguments_as_recorded() {
        let recorded = json!({"api": "access.deny", "args": ["invalid_scope", null]});
        let command: Command = serde_json::from_value(recorded.clone()).unwrap();
        assert_eq!(command.call(), &ApiCall::AccessDeny(Deny { first: "invalid_scope".into(), second: None }));
        assert_eq!(serde_json::to_value(&command).unwrap(), recorded);
        let short = Command::parse("access.deny", vec![json!("no")]).unwrap();
        assert_eq!(short.args(), [json!("no")]);
        let claim = Command::parse("idToken.setCustomClaim", vec![json!("k"), json!({"a": 1})]).unwrap();
        assert_eq!(claim.call(), &ApiCall::IdTokenSetCustomClaim(KeyValue { key: "k".into(), value: json!({"a": 1}) }));
    }

    #[test]
    fn an_unknown_name_or_shape_is_an_error() {
        let error = serde_json::from_value::<Command>(json!({"api": "idToken.setClaim", "args": []})).unwrap_err();
        assert!(error.to_string().contains(r#"unknown api command "idToken.setClaim""#), "{error}");
        let error = Command::parse("idToken.setCustomClaim", vec![json!(1), json!(2)]).unwrap_err();
        assert!(matches!(error, CommandError::Arguments { name: ApiName::IdTokenSetCustomClaim, .. }), "{error}");
        assert!(Command::parse("accessToken.addScope", vec![json!("a"), json!("b")]).is_err());
    }

    /// Every dotted name written as a string in the Actions `api` modules and the Rules' globals,
    /// except those used only in messages. (custom-token-exchange's `api.user` builds its names
    /// as `"user." + method`: the same names post-login's `api.user` spells out.)
    fn javascript_names() -> BTreeSet<String> {
        /// Named in error messages, never recorded: read-only calls and an option's path.
        const NOT_RECORDED: [&str; 6] = [
            "cache.get",
            "redirect.canRedirect",
            "redirect.encodeToken",
            "redirect.validateToken",
            "rules.wasExecuted",
            "options.additionalFactors",
        ];
        let pattern = regex::Regex::new(r#""([a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)+)""#).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js_runtime");
        let mut folders = vec![root.join("actions"), root.join("rules")];
        let mut names = BTreeSet::new();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "js") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    names.extend(pattern.captures_iter(&text).map(|c| c[1].to_owned()));
                }
            }
        }
        names.retain(|name| !NOT_RECORDED.contains(&name.as_str()));
        names
    }

    /// The command names the JavaScript records are exactly [`ApiName`]'s.
    #[test]
    fn the_javascript_names_agree() {
        let rust: BTreeSet<String> = ApiName::NAMES.iter().map(|n| n.to_string()).collect();
        let javascript = javascript_names();
        let missing: Vec<_> = javascript.difference(&rust).collect();
        let extra: Vec<_> = rust.difference(&javascript).collect();
        assert!(missing.is_empty(), "recorded by the JavaScript, unknown to ApiName: {missing:?}");
        assert!(extra.is_empty(), "in ApiName, recorded by no JavaScript: {extra:?}");
    }
}
