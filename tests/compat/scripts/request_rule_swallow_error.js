function triggerZapOnUserLogin(user, context, callback) {
  // Usage from auth0/rules src/rules/zapier-new-login.js: request.post({url, json}, cb) whose
  // error the rule swallows; the hook here is a closed local port, so the error is reported.
  const request = require('request');
  request.post({ url: 'http://127.0.0.1:1/hooks/catch', json: { user_id: user.user_id } }, function (err, response, body) {
    context.idToken['result'] = { code: err && err.code, response: response === undefined ? 'none' : response.statusCode };
    callback(null, user, context);
  });
}
