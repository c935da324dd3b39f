//! `/v2/logout` (Auth0's logout endpoint): ends the browser's login session (its cookie removed),
//! then sends the browser to `returnTo` — allowed only when it is one of the `client_id`
//! application's Allowed Logout URLs (`allowed_logout_urls`, subdomain wildcards included), as
//! Auth0 checks it. A refused `returnTo` ends nothing. A logout request names no organization,
//! so an Allowed Logout URL with `{organization_name}` allows nothing here.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use super::allowed_url::is_allowed;
use super::login::found;
use super::{pages, session};
use crate::serve::state::ServeState;

/// `GET /v2/logout?client_id=…&returnTo=…`.
pub async fn logout(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let get = |name: &str| query.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(return_to) = get("returnTo") else {
        let page = Html("<!doctype html><title>Logged out</title><p>Logged out.</p>").into_response();
        return end_session(&state, &headers, page);
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
    if !is_allowed(allowed.iter().copied(), return_to, None) {
        return refuse(format!(
            "The \"returnTo\" querystring parameter {return_to:?} is not defined as a valid URL in \"Allowed Logout URLs\" of the application {:?} (allowed_logout_urls: {}).",
            client.name,
            if allowed.is_empty() { "none".to_owned() } else { allowed.join(", ") }
        ));
    }
    end_session(&state, &headers, found(return_to))
}

/// Ends the login session of the request's cookie, and has `response` remove the cookie.
fn end_session(state: &ServeState, headers: &HeaderMap, mut response: Response) -> Response {
    if let Some(id) = session::cookie_id(headers) {
        state.oidc.lock().sessions.take(&id, Instant::now());
        response.headers_mut().insert(header::SET_COOKIE, session::set_cookie(None, state.options.tls));
    }
    response
}
