// Usage from auth0/opensource-marketplace templates/first-party-on-behalf-of-CUSTOM_TOKEN_EXCHANGE/code.js:
// debug.enable('token-exchange:error') and loggers made with debug('token-exchange:…').
const debug = require('debug');

exports.onExecutePostLogin = async (event, api) => {
  debug.enable('token-exchange:error');
  const log = { error: debug('token-exchange:error'), info: debug('token-exchange:info') };
  api.idToken.setCustomClaim('result', {
    errorEnabled: log.error.enabled,
    infoEnabled: log.info.enabled,
    namespace: log.info.namespace,
    extended: log.error.extend('jwks').namespace,
    humanize: debug.humanize(90061000)
  });
};
