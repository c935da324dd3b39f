function consentricProgressiveConsent(user, context, callback) {
  // Usage from auth0/rules src/rules/mylife-digital-progressive-consent.js:
  // moment().add(3, 'months').toISOString() and moment(exp).subtract(1, 'days').isAfter(moment()).
  const moment = require('moment');
  const expiryDate = moment().add(3, 'months').toISOString();
  context.idToken['result'] = {
    expiryDate: expiryDate,
    stillValid: moment(expiryDate).subtract(1, 'days').isAfter(moment()),
    expiredYesterday: moment('2024-03-09T00:00:00Z').subtract(1, 'days').isAfter(moment()),
    fromNow: moment('2024-01-15T10:00:00.000Z').fromNow(),
    formatted: moment('2024-01-15T10:00:00.000Z').utc().format('dddd, MMMM Do YYYY, h:mm:ss a'),
    unix: moment('2024-01-15T10:00:00.000Z').unix()
  };
  callback(null, user, context);
}
