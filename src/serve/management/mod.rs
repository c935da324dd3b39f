//! The Management API v2 (`/api/v2/…`): clients, users, rules and actions of the tenant folder,
//! with Auth0's shapes, status codes and errors, behind a Bearer token with per-endpoint scopes
//! (`auth.rs`). Writes go through the tenant's locks and atomic writes, so the command line and
//! the API see each other's changes at once.

mod actions;
pub mod auth;
mod body;
mod clients;
mod query;
mod rules;
mod users;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

use super::error::ApiError;
use super::state::ServeState;
use crate::tenant::{Tenant, TenantFormat};

/// The Management API's routes.
pub fn router() -> Router<Arc<ServeState>> {
    Router::new()
        .route("/api/v2/clients", get(clients::list).post(clients::create))
        .route("/api/v2/clients/{id}", get(clients::get).patch(clients::patch).delete(clients::delete))
        .route("/api/v2/users", post(users::create))
        .route("/api/v2/users/{id}", get(users::get).patch(users::patch).delete(users::delete))
        .route("/api/v2/rules", get(rules::list))
        .route("/api/v2/rules/{id}", get(rules::get))
        .route("/api/v2/actions/actions", get(actions::list))
        .route("/api/v2/actions/actions/{id}", get(actions::get))
        .route("/api/v2/actions/actions/{id}/test", post(actions::test))
}

/// The tenant as its files are now; a tenant that no longer loads is a 500 naming the file.
fn tenant(state: &ServeState) -> Result<Arc<Tenant>, ApiError> {
    state.tenant().map_err(|e| ApiError::internal(e.to_string()))
}

/// Writes need the directory format.
fn directory_tenant(tenant: &Tenant) -> Result<(), ApiError> {
    match &tenant.format {
        TenantFormat::Directory => Ok(()),
        TenantFormat::Yaml(file) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "operation_not_supported",
            format!("{} is a YAML tenant; the Management API writes only the directory format", file.display()),
        )),
    }
}

/// Runs file work (locks, reads, atomic writes) off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::internal(format!("the write failed: {e}")))
}
