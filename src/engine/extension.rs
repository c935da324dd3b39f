//! The `actionhost_runtime` deno_core extension: the JavaScript of `js_runtime/` and the two ops
//! it needs from the host (HMAC-SHA256, random bytes). The ops are captured by
//! `js_runtime/main.js` before `Deno` is removed, so scripts reach them only through
//! `api.redirect.encodeToken/validateToken` and `crypto.getRandomValues`. Every extension's
//! scripts are embedded in the binary (see `embedded_js`).

mod embedded_js;

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

deno_core::extension!(
    actionhost_runtime,
    deps = [deno_webidl, deno_web],
    ops = [op_actionhost_hmac_sha256, op_actionhost_random_fill],
    esm_entry_point = "ext:actionhost_runtime/main.js",
    esm = [
        dir "js_runtime",
        "main.js",
        "execution.js",
        "web_globals.js",
        "console.js",
        "clock.js",
        "http.js",
        "json.js",
        "require.js",
        "isolation.js",
        "actions/post_login/api.js",
        "actions/common/builtins.js",
        "actions/common/limits.js",
        "actions/common/base.js",
        "actions/post_login/access.js",
        "actions/post_login/tokens.js",
        "actions/post_login/multifactor.js",
        "actions/post_login/authentication.js",
        "actions/post_login/redirect.js",
        "actions/common/jwt.js",
        "actions/post_login/user.js",
        "actions/common/cache.js",
        "actions/post_login/saml.js",
        "actions/post_login/prompt.js",
        "actions/post_login/rules.js",
        "actions/post_login/session_common.js",
        "actions/post_login/refresh_token.js",
        "actions/post_login/session.js",
        "actions/post_login/transaction.js",
        "actions/post_login/runner.js",
        "rules/rule_globals.js",
        "rules/rule_runner.js",
    ],
);

/// Every extension an isolate needs, in dependency order, with their scripts embedded: none is
/// read from disk.
pub fn extensions() -> Vec<deno_core::Extension> {
    let mut extensions = extensions_as_declared();
    extensions.iter_mut().for_each(embedded_js::embed);
    extensions
}

/// The extensions as their `extension!` declares them: scripts named by their path on the build
/// machine.
fn extensions_as_declared() -> Vec<deno_core::Extension> {
    vec![
        deno_webidl::deno_webidl::init(),
        deno_web::deno_web::init(
            std::sync::Arc::new(deno_web::BlobStore::default()),
            None,
            false,
            deno_web::InMemoryBroadcastChannel::default(),
        ),
        actionhost_runtime::init(),
    ]
}
