// fetch's failures as Action templates handle them (the try/catch around `fetch` of
// auth0/opensource-marketplace's risk-scoring integrations, which log `err.cause` and let the
// login go on): a refused connection, a host that does not resolve, a connection reset after the
// request, a port the Fetch standard blocks (nothing is sent), each reported as Node's
// `TypeError: fetch failed` and its cause.
exports.onExecutePostLogin = async (event, api) => {
  const describe = (e) => e && {
    name: e.name, message: e.message, code: e.code, errno: e.errno, syscall: e.syscall,
    address: e.address, port: e.port, hostname: e.hostname, fields: Object.keys(e), cause: describe(e.cause)
  };
  const targets = {
    refused: 'http://127.0.0.1:2/v1/score',
    bad_port: 'http://127.0.0.1:1/v1/score',
    not_found: 'https://nxdomain.invalid/v1/score',
    reset: 'https://api.example.com/reset'
  };
  const result = {};
  for (const [name, url] of Object.entries(targets)) {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ip: event.request.ip }) });
      result[name] = { status: response.status };
    } catch (e) {
      result[name] = describe(e);
    }
  }
  api.idToken.setCustomClaim('result', result);
};
