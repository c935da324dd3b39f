//! `fetch` of a `data:` URL, answered inside the engine as Node's fetch answers it, without a
//! request or a mock: the Fetch standard's data: URL processor, through the `data-url` crate (the
//! one deno_fetch's own fetch uses). `js_runtime/http.js` builds the response from what
//! [`op_actionhost_data_url`] gives.

use deno_core::ToJsBuffer;
use serde::Serialize;

/// A `data:` URL's content: its MIME type serialized as the `content-type` Node's fetch gives
/// (`text/plain;charset=US-ASCII` when the URL names none) and its body decoded.
#[derive(Serialize)]
pub struct DataUrlBody {
    mime_type: String,
    body: ToJsBuffer,
}

/// `url` processed: `None` for a URL the processor refuses (not `data:`, no comma, invalid
/// base64), which fetch rejects as Node's does.
fn process(url: &str) -> Option<(String, Vec<u8>)> {
    let data = data_url::DataUrl::process(url).ok()?;
    let (body, _fragment) = data.decode_to_vec().ok()?;
    Some((data.mime_type().to_string(), body))
}

/// The content of the `data:` URL `url`, or `None` when it cannot be processed.
#[deno_core::op2]
#[serde]
pub fn op_actionhost_data_url(#[string] url: &str) -> Option<DataUrlBody> {
    process(url).map(|(mime_type, body)| DataUrlBody { mime_type, body: body.into() })
}

#[cfg(test)]
mod tests {
    use super::process;

    /// The content types and bodies Node 20's fetch gives for the same URLs.
    #[test]
    fn content_type_and_body_are_nodes() {
        let cases: [(&str, &str, &[u8]); 6] = [
            ("data:text/plain;base64,SGk=", "text/plain", b"Hi"),
            ("data:,Hello%2C%20World%21", "text/plain;charset=US-ASCII", b"Hello, World!"),
            ("data:;base64,SGk=", "text/plain;charset=US-ASCII", b"Hi"),
            ("data:application/json;charset=UTF-8,%7B%7D", "application/json;charset=UTF-8", b"{}"),
            ("data:TEXT/Plain;Foo=Bar;charset=\"utf-8\";base64,SGk=", "text/plain;foo=Bar;charset=utf-8", b"Hi"),
            ("data:image/png;base64,iVBORw0KGgo=", "image/png", &[137, 80, 78, 71, 13, 10, 26, 10]),
        ];
        for (url, mime_type, body) in cases {
            assert_eq!(process(url), Some((mime_type.to_owned(), body.to_vec())), "{url}");
        }
    }

    #[test]
    fn invalid_base64_and_other_urls_are_refused() {
        assert_eq!(process("data:text/plain;base64,@@@"), None);
        assert_eq!(process("data:no-comma"), None);
        assert_eq!(process("https://api.example.com/"), None);
    }
}
