// Usage from auth0/opensource-marketplace templates/guardian-multifactor-ip-range-POST_LOGIN/code.js:
// ipaddr.parse(event.request.ip) matched against ipaddr.parseCIDR(event.secrets.TRUSTED_CIDR).
exports.onExecutePostLogin = async (event, api) => {
  const ipaddr = require('ipaddr.js');
  const current_ip = ipaddr.parse(event.request.ip);
  const cidr = ipaddr.parseCIDR(event.secrets.TRUSTED_CIDR);
  const outside = ipaddr.parse('203.0.113.42');
  api.idToken.setCustomClaim('result', {
    trusted: current_ip.match(cidr),
    outsideTrusted: outside.match(cidr),
    kind: current_ip.kind(),
    range: current_ip.range(),
    mapped: ipaddr.process('::ffff:192.168.1.150').toString(),
    v6: ipaddr.parse('2001:db8::1').toNormalizedString(),
    subnet: ipaddr.subnetMatch(outside, { documentation: [ipaddr.parseCIDR('203.0.113.0/24')] }, 'other')
  });
};
