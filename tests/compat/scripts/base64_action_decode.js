// `atob` and `btoa` as Actions use them: decoding a JWT's payload from the query (base64url
// turned into base64 first, as the templates do, or not, which Node refuses), and the errors
// Node gives for what forgiving-base64 does not allow (a `DOMException` named
// `InvalidCharacterError`), caught to deny the login with the error's message.
exports.onExecutePostLogin = async (event, api) => {
  const out = {};
  const payload = "eyJzdWIiOiJhdXRoMHwxMjMiLCJub25jZSI6ImFiLV8_In0";
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  out.decoded = JSON.parse(atob(base64));
  const attempt = (f) => {
    try {
      return ["ok", f()];
    } catch (e) {
      return [e.name, e.message, e.code, e instanceof DOMException, String(e)];
    }
  };
  out.urlSafe = attempt(() => atob(payload));
  const inputs = ["YQ==", "YQ", "YQ===", "YQ=a", "YWJ=", "a", "abc", " YW\nJj\t", "====", "", "%%%", "ÿ", null, undefined, 12345678];
  out.atob = inputs.map((input) => attempt(() => atob(input)));
  out.btoa = ["abc", "ÿé", "Ā", "€", "", null, 1.5].map((input) => attempt(() => btoa(input)));
  out.missing = [attempt(() => atob()), attempt(() => btoa())];
  const token = event.request.query?.token ?? "not.base64!.x";
  try {
    JSON.parse(atob(token.split(".")[1]));
  } catch (e) {
    out.denied = `invalid token: ${e.name}: ${e.message}`;
  }
  api.idToken.setCustomClaim("result", out);
};
