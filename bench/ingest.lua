-- wrk script for bench/ingest.sh: POSTs one ~1 KB JSON event per request and prints a machine-readable summary.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local pad = string.rep("x", 700)
wrk.body = string.format(
  '{"id":"evt_000000000001","type":"order.created","created_at":"2026-11-23T12:00:00Z",' ..
  '"customer":{"id":42,"email":"ada@example.com","tags":["vip","newsletter"]},' ..
  '"items":[{"sku":"A-1","qty":2,"price":19.99},{"sku":"B-7","qty":1,"price":5.5}],' ..
  '"total":45.48,"paid":true,"note":"%s"}', pad)

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d body_bytes=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    non2xx, socket, #wrk.body))
end
