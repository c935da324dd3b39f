// What Action templates do with fetch's classes: a token request built as a `Request` (method,
// headers, URLSearchParams body, as the client-credentials calls of Auth0's M2M and Management
// API templates are written) passed to fetch, a JSON POST, a GET read as text, as bytes and
// through a clone, a 404 read as JSON, Headers handling, and `Response` made by the script.
exports.onExecutePostLogin = async (event, api) => {
  const out = {};
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "abc", audience: "https://api.example.com/" });
  const tokenRequest = new Request("https://login.example.com/oauth/token", {
    method: "POST",
    headers: { Accept: "application/json" },
    body: form,
  });
  out.tokenRequest = [tokenRequest.method, tokenRequest.url, tokenRequest.headers.get("content-type"), [...tokenRequest.headers.keys()]];
  const tokenResponse = await fetch(tokenRequest);
  out.token = [tokenResponse.status, tokenResponse.statusText, tokenResponse.headers.get("X-Request-Id"), await tokenResponse.json(), tokenRequest.bodyUsed];

  const json = await fetch("https://login.example.com/oauth/token", {
    method: "post",
    headers: new Headers([["Content-Type", "application/json"], ["X-Trace", "1"]]),
    body: JSON.stringify({ user: event.user.user_id }),
  });
  out.json = [json.ok, json.url, json.redirected, json.type, json.bodyUsed, (await json.json()).token_type, json.bodyUsed];

  const status = await fetch(new URL("https://api.example.com/status"));
  const copy = status.clone();
  out.text = [await status.text(), new Uint8Array(await copy.arrayBuffer()).length, status.headers.get("content-type")];
  const user = await fetch(`https://api.example.com/users/${encodeURIComponent(event.user.user_id)}`, { headers: { authorization: "Bearer at-1" } });
  const blob = await user.blob();
  out.blob = [blob.type, blob.size, JSON.parse(await blob.text()).plan];
  const missing = await fetch("https://api.example.com/missing", { method: "DELETE" });
  out.missing = [missing.status, missing.statusText, missing.ok, await missing.json()];

  const headers = new Headers({ "X-One": "1" });
  headers.append("x-one", "2");
  headers.set("Content-Type", "text/plain");
  headers.append("Set-Cookie", "a=1");
  headers.append("Set-Cookie", "b=2");
  out.headers = [[...headers], headers.get("X-ONE"), headers.has("content-type"), headers.getSetCookie()];
  headers.delete("x-one");
  out.headersAfterDelete = [...headers.keys()];

  const made = Response.json({ a: 1 }, { status: 202, headers: { "x-made": "yes" } });
  out.made = [made.status, made.ok, made.headers.get("content-type"), made.headers.get("x-made"), await made.text()];
  const plain = new Response("body", { status: 418, statusText: "Teapot" });
  out.plain = [plain.status, plain.statusText, plain.ok, plain.url, plain.type, await plain.text()];
  const empty = new Response(null, { status: 204 });
  out.empty = [empty.body, await empty.text()];
  const bytes = new Response(new Uint8Array([123, 125]));
  out.bytes = [bytes.headers.get("content-type"), await bytes.json()];
  const formResponse = new Response(new URLSearchParams("a=1&b=2&a=3"));
  const parsed = await formResponse.formData();
  out.formData = [parsed.getAll("a"), parsed.get("b")];
  out.error = [Response.error().type, Response.error().status];
  out.redirect = [Response.redirect("https://example.com/next", 302).headers.get("location")];
  api.idToken.setCustomClaim("result", out);
};
