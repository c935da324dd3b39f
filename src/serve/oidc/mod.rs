//! The login server (OpenID Connect): discovery, keys, `/authorize` with its login page, the
//! code and refresh-token grants, `/userinfo`, `/v2/logout`, `/continue`, and the list of recent
//! logins. Each login runs the same pipeline as `simulate`.

pub mod grants;

use std::sync::Arc;

use axum::Router;

use super::state::ServeState;

/// What the login server keeps between requests.
#[derive(Default)]
pub struct OidcState {}

/// The login server's routes.
pub fn router() -> Router<Arc<ServeState>> {
    Router::new()
}
