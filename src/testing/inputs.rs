//! A case becomes one [`Request`] per script: the case's inputs go where each trigger reads them
//! (`user` into `event.user` or the Rules `user`, `query`/`body` into the login request, …), the
//! clock and seed are fixed, and the file's tenant fills in the script and the application. For
//! the Action of a Rule/Action pair, the Rules `context` is mapped onto the event and
//! `configuration` onto the secrets, as Auth0's migration guide maps them.

use serde_json::{json, Map, Value};

use super::case_file::{CaseFile, CaseSpec, Subject, Target, DEFAULT_NOW};
use crate::json::deep_merge;
use crate::request::{Prepared, Request, RequestError, Script, Trigger};

/// What a script started from, to tell what it changed.
#[derive(Debug, Clone, Default)]
pub struct Base {
    /// `event.transaction.requested_scopes`: the access token's scopes unless the script changes them.
    pub requested_scopes: Vec<String>,
    pub app_metadata: Map<String, Value>,
    pub user_metadata: Map<String, Value>,
}

pub(crate) fn request(file: &CaseFile, subject: &Subject, case: &CaseSpec) -> Result<(Prepared, Base), RequestError> {
    let pair = file.is_pair();
    let script = match &subject.target {
        Target::File { path, source } => {
            Script::Inline { source: source.clone(), name: Some(path.display().to_string()) }
        }
        Target::Action(name) => Script::Action(name.clone()),
        Target::Rule(name) => Script::Rule(name.clone()),
    };
    let mut request = Request {
        trigger: Some(subject.trigger),
        phase: case.phase,
        client_metadata: case.client_metadata.clone().map(Value::Object),
        now: Some(case.now.clone().unwrap_or_else(|| json!(DEFAULT_NOW))),
        seed: Some(case.seed.unwrap_or(0)),
        http: case.http.clone(),
        rules_executed: case.rules_executed.clone(),
        timeout_ms: case.timeout_ms,
        ..Request::new(script)
    };
    let event = event_overrides(case, pair);
    let mut base = Base::default();
    let object = |value: &Value| value.as_object().cloned().unwrap_or_default();
    match subject.trigger {
        Trigger::Rule => {
            // A Rule's token starts with the scopes the same login's Action would see.
            let mut start = crate::actions::post_login_event::default_post_login_event();
            deep_merge(&mut start, &event);
            base.requested_scopes = initial_scopes(Trigger::PostLogin, &start);
            let mut context = login_request(case);
            deep_merge(&mut context, &Value::Object(case.context.clone().unwrap_or_default()));
            request.context = Some(context);
            request.user = case.user.clone().map(Value::Object);
            request.configuration =
                case.configuration.clone().or_else(|| if pair { case.secrets.clone() } else { None });
            let user = request.user.as_ref().unwrap_or(&Value::Null);
            (base.app_metadata, base.user_metadata) = (object(&user["app_metadata"]), object(&user["user_metadata"]));
        }
        trigger => {
            // What the script starts from: the trigger's default event under the overrides.
            let mut start = crate::actions::spec(trigger).map_or_else(|| json!({}), |spec| (spec.default_event)());
            deep_merge(&mut start, &event);
            base.requested_scopes = initial_scopes(trigger, &start);
            let user = &start["user"];
            (base.app_metadata, base.user_metadata) = (object(&user["app_metadata"]), object(&user["user_metadata"]));
            request.event = Some(event);
            request.secrets =
                case.secrets.clone().or_else(|| if pair { case.configuration.as_ref().map(as_secrets) } else { None });
            request.configuration = case.configuration.clone();
        }
    }
    let prepared = match &file.tenant {
        Some(tenant) => {
            request.client = case.client.clone();
            crate::tenant::apply(&request, tenant)?
        }
        None => request.into(),
    };
    Ok((prepared, base))
}

/// The access token's scopes before the script changes them: for credentials-exchange the
/// transaction's target scopes, else the scopes the token would get (`event.accessToken.scope`),
/// as Auth0's credentials-exchange event object describes them; for the other triggers the
/// requested scopes (`event.transaction.requested_scopes`).
fn initial_scopes(trigger: Trigger, event: &Value) -> Vec<String> {
    let strings = |value: Option<&Value>| -> Option<Vec<String>> {
        value.and_then(Value::as_array).map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
    };
    match trigger {
        Trigger::CredentialsExchange => strings(event.pointer("/transaction/target_scopes"))
            .or_else(|| strings(event.pointer("/accessToken/scope")))
            .unwrap_or_default(),
        _ => strings(event.pointer("/transaction/requested_scopes")).unwrap_or_default(),
    }
}

/// `{request: {query, body}}` for the parts the case gives.
fn login_request(case: &CaseSpec) -> Value {
    let mut request = Map::new();
    for (key, part) in [("query", &case.query), ("body", &case.body)] {
        if let Some(part) = part {
            request.insert(key.into(), Value::Object(part.clone()));
        }
    }
    if request.is_empty() {
        json!({})
    } else {
        json!({ "request": request })
    }
}

/// The event overrides of a case: its Rules context mapped (pairs only), its user, its login
/// request, then its own `event` on top.
fn event_overrides(case: &CaseSpec, pair: bool) -> Value {
    let mut event = json!({});
    if let (true, Some(context)) = (pair, &case.context) {
        deep_merge(&mut event, &context_to_event(context));
    }
    if let Some(user) = &case.user {
        deep_merge(&mut event, &json!({ "user": user }));
    }
    deep_merge(&mut event, &login_request(case));
    if let Some(overrides) = &case.event {
        deep_merge(&mut event, &Value::Object(overrides.clone()));
    }
    event
}

/// Rules `configuration` values become secrets (strings; other values as JSON text).
fn as_secrets(configuration: &Map<String, Value>) -> Map<String, Value> {
    configuration
        .iter()
        .map(|(key, value)| {
            (key.clone(), Value::String(value.as_str().map_or_else(|| value.to_string(), str::to_owned)))
        })
        .collect()
}

/// The Rules → Actions field map (`crate::mapping`: `context.clientID` → `event.client.client_id`,
/// …) applied to the fields a case's `context` gives. Fields with no Actions counterpart are left
/// out.
pub fn context_to_event(context: &Map<String, Value>) -> Value {
    let mut event = json!({});
    crate::mapping::to_event(&Value::Object(context.clone()), &mut event);
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_rules_context_to_the_event() {
        let context = json!({
            "clientID": "abc", "clientMetadata": {"TIER": "gold"}, "stats": {"loginsCount": 3},
            "request": {"userAgent": "ua", "query": {"a": "1"}, "geoip": {"country_code": "FR"}},
            "authentication": {"methods": [{"name": "pwd", "timestamp": 1717234200000i64}]},
            "authorization": {"roles": ["admin"]}, "jwtConfiguration": {}
        });
        let event = context_to_event(context.as_object().unwrap());
        assert_eq!(
            event,
            json!({
                "client": {"client_id": "abc", "metadata": {"TIER": "gold"}}, "stats": {"logins_count": 3},
                "request": {"user_agent": "ua", "query": {"a": "1"}, "geoip": {"countryCode": "FR"}},
                "authentication": {"methods": [{"name": "pwd", "timestamp": "2024-06-01T09:30:00.000Z"}]},
                "authorization": {"roles": ["admin"]}
            })
        );
    }

    /// Auth0's credentials-exchange event object: `transaction.target_scopes` when given, else
    /// `accessToken.scope`; other triggers start from `transaction.requested_scopes`.
    #[test]
    fn initial_scopes_per_trigger() {
        let event = json!({
            "accessToken": {"scope": ["a"]},
            "transaction": {"requested_scopes": ["r"], "target_scopes": ["t"]}
        });
        assert_eq!(initial_scopes(Trigger::CredentialsExchange, &event), ["t"]);
        assert_eq!(initial_scopes(Trigger::PostLogin, &event), ["r"]);
        let without_targets = json!({"accessToken": {"scope": ["a"]}, "transaction": {"requested_scopes": ["r"]}});
        assert_eq!(initial_scopes(Trigger::CredentialsExchange, &without_targets), ["a"]);
        assert!(initial_scopes(Trigger::PostChangePassword, &json!({})).is_empty());
    }
}
