//! The `client_credentials` grant of `/oauth/token`: a machine-to-machine token for an API,
//! after the tenant's credentials-exchange Actions.

use super::error::OAuthError;
use super::state::ServeState;
use super::token::TokenRequest;

/// Issues the access token of a client-credentials request.
pub async fn grant(_state: &ServeState, request: &TokenRequest) -> Result<serde_json::Value, OAuthError> {
    Err(OAuthError::unsupported_grant_type(request.get("grant_type").unwrap_or_default()))
}
