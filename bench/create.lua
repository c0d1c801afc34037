-- wrk script: POST /v1/migrations with a unique pod per request (one active job per pod).
-- setup() runs once per wrk thread in the main state and hands each thread its own number.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = string.format('{"source":{"namespace":"bench","pod":"p-%d-%d"},"targetNode":"node-b"}', thread_number, counter)
  return wrk.format(nil, "/v1/migrations", nil, body)
end
