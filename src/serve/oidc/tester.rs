//! The login tester, as the Dashboard's "Try" button on Auth0 (whose callback,
//! `https://manage.auth0.com/tester/callback`, every application accepts): `/tester/try` starts a
//! code + PKCE login of an application with this server's own `/tester/callback` as the
//! `redirect_uri`, and the callback redeems the code and shows the tokens' claims — or the
//! denial — in the browser, so a login can be tried without an application of one's own.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use minijinja::context;
use serde_json::Value;
use sha2::Digest;

use super::authorization::with_query;
use super::login::found;
use super::{pages, random_token};
use crate::serve::state::ServeState;
use crate::serve::token::TokenRequest;

/// The tester's callback path; every application accepts `BASE` + this as a `redirect_uri`.
pub const CALLBACK_PATH: &str = "/tester/callback";

/// A login the tester started: the application and the PKCE verifier, by `state`.
#[derive(Debug, Clone)]
pub struct TesterLogin {
    pub client_id: String,
    pub verifier: String,
}

/// `GET /tester/try?client_id=ID[&login_hint=USER][&audience=API]`.
pub async fn start(State(state): State<Arc<ServeState>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(client_id) = query.get("client_id").filter(|v| !v.is_empty()) else {
        return pages::error(StatusCode::BAD_REQUEST, "invalid_request", "Missing required parameter: client_id");
    };
    let verifier = random_token();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let login_state = random_token();
    state.oidc.lock().testers.insert(
        login_state.clone(),
        TesterLogin { client_id: client_id.clone(), verifier },
        Instant::now(),
    );
    let callback = format!("{}{CALLBACK_PATH}", state.base_url);
    let mut params = vec![
        ("client_id", client_id.as_str()),
        ("response_type", "code"),
        ("redirect_uri", callback.as_str()),
        ("scope", "openid profile email"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    for name in ["login_hint", "audience"] {
        if let Some(value) = query.get(name).filter(|v| !v.is_empty()) {
            params.push((name, value.as_str()));
        }
    }
    found(&with_query(&format!("{}/authorize", state.base_url), &params, Some(&login_state)))
}

/// `GET /tester/callback`: the code redeemed, the claims shown; or the error shown.
pub async fn callback(State(state): State<Arc<ServeState>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let get = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let started = state.oidc.lock().testers.take(get("state"), Instant::now());
    let Some(started) = started else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "Unknown login",
            "This login was not started by the tester, or it expired: start it again from /tester/try.",
        );
    };
    if !get("error").is_empty() {
        return result_page(&started.client_id, Some((get("error"), get("error_description"))), None);
    }
    let client_secret = state.tenant().ok().and_then(|tenant| {
        tenant
            .client_by_id(&started.client_id)
            .and_then(|c| c.raw.get("client_secret").and_then(Value::as_str).map(str::to_owned))
    });
    let mut fields = HashMap::from([
        ("grant_type".to_owned(), "authorization_code".to_owned()),
        ("code".to_owned(), get("code").to_owned()),
        ("redirect_uri".to_owned(), format!("{}{CALLBACK_PATH}", state.base_url)),
        ("client_id".to_owned(), started.client_id.clone()),
        ("code_verifier".to_owned(), started.verifier.clone()),
    ]);
    if let Some(secret) = client_secret {
        fields.insert("client_secret".to_owned(), secret);
    }
    match super::grants::authorization_code(&state, &TokenRequest { fields, basic: None }).await {
        Ok(response) => result_page(&started.client_id, None, Some(&response)),
        Err(error) => result_page(&started.client_id, Some((error.error, &error.description)), None),
    }
}

/// The claims of a JWT, unverified (the server just signed it).
fn claims(jwt: Option<&str>) -> Option<String> {
    let payload = jwt?.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

fn result_page(client_id: &str, error: Option<(&str, &str)>, response: Option<&Value>) -> Response {
    let id_token = claims(response.and_then(|r| r["id_token"].as_str()));
    let access_token = claims(response.and_then(|r| r["access_token"].as_str()));
    let context = context! {
        client_id,
        error => error.map(|(e, _)| e),
        error_description => error.map(|(_, d)| d),
        id_token,
        access_token,
        scope => response.and_then(|r| r["scope"].as_str()),
    };
    match pages::render("tester.html", context) {
        Ok(html) => Html(html).into_response(),
        Err(e) => pages::error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e.to_string()),
    }
}
