// A package's subpath (lodash/fp), which itself requires hundreds of lodash's files by relative path.
exports.onExecutePostLogin = async (event, api) => {
  const fp = require('lodash/fp');
  const roleNames = fp.flow(fp.map(fp.toUpper), fp.sortBy(fp.identity), fp.join('+'));
  api.idToken.setCustomClaim('result', {
    roles: roleNames(event.user.app_metadata.roles),
    plan: fp.getOr('free', 'app_metadata.plan')(event.user),
    same: require('lodash/fp') === fp
  });
};
