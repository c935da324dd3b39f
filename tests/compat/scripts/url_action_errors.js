// URLs an Action parses from its input, and the errors Node gives for those that do not parse
// (`TypeError: Invalid URL`, `code` ERR_INVALID_URL, the `input` and `base`), as the
// "redirect to an allowed URL" templates meet them: a `redirect_uri` or `returnTo` from the
// query, resolved against the application's URL, refused when it does not parse.
exports.onExecutePostLogin = async (event, api) => {
  const out = {};
  const parse = (...args) => {
    try {
      const url = new URL(...args);
      return ["ok", url.href, url.origin, url.constructor === URL, url instanceof URL];
    } catch (e) {
      return [e.name, e.message, { ...e }, e instanceof TypeError, String(e)];
    }
  };
  out.absolute = parse("https://app.example.com/callback?x=1#top");
  out.relative = parse("/callback", "https://app.example.com/login");
  out.noScheme = parse("app.example.com/callback");
  out.badHost = parse("https://[app.example.com/");
  out.badBase = parse("/callback", "not a url");
  out.absoluteBadBase = parse("https://app.example.com/", "not a url");
  out.nullBase = parse("callback", null);
  out.undefinedBase = parse("callback", undefined);
  out.missing = parse();
  out.object = parse({ toString: () => "https://[x" });
  out.canParse = [URL.canParse("https://a.example/"), URL.canParse("nope"), URL.canParse("/x", "https://a.example/")];
  try {
    URL.canParse();
  } catch (e) {
    out.canParseMissing = [e.name, e.message, e.code];
  }
  class AllowedUrl extends URL {
    allowed() {
      return this.origin === "https://app.example.com";
    }
  }
  out.subclass = [new AllowedUrl("https://app.example.com/x").allowed(), parse.call(null, "https://evil.example/x")[2]];
  try {
    new AllowedUrl("x");
  } catch (e) {
    out.subclassError = [e.message, e.code, e.input];
  }
  const returnTo = event.request.query?.returnTo ?? "https://[bad";
  try {
    new URL(returnTo);
    out.decision = "allowed";
  } catch (e) {
    out.decision = `invalid returnTo: ${e.message} (${e.code})`;
  }
  out.request = (() => {
    try {
      new Request("not a url");
    } catch (e) {
      return [e.name, e.message, e.cause?.message, e.cause?.code, e.cause?.input];
    }
  })();
  api.idToken.setCustomClaim("result", out);
};
