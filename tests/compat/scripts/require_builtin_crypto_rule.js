function zendeskSso(user, context, callback) {
  // Rules require Node's built-ins by name (auth0/rules src/rules/test-require.js lists crypto;
  // HMACs and random nonces are what they use it for).
  const crypto = require('crypto');
  const hmac = crypto.createHmac('sha256', 'a-secret').update(user.user_id).digest('hex');
  context.idToken['result'] = { hmac: hmac, hash: crypto.createHash('md5').update(user.email).digest('base64') };
  callback(null, user, context);
}
