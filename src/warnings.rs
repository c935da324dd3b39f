//! The warnings of an outcome: things that did not stop the script but that a user needs to see
//! (the `warnings` of every outcome, documented in `docs/outcome.md`). Found before the run from
//! the script's text and the input it gets ([`Watch::before`]), and after it from what the
//! script did ([`Watch::finish`]):
//! - an Action of a tenant declares a secret without a value and its text reads it
//!   (`event.secrets.NAME`) while the execution gives none ([`unset_secret_reads`]);
//! - the text calls a deprecated api (`api.redirect.canRedirect()`);
//! - an ID-token claim holds the value of an application-metadata key that looks like a secret
//!   (`SECRET`, `KEY`, `TOKEN`, `PASSWORD` in its name): any user can read an ID token.
//!
//! Unmapped keywords of a tenant's script and unset secrets are found where the tenant is applied
//! and carried on the request (`Request::warnings`, set by `tenant::apply`).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::effects::{Effect, Token};
use crate::outcome::Outcome;
use crate::trigger::Trigger;

/// Words that make an application-metadata key look like a secret (case-insensitive, anywhere
/// in the key).
pub const SECRET_LIKE: [&str; 4] = ["SECRET", "KEY", "TOKEN", "PASSWORD"];

/// `secrets.NAME`, `secrets?.NAME`, `secrets["NAME"]`, `secrets?.['NAME']`.
static SECRET_READ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bsecrets\s*(?:\?\.\s*|\.\s*)(?:([A-Za-z_$][\w$]*)|\[\s*["'`]([^"'`]+)["'`]\s*\])|\bsecrets\s*\[\s*["'`]([^"'`]+)["'`]\s*\]"#)
        .expect("valid pattern")
});

/// `{ A, B: b } = event.secrets` (destructuring).
static SECRET_DESTRUCTURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([^{}]*)\}\s*=\s*(?:[\w$]+\s*\.\s*)?secrets\b").expect("valid pattern"));

/// Auth0 marked `api.redirect.canRedirect()` deprecated in post-login v3 ("Breaking changes:
/// api.redirect.canRedirect() marked as deprecated", https://auth0.com/docs/releases); a script
/// should check whether a redirect is needed and possible itself (`event.transaction.protocol`,
/// `event.request.query.prompt`) before `api.redirect.sendUserTo()`.
static CAN_REDIRECT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\.\s*canRedirect\s*\(").expect("valid pattern"));

/// What is known before the run, kept to judge the outcome after it.
#[derive(Debug, Default)]
pub struct Watch {
    /// Warnings found in the script's text.
    found: Vec<String>,
    /// Application-metadata entries whose key looks like a secret: (key, value).
    secret_metadata: Vec<(String, Value)>,
}

impl Watch {
    /// Reads the script's text (`source`, reported as `file`) and the input it is given.
    pub fn before(trigger: Trigger, file: &str, source: &str, input: &Value) -> Watch {
        let mut found = Vec::new();
        let metadata = if trigger.is_action() {
            // The plain search first: the pattern's line scan runs only for scripts that can match.
            if trigger == Trigger::PostLogin && source.contains("canRedirect") {
                for line in lines_matching(&CAN_REDIRECT, source) {
                    found.push(format!(
                        "{file}:{line}: api.redirect.canRedirect() is deprecated (post-login v3); check \
                         event.transaction.protocol and event.request.query.prompt before api.redirect.sendUserTo() \
                         instead"
                    ));
                }
            }
            input.pointer("/event/client/metadata")
        } else {
            input.pointer("/context/clientMetadata")
        };
        Watch { found, secret_metadata: secret_entries(metadata) }
    }

    /// For a Rule run right after `previous` in one job: its `context` is the one `previous`
    /// passed to its callback (Rules have no warnings of their text).
    pub fn after_rule(previous: &Outcome) -> Watch {
        let metadata = previous.callback.as_ref().and_then(|callback| callback.context.get("clientMetadata"));
        Watch { found: Vec::new(), secret_metadata: secret_entries(metadata) }
    }

    /// The warnings of the run: those of the text, then the secret-looking metadata values the
    /// script copied into an ID-token claim.
    pub fn finish(self, outcome: &Outcome) -> Vec<String> {
        let mut warnings = self.found;
        if self.secret_metadata.is_empty() {
            return warnings;
        }
        for (claim, value) in id_token_claims(outcome) {
            if let Some((key, _)) = self.secret_metadata.iter().find(|(_, secret)| *secret == value) {
                warnings.push(format!(
                    "ID-token claim {claim:?} holds the value of the application's metadata {key:?}, which looks \
                     like a secret: any user can read an ID token (keep secrets out of ID-token claims)"
                ));
            }
        }
        warnings
    }
}

/// The entries of application metadata whose key looks like a secret and whose value is set.
fn secret_entries(metadata: Option<&Value>) -> Vec<(String, Value)> {
    metadata
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter(|(key, value)| looks_secret(key) && value.as_str().is_some_and(|v| !v.is_empty()))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The secrets `action` declares without a value that its code reads while `secrets` (what the
/// execution gets) has none for them, one warning each at the first read.
pub fn unset_secret_reads(action: &crate::tenant::Action, secrets: &serde_json::Map<String, Value>) -> Vec<String> {
    if action.unset_secrets.is_empty() {
        return vec![];
    }
    let file = action.code_path.display();
    secret_reads(&action.code)
        .into_iter()
        .filter(|(_, name)| action.unset_secrets.contains(name) && secrets.get(name).is_none_or(Value::is_null))
        .map(|(line, name)| {
            format!(
                "{file}:{line}: the script reads secret {name}, which has no value (event.secrets.{name} is \
                 undefined; the tenant declares it without one); give it with --secret {name}=VALUE, a keyword \
                 mapping of {name} or the case's secrets"
            )
        })
        .collect()
}

/// Whether an application-metadata key looks like it holds a secret.
pub fn looks_secret(key: &str) -> bool {
    let upper = key.to_uppercase();
    SECRET_LIKE.iter().any(|word| upper.contains(word))
}

/// The ID-token claims a script set: `api.idToken.setCustomClaim(name, value)` of an Action, or
/// `context.idToken[name] = value` of a Rule (as the callback passed it).
fn id_token_claims(outcome: &Outcome) -> Vec<(String, Value)> {
    let effects: Vec<Effect> = match &outcome.callback {
        Some(callback) => Effect::of_rule_context(&callback.context),
        None => Effect::of_commands(outcome.trigger.unwrap_or(Trigger::PostLogin), &outcome.commands).collect(),
    };
    effects
        .into_iter()
        .filter_map(|effect| match effect {
            Effect::Claim { token: Token::Id, key, value } => Some((key, value)),
            _ => None,
        })
        .collect()
}

/// The secrets the text reads, each once at its first line (1-based); comment lines skipped.
fn secret_reads(source: &str) -> Vec<(usize, String)> {
    let mut seen = BTreeSet::new();
    let mut reads = Vec::new();
    for (index, line) in code_lines(source) {
        let mut names: Vec<String> = SECRET_READ
            .captures_iter(line)
            .filter_map(|c| c.get(1).or(c.get(2)).or(c.get(3)).map(|m| m.as_str().to_owned()))
            .collect();
        for captures in SECRET_DESTRUCTURE.captures_iter(line) {
            for part in captures[1].split(',') {
                let name = part.split([':', '=']).next().unwrap_or("").trim();
                if !name.is_empty() && !name.starts_with("...") {
                    names.push(name.to_owned());
                }
            }
        }
        for name in names {
            if seen.insert(name.clone()) {
                reads.push((index + 1, name));
            }
        }
    }
    reads
}

fn lines_matching(pattern: &Regex, source: &str) -> Vec<usize> {
    code_lines(source).filter(|(_, line)| pattern.is_match(line)).map(|(index, _)| index + 1).collect()
}

/// Lines with their 0-based index, `//` comment lines left out.
fn code_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source.lines().enumerate().filter(|(_, line)| !line.trim_start().starts_with("//"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_reads_in_every_spelling() {
        let source = "const a = event.secrets.API_KEY;\n// event.secrets.COMMENTED\nfetch(event.secrets?.['URL'], \
                      event.secrets[\"TOKEN\"]);\nconst { ONE, TWO: two } = event.secrets;\nevent.secrets.API_KEY;";
        let names: Vec<(usize, String)> = secret_reads(source);
        let expected: Vec<(usize, String)> =
            vec![(1, "API_KEY".into()), (3, "URL".into()), (3, "TOKEN".into()), (4, "ONE".into()), (4, "TWO".into())];
        assert_eq!(names, expected);
    }

    #[test]
    fn secret_like_keys() {
        for key in ["API_SECRET", "apiKey", "refresh_token", "dbPassword", "KEY"] {
            assert!(looks_secret(key), "{key}");
        }
        for key in ["plan", "region", "tenant_name"] {
            assert!(!looks_secret(key), "{key}");
        }
    }
}
