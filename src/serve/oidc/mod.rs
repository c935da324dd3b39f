//! The login server (OpenID Connect): discovery, keys, `/authorize` with its login page and login
//! sessions, the code and refresh-token grants, `/userinfo`, `/v2/logout`, `/continue`, the list
//! of recent logins, and the login tester (`/tester/…`). Each login runs the same pipeline as
//! `simulate`.

mod allowed_url;
mod authorization;
mod authorize;
mod discovery;
pub mod grants;
mod issue;
mod journal;
mod login;
mod logout;
pub mod opaque;
mod pages;
mod pkce;
pub mod refresh;
mod session;
mod store;
mod tester;
mod user_list;
mod userinfo;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::Value;

use super::state::ServeState;
use authorization::Authorization;
use store::Expiring;

/// How long the login page of an authorization request stays usable.
const PENDING_TTL: Duration = Duration::from_secs(30 * 60);
/// How long a login a redirect suspended waits for `/continue`.
const SUSPENDED_TTL: Duration = Duration::from_secs(30 * 60);
/// How long an authorization code may be redeemed (RFC 6749 §4.1.2: ten minutes at most).
pub const CODE_TTL: Duration = Duration::from_secs(60);
/// How long a refresh token lasts unused (Auth0's default inactivity lifetime is 30 days).
const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How many of each the server keeps at most.
const CAPACITY: usize = 1000;
/// How many logins `/actionhost/logins` lists.
const RECENT_LOGINS: usize = 50;

/// Who a login is for and when they authenticated: on the login page (or with `--auto-login`)
/// just now, or earlier, for a login on a login session (single sign-on).
#[derive(Debug, Clone)]
pub struct Subject {
    pub user_id: String,
    /// In milliseconds since the epoch (`auth_time`, `authentication.methods`).
    pub authenticated_at: i64,
    /// The login session it rides on: its id and the applications it logged in to before.
    pub sso: Option<(String, Vec<String>)>,
}

impl Subject {
    /// A user who authenticates now.
    pub fn now(user_id: String) -> Subject {
        Subject { user_id, authenticated_at: now_ms(), sso: None }
    }
}

/// The time, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// A login that ended well, waiting for its code to be redeemed.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub authorization: Authorization,
    pub subject: Subject,
    /// The token response (`access_token`, `id_token`, `token_type`, `expires_in`, `scope`).
    pub response: Value,
}

/// A login a Rule or an Action suspended with a redirect: the request it answers, its user.
#[derive(Debug, Clone)]
pub struct Suspended {
    pub authorization: Authorization,
    pub subject: Subject,
}

pub struct OidcInner {
    /// Authorization requests showing the login page, by the page's transaction id.
    pub pending: Expiring<Authorization>,
    /// Suspended logins, by Auth0's `state` of the redirect.
    pub suspended: Expiring<Suspended>,
    pub codes: Expiring<IssuedCode>,
    pub refresh_tokens: Expiring<refresh::RefreshGrant>,
    /// Login sessions, by the id their cookie carries.
    pub sessions: Expiring<session::Session>,
    /// Logins the tester started, by `state`.
    pub testers: Expiring<tester::TesterLogin>,
    /// The newest login last.
    pub logins: VecDeque<Value>,
}

/// What the login server keeps between requests: bounded, expiring, in memory (a restart ends
/// every pending login, code, refresh token and login session).
pub struct OidcState {
    inner: Mutex<OidcInner>,
    /// The tenant's users, read again only when the tenant changed.
    pub users: user_list::UserList,
}

impl Default for OidcState {
    fn default() -> OidcState {
        OidcState {
            inner: Mutex::new(OidcInner {
                pending: Expiring::new(PENDING_TTL, CAPACITY),
                suspended: Expiring::new(SUSPENDED_TTL, CAPACITY),
                codes: Expiring::new(CODE_TTL, CAPACITY),
                refresh_tokens: Expiring::new(REFRESH_TTL, CAPACITY),
                sessions: Expiring::new(session::SESSION_IDLE, CAPACITY),
                testers: Expiring::new(PENDING_TTL, CAPACITY),
                logins: VecDeque::new(),
            }),
            users: user_list::UserList::default(),
        }
    }
}

impl OidcState {
    pub fn lock(&self) -> MutexGuard<'_, OidcInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fresh random value for codes, tokens and transaction ids (256 bits, base64url).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The login server's routes.
pub fn router() -> Router<Arc<ServeState>> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::configuration))
        .route("/.well-known/jwks.json", get(discovery::jwks))
        .route("/authorize", get(authorize::authorize))
        .route("/authorize/login", post(authorize::log_in))
        .route("/continue", get(authorize::resume).post(authorize::resume))
        .route("/userinfo", get(userinfo::userinfo).post(userinfo::userinfo))
        .route("/v2/logout", get(logout::logout))
        .route("/actionhost/logins", get(journal::list))
        .route("/tester/try", get(tester::start))
        .route(tester::CALLBACK_PATH, get(tester::callback))
}
