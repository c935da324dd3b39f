//! [`Trigger`]: which Auth0 extension point a script implements, named by Auth0's own trigger
//! ids (the ids the Management API and the Deploy CLI use), plus `rule` for a legacy Rule.
//! Parsing a trigger id suggests the closest known one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which Auth0 extension point the script implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// `onExecutePostLogin` / `onContinuePostLogin`: a user logs in.
    PostLogin,
    /// `onExecuteCredentialsExchange`: an application gets an access token with its own
    /// credentials (`client_credentials`).
    CredentialsExchange,
    /// `onExecutePreUserRegistration`: a database or passwordless user signs up, before the user
    /// exists.
    PreUserRegistration,
    /// `onExecutePostUserRegistration`: after a user was created.
    PostUserRegistration,
    /// `onExecutePostChangePassword`: after a user changed their password.
    PostChangePassword,
    /// `onExecuteSendPhoneMessage`: an MFA code is sent by SMS or voice.
    SendPhoneMessage,
    /// `onExecutePostChallenge` / `onContinuePostChallenge`: a password reset, after its first
    /// challenge.
    PasswordResetPostChallenge,
    /// `onExecuteCustomTokenExchange`: a subject token is exchanged for Auth0 tokens.
    CustomTokenExchange,
    /// `onExecuteCustomEmailProvider`: Auth0 sends an email through the tenant's provider.
    CustomEmailProvider,
    /// `onExecuteCustomPhoneProvider`: Auth0 sends an SMS or voice message through the tenant's
    /// provider.
    CustomPhoneProvider,
    /// `onExecuteEventStream`: a tenant event is delivered to an Action.
    EventStream,
    /// A legacy Rule (`function (user, context, callback) {…}`).
    Rule,
}

impl Trigger {
    /// Every trigger, Actions triggers first in Auth0's order.
    pub const ALL: [Trigger; 12] = [
        Trigger::PostLogin,
        Trigger::CredentialsExchange,
        Trigger::PreUserRegistration,
        Trigger::PostUserRegistration,
        Trigger::PostChangePassword,
        Trigger::SendPhoneMessage,
        Trigger::PasswordResetPostChallenge,
        Trigger::CustomTokenExchange,
        Trigger::EventStream,
        Trigger::CustomEmailProvider,
        Trigger::CustomPhoneProvider,
        Trigger::Rule,
    ];

    /// Auth0's id of the trigger (`post-login`, …), or `rule`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::PostLogin => "post-login",
            Trigger::CredentialsExchange => "credentials-exchange",
            Trigger::PreUserRegistration => "pre-user-registration",
            Trigger::PostUserRegistration => "post-user-registration",
            Trigger::PostChangePassword => "post-change-password",
            Trigger::SendPhoneMessage => "send-phone-message",
            Trigger::PasswordResetPostChallenge => "password-reset-post-challenge",
            Trigger::CustomTokenExchange => "custom-token-exchange",
            Trigger::CustomEmailProvider => "custom-email-provider",
            Trigger::CustomPhoneProvider => "custom-phone-provider",
            Trigger::EventStream => "event-stream",
            Trigger::Rule => "rule",
        }
    }

    /// The Actions triggers (every trigger but `rule`).
    pub fn actions() -> impl Iterator<Item = Trigger> {
        Trigger::ALL.into_iter().filter(|t| *t != Trigger::Rule)
    }

    /// Whether this is an Actions trigger (not a Rule).
    pub fn is_action(self) -> bool {
        self != Trigger::Rule
    }

    /// The known ids, comma-separated, for messages.
    pub(crate) fn known_ids() -> String {
        Trigger::ALL.map(Trigger::as_str).join(", ")
    }

    /// The Actions trigger of Auth0's id `id` (the ids of `supported_triggers` and
    /// `triggers.json`), or a message listing the known ids.
    pub(crate) fn action_from_id(id: &str) -> Result<Trigger, UnknownActionTrigger> {
        match id.parse::<Trigger>() {
            Ok(trigger) if trigger.is_action() => Ok(trigger),
            _ => Err(UnknownActionTrigger { given: id.to_owned() }),
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that names no Actions trigger (an Action's `supported_triggers`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown trigger id {given:?}; known: {}", Trigger::actions().map(Trigger::as_str).collect::<Vec<_>>().join(", "))]
pub(crate) struct UnknownActionTrigger {
    given: String,
}

/// A trigger id that names no trigger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown trigger {given:?}{}; known: {}", suggestion.map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default(), Trigger::known_ids())]
pub struct UnknownTrigger {
    /// What was given.
    pub given: String,
    /// The closest known id, when one is close.
    pub suggestion: Option<&'static str>,
}

impl FromStr for Trigger {
    type Err = UnknownTrigger;

    fn from_str(given: &str) -> Result<Trigger, UnknownTrigger> {
        Trigger::ALL.into_iter().find(|t| t.as_str() == given).ok_or_else(|| UnknownTrigger {
            given: given.to_owned(),
            suggestion: closest(given, Trigger::ALL.map(Trigger::as_str)),
        })
    }
}

/// The candidate closest to `given` (Jaro-Winkler similarity, case-insensitive), if it is close
/// enough to be a likely typo.
pub(crate) fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(&given, &candidate.to_lowercase()), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_auth0s_and_round_trip() {
        // The ids the Management API lists under `supported_triggers`.
        assert_eq!(Trigger::PasswordResetPostChallenge.as_str(), "password-reset-post-challenge");
        for trigger in Trigger::ALL {
            assert_eq!(trigger.as_str().parse::<Trigger>(), Ok(trigger));
            assert_eq!(serde_json::to_value(trigger).unwrap(), trigger.as_str());
        }
    }

    #[test]
    fn an_unknown_id_suggests_the_closest() {
        let error = "post_login".parse::<Trigger>().unwrap_err();
        assert_eq!(error.suggestion, Some("post-login"));
        assert!(error.to_string().starts_with(
            r#"unknown trigger "post_login" (did you mean "post-login"?); known: post-login, credentials-exchange"#
        ));
        assert_eq!("pre-login".parse::<Trigger>().unwrap_err().suggestion, Some("post-login"));
        assert_eq!("zzz".parse::<Trigger>().unwrap_err().suggestion, None);
    }

    /// A legacy Rule is no Actions trigger: the ids of an Action's `supported_triggers`
    /// (Auth0's Management API) are the Actions triggers' only.
    #[test]
    fn a_rule_is_no_actions_trigger() {
        assert!(!Trigger::Rule.is_action());
        for trigger in [Trigger::PostLogin, Trigger::CredentialsExchange, Trigger::EventStream] {
            assert!(trigger.is_action(), "{trigger}");
            assert_eq!(Trigger::action_from_id(trigger.as_str()), Ok(trigger));
        }
        let error = Trigger::action_from_id("rule").unwrap_err().to_string();
        assert!(error.starts_with(r#"unknown trigger id "rule"; known: post-login, "#), "{error}");
        assert!(!error.contains(", rule"), "{error}");
    }
}
