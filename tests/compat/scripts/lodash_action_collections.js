// The lodash helpers Actions reach for when shaping claims (get, pick, groupBy, uniq, merge,
// template — the last compiles code with Function, as lodash does).
exports.onExecutePostLogin = async (event, api) => {
  const _ = require('lodash');
  const identities = _.groupBy(event.user.identities, 'isSocial');
  const render = _.template('Hello <%= name %>, you have <%= roles.length %> roles: <%- roles.join(", ") %>');
  api.idToken.setCustomClaim('result', {
    plan: _.get(event.user, 'app_metadata.plan', 'free'),
    missing: _.get(event.user, 'app_metadata.nope.deep', 'default'),
    social: _.map(identities.true, 'connection'),
    roles: _.uniq(_.concat(event.user.app_metadata.roles, ['editor', 'viewer'])).sort(),
    merged: _.merge({ a: { b: 1 } }, { a: { c: 2 } }),
    chunks: _.chunk(_.range(7), 3),
    greeting: render({ name: event.user.name, roles: event.user.app_metadata.roles }),
    camel: _.camelCase('Example Application name'),
    version: _.VERSION
  });
};
