-- wrk script for bench/run. Settings come from the environment:
--   BENCH_METHOD   GET (default) or POST
--   BENCH_BODY     a fixed request body (form-encoded)
--   BENCH_HEADERS  extra headers, one "Name: value" per line (cookies, CSRF token, content type)
--   BENCH_POOL     file prefix: thread N reads <prefix>.N, one request per line as "cookie<TAB>body",
--                  used in order (wrapping around) for requests that must differ (single-use tokens,
--                  one person per join)
-- done() prints one line: BENCH_RESULT {json} with the request count, p50/p99 and errors.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  body = os.getenv("BENCH_BODY")
  if body == "" then body = nil end
  -- What every browser sends: pages the portal keeps compressed (the public plan) answer in gzip.
  base_headers = {["Accept-Encoding"] = "gzip, deflate, br"}
  for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then base_headers[name] = value end
  end
  pool = nil
  local prefix = os.getenv("BENCH_POOL") or ""
  if prefix ~= "" then
    pool = {}
    for line in io.lines(prefix .. "." .. id) do
      local cookie, entry_body = line:match("^([^\t]*)\t(.*)$")
      table.insert(pool, {cookie, entry_body})
    end
  end
  issued = 0
  ok = 0
  redirects = 0
  client_errors = 0
  server_errors = 0
end

function request()
  issued = issued + 1
  if pool then
    local entry = pool[((issued - 1) % #pool) + 1]
    local headers = {}
    for name, value in pairs(base_headers) do headers[name] = value end
    if entry[1] ~= "" then headers["Cookie"] = entry[1] end
    return wrk.format(method, nil, headers, entry[2])
  end
  return wrk.format(method, nil, base_headers, body)
end

function response(status, headers, response_body)
  if status < 300 then ok = ok + 1
  elseif status < 400 then redirects = redirects + 1
  elseif status < 500 then client_errors = client_errors + 1
  else server_errors = server_errors + 1 end
end

function done(summary, latency, requests)
  local totals = {ok = 0, redirects = 0, client_errors = 0, server_errors = 0, issued = 0, pool = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      if name ~= "pool" then totals[name] = totals[name] + (thread:get(name) or 0) end
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"ok": %d, "redirects": %d, "client_errors": %d, "server_errors": %d, "issued": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    totals.ok, totals.redirects, totals.client_errors, totals.server_errors, totals.issued,
    e.connect, e.read, e.write, e.timeout))
end
