//! The state of one simulated login as it moves through the stages ([`Flow`]), how a stage ends
//! ([`End`]), and what the login's result is made of once it has ended.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::claims::CustomClaims;
use super::login::{Login, REQUESTED_SCOPES};
use super::metadata::{Field, MetadataPatch};
use super::transcript::Step;
use crate::effects::{self, Effect, Token};
use crate::outcome::OutcomeError;

/// An MFA requirement: `multifactor.enable` / `context.multifactor` (`provider`), or an
/// `authentication.challengeWith*` / `enrollWith*` call (`provider` `challenge` / `enroll`,
/// with the `factors`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mfa {
    pub provider: String,
    pub allow_remember_browser: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors: Option<Value>,
    /// `rule NAME` / `action NAME`.
    pub by: String,
}

impl Mfa {
    /// The requirement an MFA effect makes; `None` for provider `none` (or no provider).
    pub fn required(mfa: &effects::Mfa, by: &str) -> Option<Mfa> {
        let provider = mfa.provider.as_str().filter(|p| *p != "none")?;
        Some(Mfa {
            provider: provider.to_owned(),
            allow_remember_browser: mfa.allow_remember_browser.as_bool().unwrap_or(false),
            factors: mfa.factors.clone(),
            by: by.to_owned(),
        })
    }
}

/// Where a suspended login resumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Resume {
    /// Every Rule runs again with `protocol` `redirect-callback`, then the Actions.
    Rules,
    /// The Action at `index` of the post-login flow runs `onContinuePostLogin`, then the rest.
    Action { index: usize, name: String },
}

/// How a stage, and with it the login, ended.
#[derive(Debug, Clone)]
pub enum End {
    Completed,
    Denied { by: String, reason: String },
    Failed { by: String, error: Box<OutcomeError> },
    Redirect { by: String, url: String, resume: Resume },
}

/// Everything a login carries from step to step (and, suspended, into its state file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    pub login: Login,
    /// The stored user, with the metadata changes applied so far.
    pub profile: Value,
    /// Changes applied to `profile` and not yet written to the user file.
    pub unsaved: MetadataPatch,
    /// Actions' changes, applied to `profile` when the flow ends (or suspends).
    pub pending: MetadataPatch,
    pub id_claims: CustomClaims,
    pub access_claims: CustomClaims,
    pub requested_scopes: Vec<String>,
    pub scopes: Vec<String>,
    pub mfa: Option<Mfa>,
    pub rules_executed: Vec<String>,
    pub steps: Vec<Step>,
    pub warnings: Vec<String>,
    /// The Actions event as the last Action left it.
    pub event: Option<Value>,
    /// The flow was resumed with `--continue`.
    #[serde(default)]
    pub resumed: bool,
}

impl Flow {
    pub fn new(login: Login, profile: Value) -> Flow {
        let scopes: Vec<String> = REQUESTED_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        Flow {
            login,
            profile,
            unsaved: MetadataPatch::default(),
            pending: MetadataPatch::default(),
            id_claims: CustomClaims::default(),
            access_claims: CustomClaims::default(),
            requested_scopes: scopes.clone(),
            scopes,
            mfa: None,
            rules_executed: vec![],
            steps: vec![],
            warnings: vec![],
            event: None,
            resumed: false,
        }
    }

    pub fn push(&mut self, mut step: Step) {
        step.resumed = self.resumed;
        self.steps.push(step);
    }

    /// A metadata update that takes effect at once (a Rule's Management API call).
    pub fn apply_now(&mut self, field: Field, changes: &Map<String, Value>) {
        let mut patch = MetadataPatch::default();
        patch.set_all(field, changes);
        patch.apply_to(&mut self.profile);
        self.unsaved.extend(patch);
    }

    /// Applies one effect of an Action (`by`) to the flow and to the `event` the next Action sees:
    /// claims, scopes and MFA for the tokens; metadata writes batched for the end of the flow and
    /// shown in `event.user`; transaction metadata in `event.transaction.metadata`.
    pub fn apply(&mut self, effect: &Effect, event: &mut Value, by: &str) {
        match effect {
            Effect::Claim { token: Token::Id, key, value } => self.id_claims.set(key, value.clone(), by),
            Effect::Claim { token: Token::Access, key, value } => self.access_claims.set(key, value.clone(), by),
            Effect::Scope(change) => effects::change_scopes(&mut self.scopes, change.clone()),
            Effect::Mfa(mfa) => self.mfa = Mfa::required(mfa, by),
            Effect::Metadata { field, key, value } => {
                self.pending.set(*field, key, value.clone());
                set_in(&mut event["user"][field.key()], key, value);
            }
            Effect::TransactionMetadata { key, value } => set_in(&mut event["transaction"]["metadata"], key, value),
            Effect::Deny(_) | Effect::Redirect(_) | Effect::UserUpdate { .. } => {}
        }
    }

    /// Applies the Actions' batched metadata changes to the stored user.
    pub fn apply_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        pending.apply_to(&mut self.profile);
        self.unsaved.extend(pending);
    }

    /// The user the tokens describe: the Actions' event user, else the stored user.
    pub fn token_user(&self) -> &Value {
        self.event.as_ref().map_or(&self.profile, |e| &e["user"])
    }

    pub fn metadata(&self, field: Field) -> Value {
        self.profile.get(field.key()).filter(|v| v.is_object()).cloned().unwrap_or_else(|| Value::Object(Map::new()))
    }
}

/// Sets (`null`: removes) `key` of the object at `object`, making it an object when it is not.
pub(crate) fn set_in(object: &mut Value, key: &str, value: &Value) {
    if !object.is_object() {
        *object = json!({});
    }
    if let Value::Object(map) = object {
        effects::set_or_remove(map, key, value);
    }
}
