// jose as the token-exchange templates use it (auth0/opensource-marketplace
// templates/skyfire-token-exchange-CUSTOM_TOKEN_EXCHANGE: jwtVerify), with an HS256 secret so the
// token is the same on every run over a frozen clock.
const { SignJWT, jwtVerify, decodeJwt } = require('jose');

exports.onExecutePostLogin = async (event, api) => {
  const secret = new TextEncoder().encode(event.secrets.JWT_SECRET);
  const token = await new SignJWT({ email: event.user.email })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(event.user.user_id)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(secret);
  const { payload } = await jwtVerify(token, secret);
  let wrong = null;
  try {
    await jwtVerify(token, new TextEncoder().encode('other'));
  } catch (e) {
    wrong = { code: e.code, message: e.message };
  }
  api.idToken.setCustomClaim('result', { token, payload, decoded: decodeJwt(token).sub, wrong });
};
