// axios's failures as Action templates handle them (an axios call in a try/catch that reads
// `err.code`, as auth0/rules src/rules/mylife-digital-progressive-consent.js does through its
// callback): a refused connection, a host that does not resolve, a connection reset after the
// request; axios sends them through node:http and node:https.
const axios = require('axios');

exports.onExecutePostLogin = async (event, api) => {
  const targets = {
    refused: 'http://127.0.0.1:2/v1/users',
    not_found: 'https://nxdomain.invalid/v1/users',
    reset: 'https://api.example.com/reset'
  };
  const result = {};
  for (const [name, url] of Object.entries(targets)) {
    try {
      const response = await axios.post(url, { user_id: event.user.user_id }, { timeout: 1000 });
      result[name] = { status: response.status };
    } catch (e) {
      result[name] = {
        isAxiosError: axios.isAxiosError(e), name: e.name, code: e.code, message: e.message, response: e.response === undefined,
        cause: e.cause && { code: e.cause.code, errno: e.cause.errno, syscall: e.cause.syscall, address: e.cause.address, port: e.cause.port, hostname: e.cause.hostname }
      };
    }
  }
  api.idToken.setCustomClaim('result', result);
};
