// Auth0's post-login Action example that notifies a service of each login with a POST of a
// FormData body (`const body = new FormData(); body.append("id", …); fetch(url, {method: "POST",
// body})`, failing the login when the answer is not ok), plus what a script can do with the
// FormData itself: strings, a Blob and a File, iteration, get/getAll/has/delete/set, and the
// multipart text and content type it makes.
exports.onExecutePostLogin = async (event, api) => {
  const out = {};
  const body = new FormData();
  body.append("id", event.user.user_id);
  body.append("email", event.user.email);
  body.append("role", "admin");
  body.append("role", "editor");
  body.append("avatar", new Blob(["<svg/>"], { type: "image/svg+xml" }));
  body.append("notes", new File(["line 1\nline 2"], "notes.txt", { type: "text/plain" }));
  body.append("raw", new Blob([new Uint8Array([104, 105])]), "raw.bin");
  out.entries = [];
  for (const [name, value] of body) out.entries.push([name, typeof value === "string" ? value : [value.constructor.name, value.name, value.type, value.size]]);
  out.getAll = body.getAll("role");
  out.get = [body.get("email"), body.get("nothing"), body.has("avatar"), body.has("nothing")];
  body.set("role", "owner");
  body.delete("nothing");
  out.keys = [...body.keys()];
  const file = body.get("avatar");
  out.file = [file instanceof File, file instanceof Blob, file.name, await file.text()];
  // What a Request makes of it: the multipart text and its content type, as Node sends them.
  const request = new Request("https://api.example.com/notify-user-logged-in", { method: "POST", body });
  const type = request.headers.get("content-type");
  out.contentType = type.replace(/boundary=.*/, "boundary=…");
  const boundary = type.split("boundary=")[1];
  out.multipart = (await request.text()).split(boundary).join("BOUNDARY");

  const response = await fetch("https://api.example.com/notify-user-logged-in", {
    headers: { Authorization: "Bearer " + event.secrets.JWT_SECRET },
    method: "POST",
    body,
  });
  if (!response.ok) throw new Error(`notify failed: ${response.status}`);
  out.response = [response.status, response.statusText, response.ok, response.headers.get("content-type"), await response.json()];
  api.idToken.setCustomClaim("result", out);
};
