//! `actionhost simulate`: flags and files become one [`LoginRequest`] (the login runs through
//! the tenant's Rules and Actions) or, with a flow's flag, one [`FlowRequest`] (the flow's
//! Actions, `pipeline::flows`); the result and transcript are printed. Exit code 0 when the
//! login ran to an end (tokens, denial or redirect), 1 when a script failed or the tokens broke
//! Auth0's limits; bad input is an `Err` (exit 2).

use std::io::Write;

use anyhow::bail;
use serde_json::{Map, Value};

use super::args::SimulateArgs;
use super::simulate_print;
use super::HostConfigBuilder;
use crate::pipeline::flows::{self, FlowRequest};
use crate::pipeline::{self, LoginRequest, SimStatus};
use crate::tenant::client_metadata::parse_pair;
use crate::Host;

pub async fn simulate(args: SimulateArgs) -> anyhow::Result<u8> {
    if args.names_flow() || args.resume.as_deref().is_some_and(flows::is_flow_state) {
        return simulate_flow(args).await;
    }
    for (flag, given) in [
        ("--scope", args.scope.is_some()),
        ("--email", args.email.is_some()),
        ("--phone", args.phone.is_some()),
        ("--message-type", args.message_type.is_some()),
        ("--subject-token", args.subject_token.is_some()),
        ("--subject-token-type", args.subject_token_type.is_some()),
    ] {
        if given {
            bail!("{flag}: not an option of a login; name the flow (--grant, --signup, --send-phone-message, --token-exchange)");
        }
    }
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
        served: None,
    };
    let host = host(&args)?;
    let result = pipeline::simulate(&host, &request).await?;
    let text = if args.json { serde_json::to_string_pretty(&result)? + "\n" } else { simulate_print::human(&result) };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(if result.status == SimStatus::Error { 1 } else { 0 })
}

/// A flow other than a login (machine-to-machine, signup, password change or reset, MFA by
/// phone, token exchange), or the `--continue` of a suspended password reset.
async fn simulate_flow(args: SimulateArgs) -> anyhow::Result<u8> {
    for (flag, given) in
        [("--protocol", args.protocol.is_some()), ("--user-id with --signup", args.signup && args.user_id.is_some())]
    {
        if given {
            bail!("{flag}: not an option of this flow");
        }
    }
    let request = FlowRequest {
        tenant: args.tenant.tenant.clone(),
        client: args.client.clone(),
        grant: args.grant.clone(),
        signup: args.signup,
        password_change: args.password_change,
        password_reset: args.password_reset,
        send_phone_message: args.send_phone_message,
        token_exchange: args.token_exchange,
        audience: args.audience.clone(),
        scope: args.scope.clone(),
        sign: args.sign,
        sign_secret: args.sign_secret.clone(),
        email: args.email.clone(),
        connection: args.connection.clone(),
        user: args.user.clone(),
        user_id: args.user_id.clone(),
        persist: args.persist,
        state_file: args.state_file.clone(),
        resume: args.resume.clone(),
        query: query(&args.query)?,
        phone: args.phone.clone(),
        message_type: args.message_type.clone(),
        subject_token: args.subject_token.clone(),
        subject_token_type: args.subject_token_type.clone(),
        container: args.container.clone(),
    };
    let host = host(&args)?;
    let result = flows::simulate(&host, &request).await?;
    let text =
        if args.json { serde_json::to_string_pretty(&result)? + "\n" } else { simulate_print::flow_human(&result) };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(if result.status == SimStatus::Error { 1 } else { 0 })
}

fn host(args: &SimulateArgs) -> anyhow::Result<Host> {
    Ok(Host::new(HostConfigBuilder::new(&args.engine).keywords(super::keywords(&args.tenant)?).build()))
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
