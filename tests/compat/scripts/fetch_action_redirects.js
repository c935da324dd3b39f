// Redirects as Node's fetch follows them (the Fetch standard's "HTTP-redirect fetch"): an API
// that moved (301, 308), a login flow's 302 and 303, a 307 that keeps the POST and its body, a
// relative `Location`, a chain of two, a redirect to another origin (its `Authorization` and
// `Cookie` not sent there), `redirect: "manual"` and `"error"`, a 3xx without `Location` or
// not a redirect (300), a redirect to a scheme fetch cannot follow, a stream body a 307 cannot
// send again, a `Location` that does not parse or holds credentials, and a loop (20 redirects,
// then an error). Each hop is a request the mocks answer.
exports.onExecutePostLogin = async (event, api) => {
  const out = {};
  const seen = (response) => [response.status, response.statusText, response.ok, response.redirected, response.url, response.type];
  const attempt = async (name, action) => {
    try {
      out[name] = await action();
    } catch (e) {
      out[name] = [e.name, e.message, e.cause?.message ?? null];
    }
  };
  await attempt("found", async () => {
    const response = await fetch("https://api.example.com/redirect/found", { headers: { authorization: "Bearer at-1" } });
    return [...seen(response), await response.json()];
  });
  await attempt("foundPost", async () => {
    const response = await fetch("https://api.example.com/redirect/found", { method: "POST", headers: { "content-type": "application/json", "x-trace": "1" }, body: JSON.stringify({ a: 1 }) });
    return [...seen(response), (await response.json()).plan];
  });
  await attempt("moved", async () => {
    const response = await fetch("https://api.example.com/redirect/moved");
    return [...seen(response), response.headers.get("content-type"), await response.text()];
  });
  await attempt("movedPut", async () => {
    const response = await fetch("https://api.example.com/redirect/gone", { method: "PUT", body: "kept" });
    return [...seen(response), await response.json()];
  });
  await attempt("seeOther", async () => {
    const response = await fetch("https://api.example.com/redirect/to/see-other", { method: "PATCH", headers: { "Content-Language": "en" }, body: new URLSearchParams({ a: "1" }) });
    return [...seen(response), await response.text()];
  });
  await attempt("temporary", async () => {
    const response = await fetch("https://api.example.com/redirect/temporary", {
      method: "POST",
      headers: { authorization: "Bearer secret", cookie: "session=1", "x-keep": "yes" },
      body: new URLSearchParams({ grant_type: "client_credentials" }),
    });
    return [...seen(response), response.headers.get("x-request-id"), (await response.json()).access_token];
  });
  await attempt("permanent", async () => {
    const form = new FormData();
    form.append("id", event.user.user_id);
    const response = await fetch(new Request("https://api.example.com/redirect/permanent", { method: "POST", headers: { authorization: "Bearer same-origin" }, body: form }));
    return [...seen(response), await response.json()];
  });
  await attempt("twice", async () => {
    const response = await fetch("https://api.example.com/redirect/twice");
    return [...seen(response), (await response.json()).roles];
  });
  await attempt("head", async () => {
    const response = await fetch("https://api.example.com/redirect/gone", { method: "HEAD" });
    return [...seen(response), response.headers.get("content-type"), await response.text()];
  });
  await attempt("manual", async () => {
    const response = await fetch("https://api.example.com/redirect/found", { redirect: "manual" });
    return [...seen(response), response.headers.get("location"), await response.text()];
  });
  await attempt("error", () => fetch("https://api.example.com/redirect/moved", { redirect: "error" }));
  await attempt("noLocation", async () => {
    const response = await fetch("https://api.example.com/redirect/no-location");
    return [...seen(response), await response.text()];
  });
  await attempt("multipleChoices", async () => {
    const response = await fetch("https://api.example.com/redirect/multiple-choices");
    return [...seen(response), response.headers.get("location")];
  });
  await attempt("ftp", () => fetch("https://api.example.com/redirect/ftp"));
  // The cause is the URL parser's TypeError, whose message is the parser's own (Node's names no
  // input, Deno's does): only its type is compared.
  await attempt("badLocation", () =>
    fetch("https://api.example.com/redirect/bad-location").catch((e) => {
      const { name, message, code, input, base } = e.cause ?? {};
      return Promise.reject(new TypeError(e.message, { cause: new Error(JSON.stringify([name, message, code, input, base])) }));
    }),
  );
  await attempt("credentials", () => fetch("https://api.example.com/redirect/credentials"));
  await attempt("data", () => fetch("https://api.example.com/redirect/data"));
  await attempt("stream", () => {
    const body = new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode("streamed")); controller.close(); } });
    return fetch("https://api.example.com/redirect/temporary", { method: "POST", body, duplex: "half" });
  });
  await attempt("loop", () => fetch("https://api.example.com/redirect/loop"));
  api.idToken.setCustomClaim("result", out);
};
