//! Auth0 Actions: one module per trigger, each giving its [`ActionTrigger`] (handler names,
//! default `event`, a command it requires), registered in [`spec`]; the
//! inputs every trigger's handler receives (`input.rs`) and how its result reads. Each trigger's
//! `api` lives in `js_runtime/actions/<trigger>/`, registered in `js_runtime/actions/triggers.js`.

mod credentials_exchange;
mod custom_email_provider;
mod custom_phone_provider;
mod custom_token_exchange;
mod event_stream;
mod extension;
mod input;
mod password_reset_post_challenge;
mod post_change_password;
pub mod post_login;
pub mod post_login_event;
mod post_user_registration;
mod pre_user_registration;
mod send_phone_message;

use serde_json::Value;

pub(crate) use extension::extension;
pub(crate) use input::build_input;

use crate::api_call::ApiName;
use crate::effects::Effect;
use crate::outcome::{Command, OutcomeError, Status};
use crate::trigger::Trigger;

/// What actionhost knows of one Actions trigger.
#[derive(Debug)]
pub struct ActionTrigger {
    /// The trigger.
    pub trigger: Trigger,
    /// The handler Auth0 calls (`onExecutePostLogin`).
    pub execute: &'static str,
    /// The handler Auth0 calls when the user comes back from a redirect (`onContinuePostLogin`),
    /// for the triggers that redirect.
    pub resume: Option<&'static str>,
    /// The complete default `event` a request's overrides are merged into.
    pub default_event: fn() -> Value,
    /// Commands of which an execution that completes must record one, and the message of the
    /// error it is otherwise (custom-token-exchange must set the user).
    pub requires: Option<(&'static [ApiName], &'static str)>,
}

impl ActionTrigger {
    /// The handler names, `onExecute…` first.
    pub fn handlers(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.execute).chain(self.resume)
    }
}

/// The table of Actions triggers; `None` for a Rule.
pub fn spec(trigger: Trigger) -> Option<&'static ActionTrigger> {
    match trigger {
        Trigger::PostLogin => Some(&post_login::TRIGGER),
        Trigger::CredentialsExchange => Some(&credentials_exchange::TRIGGER),
        Trigger::PreUserRegistration => Some(&pre_user_registration::TRIGGER),
        Trigger::PostUserRegistration => Some(&post_user_registration::TRIGGER),
        Trigger::PostChangePassword => Some(&post_change_password::TRIGGER),
        Trigger::SendPhoneMessage => Some(&send_phone_message::TRIGGER),
        Trigger::PasswordResetPostChallenge => Some(&password_reset_post_challenge::TRIGGER),
        Trigger::CustomTokenExchange => Some(&custom_token_exchange::TRIGGER),
        Trigger::CustomEmailProvider => Some(&custom_email_provider::TRIGGER),
        Trigger::CustomPhoneProvider => Some(&custom_phone_provider::TRIGGER),
        Trigger::EventStream => Some(&event_stream::TRIGGER),
        Trigger::Rule => None,
    }
}

/// Every Actions trigger actionhost runs.
pub fn specs() -> impl Iterator<Item = &'static ActionTrigger> {
    Trigger::actions().filter_map(spec)
}

/// The trigger whose handler is named `handler`.
pub fn by_handler(handler: &str) -> Option<&'static ActionTrigger> {
    specs().find(|spec| spec.handlers().any(|name| name == handler))
}

/// Reads the runner's `{ok, returned}` / `{ok: false, error}` result with the recorded
/// commands: a call that denies in the trigger's api (`access.deny`, …) makes it denied, else
/// `redirect.sendUserTo` redirected (a deny wins over a redirect, `docs/outcome.md`), else it
/// completed.
pub fn interpret(spec: &ActionTrigger, value: &Value, commands: &[Command]) -> (Status, Value, Option<OutcomeError>) {
    if value["ok"] != Value::Bool(true) {
        return (Status::Error, Value::Null, Some(OutcomeError::from_js(&value["error"])));
    }
    let effects: Vec<Effect> = Effect::of_commands(spec.trigger, commands).collect();
    let status = if effects.iter().any(|e| matches!(e, Effect::Deny(_))) {
        Status::Denied
    } else if effects.iter().any(|e| matches!(e, Effect::Redirect(_))) {
        Status::Redirected
    } else {
        Status::Completed
    };
    if let Some((one_of, message)) = spec.requires {
        if status == Status::Completed && !commands.iter().any(|c| one_of.contains(&c.name())) {
            return (Status::Error, value["returned"].clone(), Some(OutcomeError::new("Error", message)));
        }
    }
    (status, value["returned"].clone(), None)
}

/// A default event given as JSON text (`events/<trigger>.json`), parsed once.
macro_rules! json_event {
    ($file:literal) => {{
        static EVENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
        EVENT
            .get_or_init(|| {
                serde_json::from_str(include_str!($file)).expect(concat!($file, " is a JSON object (tested)"))
            })
            .clone()
    }};
}
use json_event;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_actions_trigger_has_one_entry_with_its_own_handlers() {
        for trigger in Trigger::actions() {
            let spec = spec(trigger).unwrap_or_else(|| panic!("{trigger} has no entry"));
            assert_eq!(spec.trigger, trigger);
            assert!(spec.execute.starts_with("onExecute"), "{trigger}: {}", spec.execute);
            assert!(spec.resume.is_none_or(|name| name.starts_with("onContinue")), "{trigger}");
            assert!((spec.default_event)().is_object(), "{trigger}: default event");
            for handler in spec.handlers() {
                assert_eq!(by_handler(handler).map(|s| s.trigger), Some(trigger), "{handler}");
            }
        }
        assert!(spec(Trigger::Rule).is_none());
    }

    fn command(api: &str, args: Value) -> Command {
        serde_json::from_value(serde_json::json!({"api": api, "args": args})).unwrap()
    }

    /// Auth0's custom-token-exchange api reference: "Exactly one of
    /// api.authentication.setUserByConnection api.authentication.setUserById must be called".
    #[test]
    fn a_token_exchange_that_sets_no_user_fails() {
        let spec = spec(Trigger::CustomTokenExchange).unwrap();
        let ok = serde_json::json!({"ok": true, "returned": null});
        let (status, _, error) = interpret(spec, &ok, &[command("cache.set", json!(["k", "v", {}]))]);
        assert_eq!(status, Status::Error);
        assert!(error.unwrap().message.starts_with("the Action set no user"));
        assert_eq!(interpret(spec, &ok, &[command("authentication.setUserById", json!(["u"]))]).0, Status::Completed);
        let by_connection = command("authentication.setUserByConnection", json!(["db", {}, null]));
        assert_eq!(interpret(spec, &ok, &[by_connection]).0, Status::Completed);
        let reject = command("access.rejectInvalidSubjectToken", json!(["expired"]));
        assert_eq!(interpret(spec, &ok, &[reject]).0, Status::Denied);
        // A deny wins over a redirect (`docs/outcome.md`); other triggers complete without any command.
        let post_login = super::spec(Trigger::PostLogin).unwrap();
        let both = [command("redirect.sendUserTo", json!(["https://x"])), command("access.deny", json!(["no"]))];
        assert_eq!(interpret(post_login, &ok, &both).0, Status::Denied);
        assert_eq!(interpret(post_login, &ok, &both[..1]).0, Status::Redirected);
        assert_eq!(interpret(super::spec(Trigger::PostLogin).unwrap(), &ok, &[]).0, Status::Completed);
    }

    /// The JavaScript table (`js_runtime/actions/triggers.js` and each folder's `TRIGGER`)
    /// names the same triggers and handlers as this one.
    #[test]
    fn the_javascript_table_agrees() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/js_runtime/actions");
        let table = std::fs::read_to_string(format!("{root}/triggers.js")).unwrap();
        for spec in specs() {
            let folder = spec.trigger.as_str().replace('-', "_");
            assert!(table.contains(&format!("\"./{folder}/api.js\"")), "triggers.js lacks {folder}");
            let api = std::fs::read_to_string(format!("{root}/{folder}/api.js")).unwrap();
            assert!(api.contains(&format!("id: \"{}\"", spec.trigger)), "{folder}/api.js: id");
            assert!(api.contains(&format!("execute: \"{}\"", spec.execute)), "{folder}/api.js: execute");
            if let Some(resume) = spec.resume {
                assert!(api.contains(&format!("continue: \"{resume}\"")), "{folder}/api.js: continue");
            } else {
                assert!(!api.contains("continue: \"on"), "{folder}/api.js: a continue handler Rust does not know");
            }
        }
        assert_eq!(table.matches("/api.js\"").count(), specs().count(), "triggers.js has entries Rust does not know");
    }
}
