// Node's `http` and `https` clients answered by the execution's HTTP mocks, as `fetch` is
// (js_runtime/http.js: the same mocks, the same recorded requests). Scripts have no network:
// instead of a TCP or TLS socket, the agents' `createConnection` gives a connection that holds
// no socket. Node's own client (deno_node's port of Node's `_http_client`) writes its request
// into it; Node's HTTP parser (llhttp, `internalBinding('http_parser')`) reads the request back
// (method, URL, headers, body, however it was framed); the matching mock's answer is written
// back as the HTTP/1.1 response a server would send, which the client parses as it parses a
// server's. So every client built on `http` / `https` (axios, request, node-fetch, follow-
// redirects, got …) runs its own code unchanged, timeouts and aborts included.
//
// The answer carries `content-length` (unless the mock gives a length or a transfer coding) and
// `connection: close` (unless the mock gives one), so connections are not kept between requests.
// A mock with `error` fails the connection with Node's error for that failure; a request no mock
// matches fails as a connection to a closed port does (`ECONNREFUSED`), and fails the execution,
// naming the URL.

import { core } from "ext:core/mod.js";
import { answerNodeRequest, cancelLater, later } from "ext:actionhost_runtime/http.js";

/** Headers of the request that belong to the connection, not to what the script sent. */
const TRANSPORT_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding"]);

/** Statuses whose answers have no body (RFC 9110 §6.4.1). */
const NO_BODY = (status) => (status >= 100 && status < 200) || status === 204 || status === 304;

let installed = false;

/**
 * Makes the `http` and `https` agents connect to the mocks: once per worker, before the modules
 * are tracked (js_runtime/node/state.js), so the replaced `createConnection` is what every
 * execution starts from.
 */
export function install(getBuiltinModule) {
  if (installed) return;
  installed = true;
  const MockConnection = connectionClass(getBuiltinModule);
  const http = getBuiltinModule("node:http");
  const https = getBuiltinModule("node:https");
  http.Agent.prototype.createConnection = function createConnection(options) {
    return new MockConnection("http:", options ?? {});
  };
  https.Agent.prototype.createConnection = function createConnection(options) {
    return new MockConnection("https:", options ?? {});
  };
}

function connectionClass(getBuiltinModule) {
  const { Duplex } = getBuiltinModule("node:stream");
  const { Buffer } = getBuiltinModule("node:buffer");
  const { nextTick } = getBuiltinModule("node:process");
  const { HTTPParser, allMethods } = core.loadExtScript("ext:deno_node/internal_binding/http_parser.ts");

  /** What a connection to `protocol`//`options.host` looks like to Node's client: a net.Socket (a TLSSocket for https). */
  class MockConnection extends Duplex {
    #protocol;
    #host;
    #parser;
    #message = null;
    #timeout = 0;
    #timer = null;

    constructor(protocol, options) {
      super({ allowHalfOpen: false });
      this.#protocol = protocol;
      const port = options.port ?? options.defaultPort;
      this.#host = options.host ?? options.hostname ?? "localhost";
      if (port !== undefined && String(port) !== (protocol === "https:" ? "443" : "80")) {
        this.#host = `${this.#host.includes(":") ? `[${this.#host}]` : this.#host}:${port}`;
      }
      this.connecting = true;
      this._handle = null;
      this.bytesRead = 0;
      this.bytesWritten = 0;
      if (protocol === "https:") {
        this.encrypted = true;
        this.authorized = true;
        this.authorizationError = null;
        this.alpnProtocol = false;
        this.servername = options.servername ?? options.host;
      }
      this.#parser = this.#requestParser();
      nextTick(() => {
        if (this.destroyed) return;
        this.connecting = false;
        this.emit("connect");
        if (protocol === "https:") this.emit("secureConnect");
        this.emit("ready");
        this.#touch();
      });
    }

    /** llhttp in request mode: each complete request is answered in turn. */
    #requestParser() {
      const parser = new HTTPParser();
      parser.initialize(HTTPParser.REQUEST, undefined, 0, 0);
      const message = () => (this.#message ??= { headers: [], url: "", body: [] });
      parser[HTTPParser.kOnHeaders] = (headers, url) => {
        message().headers.push(...headers);
        message().url += url;
      };
      parser[HTTPParser.kOnHeadersComplete] = (_major, _minor, headers, method, url) => {
        const m = message();
        if (headers !== undefined) m.headers.push(...headers);
        if (url !== undefined) m.url += url;
        m.method = allMethods[method];
        return 0;
      };
      parser[HTTPParser.kOnBody] = (chunk) => {
        message().body.push(Buffer.from(chunk));
      };
      parser[HTTPParser.kOnMessageComplete] = () => {
        const m = message();
        this.#message = null;
        this.#send(m);
      };
      return parser;
    }

    /** Records the request and answers it from the mocks. */
    #send(message) {
      const headers = {};
      let host = this.#host;
      for (let i = 0; i + 1 < message.headers.length; i += 2) {
        const name = message.headers[i].toLowerCase();
        const value = message.headers[i + 1];
        if (name === "host") host = value;
        if (TRANSPORT_HEADERS.has(name)) continue;
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      let url = /^[a-z][a-z0-9+.-]*:\/\//i.test(message.url) ? message.url : `${this.#protocol}//${host}${message.url}`;
      try {
        url = new URL(url).href;
      } catch {
        // Recorded as sent.
      }
      const body = message.body.length === 0 ? null : Buffer.concat(message.body).toString("utf8");
      const method = message.method;
      answerNodeRequest(
        { method, url, headers, body },
        (answer) => this.#reply(method, answer),
        (error) => this.destroy(error),
        () => this.destroyed,
      );
    }

    /** Writes the mock's answer as a server's HTTP/1.1 response. */
    #reply(method, { status, statusText, headers, body }) {
      const names = new Set(headers.map(([name]) => name));
      const withBody = method !== "HEAD" && !NO_BODY(status);
      const bytes = withBody ? Buffer.from(body, "utf8") : Buffer.alloc(0);
      const lines = [`HTTP/1.1 ${status} ${statusText}`];
      for (const [name, value] of headers) lines.push(`${name}: ${value}`);
      if (withBody && !names.has("content-length") && !names.has("transfer-encoding")) {
        lines.push(`content-length: ${bytes.length}`);
      }
      if (!names.has("connection")) lines.push("connection: close");
      const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
      this.bytesRead += head.length + bytes.length;
      this.#touch();
      this.push(withBody ? Buffer.concat([head, bytes]) : head);
      if (!names.has("connection") || /close/i.test(headers.find(([name]) => name === "connection")?.[1] ?? "")) {
        this.push(null);
      }
    }

    _read() {}

    _write(chunk, encoding, callback) {
      const data = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
      this.bytesWritten += data.length;
      this.#touch();
      const result = this.#parser.execute(data);
      callback(result instanceof Error ? result : null);
    }

    _final(callback) {
      callback();
    }

    _destroy(error, callback) {
      this.connecting = false;
      this.#clearTimer();
      callback(error);
    }

    /** net.Socket#setTimeout: 'timeout' after `ms` without activity (0 turns it off). */
    setTimeout(ms, callback) {
      this.#timeout = Number(ms) || 0;
      if (callback !== undefined) {
        if (this.#timeout === 0) this.removeListener("timeout", callback);
        else this.once("timeout", callback);
      }
      this.#touch();
      return this;
    }

    #touch() {
      this.#clearTimer();
      if (this.#timeout > 0 && !this.destroyed) {
        this.#timer = later(() => {
          this.#timer = null;
          this.emit("timeout");
        }, this.#timeout);
      }
    }

    #clearTimer() {
      if (this.#timer !== null) cancelLater(this.#timer);
      this.#timer = null;
    }

    destroySoon() {
      if (this.writable) this.end();
      if (this.writableFinished) this.destroy();
      else this.once("finish", () => this.destroy());
    }

    setNoDelay() {
      return this;
    }

    setKeepAlive() {
      return this;
    }

    ref() {
      return this;
    }

    unref() {
      return this;
    }

    address() {
      return {};
    }

    get readyState() {
      if (this.connecting) return "opening";
      if (this.readable && this.writable) return "open";
      return this.writable ? "writeOnly" : this.readable ? "readOnly" : "closed";
    }

    getPeerCertificate() {
      return {};
    }

    getProtocol() {
      return this.encrypted ? "TLSv1.3" : null;
    }

    getCipher() {
      return this.encrypted ? { name: "TLS_AES_128_GCM_SHA256", standardName: "TLS_AES_128_GCM_SHA256", version: "TLSv1.3" } : undefined;
    }

    getSession() {
      return undefined;
    }

    isSessionReused() {
      return false;
    }
  }
  return MockConnection;
}
