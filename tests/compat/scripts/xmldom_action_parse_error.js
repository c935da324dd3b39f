// Malformed XML from a SOAP service: @xmldom/xmldom reports it through its onError hook and
// throws a ParseError for fatal errors.
const { DOMParser } = require('@xmldom/xmldom');

exports.onExecutePostLogin = async (event, api) => {
  const reported = [];
  const parser = new DOMParser({ onError: (level, message) => reported.push(level + ': ' + message.split('\n')[0]) });
  let thrown = null;
  try {
    parser.parseFromString('<roles><role>admin</roles>', 'text/xml');
  } catch (e) {
    thrown = { name: e.name, message: e.message.split('\n')[0] };
  }
  api.idToken.setCustomClaim('result', { reported, thrown });
};
