//! The two error bodies `serve` answers with, as Auth0 writes them: the Management API's
//! `{"statusCode":400,"error":"Bad Request","message":"…","errorCode":"invalid_body"}` and the
//! OAuth endpoints' `{"error":"invalid_grant","error_description":"…"}` (RFC 6749 §5.2).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A Management API error.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Auth0's `errorCode` (`invalid_body`, `inexistent_client`, `insufficient_scope`, …).
    pub error_code: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, error_code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), error_code: Some(error_code) }
    }

    /// 400 `invalid_body`: the payload does not validate.
    pub fn invalid_body(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", message)
    }

    /// 400 `invalid_query_string`.
    pub fn invalid_query(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query_string", message)
    }

    /// 401: no token, or a token that does not verify.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::UNAUTHORIZED, message: message.into(), error_code: None }
    }

    /// 403 `insufficient_scope`, naming the scopes the endpoint needs.
    pub fn insufficient_scope(needed: &[&str]) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!("Insufficient scope, expected any of: {}", needed.join(",")),
        )
    }

    /// 404 with Auth0's error code for the missing kind (`inexistent_client`, `inexistent_user`…).
    pub fn not_found(error_code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, error_code, message)
    }

    /// 409: the resource exists already.
    pub fn conflict(error_code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, error_code, message)
    }

    /// 500: the tenant folder could not be read or written.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, message: message.into(), error_code: None }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "statusCode": self.status.as_u16(),
            "error": self.status.canonical_reason().unwrap_or("Error"),
            "message": self.message,
        });
        if let Some(code) = self.error_code {
            body["errorCode"] = json!(code);
        }
        (self.status, Json(body)).into_response()
    }
}

/// An OAuth 2.0 error of `/oauth/token` (RFC 6749 §5.2) or `/userinfo`.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError { status, error, description: description.into() }
    }

    pub fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::FORBIDDEN, "invalid_grant", description)
    }

    /// A `scope` outside what may be asked (RFC 6749 §5.2: 400).
    pub fn invalid_scope(description: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    pub fn unsupported_grant_type(grant_type: &str) -> OAuthError {
        OAuthError::new(
            StatusCode::FORBIDDEN,
            "unsupported_grant_type",
            format!("Unsupported grant type: {grant_type}"),
        )
    }

    /// A denial by a Rule or an Action (`access_denied`).
    pub fn access_denied(description: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::FORBIDDEN, "access_denied", description)
    }

    pub fn server_error(description: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.error, "error_description": self.description }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    /// The shape Auth0's Management API documents for its errors.
    #[tokio::test]
    async fn management_errors_have_auth0s_shape() {
        let response = ApiError::invalid_body("Payload validation error").into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body(response).await,
            json!({"statusCode": 400, "error": "Bad Request", "message": "Payload validation error", "errorCode": "invalid_body"})
        );
        let response = ApiError::unauthorized("Missing authentication").into_response();
        assert_eq!(
            body(response).await,
            json!({"statusCode": 401, "error": "Unauthorized", "message": "Missing authentication"})
        );
    }

    #[tokio::test]
    async fn oauth_errors_follow_rfc_6749() {
        let response = OAuthError::invalid_grant("Invalid authorization code").into_response();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            body(response).await,
            json!({"error": "invalid_grant", "error_description": "Invalid authorization code"})
        );
    }
}
