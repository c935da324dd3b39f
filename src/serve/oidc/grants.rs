//! The `authorization_code` (with PKCE) and `refresh_token` grants of `/oauth/token`.

use serde_json::Value;

use crate::serve::error::OAuthError;
use crate::serve::state::ServeState;
use crate::serve::token::TokenRequest;

pub async fn authorization_code(_state: &ServeState, _request: &TokenRequest) -> Result<Value, OAuthError> {
    Err(OAuthError::unsupported_grant_type("authorization_code"))
}

pub async fn refresh_token(_state: &ServeState, _request: &TokenRequest) -> Result<Value, OAuthError> {
    Err(OAuthError::unsupported_grant_type("refresh_token"))
}
