//! Rebuilds the crate when a file of `js_runtime/` changes: the extension embeds them, and the
//! embedding macro's includes are not always seen by cargo's change detection.

fn main() {
    println!("cargo:rerun-if-changed=js_runtime");
    println!("cargo:rerun-if-changed=build.rs");
}
