// Usage from auth0/opensource-marketplace templates/soap-webservice-POST_LOGIN/code.js:
// @xmldom/xmldom's DOMParser and xpath.select over the SOAP answer (inline here, not fetched).
const xmldom = require('@xmldom/xmldom');
const xpath = require('xpath');

exports.onExecutePostLogin = async (event, api) => {
  const body =
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
    '<GetRolesForCurrentUserResponse xmlns="http://tempuri.org/"><GetRolesForCurrentUserResult ' +
    'xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
    '<a:string>admin</a:string><a:string>billing</a:string></GetRolesForCurrentUserResult>' +
    '</GetRolesForCurrentUserResponse></s:Body></s:Envelope>';
  const parser = new xmldom.DOMParser();
  const doc = parser.parseFromString(body, 'text/xml');
  const roles = xpath.select("//*[local-name(.)='string']", doc).map((node) => node.textContent);
  api.idToken.setCustomClaim('result', {
    roles,
    count: xpath.select('count(//*[local-name(.)="string"])', doc),
    first: xpath.select1('string(//*[local-name(.)="string"][1])', doc)
  });
};
