//! `/api/v2/users/{id}`: the tenant's `users/` folder (one file per user, see
//! [`crate::pipeline::users`]) as the Management API shows it. `PATCH` merges `app_metadata` and
//! `user_metadata` with Auth0's rules (first level merged, `null` deletes) under the users lock
//! through an atomic write; `POST` writes a new user file; `DELETE` removes one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::blocking;
use super::body::{self, Body};
use crate::pipeline::metadata::{Field, MetadataPatch};
use crate::pipeline::users;
use crate::serve::error::ApiError;
use crate::serve::state::ServeState;

/// The fields a create request may carry (Auth0's user creation schema).
const CREATE_FIELDS: &[&str] = &[
    "connection",
    "email",
    "phone_number",
    "user_metadata",
    "app_metadata",
    "blocked",
    "email_verified",
    "phone_verified",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "user_id",
    "password",
    "verify_email",
    "username",
];

fn not_found() -> ApiError {
    ApiError::not_found("inexistent_user", "The user does not exist.")
}

/// The user file of `id`, or 404.
fn file_of(root: &Path, id: &str) -> Result<PathBuf, ApiError> {
    users::find(root, id).map_err(|_| not_found())
}

/// The user as the API shows it: the file without `authorization`.
fn read_user(root: &Path, id: &str) -> Result<Value, ApiError> {
    let file = file_of(root, id)?;
    users::load(&file).map(|record| record.profile).map_err(|e| ApiError::internal(e.to_string()))
}

pub async fn get(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, ApiError> {
    grant.require("read:users")?;
    let root = state.root.clone();
    Ok(Json(blocking(move || read_user(&root, &id)).await??))
}

/// The metadata patch of a PATCH body; other fields are refused.
pub fn metadata_patch(body: &Map<String, Value>) -> Result<MetadataPatch, ApiError> {
    for key in body.keys() {
        if !matches!(key.as_str(), "app_metadata" | "user_metadata") {
            if CREATE_FIELDS.contains(&key.as_str()) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "operation_not_supported",
                    format!("actionhost serve changes only app_metadata and user_metadata of a user; edit {key} in the user's file"),
                ));
            }
            return body::only(body, &["app_metadata", "user_metadata"]).map(|_| MetadataPatch::default());
        }
    }
    let mut patch = MetadataPatch::default();
    for field in [Field::App, Field::User] {
        if let Some(changes) = body::object(body, field.key())? {
            patch.set_all(field, changes);
        }
    }
    Ok(patch)
}

pub async fn patch(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
    Body(body): Body,
) -> Result<Json<Value>, ApiError> {
    grant.require("update:users")?;
    let patch = metadata_patch(&body)?;
    let root = state.root.clone();
    let user = blocking(move || {
        let file = file_of(&root, &id)?;
        users::persist(&root, &file, &id, &patch).map_err(|e| ApiError::internal(e.to_string()))?;
        read_user(&root, &id)
    })
    .await??;
    Ok(Json(user))
}

pub async fn create(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    Body(body): Body,
) -> Result<Response, ApiError> {
    grant.require("create:users")?;
    body::only(&body, CREATE_FIELDS)?;
    let connection = body::string(&body, "connection")?
        .ok_or_else(|| body::validation("Missing required property: connection", None))?
        .to_owned();
    for key in
        ["email", "user_id", "name", "nickname", "given_name", "family_name", "picture", "username", "phone_number"]
    {
        body::string(&body, key)?;
    }
    for key in ["app_metadata", "user_metadata"] {
        body::object(&body, key)?;
    }
    let local_id = match body.get("user_id").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => hex_id(),
    };
    let user_id = format!("auth0|{local_id}");
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    let now = crate::dates::iso_from_ms(now_ms);
    let email = body.get("email").and_then(Value::as_str).map(str::to_owned);
    let mut user = Map::new();
    user.insert("user_id".into(), json!(user_id));
    for (key, value) in &body {
        if !matches!(key.as_str(), "user_id" | "password" | "verify_email" | "connection") {
            user.insert(key.clone(), value.clone());
        }
    }
    if let Some(email) = &email {
        user.entry("email_verified").or_insert(json!(false));
        user.entry("nickname").or_insert(json!(email.split('@').next().unwrap_or_default()));
        user.entry("name").or_insert(json!(email));
    }
    user.insert("created_at".into(), json!(now));
    user.insert("updated_at".into(), json!(now));
    user.insert(
        "identities".into(),
        json!([{ "connection": connection, "provider": "auth0", "user_id": local_id, "isSocial": false }]),
    );
    let user = Value::Object(user);
    let root = state.root.clone();
    let written = user.clone();
    blocking(move || {
        if let Some(email) = &email {
            if email_taken(&root, &connection, email) {
                return Err(ApiError::conflict("auth0_idp_error", "The user already exists."));
            }
        }
        users::create(&root, &written).map_err(|e| {
            if e.message.contains("exists already") || e.message.contains("already") {
                ApiError::conflict("auth0_idp_error", "The user already exists.")
            } else {
                ApiError::internal(e.to_string())
            }
        })
    })
    .await??;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

pub async fn delete(
    State(state): State<Arc<ServeState>>,
    Caller(grant): Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<StatusCode, ApiError> {
    grant.require("delete:users")?;
    let root = state.root.clone();
    blocking(move || {
        let _lock = crate::tenant::store::lock(&root, "users.lock").map_err(|e| ApiError::internal(e.to_string()))?;
        let Ok(file) = users::find(&root, &id) else { return Ok(()) };
        users::check_writable(&root, &file).map_err(|e| ApiError::internal(e.to_string()))?;
        std::fs::remove_file(&file).map_err(|e| ApiError::internal(format!("cannot delete {}: {e}", file.display())))
    })
    .await??;
    // Auth0 answers 204 whether or not the user existed.
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a user of `connection` already has this email.
fn email_taken(root: &Path, connection: &str, email: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(root.join("users")) else { return false };
    entries.flatten().any(|entry| {
        let Ok(text) = crate::files::read_text(&entry.path()) else { return false };
        let Ok(user) = serde_json::from_str::<Value>(&text) else { return false };
        let same_email = user["email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case(email));
        let same_connection =
            user["identities"].as_array().is_some_and(|ids| ids.iter().any(|i| i["connection"] == connection));
        same_email && same_connection
    })
}

/// 24 hex digits, as Auth0's database user ids have.
fn hex_id() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_bodies() {
        let body = json!({"app_metadata": {"plan": "pro", "old": null}, "user_metadata": {"lang": "de"}});
        let patch = metadata_patch(body.as_object().unwrap()).unwrap();
        let mut user = json!({"user_id": "x", "app_metadata": {"old": 1, "keep": {"a": 1}}});
        patch.apply_to(&mut user);
        assert_eq!(user["app_metadata"], json!({"keep": {"a": 1}, "plan": "pro"}));
        assert_eq!(user["user_metadata"], json!({"lang": "de"}));
        let err = metadata_patch(json!({"app_metadata": []}).as_object().unwrap()).unwrap_err();
        assert_eq!(
            err.message,
            "Payload validation error: 'Expected type object but found type array' on property app_metadata."
        );
        let err = metadata_patch(json!({"email": "a@b"}).as_object().unwrap()).unwrap_err();
        assert_eq!(err.error_code, Some("operation_not_supported"));
        let err = metadata_patch(json!({"colour": 1}).as_object().unwrap()).unwrap_err();
        assert_eq!(err.message, "Payload validation error: 'Additional properties not allowed: colour'.");
        assert_eq!(hex_id().len(), 24);
    }
}
