-- wrk script: sends pre-generated signed requests (routerd-loadgen
-- --emit-requests FILE --count N) in order, so that every request is unique
-- and none is answered as a duplicate.
--
--   wrk -t1 -c32 -d10s -s bench/loadgen/cycle_requests.lua http://127.0.0.1:8080/ -- FILE [threads]
--
-- FILE holds records "<length>\n<raw HTTP request>". With several wrk threads,
-- pass their number: thread k sends records k, k+threads, ... so that threads
-- never send the same request. A thread that runs out starts over; those
-- requests are duplicates, and done() says how many there were.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local stride = tonumber(args[2] or "1")
  local f = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  requests = {}
  local n = 0
  local index = 0
  while true do
    local line = f:read("*l")
    if not line then break end
    local len = tonumber(line)
    local bytes = f:read(len)
    if index % stride == id then
      n = n + 1
      requests[n] = bytes
    end
    index = index + 1
  end
  f:close()
  count = n
  next_index = 0
  sent = 0
  wrapped = 0
end

function request()
  next_index = next_index + 1
  if next_index > count then
    next_index = 1
    wrapped = wrapped + 1
  end
  sent = sent + 1
  return requests[next_index]
end

function done(summary, latency, requests)
  local total, beyond = 0, 0
  for _, t in ipairs(threads) do
    local s = t:get("sent")
    local c = t:get("count")
    total = total + s
    if s > c then beyond = beyond + (s - c) end
  end
  io.write(string.format("cycle_requests: %d requests sent from the file, %d of them beyond its end (repeats)\n",
                         total, beyond))
end
