// axios as Action templates use it: a client made with axios.create({baseURL, timeout}) (the
// shape of auth0/rules src/rules/mylife-digital-progressive-consent.js); here the request's URL
// is built without sending it, and a request to a closed local port reports its error code.
const axios = require('axios');

exports.onExecutePostLogin = async (event, api) => {
  const client = axios.create({ baseURL: 'https://api.example.com/v1', timeout: 1000 });
  let failure = null;
  try {
    await axios.get('http://127.0.0.1:1/can-access', { timeout: 2000 });
  } catch (e) {
    failure = { isAxiosError: axios.isAxiosError(e), code: e.code };
  }
  api.idToken.setCustomClaim('result', {
    uri: client.getUri({ url: '/citizens', params: { ref: event.user.user_id } }),
    failure
  });
};
