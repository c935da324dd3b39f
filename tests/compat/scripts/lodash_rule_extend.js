function triggerZapOnUserLogin(user, context, callback) {
  // Usage from auth0/rules src/rules/zapier-new-login.js: _.extend({}, user, small_context)
  // builds the payload posted to the hook (here it is reported instead of posted).
  const _ = require('lodash');
  const small_context = {
    appName: context.clientName,
    userAgent: context.request.userAgent,
    ip: context.request.ip,
    connection: context.connection
  };
  const payload = _.extend({}, _.pick(user, ['user_id', 'email', 'app_metadata']), small_context);
  context.idToken['result'] = payload;
  callback(null, user, context);
}
