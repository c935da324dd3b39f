// jsonwebtoken's errors, as a script that verifies an incoming token sees them.
exports.onExecutePostLogin = async (event, api) => {
  const jwt = require('jsonwebtoken');
  const secret = event.secrets.JWT_SECRET;
  const expired = jwt.sign({ sub: 'x', exp: Math.floor(Date.now() / 1000) - 60 }, secret);
  const errors = {};
  for (const [name, token, key] of [['malformed', 'not.a.token', secret], ['expired', expired, secret], ['wrongKey', expired, 'other']]) {
    try {
      jwt.verify(token, key);
      errors[name] = null;
    } catch (e) {
      errors[name] = { name: e.name, message: e.message };
    }
  }
  api.idToken.setCustomClaim('result', errors);
};
