// Stand-in for deno_telemetry's telemetry.ts as node:http and node:http2 see it: telemetry off.
(function () {
  return {
    otelState: { TRACING_ENABLED: false, METRICS_ENABLED: false, PROPAGATORS: [] },
    builtinTracer: () => undefined,
    ContextManager: { active: () => undefined },
    SPAN_KEY: Symbol("span"),
    telemetry: { meterProvider: undefined },
  };
})();
