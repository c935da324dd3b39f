//! `POST /oauth/token` (RFC 6749 §3.2): the request read from a form or a JSON body, as Auth0
//! accepts both; the client authenticated (`client_secret_post`, `client_secret_basic`, or none
//! for a public client); then one function per grant type.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::Value;

use super::error::OAuthError;
use super::state::ServeState;
use super::{client_credentials, oidc};
use crate::tenant::Client;

/// The fields of a token request, and the credentials of an `Authorization: Basic` header.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub fields: HashMap<String, String>,
    pub basic: Option<(String, String)>,
}

impl TokenRequest {
    /// Reads a form (`application/x-www-form-urlencoded`) or JSON body.
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<TokenRequest, OAuthError> {
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let fields = if content_type.starts_with("application/json") {
            let value: Value = serde_json::from_slice(body)
                .map_err(|e| OAuthError::invalid_request(format!("invalid JSON body: {e}")))?;
            let Value::Object(object) = value else {
                return Err(OAuthError::invalid_request("the body must be a JSON object"));
            };
            object
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect()
        } else {
            form_urlencoded::parse(body).into_owned().collect()
        };
        Ok(TokenRequest { fields, basic: basic_credentials(headers)? })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A required parameter (`invalid_request` naming it when missing).
    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name).ok_or_else(|| OAuthError::invalid_request(format!("Missing required parameter: {name}")))
    }
}

fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let Some(encoded) = value.strip_prefix("Basic ") else {
        return Ok(None);
    };
    let bad = || OAuthError::invalid_client("malformed Basic credentials");
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let decode = |s: &str| form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Ok(Some((decode(id).ok_or_else(bad)?, decode(secret).ok_or_else(bad)?)))
}

/// The application's `client_secret`, when its file has one.
pub fn client_secret(client: &Client) -> Option<&str> {
    client.raw.get("client_secret").and_then(Value::as_str)
}

/// Whether the application is public (cannot keep a secret): `token_endpoint_auth_method: none`,
/// or no `client_secret` in its file (Deploy CLI exports carry none).
pub fn is_public(client: &Client) -> bool {
    client.raw.get("token_endpoint_auth_method").and_then(Value::as_str) == Some("none")
        || client_secret(client).is_none()
}

/// The application the request is for, its secret checked: a client whose file has a
/// `client_secret` must present it (post or Basic); one without (Deploy CLI exports carry no
/// secrets) or with `token_endpoint_auth_method: none` is treated as public.
pub fn authenticate_client(tenant: &crate::tenant::Tenant, request: &TokenRequest) -> Result<Client, OAuthError> {
    let (client_id, secret) = match &request.basic {
        Some((id, secret)) => (id.as_str(), Some(secret.as_str())),
        None => (request.require("client_id")?, request.get("client_secret")),
    };
    let client = tenant
        .client_by_id(client_id)
        .ok_or_else(|| OAuthError::invalid_client(format!("Unknown client: {client_id}")))?;
    if let (Some(expected), false) = (client_secret(client), is_public(client)) {
        if secret != Some(expected) {
            return Err(OAuthError::invalid_client("Unauthorized"));
        }
    }
    Ok(client.clone())
}

/// The token endpoint.
pub async fn token(State(state): State<Arc<ServeState>>, headers: HeaderMap, body: Bytes) -> Response {
    let request = match TokenRequest::parse(&headers, &body) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    let result = match request.get("grant_type") {
        None => Err(OAuthError::invalid_request("Missing required parameter: grant_type")),
        Some("client_credentials") => client_credentials::grant(&state, &request).await,
        Some("authorization_code") => oidc::grants::authorization_code(&state, &request).await,
        Some("refresh_token") => oidc::refresh::grant(&state, &request).await,
        Some(other) => Err(OAuthError::unsupported_grant_type(other)),
    };
    match result {
        Ok(body) => {
            ([(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], axum::Json(body)).into_response()
        }
        Err(error) => error.into_response(),
    }
}
