//! `actionhost serve`: the tenant folder as a local Auth0 over HTTP(S) — the Management API
//! (`management/`), the login server (`oidc/`, `token.rs`, `client_credentials.rs`) and the
//! Dashboard's Application Metadata tab (`dashboard/`), on axum. Every change goes through the
//! same files, lock and atomic writes as the command line, so each sees the other's at once.
//! See `docs/serve.md`.

mod client_credentials;
mod dashboard;
pub mod error;
mod management;
mod oidc;
mod scope;
pub mod state;
pub mod tls;
mod token;

use std::future::Future;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{header, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use futures::StreamExt;

pub use error::ApiError;
pub use state::{LogFormat, ServeOptions, ServeState};

use crate::Host;

/// The largest request body read (Auth0 refuses larger payloads with 413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// An oversize body up to this length is read and dropped before the 413 answer, so that a client
/// still sending it reads the answer instead of a reset connection; a longer one is cut off.
pub const DRAIN_BYTES: u64 = 16 * 1024 * 1024;
/// How long a client may take to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Every route of the server.
pub fn router(state: Arc<ServeState>) -> Router {
    Router::new()
        .route("/oauth/token", post(token::token))
        .merge(management::router())
        .merge(oidc::router())
        .merge(dashboard::router())
        .fallback(not_found)
        .layer(middleware::from_fn(refuse_oversize))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// 413 for a body whose declared length is over [`MAX_BODY_BYTES`], with Auth0's error body (a
/// body without a length is cut at the limit by `DefaultBodyLimit` where it is read).
async fn refuse_oversize(request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let Some(length) = declared.filter(|&n| n > MAX_BODY_BYTES as u64) else {
        return next.run(request).await;
    };
    if length <= DRAIN_BYTES {
        let mut body = request.into_body().into_data_stream();
        while let Some(Ok(_)) = body.next().await {}
    }
    let message = format!("Payload content length greater than maximum allowed: {MAX_BODY_BYTES}");
    ApiError { status: StatusCode::PAYLOAD_TOO_LARGE, message, error_code: None }.into_response()
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError { status: StatusCode::NOT_FOUND, message: format!("Not Found: {}", uri.path()), error_code: None }
}

/// A bound, not yet serving, server: its address is known (`--port 0` picks a free one).
pub struct Bound {
    listener: TcpListener,
    /// `http://HOST:PORT` or `https://…`, without a trailing slash.
    pub base_url: String,
    tls: Option<Arc<rustls::ServerConfig>>,
    /// The CA certificate clients trust (`--tls`).
    pub ca_certificate: Option<std::path::PathBuf>,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound (in use, not local, no permission).
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address asked for.
        address: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The tenant folder could not be loaded.
    #[error(transparent)]
    Request(#[from] crate::RequestError),
    /// The tenant's certificate files (`--tls`) could not be read or written.
    #[error(transparent)]
    Tenant(#[from] crate::tenant::TenantError),
    /// The server stopped with an I/O error.
    #[error("the server stopped: {0}")]
    Stopped(std::io::Error),
}

/// Binds the address of `options`; with `--tls`, makes or loads the tenant's certificate.
pub fn bind(host: &Host, options: &ServeOptions) -> Result<Bound, ServeError> {
    let address = SocketAddr::new(options.host, options.port);
    let cannot_listen = |source| ServeError::Listen { address, source };
    let listener = TcpListener::bind(address).map_err(cannot_listen)?;
    listener.set_nonblocking(true).map_err(cannot_listen)?;
    let port = listener.local_addr().map_err(cannot_listen)?.port();
    let (scheme, tls, ca_certificate) = if options.tls {
        let tenant = host.tenant(&options.tenant)?;
        let files = tls::ensure(&tenant.root)?;
        ("https", Some(tls::server_config(&files)?), Some(files.ca))
    } else {
        ("http", None, None)
    };
    let host_name = match options.host {
        // The certificate names localhost; clients reach a loopback server by that name.
        IpAddr::V4(ip) if ip.is_loopback() && options.tls => "localhost".to_owned(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Ok(Bound { listener, base_url: format!("{scheme}://{host_name}:{port}"), tls, ca_certificate })
}

/// Serves until `shutdown` completes, then lets open requests finish.
pub async fn serve(
    bound: Bound,
    state: ServeState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let app = router(Arc::new(state)).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(5)));
    });
    let served = async {
        match bound.tls {
            Some(config) => {
                let config = axum_server::tls_rustls::RustlsConfig::from_config(config);
                let mut server = axum_server::from_tcp_rustls(bound.listener, config)?.handle(handle);
                limit_slow_clients(server.http_builder());
                server.serve(app).await
            }
            None => {
                let mut server = axum_server::from_tcp(bound.listener)?.handle(handle);
                limit_slow_clients(server.http_builder());
                server.serve(app).await
            }
        }
    };
    served.await.map_err(ServeError::Stopped)
}

fn limit_slow_clients(builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>) {
    builder.http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
}
