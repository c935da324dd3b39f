// `data:` URLs, which Node's fetch answers itself, without a request (the Fetch standard's data:
// URL processor): a base64 avatar placeholder and a percent-encoded text, as templates inline
// small payloads; the content type from the URL (its default, parameters, case), the body read
// as text, JSON, bytes and a Blob, the response's fields, a Request, HEAD, a method with a body,
// invalid base64, and a mocked request after them (the only one sent).
exports.onExecutePostLogin = async (event, api) => {
  const cases = {
    base64: async () => {
      const response = await fetch("data:text/plain;base64,SGk=");
      return [response.status, response.statusText, response.ok, response.type, response.url, response.redirected, [...response.headers], await response.text()];
    },
    percent: async () => {
      const response = await fetch("data:,Hello%2C%20World%21");
      return [[...response.headers], await response.text()];
    },
    defaultType: async () => {
      const response = await fetch("data:;base64,SGk=");
      return [response.headers.get("content-type"), await response.text()];
    },
    json: async () => {
      const response = await fetch("data:application/json;charset=UTF-8,%7B%22plan%22%3A%22gold%22%7D");
      return [response.headers.get("content-type"), await response.json()];
    },
    parameters: async () => {
      const response = await fetch('data:TEXT/Plain;Foo=Bar;charset="utf-8";base64,SGk=');
      return [response.headers.get("content-type"), await response.text()];
    },
    bytes: async () => {
      const response = await fetch("data:image/png;base64,iVBORw0KGgo=");
      return [response.headers.get("content-type"), [...new Uint8Array(await response.arrayBuffer())]];
    },
    blob: async () => {
      const blob = await (await fetch(new URL("data:image/svg+xml,%3Csvg%2F%3E"))).blob();
      return [blob.type, blob.size, await blob.text()];
    },
    request: async () => {
      const response = await fetch(new Request("data:text/plain,from%20a%20Request", { headers: { "x-ignored": "1" } }));
      return [response.status, await response.text()];
    },
    head: async () => {
      const response = await fetch("data:,body", { method: "HEAD" });
      return [response.status, response.headers.get("content-type"), await response.text()];
    },
    post: async () => {
      const response = await fetch("data:,answer", { method: "POST", body: "question" });
      return [response.status, await response.text()];
    },
    clone: async () => {
      const response = await fetch("data:,twice");
      return [await response.clone().text(), await response.text()];
    },
    invalid: () => fetch("data:text/plain;base64,@@@"),
    aborted: () => fetch("data:,x", { signal: AbortSignal.abort() }),
    mocked: async () => (await fetch("https://api.example.com/status")).status,
  };
  const out = {};
  for (const [name, run] of Object.entries(cases)) {
    out[name] = await run().catch((e) => [e.name, e.message, e.cause?.message ?? null]);
  }
  api.idToken.setCustomClaim("result", out);
};
