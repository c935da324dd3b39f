//! One login of the login server: the pipeline `simulate` runs (Rules, then post-login Actions,
//! then claims and tokens), metadata changes persisted to `users/`, and its end turned into the
//! browser's next stop — the `redirect_uri` with a code, with `error=access_denied` (a denial)
//! or `error=server_error` (a script failed), or the page a Rule or an Action redirected to,
//! the login suspended until `/continue`. Rules and Actions see the browser's request (its
//! query, `redirect_uri` and scopes) and, on a login session, a single sign-on login.

use std::sync::Arc;
use std::time::Instant;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::authorization::Authorization;
use super::{issue, journal, pages, random_token, session, IssuedCode, Subject, Suspended};
use crate::pipeline::login::ServedRequest;
use crate::pipeline::{self, LoginRequest, SimStatus, Simulation};
use crate::serve::state::ServeState;

/// A 302 to `location`.
pub fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned()), (header::CACHE_CONTROL, "no-store".to_owned())])
        .into_response()
}

/// What Rules and Actions see of the browser's `/authorize` request.
fn served(authorization: &Authorization, subject: &Subject) -> ServedRequest {
    ServedRequest {
        method: "GET".into(),
        query: authorization.query.clone(),
        body: Map::new(),
        redirect_uri: Some(authorization.redirect_uri.clone()),
        scopes: authorization.scopes.clone(),
        authenticated_at: subject.authenticated_at,
        sso_clients: subject.sso.as_ref().map(|(_, clients)| clients.clone()),
    }
}

/// Logs `subject` in, for `authorization`.
pub async fn start(state: &Arc<ServeState>, authorization: Authorization, subject: Subject) -> Response {
    let request = LoginRequest {
        tenant: Some(state.tenant.clone()),
        client: Some(authorization.client_id.clone()),
        user_id: Some(subject.user_id.clone()),
        audience: authorization.audience.clone(),
        persist: true,
        served: Some(served(&authorization, &subject)),
        ..Default::default()
    };
    run(state, authorization, subject, request).await
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
    let response = run(state, suspended.authorization, suspended.subject, request).await;
    // Resumed once: the state file has served its purpose.
    let _ = std::fs::remove_file(file);
    response
}

async fn run(
    state: &Arc<ServeState>,
    authorization: Authorization,
    subject: Subject,
    request: LoginRequest,
) -> Response {
    let result = pipeline::simulate(&state.host, &request).await;
    journal::record(state, &authorization, &subject, &result);
    match result {
        Err(error) => pages::error(StatusCode::BAD_REQUEST, "invalid_request", &error.to_string()),
        Ok(simulation) => finish(state, authorization, subject, simulation),
    }
}

/// The browser's next stop once the login ended; a completed login also starts (or extends)
/// the browser's login session.
fn finish(state: &ServeState, authorization: Authorization, subject: Subject, simulation: Simulation) -> Response {
    let now = Instant::now();
    match simulation.status {
        SimStatus::Completed => {
            let nonce = authorization.nonce.as_deref();
            let scopes = issue::granted_scopes(&authorization, &simulation);
            match issue::token_response(state, &authorization, &subject, &simulation, nonce, &scopes) {
                Ok(response) => {
                    let code = random_token();
                    let location = authorization.redirect(&[("code", &code)]);
                    let mut oidc = state.oidc.lock();
                    let (session, new) = session::log_in(
                        &mut oidc,
                        subject.sso.as_ref().map(|(id, _)| id.as_str()),
                        &subject.user_id,
                        subject.authenticated_at,
                        &authorization.client_id,
                        now,
                    );
                    oidc.codes.insert(code, IssuedCode { authorization, subject, response }, now);
                    drop(oidc);
                    let mut response = found(&location);
                    if new {
                        let cookie = session::set_cookie(Some(&session), state.options.tls);
                        response.headers_mut().insert(header::SET_COOKIE, cookie);
                    }
                    response
                }
                Err(error) => found(
                    &authorization.redirect(&[("error", "server_error"), ("error_description", &error.to_string())]),
                ),
            }
        }
        SimStatus::Denied => {
            let description = simulation.denial.map(|d| d.error_description).unwrap_or_default();
            found(&authorization.redirect(&[("error", "access_denied"), ("error_description", &description)]))
        }
        // A login without a page (prompt=none) cannot show the user another one either.
        SimStatus::Redirected if authorization.prompt_none => found(&authorization.redirect(&[
            ("error", "interaction_required"),
            ("error_description", "A Rule or an Action redirected the user, which prompt=none does not allow"),
        ])),
        SimStatus::Redirected => match simulation.redirect {
            Some(redirect) => {
                state.oidc.lock().suspended.insert(redirect.state, Suspended { authorization, subject }, now);
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
