// A package's JSON file, and the module cache: requiring the same package twice (directly and
// through another package that requires it) gives the same object.
exports.onExecutePostLogin = async (event, api) => {
  const lodashPackage = require('lodash/package.json');
  const moment = require('moment');
  const tz = require('moment-timezone');
  api.idToken.setCustomClaim('result', {
    name: lodashPackage.name,
    version: lodashPackage.version,
    sameJson: require('lodash/package.json') === lodashPackage,
    sameModule: require('lodash') === require('lodash'),
    tzExtendsMoment: tz === require('moment-timezone') && typeof moment.tz === 'function',
    zoneData: require('moment-timezone/data/packed/latest.json').version
  });
};
