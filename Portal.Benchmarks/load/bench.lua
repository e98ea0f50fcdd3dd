-- wrk script shared by every route of run-load.sh, so that wrk does the same Lua work per request on each
-- (the ping ceiling included) and the ratio compares the server, not the client.
-- Environment: BENCH_METHOD, BENCH_PATH, BENCH_BODY (JSON, optional), BENCH_KEY_HEADER ("Authorization" sends
-- `Bearer <key>`, "X-Api-Key" sends the key as is, empty sends none) and BENCH_KEYS (comma-separated).
-- Requests are pre-formatted once per thread and cycled through the keys: one key is capped at 100,000
-- requests per minute by the API, far less than this machine serves, so the load is spread over several.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
if body == "" then body = nil end
local header = os.getenv("BENCH_KEY_HEADER") or ""

local keys = {}
for key in string.gmatch(os.getenv("BENCH_KEYS") or "", "[^,]+") do keys[#keys + 1] = key end
if #keys == 0 then keys[1] = "" end

local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

local requests, n, i = {}, 0, 0
function init(args)
  for _, key in ipairs(keys) do
    local headers = {}
    if body then headers["Content-Type"] = "application/json" end
    if header == "Authorization" then headers["Authorization"] = "Bearer " .. key
    elseif header ~= "" then headers[header] = key end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  n = #requests
  i = (offset or 0) % n
end

function request()
  i = i % n + 1
  return requests[i]
end
