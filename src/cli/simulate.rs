//! `actionhost simulate`: flags and files become one [`LoginRequest`]; the login runs through
//! the tenant's Rules and Actions; the result and transcript are printed. Exit code 0 when the
//! login ran to an end (tokens, denial or redirect), 1 when a script failed or the tokens broke
//! Auth0's limits; bad input is an `Err` (exit 2).

use std::io::Write;

use anyhow::bail;
use serde_json::{Map, Value};

use super::args::SimulateArgs;
use super::simulate_print;
use super::HostConfigBuilder;
use actionhost::pipeline::{self, LoginRequest, SimStatus};
use actionhost::tenant::client_metadata::parse_pair;
use actionhost::Host;

pub async fn simulate(args: SimulateArgs) -> anyhow::Result<u8> {
    let request = LoginRequest {
        tenant: args.tenant.tenant.clone(),
        client: args.client.clone(),
        user: args.user.clone(),
        user_id: args.user_id.clone(),
        connection: args.connection.clone(),
        protocol: args.protocol,
        audience: args.audience.clone(),
        sign: args.sign,
        sign_secret: args.sign_secret.clone(),
        persist: args.persist,
        state_file: args.state_file.clone(),
        resume: args.resume.clone(),
        query: query(&args.query)?,
        container: args.container.clone(),
    };
    let host = Host::new(HostConfigBuilder::new(&args.engine).keywords(super::keywords(&args.tenant)?).build());
    let result = pipeline::simulate(&host, &request).await?;
    let text = if args.json { serde_json::to_string_pretty(&result)? + "\n" } else { simulate_print::human(&result) };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(if result.status == SimStatus::Error { 1 } else { 0 })
}

fn query(pairs: &[String]) -> anyhow::Result<Option<Map<String, Value>>> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut map = Map::new();
    for pair in pairs {
        let (key, value) = parse_pair(pair).map_err(|e| anyhow::anyhow!("--query: {e}"))?;
        if map.insert(key.clone(), Value::String(value)).is_some() {
            bail!("--query: key \"{key}\" given twice");
        }
    }
    Ok(Some(map))
}
