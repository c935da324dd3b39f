//! The flows other than a login that `actionhost simulate` plays: machine-to-machine
//! (credentials-exchange), signup (pre- then post-user-registration), password change
//! (post-change-password), password reset (password-reset-post-challenge, with redirect and
//! `--continue`), MFA by SMS or voice (send-phone-message) and custom token exchange (then the
//! login's post-login Actions). Each flow runs the tenant's Actions bound to its trigger in
//! order, each Action seeing the event as the previous ones left it; the first deny or failure
//! ends it. This module holds what the flows share: the request ([`FlowRequest`]), the result
//! ([`FlowResult`]) and the runner of a trigger's bound Actions ([`run_bound`]); each flow is a
//! module of its own. See `docs/simulate.md`.

mod machine_to_machine;
mod password_change;
mod password_reset;
mod phone_message;
mod signup;
mod token_exchange;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::flow::set_in as set_key;
use super::result::SimStatus;
use super::tokens::Signing;
use super::transcript::{diff, Step, StepKind};
use super::users;
use crate::effects::{Denial, Effect, Effects};
use crate::outcome::{Command, OutcomeError, Status};
use crate::request::{Phase, Prepared, RequestError, Script, Trigger};
use crate::tenant::{Client, Tenant};
use crate::{Host, Request};

/// The flows, by the name results carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowKind {
    /// `--grant client-credentials`: credentials-exchange, then an access token.
    MachineToMachine,
    /// `--signup`: pre-user-registration, the new user, post-user-registration.
    Signup,
    /// `--password-change`: post-change-password.
    PasswordChange,
    /// `--password-reset`: password-reset-post-challenge (redirect and `--continue`).
    PasswordReset,
    /// `--send-phone-message`: send-phone-message.
    SendPhoneMessage,
    /// `--token-exchange`: custom-token-exchange, then the post-login Actions and tokens.
    TokenExchange,
}

impl FlowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::MachineToMachine => "machine-to-machine",
            FlowKind::Signup => "signup",
            FlowKind::PasswordChange => "password-change",
            FlowKind::PasswordReset => "password-reset",
            FlowKind::SendPhoneMessage => "send-phone-message",
            FlowKind::TokenExchange => "token-exchange",
        }
    }
}

/// One simulated flow, as `actionhost simulate` flags or a batch line's `simulate` object give
/// it: exactly one of `grant`, `signup`, `password_change`, `password_reset`,
/// `send_phone_message`, `token_exchange` names the flow (a `continue` of a password reset's
/// state file needs none). Unknown fields are refused.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<PathBuf>,
    /// The application: name or client_id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// `client-credentials`: a machine-to-machine token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub signup: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_change: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_reset: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub send_phone_message: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub token_exchange: bool,
    /// The API the access token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// The requested scopes, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sign: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_secret: Option<String>,
    /// Signup: the new user's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// A user file (signup: the new user's attributes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<PathBuf>,
    /// A user of the tenant's `users/` folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Write the new or changed user to the tenant's `users/` folder.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub persist: bool,
    /// Where a password reset a redirect suspends is saved, inside the tenant folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_file: Option<PathBuf>,
    /// Resume the password reset suspended in this state file.
    #[serde(default, rename = "continue", skip_serializing_if = "Option::is_none")]
    pub resume: Option<PathBuf>,
    /// The `/continue` query (`state` is added when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Map<String, Value>>,
    /// MFA by phone: the number the message goes to (E.164).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// MFA by phone: `sms` (default) or `voice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    /// Token exchange: the subject token and its type (a URI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_token_type: Option<String>,
    /// Shared-container key for every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

/// The fields of a batch `simulate` object that make it a [`FlowRequest`] rather than a login.
pub const FLOW_FIELDS: [&str; 6] =
    ["grant", "signup", "password_change", "password_reset", "send_phone_message", "token_exchange"];

impl FlowRequest {
    /// The flow the request names, or why it names none or several.
    pub fn kind(&self) -> Result<FlowKind, RequestError> {
        let named: Vec<FlowKind> = [
            (self.grant.is_some(), FlowKind::MachineToMachine),
            (self.signup, FlowKind::Signup),
            (self.password_change, FlowKind::PasswordChange),
            (self.password_reset, FlowKind::PasswordReset),
            (self.send_phone_message, FlowKind::SendPhoneMessage),
            (self.token_exchange, FlowKind::TokenExchange),
        ]
        .into_iter()
        .filter_map(|(given, kind)| given.then_some(kind))
        .collect();
        match named.as_slice() {
            [one] => Ok(*one),
            [] if self.resume.is_some() => Ok(FlowKind::PasswordReset),
            [] => Err(RequestError::new("flow", format!("no flow named: give one of {}", FLOW_FIELDS.join(", ")))),
            several => Err(RequestError::new(
                "flow",
                format!(
                    "one flow at a time: {} were given",
                    several.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    fn signing(&self) -> Option<Signing> {
        Signing::from_flags(self.sign, self.sign_secret.as_ref())
    }

    /// Refuses the fields a flow does not take, naming them.
    fn refuse(&self, kind: FlowKind, fields: &[&str]) -> Result<(), RequestError> {
        for field in fields {
            let given = match *field {
                "client" => self.client.is_some(),
                "audience" => self.audience.is_some(),
                "scope" => self.scope.is_some(),
                "sign" => self.sign || self.sign_secret.is_some(),
                "email" => self.email.is_some(),
                "connection" => self.connection.is_some(),
                "user" => self.user.is_some() || self.user_id.is_some(),
                "persist" => self.persist,
                "state_file" => self.state_file.is_some(),
                "continue" => self.resume.is_some(),
                "query" => self.query.is_some(),
                "phone" => self.phone.is_some() || self.message_type.is_some(),
                "subject_token" => self.subject_token.is_some() || self.subject_token_type.is_some(),
                _ => false,
            };
            if given {
                return Err(RequestError::new(*field, format!("not an option of the {} flow", kind.as_str())));
            }
        }
        Ok(())
    }

    fn tenant(&self, host: &Host) -> Result<std::sync::Arc<Tenant>, RequestError> {
        let path = self
            .tenant
            .as_ref()
            .ok_or_else(|| RequestError::new("tenant", "missing: give the tenant (--tenant DIR)"))?;
        host.tenant(path)
    }

    fn client<'t>(&self, tenant: &'t Tenant) -> Result<&'t Client, RequestError> {
        let name = self
            .client
            .as_deref()
            .ok_or_else(|| RequestError::new("client", "missing: give the application (--client NAME_OR_ID)"))?;
        tenant.client(name).map_err(|e| RequestError::new("client", e.to_string()))
    }

    /// The user of `--user FILE` / `--user-id ID` (a file of the tenant's `users/` folder).
    fn stored_user(&self, tenant: &Tenant) -> Result<users::UserRecord, RequestError> {
        let file =
            match (&self.user, &self.user_id) {
                (Some(_), Some(_)) => {
                    return Err(RequestError::new("user", "give either a user file or a user id, not both"))
                }
                (None, None) => return Err(RequestError::new(
                    "user",
                    "missing: give a user file (--user FILE) or a user of the tenant's users/ folder (--user-id ID)",
                )),
                (Some(file), None) => file.clone(),
                (None, Some(id)) => users::find(&tenant.root, id)?,
            };
        let record = users::load(&file)?;
        if let Some(id) = &self.user_id {
            if record.profile["user_id"] != id.as_str() {
                return Err(RequestError::new(
                    "user_id",
                    format!("{} holds user {}, not {id:?}", file.display(), record.profile["user_id"]),
                ));
            }
        }
        Ok(record)
    }
}

/// Who the flow was for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowSummary {
    pub tenant: PathBuf,
    pub client: Option<String>,
    pub client_id: Option<String>,
    pub user_id: Option<String>,
    pub connection: Option<String>,
    pub audience: Option<String>,
}

/// A denied flow: the error its caller receives (`error`, `error_description`), the internal
/// `reason` when the Action gave one apart (pre-user-registration), and who denied it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowDenial {
    pub error: String,
    pub error_description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub by: String,
}

/// A password reset waiting for `/continue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowRedirect {
    pub url: String,
    pub state: String,
    pub by: String,
    pub state_file: PathBuf,
}

/// The result of a simulated flow: how it ended, what it produced (`result`, by flow), and the
/// transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    pub flow: Option<FlowKind>,
    pub status: SimStatus,
    pub request: Option<FlowSummary>,
    /// What the flow produced: the token, the new user, the result URL, the message… (`null`
    /// when it did not end well).
    pub result: Value,
    pub denial: Option<FlowDenial>,
    pub redirect: Option<FlowRedirect>,
    pub error: Option<OutcomeError>,
    pub failed_step: Option<String>,
    pub warnings: Vec<String>,
    pub steps: Vec<Step>,
    pub duration_ms: f64,
}

impl FlowResult {
    fn new(kind: FlowKind, summary: FlowSummary) -> FlowResult {
        FlowResult {
            id: None,
            flow: Some(kind),
            status: SimStatus::Completed,
            request: Some(summary),
            result: Value::Null,
            denial: None,
            redirect: None,
            error: None,
            failed_step: None,
            warnings: vec![],
            steps: vec![],
            duration_ms: 0.0,
        }
    }

    /// The result of a request that could not be simulated (batch).
    pub fn invalid(id: Option<Value>, message: impl Into<String>) -> FlowResult {
        FlowResult {
            id,
            flow: None,
            status: SimStatus::Error,
            request: None,
            result: Value::Null,
            denial: None,
            redirect: None,
            error: Some(OutcomeError::new("InvalidRequest", message)),
            failed_step: None,
            warnings: vec![],
            steps: vec![],
            duration_ms: 0.0,
        }
    }

    /// Sets the status from how the bound Actions ended (a completed chain leaves it as is).
    fn end_with(&mut self, end: ChainEnd) {
        match end {
            ChainEnd::Completed => {}
            ChainEnd::Denied(denial) => {
                self.status = SimStatus::Denied;
                self.denial = Some(denial);
            }
            ChainEnd::Failed { by, error } => self.fail(by, *error),
            ChainEnd::Redirect { by, .. } => self.fail(
                by.clone(),
                OutcomeError::new("Error", format!("{by} redirected the user, which this flow does not allow")),
            ),
        }
    }

    fn fail(&mut self, step: String, error: OutcomeError) {
        self.status = SimStatus::Error;
        self.failed_step = Some(step);
        self.error = Some(error);
    }
}

/// Whether a `continue` state file is a suspended flow's (rather than a login's).
pub fn is_flow_state(path: &Path) -> bool {
    password_reset::is_state_file(path)
}

/// Simulates a flow. An `Err` is bad input; everything the scripts do, failing included, is a
/// [`FlowResult`].
pub async fn simulate(host: &Host, request: &FlowRequest) -> Result<FlowResult, RequestError> {
    let started = Instant::now();
    let kind = request.kind()?;
    if request.resume.is_none() && request.query.is_some() {
        return Err(RequestError::new("query", "only a --continue takes a query"));
    }
    let mut result = match kind {
        FlowKind::MachineToMachine => machine_to_machine::run(host, request).await?,
        FlowKind::Signup => signup::run(host, request).await?,
        FlowKind::PasswordChange => password_change::run(host, request).await?,
        FlowKind::PasswordReset => password_reset::run(host, request).await?,
        FlowKind::SendPhoneMessage => phone_message::run(host, request).await?,
        FlowKind::TokenExchange => token_exchange::run(host, request).await?,
    };
    result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(result)
}

/// How a trigger's bound Actions ended.
#[derive(Debug, Clone)]
pub(crate) enum ChainEnd {
    Completed,
    Denied(FlowDenial),
    Failed { by: String, error: Box<OutcomeError> },
    Redirect { by: String, url: String, index: usize, name: String },
}

/// What a flow's Actions run with.
pub(crate) struct Chain<'a> {
    pub host: &'a Host,
    pub tenant: &'a Tenant,
    pub trigger: Trigger,
    pub client: Option<&'a Client>,
    pub container: Option<String>,
    /// Steps run after a `--continue`.
    pub resumed: bool,
}

impl Chain<'_> {
    /// Runs the Actions bound to the trigger from `start` on `event`, adding their steps and
    /// warnings to `result`; with `continue_query`, the first runs its `onContinue…` handler with
    /// that query. After each Action, `apply` makes
    /// each of its api calls take effect on the event the next one sees (and on the flow's own
    /// state); `deny` reads a denying Action's first denial as the caller's error.
    pub async fn run(
        &self,
        event: &mut Value,
        start: usize,
        continue_query: Option<&Map<String, Value>>,
        result: &mut FlowResult,
        mut apply: impl FnMut(&mut Value, &Command, &str),
        deny: impl Fn(&Denial) -> FlowDenial,
    ) -> Result<ChainEnd, RequestError> {
        let actions = self
            .tenant
            .trigger_actions(self.trigger.as_str())
            .map_err(|e| RequestError::new("tenant", e.to_string()))?;
        if let Some(query) = continue_query {
            event["request"]["query"] = Value::Object(query.clone());
            event["request"]["method"] = json!("GET");
            event["request"]["body"] = json!({});
        }
        for (index, action) in actions.iter().enumerate().skip(start) {
            let phase = if continue_query.is_some() && index == start { Phase::Continue } else { Phase::Execute };
            let by = format!("action {}", action.name);
            let started = Instant::now();
            let script =
                Script::Inline { source: action.code.clone(), name: Some(action.code_path.display().to_string()) };
            let request = Request {
                trigger: Some(self.trigger),
                phase: Some(phase),
                event: Some(event.clone()),
                merge_defaults: Some(false),
                secrets: Some(action.secrets.clone()),
                configuration: Some(self.tenant.rules_configs.clone()),
                // Only a trigger whose event has an application carries its metadata.
                client_metadata: self
                    .client
                    .filter(|_| event["client"].is_object())
                    .and_then(|c| c.client_metadata.clone())
                    .map(Value::Object),
                container: self.container.clone(),
                ..Request::new(script)
            };
            let modules = Some(crate::tenant::packages::action_scope(self.tenant, action));
            let outcome = self.host.run_prepared(Prepared { modules, ..request.into() }).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let mut step = Step::ran(StepKind::Action, &action.name, Some(phase), &outcome, ms, vec![]);
            step.resumed = self.resumed;
            let unset = crate::warnings::unset_secret_reads(action, &action.secrets);
            result
                .warnings
                .extend(action.warnings.iter().chain(&unset).chain(&outcome.warnings).map(|w| format!("{by}: {w}")));
            let steps = &mut result.steps;
            if !outcome.status.ran() {
                steps.push(step);
                let error =
                    outcome.error.clone().unwrap_or_else(|| OutcomeError::new("Error", outcome.status.as_str()));
                return Ok(ChainEnd::Failed { by, error: Box::new(error) });
            }
            let before = event.clone();
            for command in &outcome.commands {
                apply(event, command, &by);
            }
            diff("/event", &before, event, &mut step.changes);
            steps.push(step);
            let mut effects = Effects::default();
            Effect::of_commands(self.trigger, &outcome.commands).for_each(|effect| effects.apply(effect));
            match outcome.status {
                Status::Denied => {
                    let first = effects.deny.expect("a denied outcome records its denial");
                    let mut denial = deny(&first);
                    denial.by = by;
                    return Ok(ChainEnd::Denied(denial));
                }
                Status::Redirected => {
                    let url = effects.redirect.unwrap_or_default();
                    return Ok(ChainEnd::Redirect { by, url, index, name: action.name.clone() });
                }
                _ => {}
            }
        }
        Ok(ChainEnd::Completed)
    }
}

/// The application's part of an event: `{client_id, name, metadata}` (the metadata is the
/// tenant's, filled in by the host).
fn event_client(client: &Client) -> Value {
    let mut value = json!({ "client_id": client.client_id, "name": client.name, "metadata": {} });
    if client.client_id.is_none() {
        _ = value.as_object_mut().map(|c| c.shift_remove("client_id"));
    }
    value
}

/// The connection's part of an event.
fn event_connection(name: &str, strategy: &str) -> Value {
    json!({ "id": super::login::connection_id(name), "name": name, "strategy": strategy, "metadata": {} })
}

/// The current time as an ISO-8601 UTC timestamp.
fn now_iso() -> String {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    crate::dates::iso_from_ms(ms)
}

/// The requested scopes of `--scope` (space-separated), or `default`.
fn scopes(scope: Option<&str>, default: &[&str]) -> Vec<String> {
    match scope {
        Some(text) => {
            let mut out: Vec<String> = Vec::new();
            for s in text.split_whitespace() {
                if !out.iter().any(|o| o == s) {
                    out.push(s.to_owned());
                }
            }
            out
        }
        None => default.iter().map(|s| (*s).to_owned()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_flow_at_a_time() {
        let request = FlowRequest { signup: true, password_change: true, ..Default::default() };
        assert_eq!(request.kind().unwrap_err().message, "one flow at a time: signup, password-change were given");
        assert_eq!(FlowRequest::default().kind().unwrap_err().field, "flow");
        let resume = FlowRequest { resume: Some("s.json".into()), ..Default::default() };
        assert_eq!(resume.kind().unwrap(), FlowKind::PasswordReset);
    }

    /// docs/simulate.md (batch lines): a field a flow does not take is refused, naming it; each
    /// request field (as a batch line spells it) answers to the option it belongs to.
    #[test]
    fn a_field_the_flow_does_not_take_is_refused_by_its_name() {
        let cases = [
            ("client", json!({"client": "Portal"})),
            ("audience", json!({"audience": "https://api.example.com/"})),
            ("scope", json!({"scope": "openid"})),
            ("sign", json!({"sign": true})),
            ("sign", json!({"sign_secret": "s3cret"})),
            ("email", json!({"email": "a@example.com"})),
            ("connection", json!({"connection": "db"})),
            ("user", json!({"user": "u.json"})),
            ("user", json!({"user_id": "auth0|1"})),
            ("persist", json!({"persist": true})),
            ("state_file", json!({"state_file": "s.json"})),
            ("continue", json!({"continue": "s.json"})),
            ("query", json!({"query": {}})),
            ("phone", json!({"phone": "+15555550100"})),
            ("phone", json!({"message_type": "voice"})),
            ("subject_token", json!({"subject_token": "t"})),
            ("subject_token", json!({"subject_token_type": "urn:example:token"})),
        ];
        // Every option the flows refuse, once each (the cases list them side by side).
        let mut options: Vec<&str> = cases.iter().map(|(option, _)| *option).collect();
        options.dedup();
        for (option, line) in cases {
            let request: FlowRequest = serde_json::from_value(line.clone()).unwrap();
            let err = request.refuse(FlowKind::Signup, &options).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.message.as_str()),
                (option, "not an option of the signup flow"),
                "{line}"
            );
            let others: Vec<&str> = options.iter().copied().filter(|o| *o != option).collect();
            request.refuse(FlowKind::Signup, &others).unwrap();
        }
        FlowRequest::default().refuse(FlowKind::PasswordChange, &options).unwrap();
        let unknown = FlowRequest { client: Some("Portal".into()), ..Default::default() };
        unknown.refuse(FlowKind::Signup, &["tenant"]).unwrap();
    }

    #[test]
    fn scopes_split_and_deduplicate() {
        assert_eq!(scopes(Some(" a  b a "), &[]), ["a", "b"]);
        assert_eq!(scopes(None, &["openid"]), ["openid"]);
    }
}
