// fetch of a blob: URL, as an Action that builds a document in memory (a Blob, as the
// auth0/opensource-marketplace templates that post FormData do) and reads it back through
// URL.createObjectURL: the answer's status, headers and body, and what Node refuses (another
// method, a query on the URL, a revoked URL).
exports.onExecutePostLogin = async (event, api) => {
  const blob = new Blob([JSON.stringify({ user: event.user.user_id })], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const response = await fetch(url);
  const answer = {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    type: response.type,
    redirected: response.redirected,
    sameUrl: response.url === url,
    body: await response.json(),
    prefix: url.slice(0, 5),
  };
  const failure = async (input, init) => {
    try {
      await fetch(input, init);
      return null;
    } catch (e) {
      return { name: e.name, message: e.message, cause: e.cause && e.cause.message };
    }
  };
  const post = await failure(url, { method: 'POST', body: 'x' });
  const query = await failure(`${url}?x=1`);
  const untyped = await (await fetch(URL.createObjectURL(new Blob(['plain'])))).headers.get('content-type');
  URL.revokeObjectURL(url);
  const revoked = await failure(url);
  api.idToken.setCustomClaim('result', { answer, post, query, untyped, revoked });
};
