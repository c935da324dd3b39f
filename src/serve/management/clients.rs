//! `/api/v2/clients`: the tenant's applications (`clients/*.json`) as the Management API shows
//! them. `PATCH` changes `client_metadata` through [`update_client_metadata`] (the lock, the
//! validation and the atomic write of `actionhost clients metadata`); `POST` writes a new client
//! file and `DELETE` removes one, under the same lock.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::auth::{Caller, Grant};
use super::body::{self, Body};
use super::query::ListQuery;
use super::{blocking, directory_tenant, tenant};
use crate::files::{self, Mode};
use crate::serve::error::ApiError;
use crate::serve::state::ServeState;
use crate::tenant::{client_metadata, update_client_metadata, Client, MetadataChange, Tenant, TenantError};

/// The fields of a client a create request may carry (Auth0's client schema, the part a
/// Deploy CLI client file holds); any other is refused.
const CREATE_FIELDS: &[&str] = &[
    "name",
    "description",
    "logo_uri",
    "app_type",
    "is_first_party",
    "oidc_conformant",
    "callbacks",
    "allowed_origins",
    "web_origins",
    "client_aliases",
    "allowed_clients",
    "allowed_logout_urls",
    "grant_types",
    "token_endpoint_auth_method",
    "client_metadata",
    "initiate_login_uri",
    "jwt_configuration",
    "sso",
    "sso_disabled",
    "cross_origin_authentication",
    "refresh_token",
];

/// The fields of an update: only `client_metadata` is written by `serve`; the other fields of
/// Auth0's schema are refused as unsupported (edit the file), anything else as unknown.
const PATCH_FIELDS: &[&str] = &["client_metadata"];

/// A client as the API shows it: the file's object; `client_secret` only with `read:client_keys`.
fn shown(client: &Client, grant: &Grant) -> Value {
    let mut value = client.raw.clone();
    if let Value::Object(object) = &mut value {
        if !grant.has("read:client_keys") {
            object.shift_remove("client_secret");
        }
    }
    value
}

fn not_found() -> ApiError {
    ApiError::not_found("inexistent_client", "The client does not exist")
}

fn find<'a>(tenant: &'a Tenant, id: &str) -> Result<&'a Client, ApiError> {
    tenant.client_by_id(id).ok_or_else(not_found)
}

pub async fn list(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    grant.require("read:clients")?;
    let query = ListQuery::parse(&query)?;
    let tenant = tenant(&state)?;
    let items = tenant.clients.iter().map(|c| shown(c, &grant)).collect();
    Ok(Json(query.page(items, "clients")))
}

pub async fn get(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    grant.require("read:clients")?;
    let query = ListQuery::parse(&query)?;
    let tenant = tenant(&state)?;
    Ok(Json(query.filter(shown(find(&tenant, &id)?, &grant))))
}

pub async fn patch(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    grant.require("update:clients")?;
    let tenant = tenant(&state)?;
    let client = find(&tenant, &id)?.clone();
    refuse_unsupported(&body, PATCH_FIELDS)?;
    let patch = body::object(&body, "client_metadata")?.cloned();
    if let Some(patch) = patch {
        directory_tenant(&tenant)?;
        let root = state.root.clone();
        let keywords = state.host.config().keywords.clone();
        let name = client.name.clone();
        blocking(move || update_client_metadata(&root, &name, MetadataChange::Patch(patch), &keywords))
            .await?
            .map_err(metadata_error)?;
    }
    let after = super::tenant(&state)?;
    Ok(Json(shown(find(&after, &id)?, &grant)))
}

pub async fn create(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    grant.require("create:clients")?;
    body::only(&body, CREATE_FIELDS)?;
    let name = body::string(&body, "name")?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| body::validation("Missing required property: name", None))?
        .to_owned();
    if let Some(meta) = body.get("client_metadata").filter(|m| !m.is_null()) {
        body::object(&body, "client_metadata")?;
        client_metadata::from_json(meta).map_err(|e| ApiError::invalid_body(e.to_string()))?;
    }
    let tenant = tenant(&state)?;
    directory_tenant(&tenant)?;
    let mut client = Map::new();
    client.insert("name".into(), json!(name));
    client.insert("client_id".into(), json!(random_id(32)));
    client.insert("client_secret".into(), json!(random_id(64)));
    for (key, value) in body {
        if key != "name" {
            client.insert(key, value);
        }
    }
    let root = state.root.clone();
    let keywords = state.host.config().keywords.clone();
    let written = Value::Object(client);
    let value = written.clone();
    blocking(move || write_new(&root, &name, &value, &keywords)).await??;
    Ok((StatusCode::CREATED, Json(written)).into_response())
}

pub async fn delete(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<StatusCode, ApiError> {
    grant.require("delete:clients")?;
    let tenant = tenant(&state)?;
    directory_tenant(&tenant)?;
    let client = find(&tenant, &id)?;
    let (root, file) = (state.root.clone(), client.file.clone());
    blocking(move || remove(&root, &file, &id)).await??;
    Ok(StatusCode::NO_CONTENT)
}

/// Fields of Auth0's client schema `serve` does not write are refused as such; others as unknown.
fn refuse_unsupported(body: &Map<String, Value>, writable: &[&str]) -> Result<(), ApiError> {
    for key in body.keys() {
        if writable.contains(&key.as_str()) {
            continue;
        }
        if CREATE_FIELDS.contains(&key.as_str()) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "operation_not_supported",
                format!(
                    "actionhost serve changes only client_metadata of an application; edit {key} in its client file"
                ),
            ));
        }
        return body::only(body, CREATE_FIELDS);
    }
    Ok(())
}

/// A rejected metadata change is 400 with the rule it broke; anything else is the tenant's fault.
pub(super) fn metadata_error(error: TenantError) -> ApiError {
    const REJECTED: &str = "change rejected, nothing written: ";
    match error.message.strip_prefix(REJECTED) {
        Some(reason) => ApiError::invalid_body(reason),
        None if error.message.contains("keyword replacement") => {
            ApiError::new(StatusCode::BAD_REQUEST, "operation_not_supported", error.to_string())
        }
        None => ApiError::internal(error.to_string()),
    }
}

/// Writes `clients/<name>.json` for a new application, refusing a name or file that exists.
fn write_new(root: &Path, name: &str, client: &Value, keywords: &crate::tenant::Keywords) -> Result<(), ApiError> {
    let _lock = crate::tenant::store::lock(root, "metadata.lock").map_err(|e| ApiError::internal(e.to_string()))?;
    // Read under the lock: a client created at the same moment is seen.
    let tenant = crate::tenant::Tenant::load(root, keywords).map_err(|e| ApiError::internal(e.to_string()))?;
    if tenant.clients.iter().any(|c| c.name == name) {
        return Err(ApiError::conflict("client_exists", format!("An application named {name:?} exists already")));
    }
    let file = root.join("clients").join(file_name(name));
    if std::fs::symlink_metadata(&file).is_ok() {
        return Err(ApiError::conflict("client_exists", format!("The client file {} exists already", file.display())));
    }
    let mut text = serde_json::to_string_pretty(client).map_err(|e| ApiError::internal(e.to_string()))?;
    text.push('\n');
    files::write_inside(root, &file, text.as_bytes(), Mode::default()).map_err(|e| ApiError::internal(e.to_string()))
}

/// Removes a client file, under the metadata lock, if it still holds the client.
fn remove(root: &Path, file: &Path, client_id: &str) -> Result<(), ApiError> {
    let _lock = crate::tenant::store::lock(root, "metadata.lock").map_err(|e| ApiError::internal(e.to_string()))?;
    files::check_inside(root, file, false).map_err(|e| ApiError::internal(e.to_string()))?;
    let text = files::read_text(file).map_err(|_| not_found())?;
    let value: Value = serde_json::from_str(&text).map_err(|_| not_found())?;
    if value["client_id"] != client_id {
        return Err(not_found());
    }
    std::fs::remove_file(file).map_err(|e| ApiError::internal(format!("cannot delete {}: {e}", file.display())))
}

/// The Deploy CLI's file name for a client: its name with characters unsafe in file names
/// replaced by `_`.
pub fn file_name(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') { c } else { '_' }).collect();
    let safe = safe.trim_start_matches('.');
    format!("{}.json", if safe.is_empty() { "client" } else { safe })
}

/// A random identifier of letters and digits, as Auth0's client ids and secrets are.
pub fn random_id(length: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; length];
    getrandom::fill(&mut bytes).expect("the system's random source");
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_file_names_and_ids() {
        assert_eq!(file_name("Ops Automation"), "Ops Automation.json");
        assert_eq!(file_name("../etc/x"), "_etc_x.json");
        assert_eq!(file_name("a/b"), "a_b.json");
        let id = random_id(32);
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(id, random_id(32));
    }

    #[test]
    fn patch_refuses_other_fields() {
        let known = json!({"client_metadata": {}, "callbacks": []});
        let err = refuse_unsupported(known.as_object().unwrap(), PATCH_FIELDS).unwrap_err();
        assert_eq!(err.error_code, Some("operation_not_supported"));
        let unknown = json!({"client_metadata": {}, "colour": "red"});
        let err = refuse_unsupported(unknown.as_object().unwrap(), PATCH_FIELDS).unwrap_err();
        assert_eq!(err.message, "Payload validation error: 'Additional properties not allowed: colour'.");
        assert!(refuse_unsupported(json!({"client_metadata": null}).as_object().unwrap(), PATCH_FIELDS).is_ok());
    }
}
