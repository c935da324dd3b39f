function getTwitterEmail(user, context, callback) {
  // Usage from auth0/rules src/rules/get-twitter-email.js: uuid.v4().replace(/-/g, '') as a nonce
  // (random, so only its shape is reported), and a name-based v5 id, which is deterministic.
  const uuid = require('uuid');
  const nonce = uuid.v4().replace(/-/g, '');
  context.idToken['result'] = {
    nonceShape: /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/.test(nonce),
    v5: uuid.v5(user.email, uuid.v5.URL),
    valid: uuid.validate('not-a-uuid')
  };
  callback(null, user, context);
}
