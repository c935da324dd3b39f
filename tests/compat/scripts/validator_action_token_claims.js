// Usage from auth0/opensource-marketplace templates/skyfire-token-exchange-CUSTOM_TOKEN_EXCHANGE/code.js:
// validator.isEmail and validator.isUUID on a token's claims.
var validator = require('validator');

exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('result', {
    email: validator.isEmail(String(event.user.email)),
    notEmail: validator.isEmail('jane.doe@'),
    uuid: validator.isUUID(String('9b2d7f0e-4c1a-4e8b-9f3d-2a6c5e7b8d10')),
    notUuid: validator.isUUID(String(event.user.user_id)),
    url: validator.isURL('https://example.com/callback?x=1'),
    phone: validator.isMobilePhone('+64215550199', 'en-NZ'),
    escaped: validator.escape('<b>Jane & "Joe"</b>'),
    normalized: validator.normalizeEmail('Jane.Doe+tag@GoogleMail.com')
  });
};
