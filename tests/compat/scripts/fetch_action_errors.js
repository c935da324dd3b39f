// The errors fetch and its classes give scripts for common mistakes, with Node's names and
// messages: an unparsable URL (to Request and to fetch), a body read twice, a clone after the
// body was read, a GET with a body, invalid header names and values, headers of a fetched
// response changed, a status out of range, a body on a 204.
exports.onExecutePostLogin = async (event, api) => {
  const out = {};
  const attempt = async (name, action) => {
    try {
      await action();
      out[name] = "no error";
    } catch (e) {
      out[name] = [e.name, e.message];
    }
  };
  await attempt("requestUrl", () => new Request("not a url"));
  await attempt("relativeUrl", () => new Request("/userinfo"));
  await attempt("fetchUrl", () => fetch("not a url"));
  await attempt("credentials", () => new Request("https://user:pass@api.example.com/"));
  await attempt("getWithBody", () => new Request("https://api.example.com/", { method: "GET", body: "x" }));
  await attempt("badMethod", () => new Request("https://api.example.com/", { method: "BAD METHOD" }));
  await attempt("headerName", () => new Headers({ "bad name": "x" }));
  await attempt("headerValue", () => new Headers().set("x", "a\nb"));
  await attempt("requestHeader", () => new Request("https://api.example.com/", { headers: { "bad name": "x" } }));
  const response = await fetch("https://api.example.com/status");
  await attempt("immutable", () => response.headers.set("x", "y"));
  await response.text();
  await attempt("readTwice", () => response.text());
  await attempt("readTwiceJson", () => response.json());
  await attempt("cloneUsed", () => response.clone());
  const request = new Request("https://api.example.com/", { method: "POST", body: "x" });
  await request.text();
  await attempt("requestReadTwice", () => request.arrayBuffer());
  await attempt("requestReused", () => new Request(request));
  await attempt("status", () => new Response("x", { status: 99 }));
  await attempt("nullBody", () => new Response("x", { status: 204 }));
  await attempt("notJson", () => Response.json(undefined));
  await attempt("redirectStatus", () => Response.redirect("https://example.com/", 200));
  await attempt("formDataOfText", () => new Response("x").formData());
  await attempt("aborted", () => fetch("https://api.example.com/status", { signal: AbortSignal.abort() }));
  api.idToken.setCustomClaim("result", out);
};
