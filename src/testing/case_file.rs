//! Case files (`*.cases.yaml`, `*.cases.yml`, `*.cases.json`): the script or scripts they test
//! and their cases, read with unknown keys refused and every error located as `file:line:col`.
//! Paths inside a case file are relative to the file.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::expect::Expect;
use super::locate::{self, Locations};
use super::simulate_case::{self, SimulateSpec};
use crate::located::{Located, Position};
use crate::request::{HttpMock, Phase, Trigger};
use crate::tenant::{Keywords, Tenant, TenantError};

/// A case file that cannot be used, located as precisely as known.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaseFileError {
    /// The file itself: unreadable, not YAML or JSON, or a field that is wrong.
    #[error(transparent)]
    File(#[from] Located),
    /// The tenant the file names (its `tenant` key, at `file:line`) cannot be loaded.
    #[error("{}{}: tenant: {error}", .file.display(), Position(*.line, None))]
    Tenant {
        file: PathBuf,
        line: Option<usize>,
        #[source]
        error: TenantError,
    },
}

impl CaseFileError {
    /// The file at fault.
    pub fn file(&self) -> &Path {
        match self {
            CaseFileError::File(located) => &located.file,
            CaseFileError::Tenant { file, .. } => file,
        }
    }

    /// The line at fault, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            CaseFileError::File(located) => located.line,
            CaseFileError::Tenant { line, .. } => *line,
        }
    }

    fn at(file: &Path, line: Option<usize>, message: impl Into<String>) -> CaseFileError {
        CaseFileError::File(Located::at(file, line, message))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// One script a case file names.
#[derive(Debug, Clone)]
pub struct Subject {
    /// `rule NAME`, `action NAME` or the script's path, for reports.
    pub label: String,
    /// Given (`trigger`) or inferred from the source for `script`.
    pub trigger: Trigger,
    pub target: Target,
}

#[derive(Debug, Clone)]
pub enum Target {
    /// A script file, read once: its path (for stacks and reports) and source.
    File { path: PathBuf, source: String },
    /// An Action of the file's tenant.
    Action(String),
    /// A Rule of the file's tenant.
    Rule(String),
}

#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The path as discovered (relative to where `actionhost test` runs, when given so).
    pub path: PathBuf,
    pub format: Format,
    pub text: String,
    pub tenant: Option<Arc<Tenant>>,
    /// One script, or a Rule then an Action whose effects are compared (parity).
    pub subjects: Vec<Subject>,
    /// Each case with the file's `defaults` applied.
    pub cases: Vec<CaseSpec>,
    pub locations: Locations,
}

impl CaseFile {
    /// A Rule and an Action are compared.
    pub fn is_pair(&self) -> bool {
        self.subjects.len() == 2
    }

    /// `file:line` of a case, or of one of its expected fields.
    pub fn place(&self, case: usize, field: Option<&str>) -> String {
        format!("{}:{}", self.path.display(), self.locations.line(case, field))
    }
}

/// A case, or the file's `defaults` (which have no name and no expectations).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    #[serde(default)]
    pub name: Option<String>,
    /// `true`, or the reason the case is skipped.
    #[serde(default)]
    pub skip: Option<Skip>,
    #[serde(default)]
    pub phase: Option<Phase>,
    /// Actions: deep-merged into the post-login event.
    #[serde(default)]
    pub event: Option<Map<String, Value>>,
    /// The user: `event.user` for an Action, `user` for a Rule.
    #[serde(default)]
    pub user: Option<Map<String, Value>>,
    /// Rules: deep-merged into `context` (and mapped onto the event for the Action of a pair).
    #[serde(default)]
    pub context: Option<Map<String, Value>>,
    /// An application of the file's tenant, by name or client_id.
    #[serde(default)]
    pub client: Option<String>,
    #[serde(default)]
    pub client_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub secrets: Option<Map<String, Value>>,
    #[serde(default)]
    pub configuration: Option<Map<String, Value>>,
    /// The login request's query string and body (`event.request` / `context.request`).
    #[serde(default)]
    pub query: Option<Map<String, Value>>,
    #[serde(default)]
    pub body: Option<Map<String, Value>>,
    /// The fixed clock (ISO 8601 or epoch milliseconds); see [`DEFAULT_NOW`].
    #[serde(default)]
    pub now: Option<Value>,
    /// Seeds `Math.random` and `crypto`; 0 when absent.
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub http: Option<Vec<HttpMock>>,
    #[serde(default)]
    pub rules_executed: Option<Vec<String>>,
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// A whole login through the tenant's Rules and Actions instead of one script.
    #[serde(default)]
    pub simulate: Option<SimulateSpec>,
    #[serde(default)]
    pub expect: Option<Expect>,
}

/// The clock a case sees when it gives no `now`: the default login's authentication time.
pub const DEFAULT_NOW: &str = "2024-06-01T09:30:00.000Z";

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Skip {
    Flag(bool),
    Reason(String),
}

impl CaseSpec {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// `Some(reason)` when the case is skipped.
    pub fn skipped(&self) -> Option<String> {
        match &self.skip {
            Some(Skip::Flag(true)) => Some(String::new()),
            Some(Skip::Reason(reason)) => Some(reason.clone()),
            _ => None,
        }
    }

    /// The script inputs this case itself gives (not its file's defaults), by key.
    fn script_inputs(&self) -> Vec<&'static str> {
        [
            ("phase", self.phase.is_some()),
            ("event", self.event.is_some()),
            ("user", self.user.is_some()),
            ("context", self.context.is_some()),
            ("client", self.client.is_some()),
            ("client_metadata", self.client_metadata.is_some()),
            ("secrets", self.secrets.is_some()),
            ("configuration", self.configuration.is_some()),
            ("query", self.query.is_some()),
            ("body", self.body.is_some()),
            ("now", self.now.is_some()),
            ("seed", self.seed.is_some()),
            ("http", self.http.is_some()),
            ("rules_executed", self.rules_executed.is_some()),
            ("timeout_ms", self.timeout_ms.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, given)| given.then_some(key))
        .collect()
    }

    /// This case on top of the file's defaults: objects merge key by key, the rest replaces.
    fn over(self, defaults: &CaseSpec) -> CaseSpec {
        let merge = |base: &Option<Map<String, Value>>, top: Option<Map<String, Value>>| match (base, top) {
            (Some(base), Some(top)) => {
                let mut merged = Value::Object(base.clone());
                crate::json::deep_merge(&mut merged, &Value::Object(top));
                merged.as_object().cloned()
            }
            (base, top) => top.or_else(|| base.clone()),
        };
        CaseSpec {
            name: self.name,
            skip: self.skip,
            phase: self.phase.or(defaults.phase),
            event: merge(&defaults.event, self.event),
            user: merge(&defaults.user, self.user),
            context: merge(&defaults.context, self.context),
            client: self.client.or_else(|| defaults.client.clone()),
            client_metadata: self.client_metadata.or_else(|| defaults.client_metadata.clone()),
            secrets: merge(&defaults.secrets, self.secrets),
            configuration: merge(&defaults.configuration, self.configuration),
            query: merge(&defaults.query, self.query),
            body: merge(&defaults.body, self.body),
            now: self.now.or_else(|| defaults.now.clone()),
            seed: self.seed.or(defaults.seed),
            http: self.http.or_else(|| defaults.http.clone()),
            rules_executed: self.rules_executed.or_else(|| defaults.rules_executed.clone()),
            timeout_ms: self.timeout_ms.or(defaults.timeout_ms),
            simulate: self.simulate,
            expect: self.expect,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    #[serde(default)]
    script: Option<PathBuf>,
    #[serde(default)]
    trigger: Option<Trigger>,
    #[serde(default)]
    tenant: Option<PathBuf>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    action_script: Option<PathBuf>,
    #[serde(default)]
    rule_script: Option<PathBuf>,
    #[serde(default)]
    defaults: Option<CaseSpec>,
    cases: Vec<CaseSpec>,
}

/// Reads case files, loading each tenant they name once.
#[derive(Default)]
pub struct Loader {
    keywords: Keywords,
    tenants: HashMap<PathBuf, Arc<Tenant>>,
}

impl Loader {
    pub fn new(keywords: Keywords) -> Loader {
        Loader { keywords, tenants: HashMap::new() }
    }

    pub fn load(&mut self, path: &Path) -> Result<CaseFile, CaseFileError> {
        let text = crate::files::read_text(path)
            .map_err(|e| CaseFileError::at(path, None, format!("cannot read: {}", e.reason)))?;
        let format = if path.extension().is_some_and(|e| e == "json") { Format::Json } else { Format::Yaml };
        // Keywords are replaced for parsing only: `text` (located, rewritten by --update) keeps them.
        let replaced = self.keywords.apply_file(path, &text);
        let spec: FileSpec = match format {
            Format::Json => serde_json::from_str(&replaced).map_err(|e| Located::json(path, &replaced, &e))?,
            Format::Yaml => serde_yaml_ng::from_str(&replaced).map_err(|e| Located::yaml(path, &e))?,
        };
        let locations = match format {
            Format::Json => locate::json(&text),
            Format::Yaml => locate::yaml(&text),
        };
        let key_line = |key: &str| top_key_line(&text, format, key);
        let dir = path.parent().unwrap_or(Path::new(""));
        let tenant = match &spec.tenant {
            Some(relative) => {
                let at = |error| CaseFileError::Tenant { file: path.to_owned(), line: key_line("tenant"), error };
                Some(self.tenant(&join(dir, relative)).map_err(at)?)
            }
            None => None,
        };
        let every_case_simulates = !spec.cases.is_empty() && spec.cases.iter().all(|c| c.simulate.is_some());
        let subjects = subjects(&spec, dir, tenant.as_deref(), every_case_simulates)
            .map_err(|(key, m)| CaseFileError::at(path, key_line(key), m))?;
        let defaults = spec.defaults.unwrap_or_default();
        if defaults.name.is_some()
            || defaults.expect.is_some()
            || defaults.skip.is_some()
            || defaults.simulate.is_some()
        {
            return Err(CaseFileError::at(
                path,
                key_line("defaults"),
                "defaults: name, skip, simulate and expect belong to cases",
            ));
        }
        if spec.cases.is_empty() {
            return Err(CaseFileError::at(path, key_line("cases"), "cases: the list is empty"));
        }
        let mut names = HashMap::new();
        for (index, case) in spec.cases.iter().enumerate() {
            let line = Some(locations.line(index, None));
            let Some(name) = case.name.as_deref().filter(|n| !n.trim().is_empty()) else {
                return Err(CaseFileError::at(path, line, format!("cases[{index}]: missing field `name`")));
            };
            if let Some(first) = names.insert(name.to_owned(), index) {
                return Err(CaseFileError::at(
                    path,
                    line,
                    format!("cases[{index}]: the name {name:?} is already used by cases[{first}]"),
                ));
            }
            if let Some(Some(error)) = case.expect.as_ref().and_then(|e| e.error.as_ref()) {
                if let Some(pattern) = &error.message {
                    regex::Regex::new(pattern).map_err(|e| {
                        CaseFileError::at(
                            path,
                            Some(locations.line(index, Some("error"))),
                            format!("cases[{index}].expect.error.message: not a regular expression: {e}"),
                        )
                    })?;
                }
            }
            if let Some(simulate) = &case.simulate {
                check_simulate(index, case, simulate, tenant.as_deref(), &locations)
                    .map_err(|(line, message)| CaseFileError::at(path, Some(line), message))?;
            } else if (case.client.is_some() || defaults.client.is_some()) && tenant.is_none() {
                return Err(CaseFileError::at(path, line, format!("cases[{index}].client: needs the file's `tenant`")));
            }
        }
        let cases = spec
            .cases
            .into_iter()
            .map(|case| {
                let mut case = case.over(&defaults);
                if let (Some(simulate), Some(tenant)) = (case.simulate.as_mut(), spec.tenant.as_ref()) {
                    simulate.tenant = join(dir, tenant);
                    simulate.user = simulate.user.as_ref().map(|user| join(dir, user));
                }
                case
            })
            .collect();
        Ok(CaseFile { path: path.to_owned(), format, text, tenant, subjects, cases, locations })
    }

    fn tenant(&mut self, path: &Path) -> Result<Arc<Tenant>, TenantError> {
        if let Some(tenant) = self.tenants.get(path) {
            return Ok(Arc::clone(tenant));
        }
        let tenant = Arc::new(Tenant::load(path, &self.keywords)?);
        self.tenants.insert(path.to_owned(), Arc::clone(&tenant));
        Ok(tenant)
    }
}

/// A `simulate:` case: the file's tenant knows its application, it gives a user, no script
/// inputs, and only expectations a whole login has. The error's line and message.
fn check_simulate(
    index: usize,
    case: &CaseSpec,
    simulate: &SimulateSpec,
    tenant: Option<&Tenant>,
    locations: &Locations,
) -> Result<(), (usize, String)> {
    let line = locations.line(index, None);
    let Some(tenant) = tenant else {
        return Err((line, format!("cases[{index}].simulate: needs the file's `tenant`")));
    };
    if let Some(key) = case.script_inputs().first() {
        return Err((
            line,
            format!("cases[{index}].{key}: a simulate case takes its inputs in `simulate:` ({})", simulate_case::KEYS),
        ));
    }
    tenant.client(&simulate.client).map_err(|e| (line, format!("cases[{index}].simulate.client: {}", e.message)))?;
    if simulate.user.is_some() == simulate.user_id.is_some() {
        return Err((
            line,
            format!(
                "cases[{index}].simulate: give the user, either `user_id` (a user of the tenant's users/ folder) or `user` (a user file)"
            ),
        ));
    }
    if let Some(field) = case.expect.as_ref().and_then(simulate_case::refused_field) {
        let known: Vec<&str> = simulate_case::EXPECT_FIELDS.iter().map(|f| f.as_str()).collect();
        return Err((
            locations.line(index, Some(field.as_str())),
            format!(
                "cases[{index}].expect.{field}: not an expectation of a simulated login; known: {}",
                known.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The scripts a file names: one, or a Rule and an Action (in that order); none when every case
/// is a simulated login (`none_needed`).
fn subjects(
    spec: &FileSpec,
    dir: &Path,
    tenant: Option<&Tenant>,
    none_needed: bool,
) -> Result<Vec<Subject>, (&'static str, String)> {
    let file = |key: &'static str, relative: &Path, trigger: Option<Trigger>| {
        let path = join(dir, relative);
        let source = crate::files::read_text(&path).map_err(|e| (key, format!("{key}: cannot read {e}")))?;
        let trigger = match trigger {
            Some(trigger) => trigger,
            None => crate::infer::infer_trigger(&source)
                .map_err(|e| (key, format!("{key}: {}: {e} (in a case file: `trigger: <id>`)", path.display())))?,
        };
        Ok(Subject { label: path.display().to_string(), trigger, target: Target::File { path, source } })
    };
    let named = |key: &'static str, name: &str| -> Result<Subject, (&'static str, String)> {
        let tenant = tenant.ok_or((key, format!("{key}: naming a {key} needs the file's `tenant`")))?;
        let (target, trigger) = if key == "action" {
            let action = tenant.action(name).map_err(|e| (key, format!("{key}: {}", e.message)))?;
            let supported = action.supported_triggers.first().map_or("post-login", |(id, _)| id.as_str());
            let trigger = Trigger::action_from_id(supported).map_err(|e| (key, format!("{key}: {e}")))?;
            (Target::Action(name.to_owned()), trigger)
        } else {
            tenant.rule(name).map_err(|e| (key, format!("{key}: {}", e.message)))?;
            (Target::Rule(name.to_owned()), Trigger::Rule)
        };
        Ok(Subject { label: format!("{key} {name}"), trigger, target })
    };
    if let Some(script) = &spec.script {
        if spec.action.is_some() || spec.rule.is_some() || spec.action_script.is_some() || spec.rule_script.is_some() {
            return Err(("script", "script: give either script, or a rule and/or an action, not both".into()));
        }
        return Ok(vec![file("script", script, spec.trigger)?]);
    }
    let rule = match (&spec.rule, &spec.rule_script) {
        (Some(_), Some(_)) => return Err(("rule", "rule: give rule or rule_script, not both".into())),
        (Some(name), None) => Some(named("rule", name)?),
        (None, Some(path)) => Some(file("rule_script", path, Some(Trigger::Rule))?),
        (None, None) => None,
    };
    let action = match (&spec.action, &spec.action_script) {
        (Some(_), Some(_)) => return Err(("action", "action: give action or action_script, not both".into())),
        (Some(name), None) => Some(named("action", name)?),
        (None, Some(path)) => Some(file("action_script", path, Some(spec.trigger.unwrap_or(Trigger::PostLogin)))?),
        (None, None) => None,
    };
    let subjects: Vec<Subject> = rule.into_iter().chain(action).collect();
    if subjects.is_empty() && !none_needed {
        return Err((
            "cases",
            "name the script to test: script, action, rule, action_script or rule_script (or give every case `simulate:`)"
                .into(),
        ));
    }
    Ok(subjects)
}

/// `dir/relative`, with `.` and `..` resolved lexically (`cases/../tenant` → `tenant`).
fn join(dir: &Path, relative: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in dir.join(relative).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The line of a top-level key, for errors about it.
fn top_key_line(text: &str, format: Format, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| match format {
            Format::Yaml => locate::indent(line) == 0 && locate::key_of(line).is_some_and(|(k, _)| k == key),
            Format::Json => line.trim_start().starts_with(&format!("\"{key}\"")),
        })
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lexically() {
        assert_eq!(join(Path::new("fixtures/cases"), Path::new("../tenant")), PathBuf::from("fixtures/tenant"));
        assert_eq!(join(Path::new(""), Path::new("./a.js")), PathBuf::from("a.js"));
        assert_eq!(join(Path::new("a"), Path::new("../../b")), PathBuf::from("../b"));
    }

    #[test]
    fn a_tenant_that_cannot_load_is_placed_at_the_tenant_key_and_kept_as_the_cause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.cases.yaml");
        std::fs::write(&path, "script: a.js\ntenant: ./nowhere\ncases:\n  - name: a\n").unwrap();
        let error = Loader::new(Keywords::default()).load(&path).unwrap_err();
        let CaseFileError::Tenant { line, error: cause, .. } = &error else { panic!("{error:?}") };
        assert_eq!(*line, Some(2));
        assert!(cause.file.ends_with("nowhere"), "{cause}");
        let shown = error.to_string();
        assert_eq!(shown, format!("{}:2: tenant: {cause}", path.display()));
        let source = std::error::Error::source(&error).expect("the tenant error is the source");
        assert_eq!(source.downcast_ref::<TenantError>(), Some(cause));
    }

    #[test]
    fn syntax_errors_are_located_by_the_shared_located_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.cases.json");
        std::fs::write(&path, "{\n  \"script\": ,\n}").unwrap();
        let error = Loader::new(Keywords::default()).load(&path).unwrap_err();
        let CaseFileError::File(located) = &error else { panic!("{error:?}") };
        assert_eq!((located.line, located.column), (Some(2), Some(13)), "{error}");
        assert_eq!(error.to_string(), format!("{}:2:13: expected value", path.display()));
    }
}

#[cfg(test)]
mod schema_tests {
    use super::*;
    use serde::de::DeserializeOwned;

    /// The fields serde accepts, read from its unknown-field message.
    fn fields<T: DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let message = serde_json::from_str::<T>(r#"{"?": 1}"#).unwrap_err().to_string();
        let list = message.split("expected one of ").nth(1).expect(&message).split(" at line").next().unwrap();
        let mut names: Vec<String> = list.split(", ").map(|f| f.trim_matches('`').to_owned()).collect();
        names.sort();
        names
    }

    fn keys(value: &Value) -> Vec<String> {
        let mut names: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn the_json_schema_lists_exactly_the_fields_the_loader_accepts() {
        let schema: Value = serde_json::from_str(include_str!("../../docs/cases.schema.json")).unwrap();
        assert_eq!(keys(&schema["properties"]), fields::<FileSpec>());
        let mut case = keys(&schema["$defs"]["inputs"]["properties"]);
        case.extend(keys(&schema["$defs"]["case"]["properties"]));
        case.sort();
        assert_eq!(case, fields::<CaseSpec>());
        assert_eq!(keys(&schema["$defs"]["expect"]["properties"]), fields::<Expect>());
        let mut listed: Vec<String> = super::super::expect::ExpectField::NAMES.iter().map(|f| f.to_string()).collect();
        listed.sort();
        assert_eq!(listed, fields::<Expect>());
        let triggers: Vec<&str> = crate::trigger::Trigger::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(schema["properties"]["trigger"]["enum"], serde_json::json!(triggers), "the schema's triggers");
        let apis: Vec<&str> = crate::api_call::ApiName::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(schema["$defs"]["command"]["properties"]["api"]["enum"], serde_json::json!(apis), "the api names");
    }
}
