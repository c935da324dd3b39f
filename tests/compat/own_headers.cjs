// The headers of a request that the script (or the package it uses) chose, as the conformance
// suite compares them: without those Node's clients add by themselves (host, connection,
// content-length, transfer-encoding, sec-fetch-mode (the request's `mode`, which a script cannot
// set as a header), and accept, accept-language, user-agent, accept-encoding with the values
// Node's fetch gives them). The same view is taken of what Node sent and of what actionhost
// recorded, so a header a client adds on one side only is still a difference.
"use strict";

/** Headers Node's clients add by themselves: any value (null), or that default value (or one of those). */
const NODE_ADDED_HEADERS = {
  __proto__: null,
  host: null,
  connection: null,
  "content-length": null,
  "transfer-encoding": null,
  accept: "*/*",
  "accept-language": "*",
  "sec-fetch-mode": null,
  "user-agent": "node",
  // Node's fetch asks for brotli over https only.
  "accept-encoding": ["br, gzip, deflate", "gzip, deflate"],
};

/** `headers` ({name: value}, names in lower case) without what Node's clients add by themselves. */
function ownHeaders(headers) {
  const own = {};
  for (const [name, value] of Object.entries(headers)) {
    const added = NODE_ADDED_HEADERS[name];
    if (added === undefined || (added !== null && ![added].flat().includes(value))) own[name] = value;
  }
  return own;
}

module.exports = { ownHeaders };
