function defaultPictureForNullAvatars(user, context, callback) {
  // Usage from auth0/rules src/rules/default-picture-null-avatars.js: url.parse(…, true), url.format.
  const url = require('url');
  const u = url.parse('https://s.gravatar.com/avatar/8eb1b5?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png', true);
  u.query.d = 'https://example.com/default.png';
  delete u.search;
  context.idToken['result'] = url.format(u);
  callback(null, user, context);
}
