//! `actionhost run`: turns flags and files into one request, runs it, prints the outcome.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};
use serde_json::{Map, Value};

use super::args::RunArgs;
use super::print;
use super::HostConfigBuilder;
use crate::files;
use crate::tenant::client_metadata::parse_pair;
use crate::{Host, Outcome, Request, Script};

/// Exit code: 0 the script ran (completed, denied, redirected), 1 it failed; usage errors are
/// returned as `Err` (exit 2). With `--json`, a request that cannot run is also an `InvalidRequest`
/// outcome on standard output.
pub async fn run(args: RunArgs) -> anyhow::Result<u8> {
    match run_request(&args).await {
        Err(error) if args.json => {
            let outcome = Outcome::invalid_request(None, format!("{error:#}"));
            std::io::stdout().write_all((serde_json::to_string_pretty(&outcome)? + "\n").as_bytes())?;
            Err(error)
        }
        result => result,
    }
}

async fn run_request(args: &RunArgs) -> anyhow::Result<u8> {
    let from_stdin: Vec<&str> =
        [("--event", &args.event), ("--user", &args.user), ("--context", &args.context), ("--http", &args.http)]
            .into_iter()
            .filter(|(_, path)| path.as_deref().is_some_and(files::is_stdin))
            .map(|(flag, _)| flag)
            .collect();
    if from_stdin.len() > 1 {
        bail!("{}: only one input can be read from standard input (-)", from_stdin.join(", "));
    }
    // clap requires exactly one of them.
    let script = match (&args.script, &args.action, &args.rule) {
        (Some(path), ..) => Script::Path(path.clone()),
        (_, Some(action), _) => Script::Action(action.clone()),
        (.., Some(rule)) => Script::Rule(rule.clone()),
        (None, None, None) => bail!("give a script, --action or --rule"),
    };
    let request = Request {
        tenant: args.tenant.tenant.clone(),
        client: args.client.clone(),
        trigger: args.trigger,
        phase: Some(args.phase.into()),
        event: args.event.as_deref().map(|p| read_json("--event", p)).transpose()?,
        user: args.user.as_deref().map(|p| read_json("--user", p)).transpose()?,
        context: args.context.as_deref().map(|p| read_json("--context", p)).transpose()?,
        query: pairs("--query", &args.query)?,
        body: args.body.as_deref().map(body).transpose()?,
        client_metadata: pairs("--client-metadata", &args.client_metadata)?.map(Value::Object),
        secrets: pairs("--secret", &args.secrets)?,
        now: args.now.as_deref().map(clock_value),
        seed: args.seed,
        http: args.http.as_deref().map(read_mocks).transpose()?,
        configuration: pairs("--configuration", &args.configuration)?,
        ..Request::new(script)
    };
    let host = Host::new(HostConfigBuilder::new(&args.engine).keywords(super::keywords(&args.tenant)?).build());
    let outcome = host.run(request).await?;
    let text = if args.json { serde_json::to_string_pretty(&outcome)? + "\n" } else { print::human(&outcome) };
    // A closed pipe (`actionhost run … | head`) is not an error worth a panic.
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(if outcome.status.ran() { 0 } else { 1 })
}

/// `--now`: epoch milliseconds when it is a number, else the text (ISO 8601), checked by the host.
fn clock_value(text: &str) -> Value {
    text.parse::<i64>().map_or_else(|_| Value::String(text.to_owned()), Value::from)
}

/// `--http FILE`: the mocks, read as a batch line's `http` is.
fn read_mocks(path: &Path) -> anyhow::Result<Vec<crate::HttpMock>> {
    let value = read_json("--http", path)?;
    serde_json::from_value(value).with_context(|| format!("--http {}: not a JSON array of HTTP mocks", path.display()))
}

/// The JSON of `flag`'s file (`-`: standard input); errors name the flag, the file and, for bad
/// JSON, the line and column.
fn read_json(flag: &str, path: &Path) -> anyhow::Result<Value> {
    let stdin = files::is_stdin(path);
    let text = if stdin { files::read_stdin_text() } else { files::read_text(path) };
    let text = text.map_err(|e| anyhow::anyhow!("{flag}: cannot read {e}"))?;
    let shown = if stdin { "standard input".to_owned() } else { path.display().to_string() };
    serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{flag} {}: {shown} is not valid JSON: {e}", path.display()))
}

/// `--body JSON`: a JSON object.
fn body(text: &str) -> anyhow::Result<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => bail!("--body: must be a JSON object, found {}", json_kind(&other)),
        Err(e) => bail!("--body: not valid JSON: {e}"),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn pairs(flag: &str, values: &[String]) -> anyhow::Result<Option<Map<String, Value>>> {
    if values.is_empty() {
        return Ok(None);
    }
    let mut map = Map::new();
    for value in values {
        let (key, value) = parse_pair(value).map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
        if map.insert(key.clone(), Value::String(value)).is_some() {
            bail!("{flag}: key \"{key}\" given twice");
        }
    }
    Ok(Some(map))
}
