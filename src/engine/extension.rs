//! The `actionhost_runtime` deno_core extension: the engine's JavaScript (the top of
//! `js_runtime/`: globals, console, clock, HTTP mocks, isolation, the runner registry) and the
//! ops it needs from the host (HMAC-SHA256, random bytes, an HTTP mock's URL pattern matching, a
//! `data:` URL's content); and [`script_extension`], which makes
//! an extension of the modules that register runners (the Auth0 scripts' own). The ops are captured by
//! `js_runtime/main.js` before `Deno` is removed, so scripts reach them only through
//! `api.redirect.encodeToken/validateToken` and `crypto.getRandomValues`. Every extension's
//! scripts are embedded in the binary (see `embedded_js`). deno_crypto's extension gives Web
//! Crypto (`crypto.subtle`), loaded by `js_runtime/web_globals.js` on first use; deno_fetch's
//! scripts (`fetch`) give `Headers`, `FormData`, `Request` and `Response`, loaded by
//! `js_runtime/web_fetch.js` on first use. With the feature `node-builtins`, the
//! extensions of Node's built-in modules (`super::node`) come after `actionhost_runtime`.

mod data_url;
mod embedded_js;
mod fetch;

use deno_core::OpState;

use super::modules::{ModuleAnswer, ModuleRequest, ModuleSource};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256 of `data` keyed by `secret`, base64url without padding (JWT HS256 signatures).
#[deno_core::op2]
#[string]
fn op_actionhost_hmac_sha256(#[string] secret: String, #[string] data: String) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any size");
    mac.update(data.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Fills `bytes` from the operating system's random source (`crypto.getRandomValues`).
#[deno_core::op2(fast)]
fn op_actionhost_random_fill(#[buffer] bytes: &mut [u8]) {
    getrandom::fill(bytes).expect("the operating system's random source is available");
}

/// How deeply JSON text nests: the most brackets open at once, outside strings. The runners
/// check results and recorded calls against the depth the host reads; a loop over the text in
/// the engine's interpreter costs a hundred times more.
#[deno_core::op2(fast)]
fn op_actionhost_json_depth(#[string] text: &str) -> u32 {
    json_depth(text.as_bytes())
}

pub(crate) fn json_depth(text: &[u8]) -> u32 {
    let (mut depth, mut max, mut in_string, mut escaped) = (0u32, 0u32, false, false);
    for &byte in text {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    max
}

/// The reason phrase a server sends with `status` (`OK`, `Not Found`: the IANA registry's, as the
/// `http` crate holds it), which Node's `fetch` gives as a response's `statusText`; `unknown` for
/// a code without one, as a Node server sends. An HTTP mock's answer carries it.
#[deno_core::op2]
#[string]
fn op_actionhost_status_text(status: u16) -> String {
    let reason = axum::http::StatusCode::from_u16(status).ok().and_then(|code| code.canonical_reason());
    reason.unwrap_or("unknown").to_owned()
}

/// Whether a `fetch` URL matches an HTTP mock's URL pattern ([`crate::url_pattern::matches`]).
#[deno_core::op2(fast)]
fn op_actionhost_url_matches(#[string] pattern: &str, #[string] url: &str) -> bool {
    crate::url_pattern::matches(pattern, url)
}

/// A package the running script requires (see `super::modules`): asked of the worker's
/// supervisor, the only one that can read files.
#[deno_core::op2]
#[serde]
fn op_actionhost_require(state: &mut OpState, #[serde] request: ModuleRequest) -> ModuleAnswer {
    let requirer = request.from.clone().unwrap_or_else(|| "the script".to_owned());
    let answer = match state.try_borrow::<std::rc::Rc<dyn ModuleSource>>() {
        Some(source) => source.request(request),
        None => ModuleAnswer::not_found(&request.specifier, None),
    };
    super::esm::commonjs_answer(answer, &requirer)
}

/// Whether this binary has Node's built-in modules (`js_runtime/require.js` asks before loading
/// them: the cargo feature `node-builtins`).
#[deno_core::op2(fast)]
fn op_actionhost_has_node_builtins() -> bool {
    cfg!(feature = "node-builtins")
}

deno_core::extension!(
    actionhost_runtime,
    deps = [deno_webidl, deno_web, deno_crypto],
    ops = [
        op_actionhost_hmac_sha256,
        op_actionhost_random_fill,
        op_actionhost_url_matches,
        op_actionhost_status_text,
        data_url::op_actionhost_data_url,
        op_actionhost_json_depth,
        op_actionhost_require,
        op_actionhost_has_node_builtins,
    ],
    esm_entry_point = "ext:actionhost_runtime/main.js",
    esm = [
        dir "js_runtime",
        "main.js",
        "execution.js",
        "web_globals.js",
        "console.js",
        "clock.js",
        "http.js",
        "redirect.js",
        "connection_errors.js",
        "web_fetch.js",
        "node_errors.js",
        "base64.js",
        "json.js",
        "require.js",
        "isolation.js",
        "intl.js",
    ],
);

/// Every extension an isolate needs, in dependency order, with their scripts embedded (none is
/// read from disk), followed by `scripts`: the extensions that register runners.
pub fn extensions(scripts: Vec<deno_core::Extension>) -> Vec<deno_core::Extension> {
    let mut extensions = extensions_as_declared();
    extensions.iter_mut().for_each(embedded_js::embed);
    extensions.extend(scripts);
    extensions
}

/// An extension of ES modules given as `(specifier, text)` (specifiers `ext:<name>/…`), on top of
/// `actionhost_runtime`. Its `entry` module runs at start-up and registers its runners with
/// `registerRunner` of `ext:actionhost_runtime/main.js`.
pub fn script_extension(
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    entry: &'static str,
) -> deno_core::Extension {
    let esm_files = files
        .iter()
        .map(|&(specifier, text)| deno_core::ExtensionFileSource::new_computed(specifier, std::sync::Arc::from(text)))
        .collect::<Vec<_>>();
    deno_core::Extension {
        name,
        deps: &["actionhost_runtime"],
        esm_files: std::borrow::Cow::Owned(esm_files),
        esm_entry_point: Some(entry),
        ..Default::default()
    }
}

/// `extension` with the `Intl` ops of `super::intl` added (`js_runtime/intl.js` uses them).
fn with_intl_ops(mut extension: deno_core::Extension) -> deno_core::Extension {
    extension.ops.to_mut().extend(super::intl::ops());
    extension
}

/// The extensions as their `extension!` declares them: scripts named by their path on the build
/// machine.
fn extensions_as_declared() -> Vec<deno_core::Extension> {
    #[allow(unused_mut)]
    let mut extensions = vec![
        deno_webidl::deno_webidl::init(),
        deno_web::deno_web::init(
            std::sync::Arc::new(deno_web::BlobStore::default()),
            None,
            false,
            deno_web::InMemoryBroadcastChannel::default(),
        ),
        deno_crypto::deno_crypto::init(None),
        fetch::with_fetch_scripts(with_intl_ops(actionhost_runtime::init())),
    ];
    #[cfg(feature = "node-builtins")]
    extensions.extend(super::node::extensions_as_declared());
    extensions
}

#[cfg(test)]
mod tests {
    use super::json_depth;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(json_depth(b"1"), 0);
        assert_eq!(json_depth(br#"{"a":[1,{"b":[]}]}"#), 4);
        // Brackets and escaped quotes inside strings do not count.
        assert_eq!(json_depth(br#"{"a":"[[[{\"]]]"}"#), 1);
        assert_eq!(json_depth(br#"["\\",[]]"#), 2);
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert_eq!(json_depth(deep.as_bytes()), 300);
        // Agrees with serde_json's reader on where its recursion limit lies.
        let over = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert!(json_depth(over.as_bytes()) > 128 && serde_json::from_str::<serde_json::Value>(&over).is_err());
    }
}
