function createIntercomUser(user, context, callback) {
  // Usage from auth0/rules src/rules/intercom-user.js: require('moment-timezone') and
  // moment(user.created_at).unix(); plus the zone conversion the package exists for.
  const moment = require('moment-timezone');
  context.idToken['result'] = {
    signed_up_at: moment('2024-01-15T10:00:00.000Z').unix(),
    localTime: moment().tz(user.user_metadata.time_zone).format(),
    zoneAbbr: moment.tz('2024-07-01T12:00:00Z', 'Europe/Paris').format('z Z')
  };
  callback(null, user, context);
}
