function getRolesFromSoapService(user, context, callback) {
  // Usage from auth0/rules src/rules/soap-webservice.js: the old `xmldom` package and xpath over
  // the SOAP answer (the answer is inline here instead of fetched with request).
  const xmldom = require('xmldom');
  const xpath = require('xpath');
  const body =
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
    '<GetRolesForCurrentUserResponse xmlns="http://tempuri.org/"><GetRolesForCurrentUserResult ' +
    'xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
    '<a:string>admin</a:string><a:string>sales &amp; support</a:string></GetRolesForCurrentUserResult>' +
    '</GetRolesForCurrentUserResponse></s:Body></s:Envelope>';
  const parser = new xmldom.DOMParser();
  const doc = parser.parseFromString(body);
  const roles = xpath.select("//*[local-name(.)='string']", doc).map(function (node) {
    return node.textContent;
  });
  context.idToken['result'] = { roles: roles, serialized: new xmldom.XMLSerializer().serializeToString(doc.documentElement.firstChild.firstChild).length };
  callback(null, user, context);
}
