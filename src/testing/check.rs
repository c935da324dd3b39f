//! Checks an outcome against a case's `expect` block, field by field, and gives each failing
//! field with the lines that explain it. Also turns an outcome into the value a field would
//! have to hold to pass (for `--update` and the JSON report).

use serde_json::{json, Map, Value};

use super::diff::{self, partial, same, show};
use super::effects::Effects;
use super::expect::{CommandExpect, Expect, ExpectField, ListExpect, LogExpect, RequestExpect};
use crate::outcome::{Command, HttpRequest, LogLevel, LogLine, Outcome, Status};

/// One expected field the outcome does not satisfy.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub field: ExpectField,
    /// Why, as lines (`expected: …` / `actual: …`, or a diff).
    pub lines: Vec<String>,
}

pub fn check(expect: &Expect, outcome: &Outcome, effects: &Effects) -> Vec<Mismatch> {
    let mut found = Vec::new();
    for &field in ExpectField::ALL {
        if !expect.has(field) {
            continue;
        }
        let lines = field_lines(field, expect, outcome, effects);
        if !lines.is_empty() {
            found.push(Mismatch { field, lines });
        }
    }
    found
}

fn field_lines(field: ExpectField, expect: &Expect, outcome: &Outcome, effects: &Effects) -> Vec<String> {
    let mut out = Vec::new();
    match field {
        ExpectField::Status => {
            let expected = expect.status.expect("checked");
            if expected != effects.status {
                out = scalar(expected.as_str(), effects.status.as_str());
                if let Some(error) = outcome
                    .error
                    .as_ref()
                    .filter(|_| outcome.status == Status::Error || outcome.status == Status::Timeout)
                {
                    out.push(format!("error:    {}: {}", error.name, error.message));
                }
            }
        }
        ExpectField::Deny => optional_text(expect.deny.as_ref().expect("checked"), &effects.deny, &mut out),
        ExpectField::Redirect => optional_text(expect.redirect.as_ref().expect("checked"), &effects.redirect, &mut out),
        ExpectField::Claims => {
            let claims = expect.claims.as_ref().expect("checked");
            for (name, expected, actual) in [
                ("id_token", &claims.id_token, &effects.id_token),
                ("access_token", &claims.access_token, &effects.access_token),
            ] {
                if let Some(expected) = expected {
                    bag(name, expected, actual, &mut out);
                }
            }
        }
        ExpectField::Scopes => {
            let mut expected = expect.scopes.clone().expect("checked");
            expected.sort();
            expected.dedup();
            if expected != effects.scopes {
                out = scalar(&show(&json!(expected)), &show(&json!(effects.scopes)));
            }
        }
        ExpectField::Multifactor => match (expect.multifactor.as_ref().expect("checked"), &effects.multifactor) {
            (None, None) => {}
            (Some(expected), Some(actual)) => {
                partial("multifactor", &Value::Object(expected.clone()), Some(&Value::Object(actual.clone())), &mut out)
            }
            (expected, actual) => out = scalar(&show(&json!(expected)), &show(&json!(actual))),
        },
        ExpectField::AppMetadata => {
            bag("app_metadata", expect.app_metadata.as_ref().expect("checked"), &effects.app_metadata, &mut out)
        }
        ExpectField::UserMetadata => {
            bag("user_metadata", expect.user_metadata.as_ref().expect("checked"), &effects.user_metadata, &mut out)
        }
        ExpectField::Commands => {
            let expected = expect.commands.as_ref().expect("checked");
            list(expected, &outcome.commands, command_matches, render_command_expect, render_command, &mut out);
        }
        ExpectField::Logs => {
            let expected = expect.logs.as_ref().expect("checked");
            list(expected, &outcome.logs, log_matches, render_log_expect, render_log, &mut out);
        }
        ExpectField::Requests => {
            let expected = expect.requests.as_ref().expect("checked");
            list(expected, &outcome.requests, request_matches, render_request_expect, render_request, &mut out);
        }
        ExpectField::LogsTruncated => {
            let expected = expect.logs_truncated.expect("checked");
            if expected != outcome.logs_truncated {
                out = scalar(&expected.to_string(), &outcome.logs_truncated.to_string());
            }
        }
        ExpectField::Error => match (expect.error.as_ref().expect("checked"), &outcome.error) {
            (None, None) => {}
            (None, Some(actual)) => out = scalar("(none)", &format!("{}: {}", actual.name, actual.message)),
            (Some(_), None) => out = scalar("an error", "(none)"),
            (Some(expected), Some(actual)) => {
                if let Some(name) = expected.name.as_ref().filter(|name| **name != actual.name) {
                    out.push(format!(
                        "error.name: expected {}, actual {}",
                        show(&json!(name)),
                        show(&json!(actual.name))
                    ));
                }
                if let Some(pattern) = &expected.message {
                    if !regex::Regex::new(pattern).is_ok_and(|re| re.is_match(&actual.message)) {
                        out.push(format!(
                            "error.message: expected to match /{pattern}/, actual {}",
                            show(&json!(actual.message))
                        ));
                    }
                }
            }
        },
        ExpectField::Callback => {
            let actual = outcome.callback.as_ref().map(|c| serde_json::to_value(c).unwrap_or_default());
            partial("callback", expect.callback.as_ref().expect("checked"), actual.as_ref(), &mut out);
        }
        ExpectField::Returned => {
            partial("returned", expect.returned.as_ref().expect("checked"), Some(&outcome.returned), &mut out)
        }
    }
    out
}

fn scalar(expected: &str, actual: &str) -> Vec<String> {
    vec![format!("expected: {expected}"), format!("actual:   {actual}")]
}

fn optional_text(expected: &Option<String>, actual: &Option<String>, out: &mut Vec<String>) {
    if expected != actual {
        let show = |v: &Option<String>| v.as_ref().map_or_else(|| "(none)".to_owned(), |s| show(&json!(s)));
        *out = scalar(&show(expected), &show(actual));
    }
}

/// Claims and metadata: the expected keys with their values; `{}` means none at all.
fn bag(name: &str, expected: &Map<String, Value>, actual: &Map<String, Value>, out: &mut Vec<String>) {
    if expected.is_empty() && !actual.is_empty() {
        out.push(format!("{name}: expected none, actual {}", show(&Value::Object(actual.clone()))));
    }
    partial(name, &Value::Object(expected.clone()), Some(&Value::Object(actual.clone())), out);
}

fn list<E, A>(
    expected: &ListExpect<E>,
    actual: &[A],
    matches: fn(&E, &A) -> bool,
    render_expected: fn(&E) -> String,
    render_actual: fn(&A) -> String,
    out: &mut Vec<String>,
) {
    match expected {
        ListExpect::Exactly(items) => {
            if items.len() == actual.len() && items.iter().zip(actual).all(|(e, a)| matches(e, a)) {
                return;
            }
            let left: Vec<String> = items.iter().map(render_expected).collect();
            let right: Vec<String> = actual.iter().map(render_actual).collect();
            out.extend(diff::lines(&left, &right, |i, j| matches(&items[i], &actual[j])));
            if out.is_empty() {
                out.push("expected: (none)".into());
            }
        }
        ListExpect::Contains(items) => {
            for item in items.iter().filter(|e| !actual.iter().any(|a| matches(e, a))) {
                out.push(format!("missing: {}", render_expected(item)));
            }
            if !out.is_empty() {
                out.push("actual:".into());
                out.extend(actual.iter().map(|a| format!("  {}", render_actual(a))));
            }
        }
    }
}

fn command_matches(expected: &CommandExpect, actual: &Command) -> bool {
    expected.api == actual.name()
        && expected
            .args
            .as_ref()
            .is_none_or(|args| same(&Value::Array(args.clone()), &Value::Array(actual.args().to_vec())))
}

fn render_command_expect(command: &CommandExpect) -> String {
    match &command.args {
        Some(args) => render_call(command.api.as_str(), args),
        None => format!("{}(…)", command.api),
    }
}

fn render_command(command: &Command) -> String {
    render_call(command.name().as_str(), command.args())
}

fn render_call(api: &str, args: &[Value]) -> String {
    format!("{api}({})", args.iter().map(show).collect::<Vec<_>>().join(", "))
}

fn log_matches(expected: &LogExpect, actual: &LogLine) -> bool {
    expected.message == actual.message && expected.level.as_ref().is_none_or(|level| *level == actual.level)
}

fn render_log_expect(log: &LogExpect) -> String {
    match &log.level {
        Some(level) => format!("[{level}] {}", show(&json!(log.message))),
        None => show(&json!(log.message)),
    }
}

fn render_log(log: &LogLine) -> String {
    match log.level {
        LogLevel::Log => show(&json!(log.message)),
        level => format!("[{level}] {}", show(&json!(log.message))),
    }
}

fn request_matches(expected: &RequestExpect, actual: &HttpRequest) -> bool {
    expected.method.as_ref().is_none_or(|m| m.eq_ignore_ascii_case(&actual.method))
        && expected.url.as_ref().is_none_or(|url| glob(url, &actual.url))
        && expected.status.as_ref().is_none_or(|s| *s == actual.status)
        && expected.body.as_ref().is_none_or(|b| *b == actual.body)
        && expected.error.is_none_or(|e| Some(e) == actual.error)
        && expected
            .headers
            .as_ref()
            .is_none_or(|h| h.iter().all(|(k, v)| actual.headers.get(&k.to_lowercase()).is_some_and(|a| same(v, a))))
}

/// `*` matches any run of characters, as in HTTP mocks.
fn glob(pattern: &str, text: &str) -> bool {
    crate::url_pattern::matches(pattern, text)
}

fn render_request_expect(request: &RequestExpect) -> String {
    let status = match (request.error, request.status) {
        (Some(error), _) => error.to_string(),
        (None, None) => "…".to_owned(),
        (None, Some(status)) => status.map_or("unmocked".to_owned(), |s| s.to_string()),
    };
    format!("{} {} → {status}", request.method.as_deref().unwrap_or("*"), request.url.as_deref().unwrap_or("*"))
}

fn render_request(request: &HttpRequest) -> String {
    let answer = match (request.error, request.status) {
        (Some(error), _) => error.to_string(),
        (None, status) => status.map_or("unmocked".to_owned(), |s| s.to_string()),
    };
    format!("{} {} → {answer}", request.method, request.url)
}

/// What `field` would hold for this outcome, in the case file's terms.
pub fn actual_value(field: ExpectField, outcome: &Outcome, effects: &Effects) -> Value {
    match field {
        ExpectField::Status => json!(effects.status.as_str()),
        ExpectField::Deny => json!(effects.deny),
        ExpectField::Redirect => json!(effects.redirect),
        ExpectField::Claims => {
            let mut claims = Map::new();
            for (name, bag) in [("id_token", &effects.id_token), ("access_token", &effects.access_token)] {
                if !bag.is_empty() {
                    claims.insert(name.into(), Value::Object(bag.clone()));
                }
            }
            Value::Object(claims)
        }
        ExpectField::Scopes => json!(effects.scopes),
        ExpectField::Multifactor => json!(effects.multifactor),
        ExpectField::AppMetadata => Value::Object(effects.app_metadata.clone()),
        ExpectField::UserMetadata => Value::Object(effects.user_metadata.clone()),
        ExpectField::Commands => json!(outcome.commands),
        ExpectField::Logs => Value::Array(
            outcome
                .logs
                .iter()
                .map(|l| {
                    if l.level == LogLevel::Log {
                        json!(l.message)
                    } else {
                        json!({"level": l.level, "message": l.message})
                    }
                })
                .collect(),
        ),
        ExpectField::LogsTruncated => json!(outcome.logs_truncated),
        ExpectField::Error => outcome
            .error
            .as_ref()
            .map_or(Value::Null, |e| json!({"name": e.name, "message": regex::escape(&e.message)})),
        ExpectField::Callback => {
            outcome.callback.as_ref().map_or(Value::Null, |c| serde_json::to_value(c).unwrap_or_default())
        }
        ExpectField::Returned => outcome.returned.clone(),
        ExpectField::Requests => Value::Array(
            outcome
                .requests
                .iter()
                .map(|r| {
                    let mut request = json!({"method": r.method, "url": r.url, "status": r.status});
                    if let Some(body) = &r.body {
                        request["body"] = json!(body);
                    }
                    request
                })
                .collect(),
        ),
    }
}

/// The fields `--update` writes for a case that has no `expect` block: the status and every
/// effect the outcome has.
pub fn recorded_fields(outcome: &Outcome, effects: &Effects) -> Vec<ExpectField> {
    let mut fields = vec![ExpectField::Status];
    let present = |field: ExpectField| match field {
        ExpectField::Deny => effects.deny.is_some(),
        ExpectField::Redirect => effects.redirect.is_some(),
        ExpectField::Claims => !effects.id_token.is_empty() || !effects.access_token.is_empty(),
        ExpectField::Multifactor => effects.multifactor.is_some(),
        ExpectField::AppMetadata => !effects.app_metadata.is_empty(),
        ExpectField::UserMetadata => !effects.user_metadata.is_empty(),
        ExpectField::Commands => true,
        ExpectField::Logs => !outcome.logs.is_empty(),
        ExpectField::Error => outcome.error.is_some() && outcome.status != Status::Denied,
        ExpectField::Returned => !outcome.returned.is_null(),
        ExpectField::Requests => !outcome.requests.is_empty(),
        ExpectField::Status | ExpectField::Scopes | ExpectField::Callback | ExpectField::LogsTruncated => false,
    };
    fields.extend(ExpectField::ALL.iter().copied().filter(|&f| f != ExpectField::Status && present(f)));
    fields
}

#[cfg(test)]
mod tests;
