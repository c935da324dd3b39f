// axios as Action templates use it: a client made with axios.create({baseURL, timeout, headers})
// (the shape of auth0/rules src/rules/mylife-digital-progressive-consent.js) that reads the
// user's profile, posts a notification, and reports the 404 of a missing resource; axios sends
// them through node:https, answered by the HTTP mocks.
const axios = require('axios');

exports.onExecutePostLogin = async (event, api) => {
  const client = axios.create({ baseURL: 'https://api.example.com', timeout: 1000, headers: { Authorization: 'Bearer abc' } });
  const profile = await client.get(`/users/${encodeURIComponent(event.user.user_id)}`, { params: { fields: 'plan,roles' } });
  const notified = await client.post('/notify-user-logged-in', { user_id: event.user.user_id });
  let failure = null;
  try {
    await client.get('/missing');
  } catch (e) {
    failure = { isAxiosError: axios.isAxiosError(e), message: e.message, code: e.code, status: e.response.status, data: e.response.data };
  }
  api.idToken.setCustomClaim('result', {
    uri: client.getUri({ url: '/citizens', params: { ref: event.user.user_id } }),
    profile: { status: profile.status, data: profile.data, type: profile.headers['content-type'] },
    notified: { status: notified.status, text: notified.statusText, data: notified.data },
    failure
  });
};
