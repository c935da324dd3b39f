//! `actionhost serve`: binds, reads the tenant, prints `listening on URL` as its first line (and,
//! with `--tls`, where the CA certificate is), then serves the tenant until interrupted (Ctrl-C or
//! SIGTERM).

use std::io::Write;

use super::args::ServeArgs;
use super::HostConfigBuilder;
use crate::serve::{self, ServeOptions, ServeState};
use crate::Host;

pub async fn serve(args: ServeArgs) -> anyhow::Result<u8> {
    let options = ServeOptions {
        tenant: super::tenant_path(&args.tenant)?.to_path_buf(),
        host: args.host,
        port: args.port,
        api_token: args.api_token.clone(),
        auto_login: args.auto_login,
        tls: args.tls,
        log_format: args.log_format,
    };
    super::config::apply_cpu_policy(&args.pool, None);
    let config = HostConfigBuilder::new(&args.engine).pool(&args.pool).keywords(super::keywords(&args.tenant)?).build();
    let host = Host::new(config);
    let bound = serve::bind(&host, &options)?;
    // The tenant is read (and watched) before the server says it listens: a client that edits
    // the tenant once it reads that line can never meet a half-written file in the first load.
    let state = ServeState::new(host, options, bound.base_url.clone())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", bound.base_url)?;
    if let Some(ca) = &bound.ca_certificate {
        writeln!(out, "CA certificate: {} (Node: NODE_EXTRA_CA_CERTS={})", ca.display(), ca.display())?;
    }
    out.flush()?;
    drop(out);
    serve::serve(bound, state, stopped()).await?;
    Ok(0)
}

/// Ctrl-C or SIGTERM.
async fn stopped() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
    }
}
