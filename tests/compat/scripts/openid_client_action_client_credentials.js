// openid-client 6, an ES-module-only package (Node 22's require(esm)), as an Action that gets an
// access token for a downstream API with the client credentials grant (the pattern of the
// auth0/opensource-marketplace templates that call another authorization server before letting
// the login through): discovery, then the grant, then the errors a bad answer gives.
const client = require('openid-client');

exports.onExecutePostLogin = async (event, api) => {
  const issuer = new URL('https://issuer.example.com/');
  const config = await client.discovery(issuer, 'reports-client', event.secrets.JWT_SECRET);
  const tokens = await client.clientCredentialsGrant(config, { scope: 'read:reports' });
  let wrongIssuer = null;
  try {
    await client.discovery(new URL('https://issuer.example.com/tenant-b'), 'reports-client', 'x');
  } catch (e) {
    wrongIssuer = { name: e.name, code: e.code, message: e.message };
  }
  api.idToken.setCustomClaim('result', {
    namespace: { tag: Object.prototype.toString.call(client), extensible: Object.isExtensible(client) },
    metadata: config.serverMetadata(),
    token: { access_token: tokens.access_token, token_type: tokens.token_type, scope: tokens.scope, expiresIn: tokens.expiresIn() },
    wrongIssuer,
  });
};
