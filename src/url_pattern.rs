//! URL patterns of HTTP mocks and of expected requests, the one matcher of both: `*` matches any
//! run of characters (slashes included), everything else is literal. A script's `fetch` asks it
//! through the engine's `op_actionhost_url_matches` (`js_runtime/http.js`); `actionhost test`
//! checks expected requests with it. Matched with `globset`, the other glob
//! characters (`?`, `[`, `{`) escaped so that they stand for themselves, as they do in URLs.

use globset::GlobBuilder;

/// Whether `url` matches `pattern` (a pattern that cannot be compiled matches nothing).
pub fn matches(pattern: &str, url: &str) -> bool {
    let glob: Vec<String> = pattern.split('*').map(globset::escape).collect();
    GlobBuilder::new(&glob.join("*"))
        .literal_separator(false)
        .backslash_escape(true)
        .build()
        .is_ok_and(|glob| glob.compile_matcher().is_match(url))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn star_spans_slashes_and_the_rest_is_literal() {
        assert!(matches("https://api.example.com/*", "https://api.example.com/v1/users/42"));
        assert!(matches("https://*.example.com/a?b=*", "https://api.example.com/a?b=1"));
        assert!(!matches("https://*.example.com/a?b=*", "https://api.example.com/aXb=1"));
        assert!(matches("https://x/[v1]/{a,b}", "https://x/[v1]/{a,b}"));
        assert!(!matches("https://x/[v1]", "https://x/v"));
        assert!(!matches("https://api.example.com/", "https://api.example.com/v1"));
        assert!(matches("*", ""));
    }
}
