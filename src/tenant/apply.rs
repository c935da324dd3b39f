//! Applying a tenant to a request: the request names an application, an Action or a Rule of a
//! tenant, and this turns it into a plain request carrying what the tenant says about them (the
//! script, the Action's secrets, the Rules configuration, the application's id, name and
//! metadata). What the request gives explicitly wins over what the tenant holds.

use serde_json::{json, Map, Value};

use super::{Client, Tenant};
use crate::json::deep_merge;
use crate::request::{Request, RequestError, Trigger};

pub fn apply(request: &Request, tenant: &Tenant) -> Result<Request, RequestError> {
    let mut resolved = request.clone();
    resolved.tenant = None;
    resolved.client = None;
    resolved.action = None;
    resolved.rule = None;
    let named_scripts =
        [request.action.is_some(), request.rule.is_some(), request.script.is_some(), request.script_path.is_some()];
    if named_scripts.iter().filter(|given| **given).count() > 1 {
        return Err(RequestError::new("script", "give only one of script_path, script, action and rule"));
    }
    if let Some(name) = &request.action {
        let action = tenant.action(name).map_err(|e| RequestError::new("action", e.to_string()))?;
        resolved.script = Some(action.code.clone());
        resolved.script_name = Some(action.code_path.display().to_string());
        resolved.warnings.extend(action.warnings.iter().cloned());
        // The trigger the Action says it supports (Auth0 runs it only for those), unless the
        // request names one.
        let supported = action.supported_triggers.first().map(|(id, _)| id.as_str()).unwrap_or("post-login");
        let trigger = Trigger::action_from_id(supported).map_err(|msg| RequestError::new("action", msg))?;
        resolved.trigger = Some(request.trigger.unwrap_or(trigger));
        let mut secrets = action.secrets.clone();
        secrets.extend(request.secrets.clone().unwrap_or_default());
        resolved.warnings.extend(crate::warnings::unset_secret_reads(action, &secrets));
        resolved.secrets = Some(secrets);
        resolved.modules = Some(super::packages::action_scope(tenant, action));
    }
    if let Some(name) = &request.rule {
        let rule = tenant.rule(name).map_err(|e| RequestError::new("rule", e.to_string()))?;
        resolved.script = Some(rule.script.clone());
        resolved.script_name = Some(rule.script_path.display().to_string());
        resolved.warnings.extend(rule.warnings.iter().cloned());
        resolved.trigger = Some(Trigger::Rule);
        resolved.modules = Some(super::packages::rule_scope(tenant, rule));
    }
    let mut configuration = tenant.rules_configs.clone();
    configuration.extend(request.configuration.clone().unwrap_or_default());
    resolved.configuration = Some(configuration);
    if let Some(name) = &request.client {
        let client = tenant.client(name).map_err(|e| RequestError::new("client", e.to_string()))?;
        // The application's part of the inputs of the trigger that runs (both while unknown).
        if resolved.trigger != Some(Trigger::Rule) {
            resolved.event = Some(layered(event_client(client), request.event.as_ref()));
        }
        if resolved.trigger.is_none_or(|trigger| !trigger.is_action()) {
            resolved.context = Some(layered(context_client(client), request.context.as_ref()));
        }
        if resolved.client_metadata.is_none() {
            resolved.client_metadata = client.client_metadata.clone().map(Value::Object);
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
