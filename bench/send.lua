-- wrk script: POST /api/v2/sms with a JSON body and a real bearer token.
-- The request is the one of the limit server's sms_post.lua, so both servers do the same work.
--   MG_TOKEN=<access token> wrk -t1 -c32 -d10s -s send.lua http://127.0.0.1:8080/api/v2/sms
-- MG_BODY=<json> sends another body (redis_scale.py --lifecycle: one that asks for ACKs).
-- MG_STOP_AFTER=<n> turns it into a loader that pre-fills the store: after n responses the thread stops
-- and touches MG_DONE_FILE, so the caller can end wrk (its main thread sleeps for the whole -d).
-- Only then is a response() callback defined: it runs Lua per request and slows wrk down.
-- done() prints one machine-readable line at the end:
--   RESULT rps=<req/s> p50_us=<..> p90_us=<..> p99_us=<..> max_us=<..>
--          requests=<n> non2xx=<n> errors=<connect+read+write+timeout>

wrk.method = "POST"
wrk.path = "/api/v2/sms"
wrk.body = os.getenv("MG_BODY")
   or '{"destination":["447700900123"],"message":"Hello World!!","callback":"http://127.0.0.1:9999/acks"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("MG_TOKEN") or "bench-token-0123456789abcdef")

local stop_after = tonumber(os.getenv("MG_STOP_AFTER") or "")
if stop_after then
   local seen = 0
   function response(status, headers, body)
      seen = seen + 1
      if seen == stop_after then
         local marker = os.getenv("MG_DONE_FILE")
         if marker then
            local f = io.open(marker, "w")
            if f then f:write(seen, "\n"); f:close() end
         end
         wrk.thread:stop()
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "RESULT rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d requests=%d non2xx=%d errors=%d\n",
      summary.requests / secs,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, summary.requests, e.status,
      e.connect + e.read + e.write + e.timeout))
end
