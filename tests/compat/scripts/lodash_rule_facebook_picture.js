function facebookCustomPicture(user, context, callback) {
  // Usage from auth0/rules src/rules/facebook-custom-picture.js: _.find over user.identities.
  const _ = require('lodash');
  if (context.connection === 'facebook') {
    const fbIdentity = _.find(user.identities, { connection: 'facebook' });
    context.idToken['result'] = 'https://graph.facebook.com/v2.5/' + fbIdentity.user_id + '/picture?type=large';
  }
  callback(null, user, context);
}
