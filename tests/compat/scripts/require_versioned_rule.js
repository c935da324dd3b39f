function versionedRequire(user, context, callback) {
  // Rules name versions: auth0/rules src/rules/incognia-authentication.js has
  // require('lodash@4.17.19'). With only node_modules (no package cache holding that version)
  // Node cannot find it, and neither may actionhost.
  let result;
  try {
    require('lodash@4.17.19');
    result = 'loaded';
  } catch (e) {
    result = { code: e.code, message: e.message.split('\n')[0] };
  }
  context.idToken['result'] = result;
  callback(null, user, context);
}
