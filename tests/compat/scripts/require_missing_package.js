// A package that is not installed: the script catches the error and reports its code and the
// first line of its message (Node adds the require stack on the following lines).
exports.onExecutePostLogin = async (event, api) => {
  try {
    require('left-pad-is-not-installed');
    api.idToken.setCustomClaim('result', 'loaded');
  } catch (e) {
    api.idToken.setCustomClaim('result', { code: e.code, message: e.message.split('\n')[0], isError: e instanceof Error });
  }
};
