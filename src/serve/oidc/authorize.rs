//! `/authorize` (the authorization code flow, RFC 6749 §4.1 with PKCE; the browser's login
//! session, when it has one, logs its user in without the page), the login page's form
//! (`POST /authorize/login`) and `/continue`, where the browser comes back after a Rule or an
//! Action sent it elsewhere (`api.redirect.sendUserTo`, `context.redirect`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Form, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::authorization::{with_query, Authorization, Refusal};
use super::login::{self, found};
use super::pages::{self, UserChoice};
use super::{now_ms, random_token, session, Subject};
use crate::serve::state::ServeState;

/// `GET /authorize`.
pub async fn authorize(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tenant = match state.tenant() {
        Ok(tenant) => tenant,
        Err(error) => return pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &error.to_string()),
    };
    let authorization = match Authorization::parse(
        &tenant.clients,
        &tenant.organizations,
        &query,
        &format!("{}{}", state.base_url, super::tester::CALLBACK_PATH),
    ) {
        Ok(authorization) => authorization,
        Err(Refusal::Page { title, message }) => return pages::error(StatusCode::BAD_REQUEST, &title, &message),
        Err(Refusal::Redirect { redirect_uri, state, error, description }) => {
            return found(&with_query(
                &redirect_uri,
                &[("error", error), ("error_description", &description)],
                state.as_deref(),
            ))
        }
    };
    let users = state.oidc.users.of(&tenant);
    // prompt=login, or a max_age the session's login is older than, asks again.
    let session = session_of(&state, &headers, &users).filter(|subject| {
        let age_ms = now_ms() - subject.authenticated_at;
        !authorization.prompt_login
            && authorization
                .max_age
                .is_none_or(|max| age_ms <= i64::try_from(max).unwrap_or(i64::MAX).saturating_mul(1000))
    });
    let mut notice = None;
    if let (true, Some(hint)) = (state.options.auto_login, authorization.login_hint.as_deref()) {
        match users.iter().find(|u| u.user_id == hint || (!u.email.is_empty() && u.email.eq_ignore_ascii_case(hint))) {
            // The session's user rides on it; another user logs in afresh.
            Some(user) => {
                let subject = match session {
                    Some(subject) if subject.user_id == user.user_id => subject,
                    _ => Subject::now(user.user_id.clone()),
                };
                return login::start(&state, authorization, subject).await;
            }
            None => {
                notice = Some(format!("login_hint {hint:?} names no user of users/ (by user_id or email): choose one."))
            }
        }
    }
    if let Some(subject) = session {
        return login::start(&state, authorization, subject).await;
    }
    if authorization.prompt_none {
        return found(&authorization.redirect(&[
            ("error", "login_required"),
            ("error_description", "Login required: prompt=none and no user was logged in"),
        ]));
    }
    let tx = random_token();
    let client = authorization.client_name.clone();
    state.oidc.lock().pending.insert(tx.clone(), authorization, Instant::now());
    pages::login(&client, &tx, &users, notice.as_deref())
}

/// The login session of the browser's cookie, as the subject of a single sign-on login: while
/// it lasts and its user is still in `users/`.
fn session_of(state: &ServeState, headers: &HeaderMap, users: &[UserChoice]) -> Option<Subject> {
    let id = session::cookie_id(headers)?;
    let found = session::find(&state.oidc.lock(), &id, Instant::now())?;
    users.iter().any(|u| u.user_id == found.user_id).then_some(Subject {
        user_id: found.user_id,
        authenticated_at: found.authenticated_at,
        sso: Some((id, found.clients)),
    })
}

/// `POST /authorize/login`: the user chosen on the login page.
pub async fn log_in(State(state): State<Arc<ServeState>>, Form(form): Form<HashMap<String, String>>) -> Response {
    let (Some(tx), Some(user_id)) = (form.get("tx"), form.get("user_id")) else {
        return pages::error(StatusCode::BAD_REQUEST, "invalid_request", "The login form needs tx and user_id.");
    };
    let Some(authorization) = state.oidc.lock().pending.take(tx, Instant::now()) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "This login page has expired or was used already: start again from the application.",
        );
    };
    let tenant = match state.tenant() {
        Ok(tenant) => tenant,
        Err(error) => return pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &error.to_string()),
    };
    if !state.oidc.users.of(&tenant).iter().any(|u| u.user_id == *user_id) {
        return pages::error(StatusCode::BAD_REQUEST, "invalid_request", &format!("No user {user_id:?} in users/."));
    }
    login::start(&state, authorization, Subject::now(user_id.clone())).await
}

/// `GET|POST /continue?state=…`: resumes a suspended login with the query (and form) it gets.
pub async fn resume(State(state): State<Arc<ServeState>>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let mut params = Map::new();
    for (name, value) in
        form_urlencoded::parse(query.unwrap_or_default().as_bytes()).chain(form_urlencoded::parse(&body))
    {
        params.insert(name.into_owned(), Value::String(value.into_owned()));
    }
    let Some(auth0_state) = params.get("state").and_then(Value::as_str).map(str::to_owned) else {
        return pages::error(StatusCode::BAD_REQUEST, "invalid_request", "Missing required parameter: state");
    };
    let Some(suspended) = state.oidc.lock().suspended.take(&auth0_state, Instant::now()) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!(
                "No login waits for state {auth0_state:?}: it was resumed already, expired, or the server restarted."
            ),
        );
    };
    login::resume(&state, suspended, &auth0_state, params).await
}
