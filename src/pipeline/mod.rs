//! The login simulator: a login of a user into an application of a tenant runs the tenant's
//! Rules, then its post-login Actions, as Auth0 runs them, and ends with the tokens' claims, the
//! scopes, the MFA requirement, the user's metadata, a denial or a pending redirect, plus a
//! transcript of every step. Each Rule and Action runs as one [`Request`](crate::Request) on the
//! [`Host`]. See `docs/simulate.md`.

mod actions_stage;
pub mod claims;
mod error;
pub(crate) use error::TokenError;
mod flow;
pub mod flows;
pub mod login;
pub mod metadata;
mod result;
mod rules_stage;
pub mod state;
pub mod tokens;
pub mod transcript;
pub mod users;

use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use flow::Resume;
pub use result::{SimStatus, Simulation, Token, Tokens};
pub use tokens::Signing;
pub use transcript::{ChangeOp, Step, StepStatus};

use crate::request::{RequestError, Script, Trigger};
use crate::tenant::Tenant;
use crate::{Host, Request};
use flow::Flow;
use login::{Login, Protocol};
use rules_stage::RulesEnd;

/// One simulated login, as `actionhost simulate` flags or a batch line's `simulate` object give
/// it. Unknown fields are refused.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The tenant (Deploy CLI directory, or tenant.yaml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<PathBuf>,
    /// The application: name or client_id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// A user file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<PathBuf>,
    /// A user of the tenant's `users/` folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The connection; default: the user's first identity's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// The protocol; default `oidc-basic-profile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// The API the access token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Sign the tokens: RS256 with the tenant's key pair.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sign: bool,
    /// Sign the tokens with HS256 and this secret instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_secret: Option<String>,
    /// Write the login's metadata changes back to the user file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub persist: bool,
    /// Where to write the state of a login a redirect suspends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_file: Option<PathBuf>,
    /// Resume the login suspended in this state file.
    #[serde(default, rename = "continue", skip_serializing_if = "Option::is_none")]
    pub resume: Option<PathBuf>,
    /// The `/continue` query (`state` is added when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Map<String, Value>>,
    /// Shared-container key for every step (see `Request::container`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The request a login server received (`serve`); not a flag or a batch field.
    #[serde(skip)]
    pub served: Option<login::ServedRequest>,
}

impl LoginRequest {
    fn signing(&self) -> Option<Signing> {
        Signing::from_flags(self.sign, self.sign_secret.as_ref())
    }
}

/// The request of one step: the script and what the tenant says about the application, resolved
/// here rather than by the host (the flow's `user`, `context` and `event` already carry the
/// application's identity); the step's inputs are complete objects.
fn step_request(
    tenant: &Tenant,
    login: &Login,
    trigger: Trigger,
    script: &str,
    script_path: &std::path::Path,
) -> Request {
    let client = tenant.client(&login.client).ok();
    Request {
        trigger: Some(trigger),
        configuration: Some(tenant.rules_configs.clone()),
        client_metadata: client.and_then(|c| c.client_metadata.clone()).map(Value::Object),
        merge_defaults: Some(false),
        container: login.container.clone(),
        ..Request::new(Script::Inline { source: script.to_owned(), name: Some(script_path.display().to_string()) })
    }
}

/// Simulates a login (or resumes a suspended one). An `Err` is bad input; everything the
/// scripts do, failing included, is a [`Simulation`].
pub async fn simulate(host: &Host, request: &LoginRequest) -> Result<Simulation, RequestError> {
    let started = Instant::now();
    if let Some(path) = &request.resume {
        return resume(host, request, path, started).await;
    }
    if request.query.is_some() {
        return Err(RequestError::new("query", "only a --continue takes a query"));
    }
    let tenant_path = request
        .tenant
        .as_ref()
        .ok_or_else(|| RequestError::new("tenant", "missing: give the tenant (--tenant DIR)"))?;
    let tenant = host.tenant(tenant_path)?;
    let client_name = request
        .client
        .as_deref()
        .ok_or_else(|| RequestError::new("client", "missing: give the application (--client NAME_OR_ID)"))?;
    let client = tenant.client(client_name).map_err(|e| RequestError::new("client", e.to_string()))?;
    let user_file = match (&request.user, &request.user_id) {
        (Some(_), Some(_)) => return Err(RequestError::new("user", "give either a user file or a user id, not both")),
        (None, None) => {
            return Err(RequestError::new(
                "user",
                "missing: give a user file (--user FILE) or a user of the tenant's users/ folder (--user-id ID)",
            ))
        }
        (Some(file), None) => file.clone(),
        (None, Some(id)) => users::find(&tenant.root, id)?,
    };
    if request.persist {
        users::check_writable(&tenant.root, &user_file).map_err(|e| RequestError::new("persist", e.to_string()))?;
    }
    let record = users::load(&user_file)?;
    if let Some(id) = &request.user_id {
        if record.profile["user_id"] != id.as_str() {
            return Err(RequestError::new(
                "user_id",
                format!("{} holds user {}, not {id:?}", user_file.display(), record.profile["user_id"]),
            ));
        }
    }
    let mut login = Login::new(
        client,
        tenant_path,
        &user_file,
        &record.profile,
        record.roles.clone(),
        request.connection.as_deref(),
    );
    if let Some(protocol) = request.protocol {
        login.protocol = protocol;
    }
    login.audience = request.audience.clone();
    login.container = request.container.clone();
    if let Some(served) = &request.served {
        login.callback_url = served.redirect_uri.clone().or(login.callback_url);
        login.served = Some(served.clone());
    }
    let mut flow = Flow::new(login, record.profile);
    if let Some(served) = &request.served {
        flow.requested_scopes = served.scopes.clone();
        flow.scopes = served.scopes.iter().filter(|s| login::REQUESTED_SCOPES.contains(&s.as_str())).cloned().collect();
    }
    let end = match rules_stage::run(host, &tenant, &mut flow, None).await? {
        RulesEnd::Stop(end) => end,
        RulesEnd::Continue { user, context } => {
            let event = login::actions_event(&flow.login, &user, &context);
            actions_stage::run(host, &tenant, &mut flow, event, 0, None).await?
        }
    };
    result::finish(flow, end, request, &tenant, started)
}

/// Resumes a suspended login with the `/continue` query.
async fn resume(
    host: &Host,
    request: &LoginRequest,
    path: &std::path::Path,
    started: Instant,
) -> Result<Simulation, RequestError> {
    for (field, given) in [
        ("client", request.client.is_some()),
        ("user", request.user.is_some()),
        ("user_id", request.user_id.is_some()),
        ("connection", request.connection.is_some()),
        ("protocol", request.protocol.is_some()),
        ("audience", request.audience.is_some()),
    ] {
        if given {
            return Err(RequestError::new(
                field,
                "a --continue resumes the login of its state file: give no other login (only its tenant)",
            ));
        }
    }
    let suspended = state::read(path)?;
    let mut query = request.query.clone().unwrap_or_default();
    match query.get("state") {
        None => _ = query.insert("state".into(), Value::String(suspended.state.clone())),
        Some(Value::String(s)) if *s == suspended.state => {}
        Some(other) => {
            return Err(RequestError::new(
                "query.state",
                format!("{other} is not the suspended login's state ({:?})", suspended.state),
            ))
        }
    }
    // The binding is checked before the tenant the state names is loaded.
    let given = request.tenant.as_deref().map(|t| host.tenant(t)).transpose()?;
    let named_root = state::tenant_root(&suspended.flow.login.tenant);
    state::check_binding(path, &suspended, &named_root, given.as_ref().map(|g| g.root.as_path()), request.persist)?;
    let tenant = host.tenant(&suspended.flow.login.tenant)?;
    let mut flow = suspended.flow;
    flow.resumed = true;
    let end = match suspended.resume {
        Resume::Rules => match rules_stage::run(host, &tenant, &mut flow, Some(&query)).await? {
            RulesEnd::Stop(end) => end,
            RulesEnd::Continue { user, context } => {
                let mut event = login::actions_event(&flow.login, &user, &context);
                event["request"]["query"] = Value::Object(query.clone());
                actions_stage::run(host, &tenant, &mut flow, event, 0, None).await?
            }
        },
        Resume::Action { index, name } => {
            let actions =
                tenant.trigger_actions("post-login").map_err(|e| RequestError::new("tenant", e.to_string()))?;
            if actions.get(index).map(|a| a.name.as_str()) != Some(name.as_str()) {
                return Err(RequestError::new("continue", format!("the tenant's post-login flow changed since the login was suspended: action {name:?} is no longer number {}", index + 1)));
            }
            let event = flow
                .event
                .take()
                .filter(|e| ["user", "request", "transaction"].iter().all(|k| e[*k].is_object()))
                .ok_or_else(|| {
                    RequestError::new(
                        "continue",
                        "the state file has no usable event (an object with user, request and transaction objects)",
                    )
                })?;
            actions_stage::run(host, &tenant, &mut flow, event, index, Some(&query)).await?
        }
    };
    result::finish(flow, end, request, &tenant, started)
}
