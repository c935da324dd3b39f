// The errors Node gives when a connection fails, for the HTTP mocks that fail one (a mock's
// `error`, js_runtime/http.js) and for requests no mock answers: the same message, `errno`,
// `code`, `syscall` and address fields, in Node's order, as Node's `net` builds them
// (`exceptionWithHostPort`, `dnsException`: libuv's errno values on Linux). Node's `fetch`
// (undici) rejects with `TypeError: fetch failed` and that error as its `cause`, but for a
// connect timeout, which undici detects itself (`ConnectTimeoutError`, after its default 10 s).
//
// actionhost resolves no names, so where Node's message shows the address it connected to, this
// shows the URL's host as written (an IP literal is the same on both).

/** libuv's errno for each code (Linux). */
const ERRNO = { ECONNREFUSED: -111, ECONNRESET: -104, ENOTFOUND: -3008, ETIMEDOUT: -110 };

/** undici's connect timeout, which Node's fetch reports in the message. */
const UNDICI_CONNECT_TIMEOUT_MS = 10000;

/**
 * The host (brackets off an IPv6 literal) and port (a number, the scheme's default when absent) of
 * `url`; a URL that does not parse (a request sent with a host no URL can hold) is its own host.
 */
function endpoint(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return { host: String(url), port: 0 };
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = parsed.port !== "" ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
  return { host, port };
}

/**
 * Node's error for a connection to `url` that fails with `code` (ECONNREFUSED, ECONNRESET,
 * ENOTFOUND, ETIMEDOUT), as node:http and every client built on it see it; `detail`, when given,
 * is added to the message (why actionhost refused it).
 */
export function connectionError(code, url, detail = undefined) {
  const { host, port } = endpoint(url);
  const fields = { errno: ERRNO[code], code };
  let message;
  if (code === "ECONNRESET") {
    message = "read ECONNRESET";
    fields.syscall = "read";
  } else if (code === "ENOTFOUND") {
    message = `getaddrinfo ENOTFOUND ${host}`;
    Object.assign(fields, { syscall: "getaddrinfo", hostname: host });
  } else {
    message = `connect ${code} ${host}:${port}`;
    Object.assign(fields, { syscall: "connect", address: host, port });
  }
  const error = new Error(detail === undefined ? message : `${message}: ${detail}`);
  return Object.assign(error, fields);
}

/** Node's fetch's rejection for a connection to `url` that fails with `code`. */
export function fetchConnectionError(code, url) {
  if (code !== "ETIMEDOUT") return new TypeError("fetch failed", { cause: connectionError(code, url) });
  const { host, port } = endpoint(url);
  const cause = new Error(
    `Connect Timeout Error (attempted address: ${host}:${port}, timeout: ${UNDICI_CONNECT_TIMEOUT_MS}ms)`,
  );
  cause.name = "ConnectTimeoutError";
  cause.code = "UND_ERR_CONNECT_TIMEOUT";
  return new TypeError("fetch failed", { cause });
}
