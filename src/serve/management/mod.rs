//! The Management API v2 (`/api/v2/…`): clients, users, rules and actions of the tenant folder,
//! with Auth0's shapes, status codes and errors, behind a Bearer token with per-endpoint scopes.

use std::sync::Arc;

use axum::Router;

use super::state::ServeState;

/// The Management API's routes.
pub fn router() -> Router<Arc<ServeState>> {
    Router::new()
}
