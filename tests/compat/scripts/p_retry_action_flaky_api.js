// p-retry 6, an ES-module-only package (Node 22's require(esm)) that imports the CommonJS package
// retry, as an Action that retries a call to an external API before giving up (the retry loop
// of the auth0/opensource-marketplace templates that call a risk or CRM service): an answer
// that keeps failing is tried three times, then its error is reported; a 404 stops at once.
const { default: pRetry, AbortError } = require('p-retry');

exports.onExecutePostLogin = async (event, api) => {
  const attempts = [];
  const fetchStatus = async (url) => {
    const response = await fetch(url);
    if (response.status === 404) throw new AbortError(`not found: ${url}`);
    if (!response.ok) throw new Error(`status ${response.status}`);
    return response.text();
  };
  const ok = await pRetry(() => fetchStatus('https://api.example.com/status'), { retries: 2, minTimeout: 1 });
  let flaky = null;
  try {
    await pRetry(
      async () => {
        const text = await fetchStatus('https://api.example.com/status');
        throw new Error(`unexpected answer: ${text}`);
      },
      {
        retries: 2,
        minTimeout: 1,
        maxTimeout: 2,
        onFailedAttempt: (error) => attempts.push([error.attemptNumber, error.retriesLeft, error.message]),
      },
    );
  } catch (e) {
    flaky = { name: e.name, message: e.message };
  }
  let missing = null;
  try {
    await pRetry(() => fetchStatus('https://api.example.com/missing'), { retries: 5, minTimeout: 1 });
  } catch (e) {
    missing = { name: e.name, message: e.message };
  }
  api.idToken.setCustomClaim('result', { ok, flaky, attempts, missing });
};
