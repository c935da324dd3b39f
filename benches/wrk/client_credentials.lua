-- wrk script: POST /oauth/token with the client_credentials grant; every answer must be a token.
-- Environment: CLIENT_ID, CLIENT_SECRET, AUDIENCE.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
wrk.body = "grant_type=client_credentials&client_id=" .. enc(os.getenv("CLIENT_ID"))
  .. "&client_secret=" .. enc(os.getenv("CLIENT_SECRET") or "")
  .. "&audience=" .. enc(os.getenv("AUDIENCE"))

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() tokens, failures = 0, 0 end
function response(status, headers, body)
  if status == 200 and body:find('"access_token"', 1, true) then tokens = tokens + 1 else failures = failures + 1 end
end
function done(summary)
  local t, f = 0, 0
  for _, thread in ipairs(threads) do t = t + thread:get("tokens"); f = f + thread:get("failures") end
  io.write(string.format("RESULT tokens=%d failures=%d seconds=%.3f\n", t, f, summary.duration / 1e6))
end
