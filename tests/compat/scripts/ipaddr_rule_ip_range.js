function guardianMultifactorIpRange(user, context, callback) {
  // Usage from auth0/rules src/rules/guardian-multifactor-ip-range.js.
  const ipaddr = require('ipaddr.js');
  const corp_network = '192.168.1.134/26';
  const current_ip = ipaddr.parse(context.request.ip);
  context.idToken['result'] = { inCorporateNetwork: current_ip.match(ipaddr.parseCIDR(corp_network)) };
  callback(null, user, context);
}
