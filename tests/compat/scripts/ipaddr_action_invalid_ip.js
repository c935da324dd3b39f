// The template (auth0/opensource-marketplace templates/guardian-multifactor-ip-range-POST_LOGIN)
// wraps ipaddr.parse and ipaddr.parseCIDR in try/catch: their errors, as the script sees them.
exports.onExecutePostLogin = async (event, api) => {
  const ipaddr = require('ipaddr.js');
  const errors = [];
  for (const attempt of [() => ipaddr.parse('not-an-ip'), () => ipaddr.parseCIDR('10.0.0.0/99'), () => ipaddr.parse('')]) {
    try {
      attempt();
      errors.push(null);
    } catch (e) {
      errors.push({ name: e.name, message: e.message, isError: e instanceof Error });
    }
  }
  api.idToken.setCustomClaim('result', { errors, valid: ipaddr.isValid('300.1.1.1'), validCidr: ipaddr.isValidCIDR('10.0.0.0/8') });
};
