//! Applying a tenant to a request: the request names an application, an Action or a Rule of a
//! tenant, and this turns it into a plain request carrying what the tenant says about them (the
//! script, the Action's secrets, the Rules configuration, the application's id, name and
//! metadata). What the request gives explicitly wins over what the tenant holds.

use serde_json::{json, Map, Value};

use super::{Client, Tenant};
use crate::json::deep_merge;
use crate::request::{Prepared, Request, RequestError, Script, Trigger};

/// `request` with `tenant` applied: a plain request, with the package scope and the warnings of
/// the tenant's Action or Rule it names.
pub(crate) fn apply(request: &Request, tenant: &Tenant) -> Result<Prepared, RequestError> {
    let mut resolved = Prepared::from(request.clone());
    resolved.request.tenant = None;
    resolved.request.client = None;
    match &request.script {
        Script::Action(name) => {
            let action = tenant.action(name).map_err(|e| RequestError::new("action", e.to_string()))?;
            resolved.request.script =
                Script::Inline { source: action.code.clone(), name: Some(action.code_path.display().to_string()) };
            resolved.warnings.extend(action.warnings.iter().cloned());
            // The trigger the Action says it supports (Auth0 runs it only for those), unless the
            // request names one.
            let supported = action.supported_triggers.first().map(|(id, _)| id.as_str()).unwrap_or("post-login");
            let trigger = Trigger::action_from_id(supported).map_err(|e| RequestError::new("action", e.to_string()))?;
            resolved.request.trigger = Some(request.trigger.unwrap_or(trigger));
            let mut secrets = action.secrets.clone();
            secrets.extend(request.secrets.clone().unwrap_or_default());
            resolved.warnings.extend(crate::warnings::unset_secret_reads(action, &secrets));
            resolved.request.secrets = Some(secrets);
            resolved.modules = Some(super::packages::action_scope(tenant, action));
        }
        Script::Rule(name) => {
            let rule = tenant.rule(name).map_err(|e| RequestError::new("rule", e.to_string()))?;
            resolved.request.script =
                Script::Inline { source: rule.script.clone(), name: Some(rule.script_path.display().to_string()) };
            resolved.warnings.extend(rule.warnings.iter().cloned());
            resolved.request.trigger = Some(Trigger::Rule);
            resolved.modules = Some(super::packages::rule_scope(tenant, rule));
        }
        Script::Path(_) | Script::Inline { .. } => {}
    }
    let mut configuration = tenant.rules_configs.clone();
    configuration.extend(request.configuration.clone().unwrap_or_default());
    resolved.request.configuration = Some(configuration);
    if let Some(name) = &request.client {
        let client = tenant.client(name).map_err(|e| RequestError::new("client", e.to_string()))?;
        // The application's part of the inputs of the trigger that runs (both while unknown).
        if resolved.request.trigger != Some(Trigger::Rule) {
            resolved.request.event = Some(layered(event_client(client), request.event.as_ref()));
        }
        if resolved.request.trigger.is_none_or(|trigger| !trigger.is_action()) {
            resolved.request.context = Some(layered(context_client(client), request.context.as_ref()));
        }
        if resolved.request.client_metadata.is_none() {
            resolved.request.client_metadata = client.client_metadata.clone().map(Value::Object);
        }
    }
    Ok(resolved)
}

/// The tenant's part first, the request's own overrides on top.
fn layered(tenant_part: Value, request_part: Option<&Value>) -> Value {
    let mut value = tenant_part;
    if let Some(overrides) = request_part {
        deep_merge(&mut value, overrides);
    }
    value
}

fn event_client(client: &Client) -> Value {
    let mut fields = Map::new();
    fields.insert("name".into(), json!(client.name));
    if let Some(id) = &client.client_id {
        fields.insert("client_id".into(), json!(id));
    }
    json!({ "client": fields })
}

fn context_client(client: &Client) -> Value {
    let mut context = Map::new();
    context.insert("clientName".into(), json!(client.name));
    if let Some(id) = &client.client_id {
        context.insert("clientID".into(), json!(id));
    }
    Value::Object(context)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::apply;
    use crate::request::{Request, Script, Trigger};
    use crate::tenant::testutil::{sample_directory, Tree};

    /// `Portal` of the sample tenant applied to an inline script run as `trigger`, with the
    /// request's own `event` and `context` (the overrides).
    fn applied(trigger: Option<Trigger>, event: Option<Value>, context: Option<Value>) -> Request {
        let tree = Tree::new();
        sample_directory(&tree);
        let tenant = tree.load("dir").unwrap();
        let request = Request {
            trigger,
            event,
            context,
            client: Some("Portal".into()),
            ..Request::new(Script::inline("exports.onExecutePostLogin = async () => {};"))
        };
        apply(&request, &tenant).unwrap().request
    }

    #[test]
    fn an_action_gets_the_application_as_event_client_and_no_rules_context() {
        // Auth0's Actions read the application as `event.client` ({client_id, name, metadata}).
        let request = applied(
            Some(Trigger::PostLogin),
            Some(json!({"client": {"name": "Renamed"}, "user": {"email": "a@b"}})),
            None,
        );
        assert_eq!(
            request.event,
            Some(json!({"client": {"name": "Renamed", "client_id": "portal-id"}, "user": {"email": "a@b"}})),
            "the tenant's part, then the request's overrides"
        );
        assert_eq!(request.context, None, "an Action has no Rules context");
        assert_eq!(request.client_metadata, Some(json!({"TIER": "gold", "SUPPORT": "https://help"})));
    }

    #[test]
    fn a_rule_gets_the_application_as_context_client_fields_and_no_event() {
        // Auth0's Rules read the application as `context.clientID` and `context.clientName`.
        let request = applied(
            Some(Trigger::Rule),
            None,
            Some(json!({"clientName": "Renamed", "protocol": "oidc-basic-profile"})),
        );
        assert_eq!(request.event, None, "a Rule has no Actions event");
        assert_eq!(
            request.context,
            Some(json!({"clientName": "Renamed", "clientID": "portal-id", "protocol": "oidc-basic-profile"}))
        );
    }

    #[test]
    fn a_script_of_unknown_trigger_gets_both_and_its_own_metadata_wins() {
        let mut request = applied(None, None, None);
        assert_eq!(request.event, Some(json!({"client": {"name": "Portal", "client_id": "portal-id"}})));
        assert_eq!(request.context, Some(json!({"clientName": "Portal", "clientID": "portal-id"})));
        let tree = Tree::new();
        sample_directory(&tree);
        request = Request {
            client: Some("Portal".into()),
            client_metadata: Some(json!({"TIER": "silver"})),
            ..Request::new(Script::inline("exports.onExecutePostLogin = async () => {};"))
        };
        let resolved = apply(&request, &tree.load("dir").unwrap()).unwrap().request;
        assert_eq!(resolved.client_metadata, Some(json!({"TIER": "silver"})));
    }
}
