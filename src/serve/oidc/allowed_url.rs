//! Whether a URL is one of an application's allowed URLs (`callbacks`, `allowed_logout_urls`), as
//! Auth0 compares them: exactly, or through a subdomain wildcard (`https://*.example.com/cb`) under
//! Auth0's rules for wildcard placeholders
//! (<https://auth0.com/docs/get-started/applications/wildcards-for-subdomains>): an `http` or
//! `https` URL, one `*`, in the leftmost label of a host of at least three labels, optionally with
//! a prefix and a suffix (`https://prefix-*-suffix.example.com`); it stands for one label, never
//! more (`https://*.example.com` does not allow `https://a.b.example.com`). The rest of the URL
//! (port, path, query) must be the same. A pattern breaking a rule is compared exactly, so it
//! only allows itself. `globset`'s `*` of [`crate::url_pattern`] spans dots and slashes, so it
//! cannot say this; the URLs are read by the `url` crate.
//!
//! A URL with the `{organization_name}` placeholder (`https://{organization_name}.example.com/cb`)
//! is evaluated only in the context of an organization, as Auth0's "How URL evaluation works"
//! says (same page): then it allows the URL with the organization's name in the placeholder's
//! place, exactly; without one it allows nothing (not even itself, as written).

use url::Url;

/// Auth0's organization placeholder.
pub const ORGANIZATION_NAME: &str = "{organization_name}";

/// Whether `candidate` is allowed by the list `allowed`, in the context of the organization
/// named `organization` when there is one.
pub fn is_allowed<'a>(allowed: impl IntoIterator<Item = &'a str>, candidate: &str, organization: Option<&str>) -> bool {
    allowed.into_iter().any(|pattern| match (pattern.contains(ORGANIZATION_NAME), organization) {
        (true, Some(name)) => pattern.replace(ORGANIZATION_NAME, name) == candidate,
        (true, None) => false,
        (false, _) => pattern == candidate || wildcard_matches(pattern, candidate),
    })
}

/// Whether `pattern` is a valid subdomain wildcard that allows `candidate`.
fn wildcard_matches(pattern: &str, candidate: &str) -> bool {
    if pattern.matches('*').count() != 1 {
        return false;
    }
    let (Ok(pattern), Ok(candidate)) = (Url::parse(pattern), Url::parse(candidate)) else {
        return false;
    };
    if !matches!(pattern.scheme(), "http" | "https") {
        return false;
    }
    let (Some(host), Some(given)) = (pattern.host_str(), candidate.host_str()) else {
        return false;
    };
    let labels: Vec<&str> = host.split('.').collect();
    let Some((first, root)) = labels.split_first() else {
        return false;
    };
    // The wildcard is in the leftmost label, and at least two labels (a domain and its top
    // level) follow it: `https://*.com` and `https://sub.*.example.com` allow nothing else.
    if !first.contains('*') || root.len() < 2 {
        return false;
    }
    let Some((prefix, suffix)) = first.split_once('*') else {
        return false;
    };
    let Some((given_first, given_root)) = given.split_once('.') else {
        return false;
    };
    let label_ok = given_first.len() > prefix.len() + suffix.len()
        && given_first.starts_with(prefix)
        && given_first.ends_with(suffix)
        && given_first.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let mut rest = pattern.clone();
    let _ = rest.set_host(Some(given));
    label_ok && given_root == root.join(".") && rest == candidate
}

#[cfg(test)]
mod tests {
    use super::is_allowed;

    fn allows(pattern: &str, candidate: &str) -> bool {
        is_allowed([pattern], candidate, None)
    }

    /// The examples of Auth0's "Subdomain URL placeholders" page.
    #[test]
    fn auth0s_wildcard_rules() {
        // One label in place of the wildcard, not more.
        assert!(allows("https://*.example.com", "https://sub1.example.com"));
        assert!(!allows("https://*.example.com", "https://sub1.sub2.example.com"));
        // Only http and https URLs take a wildcard.
        assert!(!allows("com.example.app://*.example.com", "com.example.app://a.example.com"));
        // The wildcard is in a subdomain, not the domain or the top level.
        assert!(!allows("https://*.com", "https://example.com"));
        // In the subdomain furthest from the root.
        assert!(!allows("https://sub.*.example.com", "https://sub.a.example.com"));
        // One wildcard.
        assert!(!allows("https://*.*.example.com", "https://a.b.example.com"));
        // A prefix and a suffix around it.
        assert!(allows("https://prefix-*-suffix.example.com", "https://prefix-x-suffix.example.com"));
        assert!(!allows("https://prefix-*-suffix.example.com", "https://prefix-x.example.com"));
        assert!(!allows("https://prefix-*-suffix.example.com", "https://prefix--suffix.example.com"));
    }

    #[test]
    fn the_rest_of_the_url_must_be_the_same() {
        let pattern = "https://*.example.com/callback";
        assert!(allows(pattern, "https://tenant-a.example.com/callback"));
        assert!(!allows(pattern, "https://tenant-a.example.com/callback/"));
        assert!(!allows(pattern, "https://tenant-a.example.com/other"));
        assert!(!allows(pattern, "http://tenant-a.example.com/callback"), "the scheme");
        assert!(!allows(pattern, "https://tenant-a.example.com:8443/callback"), "the port");
        assert!(!allows(pattern, "https://tenant-a.example.com/callback?x=1"), "the query");
        assert!(!allows(pattern, "https://example.com/callback"), "the bare domain");
        assert!(!allows(pattern, "https://evil.com/.example.com/callback"));
        assert!(!allows(pattern, "https://a.example.com.evil.com/callback"));
        assert!(!allows(pattern, "https://user@a.example.com/callback"));
        assert!(allows("http://*.localtest.me:3000/cb", "http://app.localtest.me:3000/cb"));
    }

    #[test]
    fn urls_without_a_wildcard_compare_exactly() {
        assert!(allows("https://app.example.com/cb", "https://app.example.com/cb"));
        assert!(!allows("https://app.example.com/cb", "https://APP.example.com/cb"));
        assert!(!allows("https://app.example.com/cb", "https://app.example.com/cb/"));
        assert!(is_allowed(["https://a/cb", "https://*.example.com/cb"], "https://x.example.com/cb", None));
        assert!(!is_allowed([], "https://a/cb", None));
    }

    /// "Organization URL placeholders": evaluated only in the context of an organization, with
    /// its name in the placeholder's place
    /// (https://auth0.com/docs/get-started/applications/wildcards-for-subdomains).
    #[test]
    fn the_organization_placeholder_stands_for_the_organizations_name() {
        let pattern = "https://{organization_name}.example.com/callback";
        let acme = |candidate: &str| is_allowed([pattern], candidate, Some("acme"));
        assert!(acme("https://acme.example.com/callback"));
        assert!(!acme("https://globex.example.com/callback"), "another organization's");
        assert!(!acme("https://acme.example.com/callback/"), "the rest compares exactly");
        assert!(!acme("https://x.acme.example.com/callback"));
        assert!(!acme(pattern), "not as written");
        assert!(is_allowed(
            ["https://app.example.com/{organization_name}/cb"],
            "https://app.example.com/acme/cb",
            Some("acme")
        ));
        // Without an organization, the placeholder is not evaluated: it allows nothing.
        assert!(!is_allowed([pattern], "https://acme.example.com/callback", None));
        assert!(!is_allowed([pattern], pattern, None));
        // The other URLs are evaluated as well.
        let both = ["https://*.example.com/callback", pattern];
        assert!(is_allowed(both, "https://company-a.example.com/callback", None), "the wildcard's doing");
        assert!(is_allowed(["https://app/cb"], "https://app/cb", Some("acme")));
    }
}
