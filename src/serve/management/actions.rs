//! `GET /api/v2/actions/actions` and `/api/v2/actions/actions/{id}` (the tenant's Actions,
//! read-only; an Action's id is its name), and `POST /api/v2/actions/actions/{id}/test`: the
//! Dashboard's Test tab, running the Action once on the given event (`{"payload": {…}}`, the
//! trigger's sample event filling what it leaves out) through [`crate::Host::run`] and answering
//! `{"payload": <what the run did>}`: the commands the Action called on `api`, its logs, what
//! it returned, and its error if it failed.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::body::{self, Body};
use super::tenant;
use crate::request::Phase;
use crate::request::{Prepared, Script};
use crate::serve::error::ApiError;
use crate::serve::state::ServeState;
use crate::tenant::Action;
use crate::{Request, Trigger};

fn shown(action: &Action) -> Value {
    json!({
        "id": action.name,
        "name": action.name,
        "supported_triggers": action.supported_triggers.iter().map(|(id, version)| json!({"id": id, "version": version})).collect::<Vec<_>>(),
        "code": action.code,
        "runtime": action.runtime,
        "dependencies": action.dependencies,
        // Secret values are never shown, as Auth0 shows only their names.
        "secrets": action.secrets.keys().map(|name| json!({"name": name})).collect::<Vec<_>>(),
        "deployed": action.deployed,
        "status": "built",
    })
}

fn find<'a>(actions: &'a [Action], id: &str) -> Result<&'a Action, ApiError> {
    actions
        .iter()
        .find(|a| a.name == id)
        .ok_or_else(|| ApiError::not_found("inexistent_action", "The action does not exist."))
}

pub async fn list(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    grant.require("read:actions")?;
    let trigger = query.get("triggerId").cloned();
    let name = query.get("actionName").cloned();
    let page = number(&query, "page", 0)?;
    let per_page = number(&query, "per_page", 50)?.clamp(1, 100);
    let tenant = tenant(&state)?;
    let matching: Vec<Value> = tenant
        .actions
        .iter()
        .filter(|a| trigger.as_ref().is_none_or(|t| a.supported_triggers.iter().any(|(id, _)| id == t)))
        .filter(|a| name.as_ref().is_none_or(|n| &a.name == n))
        .map(shown)
        .collect();
    let total = matching.len();
    let actions: Vec<Value> = matching.into_iter().skip(page.saturating_mul(per_page)).take(per_page).collect();
    // Auth0 answers this list with its totals always.
    Ok(Json(json!({ "actions": actions, "total": total, "page": page, "per_page": per_page })))
}

fn number(query: &HashMap<String, String>, name: &str, default: usize) -> Result<usize, ApiError> {
    match query.get(name) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|_| {
            ApiError::invalid_query(format!(
                "Query validation error: 'Expected type integer but found type string' on property {name}."
            ))
        }),
    }
}

pub async fn get(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, ApiError> {
    grant.require("read:actions")?;
    let tenant = tenant(&state)?;
    Ok(Json(shown(find(&tenant.actions, &id)?)))
}

/// The scope Auth0 asks of "Test an Action".
pub const TEST_SCOPE: &str = "create:actions";

pub async fn test(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    grant.require(TEST_SCOPE)?;
    body::only(&body, &["payload"])?;
    let payload = body::object(&body, "payload")?
        .cloned()
        .ok_or_else(|| body::validation("Missing required property: payload", None))?;
    let tenant = tenant(&state)?;
    let action = find(&tenant.actions, &id)?;
    let trigger = test_trigger(action)?;
    let script = Script::Inline { source: action.code.clone(), name: Some(action.code_path.display().to_string()) };
    let request = Request {
        trigger: Some(trigger),
        phase: Some(Phase::Execute),
        event: Some(Value::Object(payload)),
        merge_defaults: Some(true),
        secrets: Some(action.secrets.clone()),
        ..Request::new(script)
    };
    let modules = Some(crate::tenant::packages::action_scope(&tenant, action));
    let outcome = state
        .host
        .run_prepared(Prepared { modules, ..request.into() })
        .await
        .map_err(|e| ApiError::invalid_body(e.to_string()))?;
    let mut result = Map::new();
    result.insert("status".into(), json!(outcome.status));
    result.insert("commands".into(), json!(outcome.commands));
    result.insert("logs".into(), json!(outcome.logs));
    if !outcome.returned.is_null() {
        result.insert("returned".into(), outcome.returned.clone());
    }
    if let Some(error) = &outcome.error {
        result.insert("error".into(), json!(error));
    }
    result.insert("duration_ms".into(), json!(outcome.duration_ms));
    Ok(Json(json!({ "payload": result })))
}

/// The trigger an Action is tested under: its first supported trigger actionhost runs.
fn test_trigger(action: &Action) -> Result<Trigger, ApiError> {
    action.supported_triggers.iter().find_map(|(id, _)| id.parse::<Trigger>().ok()).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "operation_not_supported",
            format!("the action {:?} supports no trigger actionhost runs", action.name),
        )
    })
}
