-- wrk script: PATCH /api/v2/clients/ID with one client_metadata key set to a changing value.
-- Environment: TOKEN (a Management API token). The path is the URL given to wrk.
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local threads = {}
local counter = 0
function setup(thread) table.insert(threads, thread) end
function init(args) ok, failures = 0, 0 end
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format('{"client_metadata":{"BENCH":"%d"}}', counter))
end
function response(status) if status == 200 then ok = ok + 1 else failures = failures + 1 end end
function done(summary)
  local o, f = 0, 0
  for _, thread in ipairs(threads) do o = o + thread:get("ok"); f = f + thread:get("failures") end
  io.write(string.format("RESULT patches=%d failures=%d seconds=%.3f\n", o, f, summary.duration / 1e6))
end
