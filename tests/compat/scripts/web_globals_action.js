// The web globals Node 22 has and Action templates use (AbortController with a timeout, Blob
// and File, streams through CompressionStream, setImmediate, EventTarget), and Node's argument
// checks of AbortSignal.timeout.
exports.onExecutePostLogin = async (event, api) => {
  const out = {};
  const controller = new AbortController();
  const seen = [];
  controller.signal.addEventListener("abort", (e) => seen.push([e.type, controller.signal.reason]));
  controller.abort("stop");
  out.abort = [controller.signal.aborted, seen];
  // Node does not keep its process alive for AbortSignal.timeout alone.
  const keepAlive = setTimeout(() => {}, 10000);
  const t = AbortSignal.timeout(5);
  out.timeout = await new Promise((resolve) => t.addEventListener("abort", () => resolve([t.reason.name, t.reason.message])));
  const blob = new Blob(["héllo ", new Uint8Array([119, 111, 114, 108, 100])], { type: "text/plain" });
  out.blob = [blob.size, blob.type, await blob.text(), [...new Uint8Array(await blob.slice(0, 3).arrayBuffer())]];
  const file = new File(["x"], "a.txt", { type: "text/plain", lastModified: 1 });
  out.file = [file.name, file.size, file.lastModified, file instanceof Blob];
  const stream = new Blob(["compress me ".repeat(20)]).stream().pipeThrough(new CompressionStream("gzip")).pipeThrough(new DecompressionStream("gzip")).pipeThrough(new TextDecoderStream());
  let text = ""; for await (const chunk of stream) text += chunk;
  out.roundTrip = text.length;
  const order = [];
  await new Promise((resolve) => { setImmediate((a) => { order.push("immediate " + a); resolve(); }, 1); Promise.resolve().then(() => order.push("micro")); });
  const im = setImmediate(() => order.push("cleared ran")); clearImmediate(im);
  await new Promise((r) => setTimeout(r, 5));
  out.order = order;
  out.custom = new CustomEvent("x", { detail: 1 }).detail;
  const target = new EventTarget(); let n = 0; target.addEventListener("e", () => n++, { once: true }); target.dispatchEvent(new Event("e")); target.dispatchEvent(new Event("e"));
  out.once = n;
  out.bad = [-1, 1.5, "5", undefined].map((v) => { try { AbortSignal.timeout(v); return "ok"; } catch (e) { return [e.name, e.code, e.message, String(e)]; } });
  clearTimeout(keepAlive);
  api.idToken.setCustomClaim("result", out);
};
