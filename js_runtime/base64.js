// `atob` and `btoa` as Node 22 has them: deno_web's decode and encode, behind Node's checks of
// their input (lib/buffer.js), which follow the WHATWG forgiving-base64 decode
// (https://infra.spec.whatwg.org/#forgiving-base64-decode): only ASCII whitespace, the base64
// alphabet and at most two `=` at the end are allowed, and the input's length must not leave a
// single character over. What fails throws Node's errors: a `DOMException` named
// `InvalidCharacterError` ("Invalid character", or "The string to be decoded is not correctly
// encoded."), and ERR_MISSING_ARGS when the input is missing.

import { codedError } from "ext:actionhost_runtime/node_errors.js";

/** Forgiving-base64's ASCII whitespace: tab, line feed, form feed, carriage return, space. */
const WHITESPACE = /^[\t\n\f\r ]$/;
const ALPHABET = /^[A-Za-z0-9+/]$/;

function missingInput() {
  return codedError(TypeError, "ERR_MISSING_ARGS", 'The "input" argument must be specified');
}

/** Node's `atob` over deno_web's (`decode`); `DOMException` is deno_web's class. */
export function nodeAtob(decode, DOMException) {
  const invalid = (message = "Invalid character") => new DOMException(message, "InvalidCharacterError");
  return function atob(input) {
    if (arguments.length === 0) throw missingInput();
    const text = `${input}`;
    let significant = 0;
    let equals = 0;
    for (const char of text) {
      if (WHITESPACE.test(char)) continue;
      significant++;
      if (char === "=") {
        equals++;
        if (equals > 2) throw invalid();
      } else if (!ALPHABET.test(char) || equals > 0) {
        throw invalid();
      }
    }
    let remainder = significant % 4;
    if (remainder === 0) remainder = (significant - equals) % 4;
    else if (equals > 0) throw invalid();
    if (remainder === 1) throw invalid("The string to be decoded is not correctly encoded.");
    return decode(text);
  };
}

/** Node's `btoa` over deno_web's (`encode`): a character above U+00FF is an invalid character. */
export function nodeBtoa(encode, DOMException) {
  return function btoa(input) {
    if (arguments.length === 0) throw missingInput();
    const text = `${input}`;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0xff) throw new DOMException("Invalid character", "InvalidCharacterError");
    }
    return encode(text);
  };
}
