//! `actionhost clients`: a tenant's applications and their application metadata, the
//! Dashboard's "Application Metadata" tab as commands. Changes go through
//! `tenant::update_client_metadata` (Auth0's rules, atomic writes, a lock against lost updates).

use std::io::Write;

use anyhow::bail;
use serde_json::{json, Map, Value};

use super::args::{ClientArgs, ClientsCommand, ClientsListArgs, MetadataCommand};
use super::{keywords, tenant_path};
use crate::tenant::client_metadata::parse_pair;
use crate::tenant::{update_client_metadata, MetadataChange, Tenant};

pub fn clients(command: ClientsCommand) -> anyhow::Result<u8> {
    match command {
        ClientsCommand::List(args) => list(args),
        ClientsCommand::Metadata(command) => metadata(command),
    }
}

fn list(args: ClientsListArgs) -> anyhow::Result<u8> {
    let tenant = Tenant::load(tenant_path(&args.tenant)?, &keywords(&args.tenant)?)?;
    let mut rows: Vec<(&str, &str, usize)> = tenant
        .clients
        .iter()
        .map(|c| {
            (c.name.as_str(), c.client_id.as_deref().unwrap_or("-"), c.client_metadata.as_ref().map_or(0, Map::len))
        })
        .collect();
    rows.sort();
    let mut out = String::new();
    if args.json {
        let list: Vec<Value> =
            rows.iter().map(|(name, id, keys)| json!({"name": name, "client_id": id, "metadata_keys": keys})).collect();
        out = serde_json::to_string_pretty(&list)? + "\n";
    } else {
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0).max(4);
        let id_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(9);
        out.push_str(&format!("{:width$}  {:id_width$}  METADATA KEYS\n", "NAME", "CLIENT_ID"));
        for (name, id, keys) in rows {
            out.push_str(&format!("{name:width$}  {id:id_width$}  {keys}\n"));
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(0)
}

fn metadata(command: MetadataCommand) -> anyhow::Result<u8> {
    let (client, change) = match command {
        MetadataCommand::Get { client, key } => return get(&client, key.as_deref()),
        MetadataCommand::Set { client, pairs } => {
            let pairs =
                pairs.iter().map(|p| parse_pair(p).map_err(anyhow::Error::msg)).collect::<anyhow::Result<Vec<_>>>()?;
            (client, MetadataChange::Set(pairs))
        }
        MetadataCommand::Unset { client, keys } => (client, MetadataChange::Unset(keys)),
        MetadataCommand::Patch { client, body } => {
            let value: Value = serde_json::from_str(&body).map_err(|e| anyhow::anyhow!("--json: invalid JSON: {e}"))?;
            let Value::Object(patch) = value else { bail!("--json: the body must be a JSON object") };
            (client, MetadataChange::Patch(patch))
        }
    };
    let updated =
        update_client_metadata(tenant_path(&client.tenant)?, &client.client, change, &keywords(&client.tenant)?)?;
    print_json(&Value::Object(updated))?;
    Ok(0)
}

fn get(args: &ClientArgs, key: Option<&str>) -> anyhow::Result<u8> {
    let tenant = Tenant::load(tenant_path(&args.tenant)?, &keywords(&args.tenant)?)?;
    let client = tenant.client(&args.client)?;
    let metadata = client.client_metadata.clone().unwrap_or_default();
    match key {
        None => print_json(&Value::Object(metadata))?,
        Some(key) => match metadata.get(key) {
            Some(Value::String(value)) => std::io::stdout().write_all(format!("{value}\n").as_bytes())?,
            Some(other) => print_json(other)?,
            None => {
                eprintln!("actionhost: {} has no metadata key \"{key}\"", client.name);
                return Ok(1);
            }
        },
    }
    Ok(0)
}

fn print_json(value: &Value) -> anyhow::Result<()> {
    std::io::stdout().write_all((serde_json::to_string_pretty(value)? + "\n").as_bytes())?;
    Ok(())
}
