//! The JSON body of a Management API request, read with Auth0's errors: over the size limit is
//! 413, a body that is not JSON is 400 "Invalid request payload JSON format", and a body that is
//! not an object, a field of the wrong type or a field Auth0 does not accept is 400
//! `invalid_body` "Payload validation error: …".

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::json::json_type;
use crate::serve::error::ApiError;

/// A JSON object body.
pub struct Body(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Body, ApiError> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    message: format!(
                        "Payload content length greater than maximum allowed: {}",
                        crate::serve::MAX_BODY_BYTES
                    ),
                    error_code: None,
                }
            } else {
                ApiError::invalid_body(rejection.body_text())
            }
        })?;
        parse(&bytes).map(Body)
    }
}

/// Parses a body that must be a JSON object.
pub fn parse(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| ApiError {
        status: StatusCode::BAD_REQUEST,
        message: "Invalid request payload JSON format".into(),
        error_code: None,
    })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(validation(format!("Expected type object but found type {}", json_type(&other)), None)),
    }
}

/// 400 `invalid_body` as Auth0 words a schema failure.
pub fn validation(reason: impl std::fmt::Display, property: Option<&str>) -> ApiError {
    match property {
        Some(property) => {
            ApiError::invalid_body(format!("Payload validation error: '{reason}' on property {property}."))
        }
        None => ApiError::invalid_body(format!("Payload validation error: '{reason}'.")),
    }
}

/// Refuses the fields outside `allowed` ("Additional properties not allowed").
pub fn only(body: &Map<String, Value>, allowed: &[&str]) -> Result<(), ApiError> {
    let extra: Vec<&str> = body.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
    if extra.is_empty() {
        Ok(())
    } else {
        Err(validation(format!("Additional properties not allowed: {}", extra.join(",")), None))
    }
}

/// The field as an object (`null` and absence give `None`), else 400 naming it.
pub fn object<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(validation(format!("Expected type object but found type {}", json_type(other)), Some(key))),
    }
}

/// The field as a string, else 400 naming it.
pub fn string<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(validation(format!("Expected type string but found type {}", json_type(other)), Some(key))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn malformed_and_non_object_bodies() {
        let err = parse(b"{\"a\": ").unwrap_err();
        assert_eq!(
            (err.status, err.message.as_str()),
            (StatusCode::BAD_REQUEST, "Invalid request payload JSON format")
        );
        let err = parse(b"[1]").unwrap_err();
        assert_eq!(err.message, "Payload validation error: 'Expected type object but found type array'.");
        assert_eq!(err.error_code, Some("invalid_body"));
        assert_eq!(parse(b"{\"a\":1}").unwrap()["a"], 1);
    }

    #[test]
    fn field_checks_name_the_property() {
        let body = json!({"client_metadata": "x", "name": 3, "extra": 1});
        let body = body.as_object().unwrap();
        assert_eq!(
            object(body, "client_metadata").unwrap_err().message,
            "Payload validation error: 'Expected type object but found type string' on property client_metadata."
        );
        assert_eq!(
            string(body, "name").unwrap_err().message,
            "Payload validation error: 'Expected type string but found type number' on property name."
        );
        assert_eq!(
            only(body, &["client_metadata", "name"]).unwrap_err().message,
            "Payload validation error: 'Additional properties not allowed: extra'."
        );
        assert!(only(body, &["client_metadata", "name", "extra"]).is_ok());
        assert_eq!(object(json!({"m": null}).as_object().unwrap(), "m").unwrap(), None);
    }
}
