// The template (auth0/opensource-marketplace templates/soap-webservice-POST_LOGIN/code.js) calls
// parser.parseFromString(body) without a MIME type, which @xmldom/xmldom 0.9 refuses: the
// package's error must reach the script as Node reports it.
const xmldom = require('@xmldom/xmldom');

exports.onExecutePostLogin = async (event, api) => {
  try {
    new xmldom.DOMParser().parseFromString('<a><b>x</b></a>');
    api.idToken.setCustomClaim('result', 'parsed');
  } catch (e) {
    api.idToken.setCustomClaim('result', { name: e.name, message: e.message, isTypeError: e instanceof TypeError });
  }
};
