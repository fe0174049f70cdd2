-- wrk script for scripts/bench: requests every path of a list file exactly once and
-- stops when all are answered, instead of repeating one URL for a fixed time.
--
--   wrk -t T -c C -d CAP -s bench-list.lua URL -- LIST T DONE_DIR
--
-- Thread k (0-based) of T takes the lines k, k+T, k+2T, ... of LIST (so the threads'
-- slices are disjoint) and asks for them in that order over its connections. A
-- connection with nothing left to ask sends nothing and waits. When a thread has had
-- an answer for every path of its slice it stops, notes so in DONE_DIR, and the last
-- thread to finish sends wrk SIGINT, which ends wrk's fixed-duration sleep (-d is only
-- a cap, in case answers go missing). When the run is over it prints one line:
--
--   BENCH listed=N answered=A requests=R seconds=S rps=X p50_ms=.. p95_ms=.. p99_ms=..
--         max_ms=.. connect=.. read=.. write=.. timeout=.. non200=.. first_bad_status=..
--         first_bad_path=..
--
-- seconds runs from the first request sent to the last answer received (all threads),
-- measured here with the monotonic clock: wrk's own duration would include the time it
-- sleeps after the threads are done. rps = answered / seconds. Any status other than
-- 200 counts in non200 (a redirect included: the list holds the pages themselves).
-- first_bad_path is only known with one connection per thread (else "-").
--
-- A connection left waiting at the end of its thread's slice for longer than the
-- server's keep-alive is closed by the server; wrk counts that as a read error. Such
-- reconnections are counted (idle_reconnects, a lower bound) and taken off "read";
-- if it then waits longer than the server's client request timeout, the server
-- answers 408, which is counted apart (idle_408), not as an answer.
-- wrk counts a timeout for every connection that has waited longer than --timeout at
-- each of its 2-second checks, so one slow answer can count several times.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
int getpid(void);
int kill(int pid, int sig);
]])
local CLOCK_MONOTONIC, SIGINT = 1, 2
local timespec = ffi.new("bench_timespec")
local function now()
	ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
	return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) / 1e9
end

-- Main state: one entry per thread.
local threads = {}
local thread_count = 0

function setup(thread)
	thread:set("id", thread_count)
	thread_count = thread_count + 1
	table.insert(threads, thread)
end

-- Thread state from here on.
function init(args)
	local list, threads_total = args[1], tonumber(args[2])
	done_dir = args[3]
	threads_total = threads_total or 1
	paths = {}
	local i = 0
	for line in io.lines(list) do
		if line ~= "" then
			if i % threads_total == id then
				paths[#paths + 1] = line
			end
			i = i + 1
		end
	end
	threads_wanted = threads_total
	listed = #paths
	sent, answered, non200, first_bad_status = 0, 0, 0, 0
	first_bad_path = "-"
	last_path = "?"
	t_first, t_last = 0, 0
	finished = false
	-- wrk calls request() once on the first thread's state before the run, to check
	-- the request it builds; that call must not use up a path.
	verifying = (id == 0)
	connections = tonumber(args[4]) or 1
	single = (connections == 1)
	idle_calls = 0
	idle_408 = 0
end

local function finish()
	if finished then
		return
	end
	finished = true
	t_last = now()
	wrk.thread:stop()
	local marker = io.open(done_dir .. "/" .. id, "w")
	if marker then
		marker:close()
	end
	-- The last thread to finish ends wrk's sleep (a marker per thread; each thread
	-- writes its own before it looks, so at least one sees them all).
	for k = 0, threads_wanted - 1 do
		local f = io.open(done_dir .. "/" .. k, "r")
		if not f then
			return
		end
		f:close()
	end
	ffi.C.kill(ffi.C.getpid(), SIGINT)
end

function request()
	if verifying then
		verifying = false
		return wrk.format(nil, paths[1] or "/")
	end
	if sent >= listed then
		if listed == 0 then
			finish()
		end
		-- Nothing left: the connection sends nothing and waits for the thread to stop.
		idle_calls = idle_calls + 1
		return ""
	end
	if sent == 0 then
		t_first = now()
	end
	sent = sent + 1
	last_path = paths[sent]
	return wrk.format(nil, last_path)
end

function response(status, headers, body)
	-- The server answers 408 on a connection that sent no request within its client
	-- request timeout: a connection waiting with nothing to ask (reconnected after a
	-- keep-alive close). No URL was asked, so it is neither an answer nor an error.
	if status == 408 and sent >= listed then
		idle_408 = idle_408 + 1
		return
	end
	answered = answered + 1
	if status ~= 200 then
		non200 = non200 + 1
		if first_bad_status == 0 then
			first_bad_status = status
			if single then
				first_bad_path = last_path
			end
		end
	end
	if answered >= listed then
		finish()
	end
end

-- Main state, after the run.
function done(summary, latency, requests)
	local listed_total, answered_total, bad_total, first_bad, bad_path = 0, 0, 0, 0, "-"
	local started, ended = nil, nil
	local idle_reconnects, idle_timeouts = 0, 0
	for _, thread in ipairs(threads) do
		-- Each connection asks once when it finds nothing left; it asks again only when
		-- it was reconnected after the server closed it while it waited (keep-alive
		-- timeout), which wrk counts as a read error although no request was lost.
		local extra = (thread:get("idle_calls") or 0) - (thread:get("connections") or 0)
		if extra > 0 then
			idle_reconnects = idle_reconnects + extra
		end
		idle_timeouts = idle_timeouts + (thread:get("idle_408") or 0)
		listed_total = listed_total + (thread:get("listed") or 0)
		answered_total = answered_total + (thread:get("answered") or 0)
		bad_total = bad_total + (thread:get("non200") or 0)
		local bad = thread:get("first_bad_status") or 0
		if first_bad == 0 and bad ~= 0 then
			first_bad = bad
			bad_path = thread:get("first_bad_path") or "?"
		end
		local t0, t1 = thread:get("t_first") or 0, thread:get("t_last") or 0
		if t0 > 0 and (started == nil or t0 < started) then
			started = t0
		end
		if t1 > 0 and (ended == nil or t1 > ended) then
			ended = t1
		end
	end
	local seconds
	if started and ended and ended > started then
		seconds = ended - started
	else
		-- A thread never finished (answers went missing): fall back to wrk's clock.
		seconds = summary.duration / 1e6
	end
	local e = summary.errors
	io.write(string.format(
		"BENCH listed=%d answered=%d requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p95_ms=%.2f"
			.. " p99_ms=%.2f max_ms=%.2f connect=%d read=%d write=%d timeout=%d non200=%d"
			.. " first_bad_status=%d first_bad_path=%s idle_reconnects=%d idle_408=%d\n",
		listed_total,
		answered_total,
		summary.requests,
		seconds,
		seconds > 0 and answered_total / seconds or 0,
		latency:percentile(50) / 1000,
		latency:percentile(95) / 1000,
		latency:percentile(99) / 1000,
		latency.max / 1000,
		e.connect,
		math.max(0, e.read - idle_reconnects),
		e.write,
		e.timeout,
		bad_total,
		first_bad,
		bad_path,
		idle_reconnects,
		idle_timeouts
	))
end
