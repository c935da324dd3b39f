// Actions templates require Node's built-ins with the node: prefix
// (auth0/opensource-marketplace templates/client-initiated-account-linking-POST_LOGIN: node:crypto).
const crypto = require('node:crypto');

exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('result', {
    sha256: crypto.createHash('sha256').update(event.user.user_id).digest('base64url'),
    equal: crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc'))
  });
};
