//! The result of a simulated login ([`Simulation`]) and how a finished [`Flow`] becomes one:
//! batched metadata applied (or dropped on a failure) and optionally persisted, tokens built
//! and signed, a suspended login written to its state file.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::claims;
use super::error::TokenError;
use super::flow::{End, Flow, Mfa};
use super::login::Protocol;
use super::metadata::Field;
use super::state::{self, SuspendedLogin};
use super::tokens::{Signer, SigningInfo};
use super::transcript::Step;
use super::users;
use super::LoginRequest;
use crate::outcome::OutcomeError;
use crate::request::RequestError;
use crate::tenant::Tenant;

/// How the login ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SimStatus {
    /// Tokens were issued.
    Completed,
    /// A Rule or an Action denied the login.
    Denied,
    /// A Rule or an Action redirected the user; the login waits for `--continue`.
    Redirected,
    /// A script failed or timed out, the tokens broke Auth0's limits, or (batch) the request was
    /// invalid.
    Error,
}

impl SimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SimStatus::Completed => "completed",
            SimStatus::Denied => "denied",
            SimStatus::Redirected => "redirected",
            SimStatus::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginSummary {
    pub tenant: std::path::PathBuf,
    pub client: String,
    pub client_id: Option<String>,
    pub user_id: String,
    pub user_file: std::path::PathBuf,
    pub connection: String,
    pub protocol: Protocol,
    pub audience: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub claims: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// Absent when the login did not ask for `openid`.
    pub id_token: Option<Token>,
    pub access_token: Token,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<SigningInfo>,
}

/// A denied login, with the OAuth error the application receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Denial {
    pub error: String,
    pub error_description: String,
    pub by: String,
}

/// A login waiting for `/continue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Redirect {
    pub url: String,
    pub state: String,
    pub by: String,
    pub state_file: std::path::PathBuf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Simulation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub status: SimStatus,
    pub login: Option<LoginSummary>,
    pub tokens: Option<Tokens>,
    pub scopes: Vec<String>,
    pub mfa: Option<Mfa>,
    pub app_metadata: Value,
    pub user_metadata: Value,
    /// The user file the metadata changes were written to (`--persist`).
    pub persisted: Option<std::path::PathBuf>,
    pub denial: Option<Denial>,
    pub redirect: Option<Redirect>,
    /// The failure; `failed_step` names the step (`rule NAME`, `action NAME`, `tokens`).
    pub error: Option<OutcomeError>,
    pub failed_step: Option<String>,
    pub warnings: Vec<String>,
    pub steps: Vec<Step>,
    pub duration_ms: f64,
}

impl Simulation {
    /// The result of a request that could not be simulated (batch).
    pub fn invalid(id: Option<Value>, message: impl Into<String>) -> Simulation {
        Simulation {
            id,
            status: SimStatus::Error,
            login: None,
            tokens: None,
            scopes: vec![],
            mfa: None,
            app_metadata: json!({}),
            user_metadata: json!({}),
            persisted: None,
            denial: None,
            redirect: None,
            error: Some(OutcomeError::new("InvalidRequest", message)),
            failed_step: None,
            warnings: vec![],
            steps: vec![],
            duration_ms: 0.0,
        }
    }
}

pub(super) fn finish(
    mut flow: Flow,
    end: End,
    request: &LoginRequest,
    tenant: &Tenant,
    started: Instant,
) -> Result<Simulation, RequestError> {
    let mut status = SimStatus::Completed;
    let (mut tokens, mut denial, mut redirect, mut error, mut failed_step) = (None, None, None, None, None);
    match &end {
        End::Failed { .. } => flow.pending = Default::default(),
        _ => flow.apply_pending(),
    }
    let persisted = persist(&mut flow, request, tenant)?;
    match end {
        End::Completed => match issue_tokens(&mut flow, request, tenant) {
            Ok(issued) => tokens = Some(issued),
            Err(failure) => {
                status = SimStatus::Error;
                error = Some(failure.into());
                failed_step = Some("tokens".to_owned());
            }
        },
        End::Denied { by, reason } => {
            status = SimStatus::Denied;
            denial = Some(Denial { error: "access_denied".into(), error_description: reason, by });
        }
        End::Failed { by, error: failure } => {
            status = SimStatus::Error;
            error = Some(*failure);
            failed_step = Some(by);
        }
        End::Redirect { by, url, resume } => {
            status = SimStatus::Redirected;
            let state = state::new_state(&flow.login.user_id);
            let url = state::with_state(&url, &state);
            let path = request.state_file.clone().unwrap_or_else(|| state::default_path(&tenant.root, &state));
            let mut saved = flow.clone();
            // The state file may be resumed from another directory.
            for path in [&mut saved.login.tenant, &mut saved.login.user_file] {
                if let Ok(absolute) = std::path::absolute(&*path) {
                    *path = absolute;
                }
            }
            let suspended = SuspendedLogin {
                format: state::FORMAT.into(),
                state: state.clone(),
                url: url.clone(),
                by: by.clone(),
                resume,
                flow: saved,
            };
            state::write(&tenant.root, &path, &suspended)?;
            redirect = Some(Redirect { url, state, by, state_file: path });
        }
    }
    let login = &flow.login;
    Ok(Simulation {
        id: None,
        status,
        login: Some(LoginSummary {
            tenant: login.tenant.clone(),
            client: login.client.clone(),
            client_id: login.client_id.clone(),
            user_id: login.user_id.clone(),
            user_file: login.user_file.clone(),
            connection: login.connection.clone(),
            protocol: login.protocol,
            audience: login.audience.clone(),
        }),
        tokens,
        scopes: flow.scopes.clone(),
        mfa: flow.mfa.clone(),
        app_metadata: flow.metadata(Field::App),
        user_metadata: flow.metadata(Field::User),
        persisted,
        denial,
        redirect,
        error,
        failed_step,
        warnings: std::mem::take(&mut flow.warnings),
        steps: std::mem::take(&mut flow.steps),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Writes the metadata changes not yet written to the user file (`persist`).
fn persist(
    flow: &mut Flow,
    request: &LoginRequest,
    tenant: &Tenant,
) -> Result<Option<std::path::PathBuf>, RequestError> {
    if !request.persist {
        return Ok(None);
    }
    let file = flow.login.user_file.clone();
    users::persist(&tenant.root, &file, &flow.login.user_id, &flow.unsaved)
        .map_err(|e| RequestError::new("persist", e.to_string()))?;
    flow.unsaved = Default::default();
    Ok(Some(file))
}

fn issue_tokens(flow: &mut Flow, request: &LoginRequest, tenant: &Tenant) -> Result<Tokens, TokenError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let domain = flow.login.domain();
    let user = flow.token_user().clone();
    let session = flow.event.as_ref().and_then(|e| e["session"]["id"].as_str().map(str::to_owned));
    let login = claims::Login {
        domain: &domain,
        client_id: flow.login.client_id.as_deref(),
        user: &user,
        session_id: session.as_deref(),
        requested_scopes: &flow.requested_scopes,
        scopes: &flow.scopes,
        audience: flow.login.audience.as_deref(),
        now,
    };
    let (id_claims, access_claims) = claims::build(&login, &flow.id_claims, &flow.access_claims, &mut flow.warnings)?;
    let signer = match request.signing() {
        Some(signing) => Some(Signer::new(&signing, &tenant.root)?),
        None => None,
    };
    let token = |claims: Map<String, Value>| -> Result<Token, TokenError> {
        let jwt = match &signer {
            Some(signer) => Some(signer.sign(&claims)?),
            None => None,
        };
        Ok(Token { claims, jwt })
    };
    Ok(Tokens {
        id_token: id_claims.map(token).transpose()?,
        access_token: token(access_claims)?,
        signing: signer.map(|s| s.info.clone()),
    })
}
