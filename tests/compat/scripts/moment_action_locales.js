// moment's locales are files it requires by a computed relative name ('./locale/' + name).
exports.onExecutePostLogin = async (event, api) => {
  const moment = require('moment');
  const when = moment.utc('2024-01-15T10:00:00.000Z');
  const result = {};
  for (const locale of ['fr', 'de', 'es', 'pt-br', 'ja', 'xx-unknown']) {
    result[locale] = when.clone().locale(locale).format('LLLL') + ' | ' + when.clone().locale(locale).fromNow();
  }
  result.global = moment.locale();
  api.idToken.setCustomClaim('result', result);
};
