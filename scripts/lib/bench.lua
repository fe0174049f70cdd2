-- wrk script for scripts/bench: counts responses that are not 2xx and, when the run
-- is over, prints one machine-readable line:
--
--   BENCH requests=N seconds=S rps=R p50_ms=A p95_ms=B p99_ms=C max_ms=D
--         connect=E read=F write=G timeout=H non2xx=I first_bad_status=J bytes=K
--
-- (all on one line). Latencies are in milliseconds. A redirect counts as not 2xx:
-- the benchmark must measure the page itself, not a hop to it.
--
-- Defining response() makes wrk hand every response to Lua, which costs some
-- throughput; every endpoint, the static baseline included, pays the same.

local threads = {}

-- Runs in the main Lua state once per thread, before the run.
function setup(thread)
	table.insert(threads, thread)
end

-- Runs in each thread's own Lua state.
function init(args)
	non2xx = 0
	first_bad_status = 0
end

function response(status, headers, body)
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
		if first_bad_status == 0 then
			first_bad_status = status
		end
	end
end

-- Runs in the main Lua state after the run.
function done(summary, latency, requests)
	local non2xx_total, first_bad = 0, 0
	for _, thread in ipairs(threads) do
		non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
		local bad = thread:get("first_bad_status") or 0
		if first_bad == 0 and bad ~= 0 then
			first_bad = bad
		end
	end
	local seconds = summary.duration / 1e6
	local e = summary.errors
	io.write(string.format(
		"BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f"
			.. " connect=%d read=%d write=%d timeout=%d non2xx=%d first_bad_status=%d bytes=%d\n",
		summary.requests,
		seconds,
		seconds > 0 and summary.requests / seconds or 0,
		latency:percentile(50) / 1000,
		latency:percentile(95) / 1000,
		latency:percentile(99) / 1000,
		latency.max / 1000,
		e.connect,
		e.read,
		e.write,
		e.timeout,
		non2xx_total,
		first_bad,
		summary.bytes
	))
end
