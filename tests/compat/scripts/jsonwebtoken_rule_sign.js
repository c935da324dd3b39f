function generateJwt(user, context, callback) {
  // Usage from auth0/rules src/rules/jwt.js: jwt.sign(api_user, secret, {subject, expiresIn,
  // audience, issuer}); HS256 over a frozen clock gives the same token every time.
  const jwt = require('jsonwebtoken');
  const api_user = { user_id: user.user_id, email: user.email, name: user.name };
  const options = {
    subject: user.user_id,
    expiresIn: '10h',
    audience: 'target-api',
    issuer: 'https://example.auth0.com/'
  };
  const token = jwt.sign(api_user, 'a-shared-secret-of-the-tenant-and-its-api', options);
  const verified = jwt.verify(token, 'a-shared-secret-of-the-tenant-and-its-api', { audience: 'target-api' });
  context.idToken['result'] = { token: token, exp: verified.exp - verified.iat };
  callback(null, user, context);
}
