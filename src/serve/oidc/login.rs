//! One login of the login server: the pipeline `simulate` runs (Rules, then post-login Actions,
//! then claims and tokens), metadata changes persisted to `users/`, and its end turned into the
//! browser's next stop — the `redirect_uri` with a code, with `error=access_denied` (a denial)
//! or `error=server_error` (a script failed), or the page a Rule or an Action redirected to,
//! the login suspended until `/continue`.

use std::sync::Arc;
use std::time::Instant;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::authorization::Authorization;
use super::{issue, journal, pages, random_token, IssuedCode, Suspended};
use crate::pipeline::{self, LoginRequest, SimStatus, Simulation};
use crate::serve::state::ServeState;

/// A 302 to `location`.
pub fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned()), (header::CACHE_CONTROL, "no-store".to_owned())])
        .into_response()
}

/// Logs `user_id` in, for `authorization`.
pub async fn start(state: &Arc<ServeState>, authorization: Authorization, user_id: String) -> Response {
    let request = LoginRequest {
        tenant: Some(state.tenant.clone()),
        client: Some(authorization.client_id.clone()),
        user_id: Some(user_id.clone()),
        audience: authorization.audience.clone(),
        persist: true,
        ..Default::default()
    };
    run(state, authorization, user_id, request).await
}

/// Resumes the login suspended under Auth0's `state` with the `/continue` query.
pub async fn resume(
    state: &Arc<ServeState>,
    suspended: Suspended,
    auth0_state: &str,
    query: Map<String, Value>,
) -> Response {
    let file = pipeline::state::default_path(&state.root, auth0_state);
    let request = LoginRequest {
        tenant: Some(state.tenant.clone()),
        persist: true,
        resume: Some(file.clone()),
        query: Some(query),
        ..Default::default()
    };
    let response = run(state, suspended.authorization, suspended.user_id, request).await;
    // Resumed once: the state file has served its purpose.
    let _ = std::fs::remove_file(file);
    response
}

async fn run(
    state: &Arc<ServeState>,
    authorization: Authorization,
    user_id: String,
    request: LoginRequest,
) -> Response {
    let result = pipeline::simulate(&state.host, &request).await;
    journal::record(state, &authorization, &user_id, &result);
    match result {
        Err(error) => pages::error(StatusCode::BAD_REQUEST, "invalid_request", &error.to_string()),
        Ok(simulation) => finish(state, authorization, user_id, simulation),
    }
}

fn finish(state: &ServeState, authorization: Authorization, user_id: String, simulation: Simulation) -> Response {
    let now = Instant::now();
    match simulation.status {
        SimStatus::Completed => {
            match issue::token_response(state, &authorization, &simulation, authorization.nonce.as_deref()) {
                Ok(response) => {
                    let code = random_token();
                    let location = authorization.redirect(&[("code", &code)]);
                    state.oidc.lock().codes.insert(code, IssuedCode { authorization, user_id, response }, now);
                    found(&location)
                }
                Err(error) => {
                    found(&authorization.redirect(&[("error", "server_error"), ("error_description", &error)]))
                }
            }
        }
        SimStatus::Denied => {
            let description = simulation.denial.map(|d| d.error_description).unwrap_or_default();
            found(&authorization.redirect(&[("error", "access_denied"), ("error_description", &description)]))
        }
        SimStatus::Redirected => match simulation.redirect {
            Some(redirect) => {
                state.oidc.lock().suspended.insert(redirect.state, Suspended { authorization, user_id }, now);
                found(&redirect.url)
            }
            None => found(
                &authorization
                    .redirect(&[("error", "server_error"), ("error_description", "a redirect without a URL")]),
            ),
        },
        SimStatus::Error => {
            let description = match (&simulation.error, &simulation.failed_step) {
                (Some(error), Some(step)) => format!("{step}: {}: {}", error.name, error.message),
                (Some(error), None) => format!("{}: {}", error.name, error.message),
                _ => "the login failed".to_owned(),
            };
            found(&authorization.redirect(&[("error", "server_error"), ("error_description", &description)]))
        }
    }
}
