// Stand-in for deno_telemetry's util.ts as node:http and node:http2 see it: telemetry off.
(function () {
  return { updateSpanFromError() {} };
})();
