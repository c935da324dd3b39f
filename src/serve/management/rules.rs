//! `GET /api/v2/rules` and `/api/v2/rules/{id}`: the tenant's legacy Rules, read-only. A Rule's
//! id is its name (the Deploy CLI files carry no Auth0 ids).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::Json;
use serde_json::{json, Value};

use super::auth::Caller;
use super::query::ListQuery;
use super::tenant;
use crate::serve::error::ApiError;
use crate::serve::state::ServeState;
use crate::tenant::Rule;

fn shown(rule: &Rule) -> Value {
    json!({
        "id": rule.name,
        "name": rule.name,
        "script": rule.script,
        "order": rule.order,
        "enabled": rule.enabled,
        "stage": rule.stage.as_str(),
    })
}

pub async fn list(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    grant.require("read:rules")?;
    let enabled = match query.get("enabled").map(String::as_str) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(ApiError::invalid_query("Query validation error: 'enabled' must be true or false.")),
    };
    let query = ListQuery::parse(&query)?;
    let tenant = tenant(&state)?;
    let rules = tenant.rules.iter().filter(|r| enabled.is_none_or(|e| r.enabled == e));
    Ok(Json(query.page(rules.map(shown).collect(), "rules")))
}

pub async fn get(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    grant.require("read:rules")?;
    let query = ListQuery::parse(&query)?;
    let tenant = tenant(&state)?;
    let rule = tenant
        .rules
        .iter()
        .find(|r| r.name == id)
        .ok_or_else(|| ApiError::not_found("inexistent_rule", "The rule does not exist."))?;
    Ok(Json(query.filter(shown(rule))))
}
