//! What every handler of `serve` shares: the [`Host`] that runs the scripts, the tenant folder,
//! the address clients reach the server at (the OIDC issuer and the Management API audience are
//! made from it), the signing key, and the state each part keeps (pending authorizations and
//! recent logins for the login server).

use std::path::PathBuf;
use std::sync::Arc;

use crate::closed_set::closed_set;
use crate::pipeline::tokens::{Signer, Signing};
use crate::request::RequestError;
use crate::tenant::Tenant;
use crate::Host;

use super::oidc::opaque::OpaqueTokens;
use super::oidc::OidcState;

closed_set! {
    /// How each login's transcript is logged on standard error.
    pub enum LogFormat("log format") {
        /// One readable block per login.
        Human => "human",
        /// One JSON object per line.
        Json => "json",
    }
}

/// What `serve` is started with.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The tenant: a Deploy CLI folder, or tenant.yaml.
    pub tenant: PathBuf,
    /// The address to bind (loopback by default).
    pub host: std::net::IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// A Bearer token accepted by the Management API with every scope.
    pub api_token: Option<String>,
    /// `/authorize` with a `login_hint` naming a user of `users/` logs that user in at once.
    pub auto_login: bool,
    /// Serve HTTPS with the tenant's local certificate.
    pub tls: bool,
    pub log_format: LogFormat,
}

/// The shared state of a running server.
pub struct ServeState {
    pub host: Host,
    /// The tenant as given (folder or tenant.yaml).
    pub tenant: PathBuf,
    /// The tenant folder: where `users/`, `clients/` and `.actionhost/` are.
    pub root: PathBuf,
    /// `http://127.0.0.1:PORT` (or `https://localhost:PORT`), without a trailing slash.
    pub base_url: String,
    pub options: ServeOptions,
    /// The tenant's RS256 key (the one of `simulate --sign`).
    pub signer: Arc<Signer>,
    /// Seals and opens the opaque access tokens of logins without an API audience.
    pub opaque: OpaqueTokens,
    pub oidc: OidcState,
}

impl ServeState {
    pub fn new(host: Host, options: ServeOptions, base_url: String) -> Result<ServeState, RequestError> {
        let tenant = host.tenant(&options.tenant)?;
        let signer =
            Signer::new(&Signing::Rs256, &tenant.root).map_err(|e| RequestError::new("tenant", e.to_string()))?;
        let opaque = OpaqueTokens::new()
            .map_err(|e| RequestError::new("tenant", format!("no key for opaque access tokens: {e}")))?;
        Ok(ServeState {
            host,
            tenant: options.tenant.clone(),
            root: tenant.root.clone(),
            base_url,
            options,
            signer,
            opaque,
            oidc: OidcState::default(),
        })
    }

    /// The tenant as its files are now (reloaded when they changed).
    pub fn tenant(&self) -> Result<Arc<Tenant>, RequestError> {
        self.host.tenant(&self.tenant)
    }

    /// The OIDC issuer, `BASE/` as Auth0 writes it (`https://TENANT.auth0.com/`).
    pub fn issuer(&self) -> String {
        format!("{}/", self.base_url)
    }

    /// The Management API's audience, `BASE/api/v2/`.
    pub fn api_audience(&self) -> String {
        format!("{}/api/v2/", self.base_url)
    }
}
