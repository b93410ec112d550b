-- Shared by the LAKOO wrk scripts (loaded with dofile): counts responses per status code and
-- prints one machine-readable line from done() that bench/run.sh parses.
--
-- wrk runs setup() and done() in its main Lua state, and init()/request()/response() in one
-- separate Lua state per thread. So the counters live in each thread's globals, and done()
-- collects them through the thread handles that setup() keeps (as in wrk's examples/setup.lua).

local threads = {}

-- Main state, once per thread before it starts: number the threads (`tid` global in each).
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- Thread state. Globals, so that done() can read them with thread:get().
statuses = {} -- status code -> count
non2xx = 0

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

-- Main state, after the run.
function done(summary, latency, requests)
  local total_non2xx = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total_non2xx = total_non2xx + (thread:get("non2xx") or 0)
    for status, count in pairs(thread:get("statuses") or {}) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local codes = {}
  for status, count in pairs(by_status) do
    table.insert(codes, string.format("%d:%d", status, count))
  end
  table.sort(codes)
  local e = summary.errors
  io.write(string.format(
    "LAKOO_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d "
      .. "socket_errors=%d timeouts=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    total_non2xx, e.connect + e.read + e.write, e.timeout, table.concat(codes, ",")))
end
