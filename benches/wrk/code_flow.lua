-- wrk script: complete code + PKCE logins. Each connection alternates GET /authorize (with
-- --auto-login and login_hint: the login runs the tenant's Rules and Actions, then redirects
-- with a code) and POST /oauth/token redeeming that code. A login counts when its token
-- response holds an id_token. Environment: CLIENT_ID, REDIRECT_URI, LOGIN_HINT; AUDIENCE (optional: an
-- API audience, for which the access token is a signed JWT, not an opaque token).
local verifier = "bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
local challenge = "2jWB5HORkKgqnTwY916xUGwDhNNXcfic4GfY6Udgc-4" -- base64url(SHA-256(verifier))
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local client_id, redirect_uri = os.getenv("CLIENT_ID"), os.getenv("REDIRECT_URI")
local authorize = "/authorize?response_type=code&scope=openid%20profile&client_id=" .. enc(client_id)
  .. "&redirect_uri=" .. enc(redirect_uri) .. "&login_hint=" .. enc(os.getenv("LOGIN_HINT"))
  .. "&code_challenge=" .. challenge .. "&code_challenge_method=S256&state=bench"
  .. (os.getenv("AUDIENCE") and ("&audience=" .. enc(os.getenv("AUDIENCE"))) or "")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() logins, failures, codes = 0, 0, {} end
function request()
  local code = table.remove(codes)
  if code then
    local body = "grant_type=authorization_code&code=" .. code .. "&client_id=" .. enc(client_id)
      .. "&redirect_uri=" .. enc(redirect_uri) .. "&code_verifier=" .. verifier
    return wrk.format("POST", "/oauth/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
  return wrk.format("GET", authorize)
end
function response(status, headers, body)
  local location = headers["Location"] or headers["location"]
  if status == 302 and location then
    local code = location:match("[?&]code=([^&]+)")
    if code then table.insert(codes, code) else failures = failures + 1 end
  elseif status == 200 and body:find('"id_token"', 1, true) then
    logins = logins + 1
  else
    failures = failures + 1
  end
end
function done(summary)
  local l, f = 0, 0
  for _, thread in ipairs(threads) do l = l + thread:get("logins"); f = f + thread:get("failures") end
  io.write(string.format("RESULT logins=%d failures=%d seconds=%.3f\n", l, f, summary.duration / 1e6))
end
