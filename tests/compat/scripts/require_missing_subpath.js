// An installed package's file that does not exist, and a subpath its "exports" map does not export.
exports.onExecutePostLogin = async (event, api) => {
  const attempts = {};
  for (const name of ['lodash/not-a-lodash-file', 'jose/not/exported']) {
    try {
      require(name);
      attempts[name] = 'loaded';
    } catch (e) {
      attempts[name] = e.code;
    }
  }
  api.idToken.setCustomClaim('result', attempts);
};
