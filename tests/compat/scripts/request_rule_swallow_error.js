function triggerZapOnUserLogin(user, context, callback) {
  // Usage from auth0/rules src/rules/zapier-new-login.js: request.post({url, json}, cb), then a
  // GET whose 404 the rule reads from the response; request sends them through node:https,
  // answered by the HTTP mocks.
  const request = require('request');
  request.post({ url: 'https://api.example.com/notify-user-logged-in', json: { user_id: user.user_id } }, function (err, response, body) {
    if (err) return callback(err);
    const posted = { status: response.statusCode, body: body };
    request.get({ url: 'https://api.example.com/missing', json: true, headers: { 'x-trace': 'zap' } }, function (err2, response2, body2) {
      context.idToken['result'] = { posted: posted, missing: { error: err2 && err2.code, status: response2.statusCode, body: body2 } };
      callback(null, user, context);
    });
  });
}
