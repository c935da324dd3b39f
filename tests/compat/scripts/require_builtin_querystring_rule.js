function fraudPreventionWithMinfraud(user, context, callback) {
  // Usage from auth0/rules src/rules/fraud-prevention-with-minfraud.js: querystring.stringify of
  // the request's fields, querystring.parse(body, ';') of the answer.
  const querystring = require('querystring');
  const data = { i: context.request.ip, domain: user.email.split('@')[1], emailMD5: 'x y' };
  context.idToken['result'] = {
    body: querystring.stringify(data),
    parsed: querystring.parse('riskScore=0.12;err=;explanation=low risk', ';')
  };
  callback(null, user, context);
}
