//! `/dashboard/`: the Dashboard's Applications list and each application's Application
//! Metadata tab, server-rendered, writing through the tenant's locked, atomic store.

use std::sync::Arc;

use axum::Router;

use super::state::ServeState;

/// The dashboard's routes.
pub fn router() -> Router<Arc<ServeState>> {
    Router::new()
}
