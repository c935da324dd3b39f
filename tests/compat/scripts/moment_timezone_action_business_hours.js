// "Deny logins outside business hours in the user's time zone" (the first Action many tenants
// write); the zone data is a JSON file moment-timezone requires. The clock is frozen at
// 2024-03-10T12:00:00Z, hours after the United States moved to summer time.
exports.onExecutePostLogin = async (event, api) => {
  const moment = require('moment-timezone');
  const zone = event.user.user_metadata.time_zone;
  const local = moment().tz(zone);
  const hour = local.hour();
  const open = local.isoWeekday() <= 5 && hour >= 9 && hour < 17;
  const zones = {};
  for (const z of ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Auckland', 'America/Sao_Paulo']) {
    zones[z] = moment.tz('2024-03-10T12:00:00Z', z).format('YYYY-MM-DD HH:mm Z z');
  }
  api.idToken.setCustomClaim('result', {
    local: local.format(),
    open,
    isDST: local.isDST(),
    beforeChange: moment.tz('2024-03-10T06:00:00Z', zone).format(),
    zones,
    known: moment.tz.zone('Mars/Olympus_Mons')
  });
};
