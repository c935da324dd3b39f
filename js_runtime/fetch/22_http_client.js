// Stands in for deno_fetch's `22_http_client.js` (loaded as `ext:deno_fetch/22_http_client.js`):
// Deno's `Deno.createHttpClient`, which needs deno_net's TLS script and an op that opens
// connections. Scripts have no network and no `Deno`, so there is no HTTP client to make;
// `23_request.js` only needs the class's prototype to check a `client` option against.

(function () {
class HttpClient {
  constructor() {
    throw new TypeError("Illegal constructor");
  }
}
const HttpClientPrototype = HttpClient.prototype;

function createHttpClient() {
  throw new TypeError("scripts have no network: there is no HTTP client to create");
}

return { createHttpClient, HttpClient, HttpClientPrototype };
})();
