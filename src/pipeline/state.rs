//! The state file of a suspended login: written when a Rule or an Action redirects, read by
//! `actionhost simulate --continue STATE_FILE`. It holds the `state` the redirect URL carries,
//! where the flow resumes and the whole [`Flow`] (user, metadata changes, claims, scopes, MFA,
//! the Actions event, the transcript so far). By default it is
//! `<tenant>/.actionhost/flows/<state>.json`; it is left in place after a `--continue`, so the
//! same suspended login can be resumed again (say, with another answer).
//!
//! A state file is written only inside its tenant's folder (no symbolic link on the way), and
//! names its tenant and user (`flow.login`). A `--continue` takes it only for that tenant: the
//! one given with `--tenant`, else the one whose folder holds the state file; with `--persist`
//! its user file must be a file of that tenant's `users/` folder ([`check_binding`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::flow::{Flow, Resume};
use crate::files::{self, Mode};
use crate::request::RequestError;

pub const FORMAT: &str = "actionhost-suspended-login/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuspendedLogin {
    pub format: String,
    /// The `state` query parameter of the redirect URL and of `/continue`.
    pub state: String,
    /// The URL the user was sent to (with `state`).
    pub url: String,
    /// `rule NAME` / `action NAME`.
    pub by: String,
    pub resume: Resume,
    pub flow: Flow,
}

/// A fresh, unguessable-enough `state` value.
pub fn new_state(user_id: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let seed = format!("{nanos}:{}:{}:{user_id}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let digest = sha2::Sha256::digest(seed.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..18])
}

/// The default state file of a suspended login of a tenant.
pub fn default_path(tenant_root: &Path, state: &str) -> PathBuf {
    tenant_root.join(".actionhost").join("flows").join(format!("{state}.json"))
}

/// Writes the state file `path`, which must be inside the tenant folder `tenant_root`.
pub fn write(tenant_root: &Path, path: &Path, suspended: &SuspendedLogin) -> Result<(), RequestError> {
    let field = "state_file";
    let text = serde_json::to_string_pretty(suspended).map_err(|e| RequestError::new(field, e.to_string()))? + "\n";
    files::write_inside(tenant_root, path, text.as_bytes(), Mode::default())
        .map_err(|e| RequestError::new(field, format!("cannot write the state file {e}")))
}

pub fn read(path: &Path) -> Result<SuspendedLogin, RequestError> {
    let field = "continue";
    let text = files::read_text(path).map_err(|e| RequestError::new(field, format!("cannot read {e}")))?;
    let suspended: SuspendedLogin = serde_json::from_str(&text).map_err(|e| {
        RequestError::new(field, format!("{} is not a suspended login's state file: {e}", path.display()))
    })?;
    if suspended.format != FORMAT {
        return Err(RequestError::new(
            field,
            format!("{}: unknown format {:?} (expected {FORMAT})", path.display(), suspended.format),
        ));
    }
    Ok(suspended)
}

/// The folder of the tenant at `tenant` (a folder, or a tenant.yaml file).
pub fn tenant_root(tenant: &Path) -> PathBuf {
    match tenant.parent() {
        Some(parent) if tenant.is_file() => {
            if parent.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                parent.to_owned()
            }
        }
        _ => tenant.to_owned(),
    }
}

/// Checks that the state file `path` belongs to the tenant it is resumed for. `state_root` is the
/// folder of the tenant the state names; `given_root` that of the `--tenant` given, if any: the
/// two must be the same folder. Without `--tenant`, the state file must lie in the folder of the
/// tenant it names (where it was written). With `persist`, the state's user file must be a file
/// of that tenant's `users/` folder.
pub fn check_binding(
    path: &Path,
    suspended: &SuspendedLogin,
    state_root: &Path,
    given_root: Option<&Path>,
    persist: bool,
) -> Result<(), RequestError> {
    check_tenant(path, state_root, given_root)?;
    let field = "continue";
    if persist {
        let user_file = &suspended.flow.login.user_file;
        super::users::check_writable(state_root, user_file).map_err(|e| {
            RequestError::new(
                field,
                format!(
                    "{} names the user file {}, which --persist may not write: {}",
                    path.display(),
                    user_file.display(),
                    e.message
                ),
            )
        })?;
    }
    Ok(())
}

/// Checks that the state file `path` of a suspended login or flow belongs to the tenant it is
/// resumed for: the tenant given (`given_root`) must be the one the state names (`state_root`);
/// without one, the state file must lie inside the named tenant's folder.
pub fn check_tenant(path: &Path, state_root: &Path, given_root: Option<&Path>) -> Result<(), RequestError> {
    let field = "continue";
    let real = |p: &Path| {
        p.canonicalize().map_err(|e| RequestError::new(field, format!("cannot resolve {}: {e}", p.display())))
    };
    let named = real(state_root)?;
    match given_root {
        Some(given) => {
            if real(given)? != named {
                return Err(RequestError::new(field, format!("{} is a state file of the tenant {}, not of the tenant given ({}): a login resumes in its own tenant", path.display(), state_root.display(), given.display())));
            }
        }
        None => {
            if !real(path)?.starts_with(&named) {
                return Err(RequestError::new(field, format!("{} names the tenant {} but is not inside that tenant's folder: give that tenant with --tenant to resume it", path.display(), state_root.display())));
            }
        }
    }
    Ok(())
}

/// `url` with `state=<state>` added to its query, as Auth0 adds it to a redirect.
pub fn with_state(url: &str, state: &str) -> String {
    with_query(url, &[], Some(state))
}

/// `uri` with `params` (and `state`, when given) form-encoded and appended to its query, before
/// any fragment: the one way a redirect's query is extended (Auth0's `state`, `/authorize`'s
/// `code` or `error`).
pub fn with_query(uri: &str, params: &[(&str, &str)], state: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        query.append_pair(name, value);
    }
    if let Some(state) = state {
        query.append_pair("state", state);
    }
    let (base, fragment) = split_fragment(uri);
    let separator = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    with_fragment(format!("{base}{separator}{}", query.finish()), fragment)
}

/// `url` without the `state=<state>` parameter [`with_state`] added: the redirect as the script
/// gave it.
pub fn without_state(url: &str, state: &str) -> String {
    let param = format!("state={}", form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>());
    let (head, fragment) = split_fragment(url);
    let Some((path, query)) = head.split_once('?') else { return url.to_owned() };
    let kept: Vec<&str> = query.split('&').filter(|p| *p != param).collect();
    let out = if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) };
    with_fragment(out, fragment)
}

/// `uri` before its fragment, and the fragment.
fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    uri.split_once('#').map_or((uri, None), |(before, fragment)| (before, Some(fragment)))
}

/// `out` with `#fragment` appended, when there is one.
fn with_fragment(mut out: String, fragment: Option<&str>) -> String {
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_is_added_to_the_query() {
        assert_eq!(with_state("https://x.example/a", "s1"), "https://x.example/a?state=s1");
        assert_eq!(with_state("https://x.example/a?b=1#f", "s1"), "https://x.example/a?b=1&state=s1#f");
        assert_ne!(new_state("u"), new_state("u"));
        assert_eq!(new_state("u").len(), 24);
    }

    /// RFC 3986 §3.4: the query follows the first `?`; a URL ending in `?` or `&` takes the
    /// parameter with no separator of its own.
    #[test]
    fn state_follows_a_trailing_question_mark_or_ampersand_without_another_separator() {
        assert_eq!(with_state("https://x.example/a?", "s1"), "https://x.example/a?state=s1");
        assert_eq!(with_state("https://x.example/a?b=1&", "s1"), "https://x.example/a?b=1&state=s1");
        assert_eq!(with_query("https://x.example/cb?", &[("code", "c 1")], None), "https://x.example/cb?code=c+1");
    }

    #[test]
    fn a_tenant_yaml_file_stands_for_its_folder() {
        let tree = crate::tenant::testutil::Tree::new();
        tree.write("t/tenant.yaml", "rules: []\n");
        assert_eq!(tenant_root(&tree.join("t/tenant.yaml")), tree.join("t"));
        assert_eq!(tenant_root(&tree.join("t")), tree.join("t"), "a folder is its own root");
        assert_eq!(
            tenant_root(&tree.join("t/missing.yaml")),
            tree.join("t/missing.yaml"),
            "not a file: taken as given"
        );
        // A file named without a folder lies in the current folder (the tests run in the
        // package's folder).
        assert_eq!(tenant_root(Path::new("Cargo.toml")), PathBuf::from("."));
    }

    /// A state file of tenant `a`, and the tenant `b` beside it.
    fn two_tenants() -> crate::tenant::testutil::Tree {
        let tree = crate::tenant::testutil::Tree::new();
        tree.write("a/.actionhost/flows/s.json", "{}").write("a/users/u.json", "{}").write("b/users/u.json", "{}");
        tree.write("elsewhere/s.json", "{}");
        tree
    }

    #[test]
    fn a_state_file_resumes_only_in_the_tenant_it_names() {
        let tree = two_tenants();
        let (a, b, state) = (tree.join("a"), tree.join("b"), tree.join("a/.actionhost/flows/s.json"));
        check_tenant(&state, &a, Some(&a)).unwrap();
        check_tenant(&state, &a, None).unwrap();
        // The same folder, spelt another way.
        check_tenant(&state, &a, Some(&tree.join("b/../a"))).unwrap();
        let other = check_tenant(&state, &a, Some(&b)).unwrap_err();
        assert_eq!(other.field, "continue");
        assert_eq!(
            other.message,
            format!(
                "{} is a state file of the tenant {}, not of the tenant given ({}): a login resumes in its own tenant",
                state.display(),
                a.display(),
                b.display()
            )
        );
        let outside = tree.join("elsewhere/s.json");
        let err = check_tenant(&outside, &a, None).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "{} names the tenant {} but is not inside that tenant's folder: give that tenant with --tenant to resume it",
                outside.display(),
                a.display()
            )
        );
        check_tenant(&outside, &a, Some(&a)).unwrap();
        let missing = check_tenant(&state, &tree.join("gone"), None).unwrap_err();
        assert!(
            missing.message.starts_with(&format!("cannot resolve {}: ", tree.join("gone").display())),
            "{missing:?}"
        );
    }

    #[test]
    fn persist_after_a_redirect_writes_only_a_user_of_the_named_tenant() {
        let tree = two_tenants();
        let (a, b, state) = (tree.join("a"), tree.join("b"), tree.join("a/.actionhost/flows/s.json"));
        let suspended = |user_file: PathBuf| {
            let client = crate::tenant::Client {
                name: "Portal".into(),
                client_id: Some("portal-id".into()),
                client_metadata: None,
                file: Default::default(),
                raw: serde_json::json!({}),
            };
            let profile = serde_json::json!({"user_id": "auth0|1"});
            let login = super::super::login::Login::new(&client, &a, &user_file, &profile, serde_json::json!([]), None);
            SuspendedLogin {
                format: FORMAT.into(),
                state: "s".into(),
                url: "https://x.example/?state=s".into(),
                by: "rule r".into(),
                resume: Resume::Rules,
                flow: Flow::new(login, profile),
            }
        };
        let own = suspended(tree.join("a/users/u.json"));
        check_binding(&state, &own, &a, None, true).unwrap();
        let foreign = suspended(tree.join("b/users/u.json"));
        check_binding(&state, &foreign, &a, None, false).unwrap();
        let err = check_binding(&state, &foreign, &a, None, true).unwrap_err();
        assert_eq!(err.field, "continue");
        assert!(
            err.message.starts_with(&format!(
                "{} names the user file {}, which --persist may not write: ",
                state.display(),
                tree.join("b/users/u.json").display()
            )),
            "{}",
            err.message
        );
        // The tenant is checked first, with or without --persist.
        let wrong = check_binding(&state, &own, &a, Some(&b), false).unwrap_err();
        assert!(wrong.message.contains("a login resumes in its own tenant"), "{}", wrong.message);
    }

    #[test]
    fn the_redirect_is_read_without_the_added_state() {
        assert_eq!(without_state("https://a.example/t?x=1&state=abc", "abc"), "https://a.example/t?x=1");
        assert_eq!(without_state("https://a.example/t?state=abc#f", "abc"), "https://a.example/t#f");
        assert_eq!(without_state("https://a.example/t", "abc"), "https://a.example/t");
        assert_eq!(without_state(&with_state("https://a.example/t?x=1#f", "s 1"), "s 1"), "https://a.example/t?x=1#f");
    }
}
