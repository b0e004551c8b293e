# mk/bench_ui.mk — `make bench-ui`: the browser UI's speed on the REST API bench's data (issue 11): Home's first
# screen, Home while 100 status events a second arrive, a month's transaction search; real csms (release build),
# real Chromium (Debian chromium + playwright-core), ocpp-rpc stations. Not part of `make test`.
# Environment: see bench/bench_ui.js (a quick run: STATIONS=500 TRANSACTIONS=20000 LOAD_SECONDS=10 RUNS=3).
.PHONY: bench-ui

bench-ui: deps $(B)/csms $(B)/gen_api_data
	node bench/bench_ui.js
