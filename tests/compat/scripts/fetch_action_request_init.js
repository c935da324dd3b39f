// What a `Request` (and so `fetch`) accepts in its init, as Node's fetch checks it: the
// enumerations (`mode`, `credentials`, `cache`, `redirect`, `referrerPolicy`, `duplex`) and their
// messages, "navigate" refused, "no-cors" only with GET, HEAD or POST, "only-if-cached" only with
// "same-origin", `window` only null, `priority` ignored, a stream body only with `duplex: "half"`;
// and requests in "no-cors" and "same-origin" modes answered like any other (Node has no origin,
// so nothing is filtered). Options copied from browser code, as some Action templates are. (A
// `cache` of "no-store" or "reload" makes Node's fetch add `cache-control` and `pragma` headers
// of its own, which actionhost does not record, as it records none of the transport's headers.)
exports.onExecutePostLogin = async (event, api) => {
  const url = "https://api.example.com/status";
  const inits = [
    { mode: "no-cors", method: "PUT" }, { mode: "no-cors", method: "delete" }, { mode: "no-cors", method: "post" }, { mode: "navigate" }, { mode: "websocket" },
    { credentials: "bogus" }, { credentials: "omit" }, { cache: "bogus" }, { cache: "only-if-cached" }, { cache: "only-if-cached", mode: "same-origin" },
    { redirect: "bogus" }, { referrerPolicy: "bogus" }, { referrerPolicy: "no-referrer" }, { referrer: "https://other.example/" },
    { keepalive: true }, { integrity: "sha256-abc" }, { priority: "high" }, { priority: "bogus" }, { window: null }, { window: {} },
    { duplex: "half" }, { duplex: "full" },
  ];
  const made = inits.map((init) => {
    try {
      const request = new Request(url, init);
      return [request.mode, request.method, request.credentials, request.cache, request.redirect, request.referrer, request.referrerPolicy, request.keepalive, request.integrity, request.duplex];
    } catch (e) {
      return [e.name, e.message];
    }
  });
  const stream = () => new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("streamed")); c.close(); } });
  const streams = [];
  for (const init of [{ method: "POST", body: stream() }, { method: "POST", body: stream(), duplex: "half" }]) {
    try {
      streams.push(new Request(url, init).duplex);
    } catch (e) {
      streams.push([e.name, e.message]);
    }
  }
  const fetched = [];
  for (const init of [{ mode: "no-cors" }, { mode: "same-origin" }, { mode: "no-cors", method: "PUT" }, { credentials: "include" }]) {
    try {
      const response = await fetch(url, init);
      fetched.push([response.status, response.type, response.headers.get("content-type"), await response.text()]);
    } catch (e) {
      fetched.push([e.name, e.message]);
    }
  }
  let illegal;
  try {
    illegal = Request.prototype.duplex;
  } catch (e) {
    illegal = [e.name, e.message];
  }
  api.idToken.setCustomClaim("result", { made, streams, fetched, illegal });
};
