//! The ops of Deno's Node layer that scripts may reach, and the extension middleware that turns
//! every other op of deno_node, deno_fs, deno_io, deno_os, deno_process and deno_net into one that
//! throws (`stubs::op_actionhost_node_refused`). Without it, `process.abort()` calls
//! `std::process::abort()` and `vm.createContext()` panics inside the engine: either takes the
//! worker down. The ops of deno_crypto and deno_node_crypto (computation only) are all allowed;
//! deno_core's, deno_web's and actionhost's own ops are not touched.

use std::collections::HashSet;

use deno_core::OpDecl;

use super::stubs::{
    op_actionhost_node_cwd, op_actionhost_node_false, op_actionhost_node_refused, op_actionhost_node_unset,
};

/// The ops of the governed extensions that stay as they are: what buffer, crypto, util, events,
/// url, querystring, path, assert, string_decoder, stream, timers, zlib, the loading of http2
/// and the bootstrap of node:process and node:module need. None of them reads a file, starts a process, opens a socket
/// or reads the host's environment.
const ALLOWED: &[&str] = &[
    // assert: the failing expression, read from the stack's source text.
    "op_node_get_first_expression",
    // net.SocketAddress / BlockList: parsing and matching addresses, no socket.
    "op_socket_address_parse",
    "op_socket_address_get_serialization",
    "op_blocklist_new",
    "op_blocklist_add_address",
    "op_blocklist_add_range",
    "op_blocklist_add_subnet",
    "op_blocklist_check",
    // buffer
    "op_mark_as_untransferable",
    "op_is_ascii",
    "op_is_utf8",
    "op_transcode",
    "op_node_buffer_compare",
    "op_node_buffer_compare_offset",
    "op_node_encoding_slice",
    // constants, errors
    "op_node_fs_constants",
    "op_node_sys_to_uv_error",
    // url, punycode
    "op_node_idna_to_ascii",
    "op_node_idna_domain_to_ascii",
    "op_node_idna_domain_to_unicode",
    "op_node_idna_punycode_to_ascii",
    "op_node_idna_punycode_to_unicode",
    "op_node_idna_punycode_decode",
    "op_node_idna_punycode_encode",
    // zlib
    "op_zlib_crc32",
    "op_zlib_crc32_string",
    // async_hooks, os.platform, process bootstrap
    "op_node_new_async_id",
    "op_node_build_os",
    "op_stream_base_register_state",
    // node:module's path arithmetic (strings only)
    "op_require_init_paths",
    "op_require_proxy_path",
    "op_require_is_request_relative",
    "op_require_resolve_lookup_paths",
    "op_require_path_is_absolute",
    "op_require_path_dirname",
    "op_require_path_resolve",
    "op_require_path_basename",
    "op_require_as_file_path",
    // http2, loaded by clients that only may use it (axios): its settings buffers and nghttp2's
    // error strings; sessions need sockets, which stay refused.
    "op_http2_http_state",
    "op_http2_error_string",
    // util
    "op_node_guess_handle_type",
    "op_node_view_has_buffer",
    "op_node_get_own_non_index_properties",
    "op_node_parse_env",
];

/// Ops that would ask the npm resolver actionhost does not give deno_node: always "no" (no file
/// is inside an npm package deno_node knows; `new Buffer()` warns as for a script's own call).
/// Also no IPC pipe to a parent process, no inspector.
const ANSWER_FALSE: &[&str] = &[
    "op_node_in_npm_package",
    "op_node_call_is_from_dependency",
    "op_require_is_maybe_cjs",
    "op_node_has_child_ipc_pipe",
    "op_inspector_enabled",
];

/// Ops that read the host's environment without a permission check: nothing is set.
const ANSWER_UNSET: &[&str] = &["op_get_env_no_permission_check"];

/// What the middleware does with one op.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Keep,
    AnswerFalse,
    AnswerUnset,
    AnswerRoot,
    Refuse,
}

fn verdict(governed: &HashSet<&'static str>, name: &str) -> Verdict {
    if !governed.contains(name) || ALLOWED.contains(&name) {
        Verdict::Keep
    } else if ANSWER_FALSE.contains(&name) {
        Verdict::AnswerFalse
    } else if ANSWER_UNSET.contains(&name) {
        Verdict::AnswerUnset
    } else if name == "op_fs_cwd" {
        Verdict::AnswerRoot
    } else {
        Verdict::Refuse
    }
}

/// The middleware: `governed` names every op of the governed extensions.
pub fn middleware(governed: HashSet<&'static str>) -> impl Fn(OpDecl) -> OpDecl {
    move |op: OpDecl| match verdict(&governed, op.name) {
        Verdict::Keep => op,
        Verdict::AnswerFalse => op.with_implementation_from(&op_actionhost_node_false()),
        Verdict::AnswerUnset => op.with_implementation_from(&op_actionhost_node_unset()),
        Verdict::AnswerRoot => op.with_implementation_from(&op_actionhost_node_cwd()),
        Verdict::Refuse => op.with_implementation_from(&op_actionhost_node_refused()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_governed_ops_off_the_list_change() {
        let governed = super::super::governed_op_names();
        // The two ops that took the worker down, and the file system.
        for name in ["op_process_abort", "op_vm_create_context", "op_node_open_sync", "op_fs_read_file_sync"] {
            assert!(governed.contains(name), "{name} is governed");
            assert_eq!(verdict(&governed, name), Verdict::Refuse, "{name}");
        }
        assert_eq!(verdict(&governed, "op_is_ascii"), Verdict::Keep);
        assert_eq!(verdict(&governed, "op_node_in_npm_package"), Verdict::AnswerFalse);
        // deno_core's and actionhost's own ops are not governed.
        assert_eq!(verdict(&governed, "op_print"), Verdict::Keep);
        assert_eq!(verdict(&governed, "op_actionhost_require"), Verdict::Keep);
        // Every name on the lists is an op of a governed extension (no stale entry).
        assert_eq!(verdict(&governed, "op_get_env_no_permission_check"), Verdict::AnswerUnset);
        for name in ALLOWED.iter().chain(ANSWER_FALSE).chain(ANSWER_UNSET) {
            assert!(governed.contains(name), "{name} is not an op of the governed extensions");
        }
    }
}
