//! Telling a script's trigger from its source: an Action exports a handler whose name Auth0 ties
//! to one trigger (`exports.onExecuteCredentialsExchange = …`); a Rule is a bare function
//! expression. A script that is neither gets [`UnknownHandler`]: the handler names it has, the
//! closest known one, and every trigger's handlers.

use crate::actions;
use crate::trigger::{closest, Trigger};

/// A script whose trigger cannot be told from its source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct UnknownHandler {
    /// The handler-like names (`onExecute…`, `onContinue…`) the script exports or mentions.
    pub found: Vec<String>,
    /// The known handler closest to one of them.
    pub suggestion: Option<&'static str>,
}

impl UnknownHandler {
    fn describe(&self) -> String {
        let mut text = if self.found.is_empty() {
            "exports no handler of a known trigger and is not a Rule (`function (user, context, callback) {…}`)"
                .to_owned()
        } else {
            format!("exports {}, which is no handler of a known trigger", self.found.join(", "))
        };
        if let Some(suggestion) = self.suggestion {
            text.push_str(&format!(" (did you mean {suggestion}?)"));
        }
        let handlers: Vec<String> = actions::specs()
            .map(|spec| format!("{} ({})", spec.handlers().collect::<Vec<_>>().join(" / "), spec.trigger))
            .collect();
        text.push_str(&format!(
            "; known handlers: {}; or give the trigger (--trigger {})",
            handlers.join(", "),
            Trigger::known_ids()
        ));
        text
    }
}

/// The trigger of `source`: the trigger of a known handler it assigns (`exports.<name> =`), a
/// Rule when it starts with a function, else the trigger of a known handler it names anywhere
/// (`module.exports = { onExecutePostLogin }`).
pub fn infer_trigger(source: &str) -> Result<Trigger, UnknownHandler> {
    let assigned = assigned_names(source);
    if let Some(spec) = assigned.iter().find_map(|name| actions::by_handler(name)) {
        return Ok(spec.trigger);
    }
    let code = strip_leading_comments(source);
    if code.starts_with("function") || code.starts_with("async function") {
        return Ok(Trigger::Rule);
    }
    let mentioned = handler_like_names(source);
    if let Some(spec) = mentioned.iter().find_map(|name| actions::by_handler(name)) {
        return Ok(spec.trigger);
    }
    let found: Vec<String> = if mentioned.is_empty() {
        assigned.into_iter().filter(|name| name.starts_with("on")).collect()
    } else {
        mentioned
    };
    let known: Vec<&'static str> = actions::specs().flat_map(|spec| spec.handlers()).collect();
    let suggestion = found.iter().find_map(|name| closest(name, known.iter().copied()));
    Err(UnknownHandler { found, suggestion })
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Names assigned as `exports.<name> =` (or `module.exports.<name> =`), in order, once each.
fn assigned_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (at, _) in source.match_indices("exports.") {
        let rest = &source[at + "exports.".len()..];
        let name: String = rest.chars().take_while(|c| is_identifier_char(*c)).collect();
        let after = rest[name.len()..].trim_start();
        if !name.is_empty() && after.starts_with('=') && !after.starts_with("==") && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Whole identifiers starting `onExecute` or `onContinue`, in order, once each.
fn handler_like_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for prefix in ["onExecute", "onContinue"] {
        for (at, _) in source.match_indices(prefix) {
            if source[..at].chars().next_back().is_some_and(is_identifier_char) {
                continue;
            }
            let name: String = source[at..].chars().take_while(|c| is_identifier_char(*c)).collect();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

fn strip_leading_comments(source: &str) -> &str {
    let mut rest = source.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, tail)| tail).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, tail)| tail).trim_start();
        } else {
            return rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_triggers() {
        assert_eq!(infer_trigger("exports.onExecutePostLogin = async () => {}"), Ok(Trigger::PostLogin));
        assert_eq!(infer_trigger("/** @title x */\n// y\nfunction (user, context, callback) {}"), Ok(Trigger::Rule));
        assert_eq!(infer_trigger("function addClaims(user, context, callback) {}"), Ok(Trigger::Rule));
        assert!(infer_trigger("module.exports = 1").is_err());
        // A rule that mentions the Action handler (say, in a migration note) is still a rule.
        assert_eq!(
            infer_trigger("// TODO: move to onExecutePostLogin\nfunction (user, context, callback) {}"),
            Ok(Trigger::Rule)
        );
        // An Action that starts with a helper function is still an Action.
        assert_eq!(
            infer_trigger("function helper() {}\nexports.onExecutePostLogin = async () => {};"),
            Ok(Trigger::PostLogin)
        );
        assert_eq!(infer_trigger("module.exports = { onExecutePostLogin: async () => {} };"), Ok(Trigger::PostLogin));
        assert_eq!(infer_trigger("exports.onContinuePostLogin = async () => {};"), Ok(Trigger::PostLogin));
    }

    #[test]
    fn every_handler_names_its_trigger() {
        for spec in actions::specs() {
            for handler in spec.handlers() {
                let source = format!("exports.{handler} = async (event, api) => {{}};");
                assert_eq!(infer_trigger(&source), Ok(spec.trigger), "{handler}");
                let source = format!("const {handler} = async () => {{}};\nmodule.exports = {{ {handler} }};");
                assert_eq!(infer_trigger(&source), Ok(spec.trigger), "{handler} in module.exports");
            }
        }
    }

    #[test]
    fn a_typo_gets_the_names_found_and_the_closest_handler() {
        let error = infer_trigger("exports.onExecutePostlogin = async (event, api) => {};").unwrap_err();
        assert_eq!(error.found, ["onExecutePostlogin"]);
        assert_eq!(error.suggestion, Some("onExecutePostLogin"));
        let message = error.to_string();
        assert!(message.starts_with("exports onExecutePostlogin, which is no handler of a known trigger (did you mean onExecutePostLogin?); known handlers: onExecutePostLogin / onContinuePostLogin (post-login)"), "{message}");
        assert!(message.ends_with(&format!("or give the trigger (--trigger {})", Trigger::known_ids())), "{message}");
        // A helper export is not listed as a handler.
        let error = infer_trigger("exports.helper = 1;").unwrap_err();
        assert!(error.found.is_empty() && error.suggestion.is_none());
        assert!(error.to_string().starts_with("exports no handler of a known trigger and is not a Rule"));
    }
}
