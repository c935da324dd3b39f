//! Whole-login cases: a case with `simulate:` runs a login through its file's tenant's Rules and
//! post-login Actions, as `actionhost simulate` does ([`crate::pipeline::simulate`]), instead of
//! one script. The login's result is read as an outcome and effects, so the case's `expect` block
//! is checked by the same [`super::check`] as a script's: status, denial, redirect, the tokens'
//! claims, scopes, MFA, the user's metadata after the flow, the steps' api calls and logs, error.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::effects::Effects;
use super::expect::{Expect, ExpectField};
use super::runner::Side;
use crate::host::Host;
use crate::outcome::{Outcome, Status};
use crate::pipeline::login::Protocol;
use crate::pipeline::{self, LoginRequest, SimStatus, Simulation};

/// A case's `simulate:` block: the login, named as `actionhost simulate`'s flags and a batch
/// line's `simulate` object name it. The tenant is the case file's `tenant`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulateSpec {
    /// The application: name or client_id.
    pub client: String,
    /// A user file, relative to the case file.
    #[serde(default)]
    pub user: Option<PathBuf>,
    /// A user of the tenant's `users/` folder.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The connection; default: the user's first identity's.
    #[serde(default)]
    pub connection: Option<String>,
    /// Default `oidc-basic-profile`.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// The API the access token is for.
    #[serde(default)]
    pub audience: Option<String>,
    /// The case file's tenant, set when the file is loaded.
    #[serde(skip)]
    pub tenant: PathBuf,
}

/// The keys of a `simulate:` block, for messages.
pub const KEYS: &str = "client, user, user_id, connection, protocol, audience";

/// The expectations a whole login can be checked against; `callback`, `returned`, `requests`
/// and `logs_truncated` belong to a single script's run.
pub const EXPECT_FIELDS: &[ExpectField] = &[
    ExpectField::Status,
    ExpectField::Deny,
    ExpectField::Redirect,
    ExpectField::Claims,
    ExpectField::Scopes,
    ExpectField::Multifactor,
    ExpectField::AppMetadata,
    ExpectField::UserMetadata,
    ExpectField::Commands,
    ExpectField::Logs,
    ExpectField::Error,
];

/// The claims `--update` leaves out of a recorded login: they hold the time of the run.
pub const VOLATILE_CLAIMS: &[&str] = &["iat", "exp", "auth_time"];

/// The first expectation of `expect` a whole login cannot be checked against.
pub fn refused_field(expect: &Expect) -> Option<ExpectField> {
    ExpectField::ALL.iter().copied().find(|&f| expect.has(f) && !EXPECT_FIELDS.contains(&f))
}

impl SimulateSpec {
    /// The login to simulate.
    pub fn request(&self) -> LoginRequest {
        LoginRequest {
            tenant: Some(self.tenant.clone()),
            client: Some(self.client.clone()),
            user: self.user.clone(),
            user_id: self.user_id.clone(),
            connection: self.connection.clone(),
            protocol: self.protocol,
            audience: self.audience.clone(),
            ..LoginRequest::default()
        }
    }
}

/// Runs the login of a case. A login a redirect suspends leaves no state file behind.
pub async fn run(host: &Host, spec: &SimulateSpec) -> Side {
    let mut side = Side {
        label: format!("simulate {}", spec.client),
        outcome: None,
        effects: None,
        invalid: None,
        mismatches: Vec::new(),
    };
    match pipeline::simulate(host, &spec.request()).await {
        Ok(simulation) => {
            if let Some(redirect) = &simulation.redirect {
                let _ = std::fs::remove_file(&redirect.state_file);
            }
            let (outcome, effects) = read(&simulation);
            side.outcome = Some(outcome);
            side.effects = Some(effects);
        }
        Err(error) => side.invalid = Some(error.to_string()),
    }
    side
}

/// A login's result as the outcome (status, every step's api calls and logs in order, the
/// error, named by its failed step) and effects (the tokens' whole claims, the scopes, MFA, the
/// user's metadata after the flow, the denial's description, the redirect without Auth0's
/// `state`) that expectations are checked against.
pub fn read(simulation: &Simulation) -> (Outcome, Effects) {
    let status = match simulation.status {
        SimStatus::Completed => Status::Completed,
        SimStatus::Denied => Status::Denied,
        SimStatus::Redirected => Status::Redirected,
        SimStatus::Error => Status::Error,
    };
    let outcome = Outcome {
        status,
        script: simulation.failed_step.clone(),
        commands: simulation.steps.iter().flat_map(|s| s.commands.iter().cloned()).collect(),
        logs: simulation.steps.iter().flat_map(|s| s.logs.iter().cloned()).collect(),
        error: simulation.error.clone(),
        duration_ms: simulation.steps.iter().map(|s| s.engine_ms).sum(),
        ..Outcome::invalid_request(None, "")
    };
    let claims = |token: Option<&pipeline::Token>| token.map(|t| t.claims.clone()).unwrap_or_default();
    let tokens = simulation.tokens.as_ref();
    let mut scopes = simulation.scopes.clone();
    scopes.sort();
    scopes.dedup();
    let effects = Effects {
        status,
        deny: simulation.denial.as_ref().map(|d| d.error_description.clone()),
        redirect: simulation.redirect.as_ref().map(|r| pipeline::state::without_state(&r.url, &r.state)),
        id_token: claims(tokens.and_then(|t| t.id_token.as_ref())),
        access_token: claims(tokens.map(|t| &t.access_token)),
        scopes,
        multifactor: simulation.mfa.as_ref().map(|mfa| {
            let mut fields = Map::new();
            fields.insert("provider".into(), Value::String(mfa.provider.clone()));
            fields.insert("allowRememberBrowser".into(), Value::Bool(mfa.allow_remember_browser));
            if let Some(factors) = &mfa.factors {
                fields.insert("factors".into(), factors.clone());
            }
            fields
        }),
        app_metadata: simulation.app_metadata.as_object().cloned().unwrap_or_default(),
        user_metadata: simulation.user_metadata.as_object().cloned().unwrap_or_default(),
    };
    (outcome, effects)
}
