#!/usr/bin/env bash
# run-tests.sh — runs every test suite (make targets given as arguments), keeps going after a failure,
# and ends with one line a CI can read: "tests: N passed, N failed" summed over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
log=build/test.log
: >"$log"
passed=0
failed=0
start=$SECONDS
for suite in "$@"; do
	echo "=== $suite"
	t0=$SECONDS
	if make --no-print-directory "$suite" 2>&1 | tee build/suite.log; then ok=1; else ok=0; fi
	cat build/suite.log >>"$log"
	# cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)"; node checks: "N passed, N failed"
	p=$(awk '/^\[  PASSED  \] [0-9]+ test/ {s += $4} END {print s + 0}' build/suite.log)
	f=$(awk '/^\[  FAILED  \] [0-9]+ test/ {s += $4} END {print s + 0}' build/suite.log)
	np=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed$' build/suite.log | tail -1)
	p=${p:-0}
	f=${f:-0}
	# node's test runner (TAP): "# pass N" / "# fail N", one pair per test file
	p=$((p + $(awk '/^# pass [0-9]+$/ {s += $3} END {print s + 0}' build/suite.log)))
	f=$((f + $(awk '/^# fail [0-9]+$/ {s += $3} END {print s + 0}' build/suite.log)))
	if [ -n "$np" ]; then
		p=$((p + ${np%% passed*}))
		f=$((f + $(echo "$np" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')))
	fi
	# a suite without counts (fuzzers, generated-code check) counts as one test
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		if [ $ok -eq 1 ]; then p=1; else f=1; fi
	elif [ $ok -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1 # the suite failed without saying which test: count the failure
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "=== $suite: $p passed, $f failed ($((SECONDS - t0)) s)"
done
echo
echo "all suites: $((SECONDS - start)) s"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
