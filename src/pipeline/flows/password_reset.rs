//! The password-reset flow (`--password-reset`): a stored user proved they own the account (the
//! email link) and the password-reset-post-challenge Actions run in order. An MFA challenge
//! (`authentication.challengeWith*`) and a prompt (`prompt.render`) are recorded;
//! `transaction.setResultUrl(url)` says where the user lands once the password is reset (the
//! last call wins); `access.deny(reason)` ends the reset. `redirect.sendUserTo(url)` suspends
//! the flow into a state file, as a redirected login is (`state.rs`: inside the tenant folder,
//! bound to it); `--continue STATE_FILE --query K=V` runs the same Action's
//! `onContinuePostChallenge` with the query, then the Actions after it.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::password_change::user_connection;
use super::{event_client, event_connection, now_iso, Chain, ChainEnd, FlowDenial, FlowKind, FlowRedirect};
use super::{FlowRequest, FlowResult, FlowSummary};
use crate::api_call::ApiCall;
use crate::effects::{Denial, Effect};
use crate::files::{self, Mode};
use crate::outcome::Command;
use crate::pipeline::state;
use crate::pipeline::transcript::Step;
use crate::request::{RequestError, Trigger};
use crate::Host;

pub const FORMAT: &str = "actionhost-suspended-flow/1";

/// What the Actions decided so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    pub result_url: Option<String>,
    pub mfa: Option<Value>,
    pub prompts: Vec<Value>,
}

/// The state file of a suspended password reset.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuspendedFlow {
    pub format: String,
    pub flow: FlowKind,
    pub state: String,
    pub url: String,
    pub by: String,
    /// The redirecting Action: its place in the trigger's bound Actions and its name.
    pub index: usize,
    pub name: String,
    pub request: FlowSummary,
    /// The event as the redirecting Action left it.
    pub event: Value,
    pub decisions: Decisions,
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

/// Whether `path` holds a suspended flow (its `format` is [`FORMAT`]).
pub fn is_state_file(path: &Path) -> bool {
    files::read_text(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .is_some_and(|value| value["format"] == FORMAT)
}

pub async fn run(host: &Host, request: &FlowRequest) -> Result<FlowResult, RequestError> {
    if let Some(path) = &request.resume {
        return resume(host, request, path).await;
    }
    let kind = FlowKind::PasswordReset;
    request.refuse(kind, &["audience", "scope", "sign", "email", "persist", "query", "phone", "subject_token"])?;
    let tenant = request.tenant(host)?;
    let client = request.client(&tenant)?;
    let record = request.stored_user(&tenant)?;
    let (connection, strategy) = user_connection(&record.profile, request.connection.as_deref());

    let mut event = (crate::actions::spec(Trigger::PasswordResetPostChallenge).expect("in the table").default_event)();
    let mut user = record.profile.clone();
    crate::pipeline::users::fill_metadata_objects(&mut user);
    if let Value::Object(fields) = &mut user {
        fields.entry("enrolledFactors").or_insert_with(|| json!([]));
    }
    event["authentication"] = json!({ "methods": [{ "name": "email", "timestamp": now_iso() }] });
    event["authorization"] = json!({ "roles": record.roles });
    event["client"] = event_client(client);
    event["connection"] = event_connection(&connection, &strategy);
    event["stats"] = json!({ "logins_count": record.profile["logins_count"].as_u64().unwrap_or(0) });
    event["transaction"]["login_hint"] = record.profile.get("email").cloned().unwrap_or(Value::Null);
    event["transaction"]["state"] = json!(state::new_state(record.profile["user_id"].as_str().unwrap_or_default()));
    event["user"] = user;

    let summary = FlowSummary {
        tenant: request.tenant.clone().unwrap_or_default(),
        client: Some(client.name.clone()),
        client_id: client.client_id.clone(),
        user_id: record.profile["user_id"].as_str().map(str::to_owned),
        connection: Some(connection),
        ..Default::default()
    };
    let mut result = FlowResult::new(kind, summary);
    let chain = Chain {
        host,
        tenant: &tenant,
        trigger: Trigger::PasswordResetPostChallenge,
        client: Some(client),
        container: request.container.clone(),
        resumed: false,
    };
    let mut decisions = Decisions::default();
    let end =
        chain.run(&mut event, 0, None, &mut result, |_, command, by| decide(&mut decisions, command, by), deny).await?;
    finish(result, end, event, decisions, request, &tenant.root)
}

/// Resumes a suspended password reset with the `/continue` query.
async fn resume(host: &Host, request: &FlowRequest, path: &Path) -> Result<FlowResult, RequestError> {
    request.refuse(
        FlowKind::PasswordReset,
        &["client", "audience", "scope", "sign", "email", "connection", "user", "persist", "phone", "subject_token"],
    )?;
    let field = "continue";
    let text = files::read_text(path).map_err(|e| RequestError::new(field, format!("cannot read {e}")))?;
    let suspended: SuspendedFlow = serde_json::from_str(&text).map_err(|e| {
        RequestError::new(field, format!("{} is not a suspended password reset's state file: {e}", path.display()))
    })?;
    if suspended.format != FORMAT || suspended.flow != FlowKind::PasswordReset {
        return Err(RequestError::new(
            field,
            format!("{}: not a suspended password reset (format {FORMAT}, flow password-reset)", path.display()),
        ));
    }
    let mut query = request.query.clone().unwrap_or_default();
    match query.get("state") {
        None => _ = query.insert("state".into(), Value::String(suspended.state.clone())),
        Some(Value::String(s)) if *s == suspended.state => {}
        Some(other) => {
            return Err(RequestError::new(
                "query.state",
                format!("{other} is not the suspended password reset's state ({:?})", suspended.state),
            ))
        }
    }
    let named_root = state::tenant_root(&suspended.request.tenant);
    let given = request.tenant.as_deref().map(|t| host.tenant(t)).transpose()?;
    state::check_tenant(path, &named_root, given.as_ref().map(|g| g.root.as_path()))?;
    let tenant = host.tenant(&suspended.request.tenant)?;
    let actions = tenant
        .trigger_actions(Trigger::PasswordResetPostChallenge.as_str())
        .map_err(|e| RequestError::new("tenant", e.to_string()))?;
    if actions.get(suspended.index).map(|a| a.name.as_str()) != Some(suspended.name.as_str()) {
        return Err(RequestError::new(
            field,
            format!(
                "the tenant's password-reset-post-challenge flow changed since the reset was suspended: action {:?} is no longer number {}",
                suspended.name,
                suspended.index + 1
            ),
        ));
    }
    let client = suspended.request.client.as_deref().and_then(|c| tenant.client(c).ok());
    let mut result = FlowResult::new(FlowKind::PasswordReset, suspended.request.clone());
    result.steps = suspended.steps;
    let chain = Chain {
        host,
        tenant: &tenant,
        trigger: Trigger::PasswordResetPostChallenge,
        client,
        container: suspended.container.clone(),
        resumed: true,
    };
    let mut decisions = suspended.decisions;
    let mut event = suspended.event;
    let end = chain
        .run(
            &mut event,
            suspended.index,
            Some(&query),
            &mut result,
            |_, command, by| decide(&mut decisions, command, by),
            deny,
        )
        .await?;
    let request = FlowRequest { container: suspended.container, ..request.clone() };
    finish(result, end, event, decisions, &request, &tenant.root)
}

fn finish(
    mut result: FlowResult,
    end: ChainEnd,
    event: Value,
    decisions: Decisions,
    request: &FlowRequest,
    tenant_root: &Path,
) -> Result<FlowResult, RequestError> {
    match end {
        ChainEnd::Completed => {
            result.result =
                json!({ "result_url": decisions.result_url, "mfa": decisions.mfa, "prompts": decisions.prompts });
        }
        ChainEnd::Redirect { by, url, index, name } => {
            let summary = result.request.clone().unwrap_or_default();
            let state = state::new_state(summary.user_id.as_deref().unwrap_or_default());
            let url = state::with_state(&url, &state);
            let path = request.state_file.clone().unwrap_or_else(|| state::default_path(tenant_root, &state));
            let mut saved = summary;
            if let Ok(absolute) = std::path::absolute(&saved.tenant) {
                saved.tenant = absolute;
            }
            let suspended = SuspendedFlow {
                format: FORMAT.into(),
                flow: FlowKind::PasswordReset,
                state: state.clone(),
                url: url.clone(),
                by: by.clone(),
                index,
                name,
                request: saved,
                event,
                decisions,
                steps: result.steps.clone(),
                container: request.container.clone(),
            };
            write_state(tenant_root, &path, &suspended)?;
            result.status = crate::pipeline::SimStatus::Redirected;
            result.redirect = Some(FlowRedirect { url, state, by, state_file: path });
        }
        other => result.end_with(other),
    }
    Ok(result)
}

fn write_state(tenant_root: &Path, path: &Path, suspended: &SuspendedFlow) -> Result<(), RequestError> {
    let field = "state_file";
    let text = serde_json::to_string_pretty(suspended).map_err(|e| RequestError::new(field, e.to_string()))? + "\n";
    files::write_inside(tenant_root, path, text.as_bytes(), Mode::default())
        .map_err(|e| RequestError::new(field, format!("cannot write the state file {e}")))
}

/// `access.deny(reason)`: the reset fails with that reason.
fn deny(denial: &Denial) -> FlowDenial {
    FlowDenial {
        error: "access_denied".into(),
        error_description: denial.reason.clone().unwrap_or_default(),
        reason: None,
        by: String::new(),
    }
}

fn decide(decisions: &mut Decisions, command: &Command, by: &str) {
    match command.call() {
        ApiCall::TransactionSetResultUrl(url) => decisions.result_url = Some(url.text.clone()),
        ApiCall::PromptRender(render) => {
            let mut prompt = Map::new();
            prompt.insert("id".into(), render.id.clone());
            prompt.insert("options".into(), render.options.clone());
            prompt.insert("by".into(), json!(by));
            decisions.prompts.push(Value::Object(prompt));
        }
        call => {
            if let Some(Effect::Mfa(mfa)) = Effect::of_call(Trigger::PasswordResetPostChallenge, call) {
                decisions.mfa = Some(json!({ "provider": mfa.provider, "factors": mfa.factors, "by": by }));
            }
        }
    }
}
