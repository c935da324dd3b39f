//! Ops the polyfills import from `ext:core/ops` that live in crates actionhost leaves out
//! (deno_runtime, deno_napi, deno_http, the brotli ops): they only need to exist for the imports
//! to link, and each fails when called. Also [`op_actionhost_node_refused`], the implementation
//! every op left off the allow-list gets (see `allow_list`), [`op_actionhost_node_false`], [`op_actionhost_node_unset`] and [`op_actionhost_node_cwd`].

use deno_error::JsErrorBox;

/// The JavaScript error class of a refusal (`js_runtime/node/setup.js` registers it: Node's
/// shape, code EPERM).
const REFUSED_CLASS: &str = "ActionhostNotPermitted";

/// What a script meets when a polyfill calls an op the sandbox refuses.
const REFUSED: &str =
    "this operation is not available: scripts have no file system, processes or network in actionhost";

/// The implementation of every refused op: a slow op (no fast path) that throws.
#[deno_core::op2(nofast)]
pub fn op_actionhost_node_refused() -> Result<(), JsErrorBox> {
    Err(JsErrorBox::new(REFUSED_CLASS, REFUSED))
}

/// The implementation of ops that ask deno_node's npm resolver, which actionhost does not give
/// it: always false.
#[deno_core::op2(fast)]
pub fn op_actionhost_node_false() -> bool {
    false
}

/// The implementation of ops that read the host's environment without asking the permissions:
/// nothing is set.
#[deno_core::op2]
#[string]
pub fn op_actionhost_node_unset() -> Option<String> {
    None
}

/// The implementation of `process.cwd()`'s op: a worker's folder is `/` and it reads nothing.
#[deno_core::op2]
#[string]
pub fn op_actionhost_node_cwd() -> String {
    "/".to_string()
}

macro_rules! stub_ops {
    ($($name:ident),* $(,)?) => {
        $(
            #[deno_core::op2(fast)]
            fn $name() -> Result<(), JsErrorBox> {
                Err(JsErrorBox::generic(concat!(stringify!($name), " is not available in actionhost")))
            }
        )*
        /// The stub ops, for the extension's op table.
        pub fn ops() -> Vec<deno_core::OpDecl> {
            vec![$($name(),)* op_bootstrap_color_depth()]
        }
    };
}

stub_ops!(
    op_brotli_compress,
    op_brotli_compress_async,
    op_brotli_compress_stream,
    op_brotli_compress_stream_end,
    op_brotli_decompress,
    op_brotli_decompress_async,
    op_brotli_decompress_stream,
    op_brotli_decompress_stream_end,
    op_create_brotli_compress,
    op_create_brotli_decompress,
    op_current_thread_cpu_usage,
    op_http_notify_serving,
    op_http_serve_address_override,
    op_napi_open,
);

/// Colour depth of the (absent) terminal: 1 bit, no colours.
#[deno_core::op2(fast)]
fn op_bootstrap_color_depth() -> i32 {
    1
}
