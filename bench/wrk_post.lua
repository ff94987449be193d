-- wrk script of the bench: POST requests set from the environment, and one summary line.
--   WRK_BODY    the body; each "{n}" in it becomes a number unique to the request (per
--               run: thread number and counter), e.g. a new user per request
--   WRK_TYPE    Content-Type (default application/json)
--   WRK_AUTH    Authorization header (optional)
--   WRK_ORIGIN  Origin header (optional; the console's /rpc calls want it)
-- At the end: `WRK_JSON {...}` with requests, seconds, wrk's error counts (status = answers
-- of 400 or more) and the latency p50/p99/max in ms.
local body = os.getenv("WRK_BODY") or ""
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("WRK_TYPE") or "application/json"
if os.getenv("WRK_AUTH") then wrk.headers["Authorization"] = os.getenv("WRK_AUTH") end
if os.getenv("WRK_ORIGIN") then wrk.headers["Origin"] = os.getenv("WRK_ORIGIN") end

local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

if body:find("{n}", 1, true) then
  local n = 0
  function request()
    n = n + 1
    return wrk.format(nil, nil, nil, (body:gsub("{n}", tid .. "-" .. n)))
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
      .. '"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
