// xpath with namespaces over a SAML assertion, as SAML Actions read attributes.
const { DOMParser } = require('@xmldom/xmldom');
const xpath = require('xpath');

exports.onExecutePostLogin = async (event, api) => {
  const xml =
    '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" IssueInstant="2024-03-10T12:00:00Z">' +
    '<saml:AttributeStatement>' +
    '<saml:Attribute Name="groups"><saml:AttributeValue>staff</saml:AttributeValue><saml:AttributeValue>vpn</saml:AttributeValue></saml:Attribute>' +
    '<saml:Attribute Name="department"><saml:AttributeValue>R&amp;D</saml:AttributeValue></saml:Attribute>' +
    '</saml:AttributeStatement></saml:Assertion>';
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const select = xpath.useNamespaces({ saml: 'urn:oasis:names:tc:SAML:2.0:assertion' });
  api.idToken.setCustomClaim('result', {
    groups: select("//saml:Attribute[@Name='groups']/saml:AttributeValue/text()", doc).map(String),
    department: select("string(//saml:Attribute[@Name='department']/saml:AttributeValue)", doc),
    id: select('string(/saml:Assertion/@ID)', doc),
    names: select('//saml:Attribute/@Name', doc).map((a) => a.value),
    sum: xpath.select('count(//*) + 1', doc)
  });
};
