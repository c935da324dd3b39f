function scaledAccessRelationships(user, context, callback) {
  // auth0/rules src/rules/scaled-access-relationships-claim.js requires node-fetch: its Headers
  // and Request classes, then a request through node:https (answered by the HTTP mocks) whose
  // JSON answer becomes the claim.
  const fetch = require('node-fetch');
  const headers = new fetch.Headers({ Authorization: 'Bearer abc', 'Content-Type': 'application/json' });
  const req = new fetch.Request('https://api.example.com/relationships?user=' + encodeURIComponent(user.user_id), { method: 'POST', headers: headers });
  fetch('https://api.example.com/users/' + encodeURIComponent(user.user_id), { headers: { Authorization: 'Bearer abc' } })
    .then(function (res) { return res.json().then(function (data) { return { status: res.status, type: res.headers.get('content-type'), data: data }; }); })
    .then(function (answer) {
      context.idToken['result'] = { method: req.method, url: req.url, auth: req.headers.get('authorization'), answer: answer };
      callback(null, user, context);
    })
    .catch(callback);
}
