//! Tenant objects from parsed JSON/YAML values, shared by the directory and YAML formats:
//! required fields, field types, allowed values, and reading the scripts they point at.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::client_metadata;
use super::origin::{Origin, Site};
use super::{Action, Client, Keywords, Organization, Rule, RuleStage, TenantError};
use crate::files;
use crate::trigger::Trigger;

/// Trigger id → bindings `(action name, site of its action_name)` in execution order.
pub(crate) type Bindings = Vec<(String, Vec<(String, Site)>)>;

/// `Number.MAX_SAFE_INTEGER`, 2^53 - 1: above it, a float no longer stands for one integer.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Typed access to one object's fields, with errors at the field's line.
struct Fields<'a> {
    obj: &'a Map<String, Value>,
    origin: Origin<'a>,
    what: &'static str,
}

impl<'a> Fields<'a> {
    fn new(value: &'a Value, origin: Origin<'a>, what: &'static str) -> Result<Self, TenantError> {
        match value {
            Value::Object(obj) => Ok(Fields { obj, origin, what }),
            other => Err(origin.error(None, format!("{what} must be an object, found {}", kind(other)))),
        }
    }

    fn err(&self, key: &str, message: impl Into<String>) -> TenantError {
        self.origin.error(Some(key), message)
    }

    fn wrong(&self, key: &str, expected: &str, found: &Value) -> TenantError {
        self.err(key, format!("{} field \"{key}\" must be {expected}, found {}", self.what, shown(found)))
    }

    /// The field, with `null` counted as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    fn required(&self, key: &str) -> Result<&'a Value, TenantError> {
        self.get(key)
            .ok_or_else(|| self.origin.error(None, format!("{} is missing required field \"{key}\"", self.what)))
    }

    fn string(&self, key: &str) -> Result<String, TenantError> {
        let value = self.required(key)?;
        value.as_str().map(str::to_owned).ok_or_else(|| self.wrong(key, "a string", value))
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>, TenantError> {
        self.get(key).map(|v| v.as_str().map(str::to_owned).ok_or_else(|| self.wrong(key, "a string", v))).transpose()
    }

    fn opt_bool(&self, key: &str) -> Result<Option<bool>, TenantError> {
        self.get(key).map(|v| v.as_bool().ok_or_else(|| self.wrong(key, "a boolean", v))).transpose()
    }

    fn opt_int(&self, key: &str) -> Result<Option<i64>, TenantError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let int = v.as_i64().or_else(|| {
            let f = v.as_f64()?;
            // A whole float within JavaScript's safe integers (Number.isSafeInteger).
            (f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER).then_some(f as i64)
        });
        int.map(Some).ok_or_else(|| self.wrong(key, "an integer or null", v))
    }

    fn array(&self, key: &str, required: bool) -> Result<&'a [Value], TenantError> {
        let value = if required { Some(self.required(key)?) } else { self.get(key) };
        match value {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(self.wrong(key, "an array", other)),
        }
    }

    /// Origin of the `i`th object of the array field `key`: where its `item_key` appears.
    fn item(&self, key: &str, item_key: &str, i: usize) -> Origin<'a> {
        let base = self.origin.at_key(key);
        base.nth_key(item_key, i).map_or(base, |at| base.from(at))
    }
}

/// A `clients/*.json` object or a `clients:` entry.
pub(crate) fn client(value: &Value, origin: Origin) -> Result<(Client, Site), TenantError> {
    let f = Fields::new(value, origin, "client")?;
    let name = f.string("name")?;
    let client_id = f.opt_string("client_id")?;
    let client_metadata = f
        .get("client_metadata")
        .map(|meta| client_metadata::from_json(meta).map_err(|e| f.err("client_metadata", e.to_string())))
        .transpose()?;
    let client = Client { name, client_id, client_metadata, file: origin.file.to_path_buf(), raw: value.clone() };
    Ok((client, origin.site(Some("name"))))
}

/// An `organizations/*.json` object or an `organizations:` entry: its `name` and optional `id`.
pub(crate) fn organization(value: &Value, origin: Origin) -> Result<(Organization, Site), TenantError> {
    let f = Fields::new(value, origin, "organization")?;
    let name = f.string("name")?;
    if name.is_empty() {
        return Err(f.err("name", "organization field \"name\" must not be empty"));
    }
    let organization = Organization { name, id: f.opt_string("id")?, file: origin.file.to_path_buf() };
    Ok((organization, origin.site(Some("name"))))
}

/// A rule and the sites of its `name` and `order`; `script` resolves against `base` and must
/// stay inside the tenant folder `root`.
pub(crate) fn rule(
    value: &Value,
    origin: Origin,
    base: &Path,
    root: &Path,
    keywords: &Keywords,
) -> Result<(Rule, Site, Site), TenantError> {
    let f = Fields::new(value, origin, "rule")?;
    let name = f.string("name")?;
    let enabled = f.opt_bool("enabled")?.unwrap_or(true);
    let order = f.opt_int("order")?;
    let stage = match f.opt_string("stage")? {
        None => RuleStage::LoginSuccess,
        Some(stage) => stage.parse().map_err(|_| {
            let msg = format!("rule field \"stage\" must be one of {}, found {stage:?}", RuleStage::NAMES.join(", "));
            f.err("stage", msg)
        })?,
    };
    let script = f.string("script")?;
    let script_path = clean(&base.join(&script));
    let outside = |real: &Path| f.err("script", outside_message("rule script", &script, root, real));
    let (text, warnings) = read_script(&script_path, root, keywords, outside, || {
        let at = script_path.display();
        f.err("script", format!("rule script {script:?} does not exist (looked for {at})"))
    })?;
    let rule = Rule { name, enabled, order, stage, script_path, script: text, warnings };
    Ok((rule, origin.site(Some("name")), origin.site(Some("order"))))
}

/// A rules-config `{key, value}`.
pub(crate) fn rules_config(value: &Value, origin: Origin) -> Result<((String, Value), Site), TenantError> {
    let f = Fields::new(value, origin, "rules config")?;
    let key = f.string("key")?;
    if let Some(c) = key.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-')) {
        let msg = format!("rules config key {key:?} contains {c:?}; keys match ^[A-Za-z0-9_-]*$");
        return Err(f.err("key", msg));
    }
    let config = f.string("value")?;
    Ok(((key, Value::String(config)), origin.site(Some("key"))))
}

/// An action; `code` resolves against each of `bases` in turn and must stay inside the tenant
/// folder `root`.
pub(crate) fn action(
    value: &Value,
    origin: Origin,
    bases: &[PathBuf],
    root: &Path,
    keywords: &Keywords,
) -> Result<(Action, Site), TenantError> {
    let f = Fields::new(value, origin, "action")?;
    let name = f.string("name")?;
    let code = f.string("code")?;
    let mut supported_triggers = Vec::new();
    for (i, item) in f.array("supported_triggers", true)?.iter().enumerate() {
        let t = Fields::new(item, f.item("supported_triggers", "id", i), "supported trigger")?;
        let id = t.string("id")?;
        check_trigger(&id, &t.origin, "id")?;
        supported_triggers.push((id, t.string("version")?));
    }
    let mut secrets = Map::new();
    let mut unset_secrets = Vec::new();
    for (i, item) in f.array("secrets", false)?.iter().enumerate() {
        // Deploy CLI exports carry `{name}` alone (the Management API never returns a value):
        // the value is then a keyword mapping of the secret's name, or absent from
        // `event.secrets` unless the request gives it (`--secret`, a case's `secrets`).
        let s = Fields::new(item, f.item("secrets", "name", i), "secret")?;
        let name = s.string("name")?;
        if let Some(value) = s.opt_string("value")?.or_else(|| keywords.literal(&name)) {
            secrets.insert(name, Value::String(value));
        } else {
            unset_secrets.push(name);
        }
    }
    let dependencies = f.array("dependencies", false)?.to_vec();
    let runtime = f.opt_string("runtime")?;
    let deployed = f.opt_bool("deployed")?.unwrap_or(false);
    let candidates: Vec<PathBuf> = bases.iter().map(|b| clean(&b.join(&code))).collect();
    let code_path =
        candidates.iter().find(|p| p.is_file()).or(candidates.first()).cloned().unwrap_or_else(|| PathBuf::from(&code));
    let outside = |real: &Path| f.err("code", outside_message("action code file", &code, root, real));
    let (text, warnings) = read_script(&code_path, root, keywords, outside, || {
        let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        let looked = looked.join(", ");
        f.err("code", format!("action code file {code:?} does not exist (looked for {looked})"))
    })?;
    let action = Action {
        name,
        code_path,
        code: text,
        runtime,
        dependencies,
        secrets,
        unset_secrets,
        supported_triggers,
        deployed,
        warnings,
    };
    Ok((action, origin.site(Some("name"))))
}

/// `triggers.json` / `triggers:`: trigger id → `[{action_name, display_name}]`.
pub(crate) fn triggers(value: &Value, origin: Origin) -> Result<Bindings, TenantError> {
    let Value::Object(map) = value else {
        return Err(origin.error(None, format!("triggers must be an object, found {}", kind(value))));
    };
    let mut out = Vec::new();
    for (id, list) in map {
        let at = origin.at_key(id);
        check_trigger(id, &origin, id)?;
        let Value::Array(items) = list else {
            let msg = format!("trigger \"{id}\" must be an array of bindings, found {}", shown(list));
            return Err(at.error(None, msg));
        };
        let mut names = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let b = at.nth_key("action_name", i).map_or(at, |p| at.from(p));
            let binding = Fields::new(item, b, "trigger binding")?;
            names.push((binding.string("action_name")?, b.site(Some("action_name"))));
            binding.opt_string("display_name")?;
        }
        out.push((id.clone(), names));
    }
    Ok(out)
}

fn check_trigger(id: &str, origin: &Origin, key: &str) -> Result<(), TenantError> {
    Trigger::action_from_id(id).map(drop).map_err(|e| origin.error(Some(key), e.to_string()))
}

/// Reads a script with keywords applied. The script must resolve (`..` and symbolic links
/// followed) to a file inside the tenant folder `root`, else `outside` makes the error (given the
/// resolved path; nothing of the file is read); `missing` makes the error for a file that is not
/// there.
fn read_script(
    path: &Path,
    root: &Path,
    keywords: &Keywords,
    outside: impl FnOnce(&Path) -> TenantError,
    missing: impl FnOnce() -> TenantError,
) -> Result<(String, Vec<String>), TenantError> {
    let real = match path.canonicalize() {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
        Err(e) => return Err(TenantError::io(path, "read script", &e)),
    };
    let root = if root.as_os_str().is_empty() { Path::new(".") } else { root };
    let real_root = root.canonicalize().map_err(|e| TenantError::io(root, "resolve the tenant folder", &e))?;
    if !real.starts_with(&real_root) {
        return Err(outside(&real));
    }
    match files::read_text(&real) {
        Ok(text) => Ok((keywords.apply_file(path, &text), keywords.unmapped_warnings(path, &text))),
        Err(e) => Err(TenantError::new(path, format!("cannot read script: {}", e.reason))),
    }
}

/// Why a script path that leaves the tenant folder is refused.
fn outside_message(what: &str, given: &str, root: &Path, real: &Path) -> String {
    format!(
        "{what} {given:?} is outside the tenant folder {} (it resolves to {}); a tenant's \
         scripts must be inside its folder",
        root.display(),
        real.display()
    )
}

/// `a/./b` → `a/b` (lexical; `..` is kept).
pub(crate) fn clean(path: &Path) -> PathBuf {
    path.components().collect()
}

/// `a string`, `an array`…: a JSON value's kind for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value's kind, plus the value itself when it is a short scalar.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() <= 40 => format!("a string ({s:?})"),
        Value::Bool(_) | Value::Number(_) => format!("{} ({v})", kind(v)),
        _ => kind(v).to_owned(),
    }
}
