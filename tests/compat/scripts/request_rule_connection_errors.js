function reportUnreachableApi(user, context, callback) {
  // Usage from auth0/rules src/rules/zapier-new-login.js and its kind: request.post(..., cb)
  // whose `err` the rule reads (`err.code`) and then lets the login go on; request sends through
  // node:http / node:https: a refused connection, a host that does not resolve, a reset.
  const request = require('request');
  const targets = [['refused', 'http://127.0.0.1:2/hooks/login'], ['not_found', 'https://nxdomain.invalid/hooks/login'], ['reset', 'https://api.example.com/reset']];
  const result = {};
  function next(i) {
    if (i === targets.length) {
      context.idToken['result'] = result;
      return callback(null, user, context);
    }
    request.post({ url: targets[i][1], json: { user_id: user.user_id } }, function (err, response) {
      result[targets[i][0]] = err
        ? { message: err.message, code: err.code, errno: err.errno, syscall: err.syscall, address: err.address, port: err.port, hostname: err.hostname }
        : { status: response.statusCode };
      next(i + 1);
    });
  }
  next(0);
}
