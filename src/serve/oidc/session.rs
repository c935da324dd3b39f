//! The login session (single sign-on): after a login completes in a browser the server keeps a
//! session — who logged in, when, to which applications — and gives the browser its id in a
//! cookie (`auth0`, as Auth0 names its session cookie; `HttpOnly`, `SameSite=Lax`, `Secure`
//! under `--tls`). A later `/authorize` with the cookie logs the same user in without the login
//! page (the Rules and Actions still run, and see a single sign-on login); `prompt=login` asks
//! again; `/v2/logout` ends it. Sessions live in memory, bounded, and end after
//! [`SESSION_IDLE`] unused or [`SESSION_LIFETIME`] after the login (Auth0's default inactivity
//! and absolute timeouts are 3 and 30 days).

use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

use super::{random_token, OidcInner};

/// The session cookie's name.
pub const COOKIE: &str = "auth0";
/// How long a session lasts unused.
pub const SESSION_IDLE: Duration = Duration::from_secs(3 * 24 * 3600);
/// How long a session lasts at most, from its login.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// A login session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: String,
    /// When the user logged in, in milliseconds since the epoch.
    pub authenticated_at: i64,
    /// When the user logged in, by the server's clock (for [`SESSION_LIFETIME`]).
    pub started: Instant,
    /// The applications logged in to in this session (client ids), the first first.
    pub clients: Vec<String>,
}

/// The session id the request's `Cookie` header carries, if any.
pub fn cookie_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .flatten()
        .find(|cookie| cookie.name() == COOKIE)
        .map(|cookie| cookie.value().to_owned())
}

/// The session of `id`, while it lasts.
pub fn find(oidc: &OidcInner, id: &str, now: Instant) -> Option<Session> {
    oidc.sessions.get(id, now).filter(|s| now.duration_since(s.started) < SESSION_LIFETIME).cloned()
}

/// Records that the session `id` (when it still lasts) logged in to `client_id`, and keeps it
/// for another [`SESSION_IDLE`]; otherwise starts a new session. Returns the session id and
/// whether it is new (the browser must then get its cookie).
pub fn log_in(
    oidc: &mut OidcInner,
    id: Option<&str>,
    user_id: &str,
    authenticated_at: i64,
    client_id: &str,
    now: Instant,
) -> (String, bool) {
    if let Some(id) = id {
        if let Some(mut session) = find(oidc, id, now).filter(|s| s.user_id == user_id) {
            if !session.clients.iter().any(|c| c == client_id) {
                session.clients.push(client_id.to_owned());
            }
            oidc.sessions.insert(id.to_owned(), session, now);
            return (id.to_owned(), false);
        }
    }
    let id = random_token();
    let session =
        Session { user_id: user_id.to_owned(), authenticated_at, started: now, clients: vec![client_id.to_owned()] };
    oidc.sessions.insert(id.clone(), session, now);
    (id, true)
}

/// The `Set-Cookie` value giving the browser session `id` (`None`: removing the cookie).
pub fn set_cookie(id: Option<&str>, secure: bool) -> HeaderValue {
    let mut cookie = Cookie::build((COOKIE, id.unwrap_or_default().to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    if id.is_none() {
        cookie = cookie.max_age(cookie::time::Duration::ZERO);
    }
    HeaderValue::from_str(&cookie.build().to_string()).expect("a cookie of base64url characters is a header value")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::oidc::OidcState;

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_under_tls() {
        let value = set_cookie(Some("abc"), true);
        let cookie = Cookie::parse(value.to_str().unwrap()).unwrap();
        assert_eq!((cookie.name(), cookie.value(), cookie.path()), (COOKIE, "abc", Some("/")));
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        assert_eq!(cookie.secure(), Some(true));
        let plain = Cookie::parse(set_cookie(Some("abc"), false).to_str().unwrap().to_owned()).unwrap();
        assert_eq!(plain.secure(), None);
        let removal = Cookie::parse(set_cookie(None, false).to_str().unwrap().to_owned()).unwrap();
        assert_eq!(removal.max_age(), Some(cookie::time::Duration::ZERO));
    }

    #[test]
    fn the_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; auth0=s1; b=2"));
        assert_eq!(cookie_id(&headers).as_deref(), Some("s1"));
        assert_eq!(cookie_id(&HeaderMap::new()), None);
    }

    #[test]
    fn a_session_collects_its_applications_and_ends() {
        let state = OidcState::default();
        let mut oidc = state.lock();
        let now = Instant::now();
        let (id, new) = log_in(&mut oidc, None, "auth0|1", 1000, "app-a", now);
        assert!(new);
        let (again, new) = log_in(&mut oidc, Some(&id), "auth0|1", 2000, "app-b", now);
        assert_eq!((again.as_str(), new), (id.as_str(), false));
        let session = find(&oidc, &id, now).unwrap();
        assert_eq!(session.clients, ["app-a", "app-b"]);
        assert_eq!(session.authenticated_at, 1000, "the session's login, not the later one");
        let (other, new) = log_in(&mut oidc, Some(&id), "auth0|2", 3000, "app-a", now);
        assert!(new && other != id, "another user gets a session of their own");
        assert!(find(&oidc, &id, now + SESSION_IDLE).is_none(), "unused for too long");
        let late = now + SESSION_LIFETIME;
        oidc.sessions.insert("old".into(), session, late - Duration::from_secs(1));
        assert!(find(&oidc, "old", late).is_none(), "past its lifetime from the login");
    }
}
