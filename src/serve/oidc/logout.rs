//! `/v2/logout` (Auth0's logout endpoint): the server keeps no login session, so logging out
//! only sends the browser to `returnTo` — allowed only when it is one of the `client_id`
//! application's Allowed Logout URLs (`allowed_logout_urls`), as Auth0 checks it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use super::login::found;
use super::pages;
use crate::serve::state::ServeState;

/// `GET /v2/logout?client_id=…&returnTo=…`.
pub async fn logout(State(state): State<Arc<ServeState>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let get = |name: &str| query.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(return_to) = get("returnTo") else {
        return Html("<!doctype html><title>Logged out</title><p>Logged out.</p>").into_response();
    };
    let refuse = |message: String| pages::error(StatusCode::BAD_REQUEST, "invalid_request", &message);
    let Some(client_id) = get("client_id") else {
        return refuse(format!(
            "The \"returnTo\" querystring parameter {return_to:?} needs a client_id: it must be one of that application's Allowed Logout URLs."
        ));
    };
    let tenant = match state.tenant() {
        Ok(tenant) => tenant,
        Err(error) => return pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &error.to_string()),
    };
    let Some(client) = tenant.client_by_id(client_id) else {
        return refuse(format!("Unknown client: {client_id}"));
    };
    let allowed: Vec<&str> =
        client.raw["allowed_logout_urls"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if !allowed.contains(&return_to) {
        return refuse(format!(
            "The \"returnTo\" querystring parameter {return_to:?} is not defined as a valid URL in \"Allowed Logout URLs\" of the application {:?} (allowed_logout_urls: {}).",
            client.name,
            if allowed.is_empty() { "none".to_owned() } else { allowed.join(", ") }
        ));
    }
    found(return_to)
}
