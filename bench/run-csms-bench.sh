#!/usr/bin/env bash
# run-csms-bench.sh — runs the same OCPP load, in one run on this machine, against the bare libwebsockets
# echo server (the ceiling), a minimal ocpp-rpc central system on Node, and csms; prints one table with ratios.
#
# Scenarios (each server gets the same ones, generator on the same machine):
#   closed loop, CLOSED_STATIONS stations: Heartbeat, then MeterValues transactions (48 MeterValues each),
#   then short transactions (StartTransaction, TX_METER_VALUES MeterValues, StopTransaction) -> msg/s, p50, p99
#   open loop, OPEN_STATIONS stations, RATE MeterValues-transaction msg/s in total     -> achieved, p50/p99/p99.9
#   idle memory: STATIONS stations connected and booted, (RSS after - RSS before) / STATIONS -> KiB/connection
#   storm: STATIONS stations connect at once, then close and reconnect at once           -> ms until all booted
# Environment: SERVERS="echo node csms" STATIONS=10000 CLOSED_STATIONS=100 OPEN_STATIONS=1000 RATE=20000
#   DURATION=10 WARMUP=2 TX_METER_VALUES=2 PORT=9400 OUT=build/bench-csms CSMS_ARGS="" (extra csms options)
#   CSMS_BIN=build/release/csms (e.g. a copy of an older build, for a before/after in one run),
#   PARTS="throughput connections" (the first three scenarios, the last two).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

SERVERS=${SERVERS:-"echo node csms"}
STATIONS=${STATIONS:-10000}
CLOSED_STATIONS=${CLOSED_STATIONS:-100}
OPEN_STATIONS=${OPEN_STATIONS:-1000}
RATE=${RATE:-20000}
DURATION=${DURATION:-10}
TX_METER_VALUES=${TX_METER_VALUES:-2}
WARMUP=${WARMUP:-2}
PORT=${PORT:-9400}
OUT=${OUT:-build/bench-csms}
CSMS_ARGS=${CSMS_ARGS:-}
B=build/release
LOADGEN=$B/loadgen
CSMS_BIN=${CSMS_BIN:-$B/csms}
PARTS=${PARTS:-"throughput connections"}

server_pid=""
gen_pid=""
data_dirs=()
declare -A R # R[server.metric] = value

cleanup() {
	[ -n "$gen_pid" ] && kill "$gen_pid" 2>/dev/null
	stop_server
	for d in "${data_dirs[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for bin in "$LOADGEN" "$B/echo_server"; do
	[ -x "$bin" ] || { echo "run-csms-bench: $bin is missing: run make all first" >&2; exit 1; }
done
mkdir -p "$OUT"
# The generator and the servers each hold one descriptor per station.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

stop_server() {
	[ -n "$server_pid" ] || return 0
	kill "$server_pid" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
}

# start_server NAME: starts it on a new port (sets $port and $server_pid) and waits until it listens.
start_server() {
	local name=$1 log
	PORT=$((PORT + 1))
	port=$PORT
	log="$OUT/$name-server.log"
	case $name in
	echo) "$B/echo_server" "$port" >>"$log" 2>&1 & ;;
	node) node bench/node_csms.js "$port" >>"$log" 2>&1 & ;;
	csms)
		local dir
		dir=$(mktemp -d "${TMPDIR:-/tmp}/wattline-bench.XXXXXX")
		data_dirs+=("$dir")
		# the generator's cards (BENCH00001.. padded to 14 characters, as csms stores them) are registered
		# like a real deployment's: csms creates its schema, then they go in before the run
		"$CSMS_BIN" --port "$port" --data "$dir" --log-level warn >>"$log" 2>&1 &
		sleep 0.5
		kill -TERM $! && wait $! 2>/dev/null
		sqlite3 "$dir/csms.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
			INSERT OR IGNORE INTO id_tag (id_tag, created) SELECT printf('BENCH%05d', i) || '0000', 0 FROM n"
		# shellcheck disable=SC2086 # CSMS_ARGS is a list of options
		# one bench station sends ~200 messages a second in the closed loop: far above a real one's budget
		"$CSMS_BIN" --port "$port" --data "$dir" --station-policy accept --log-level warn \
			--station-msg-rate 1000000 --station-byte-rate 1000000000 $CSMS_ARGS >>"$log" 2>&1 &
		;;
	esac
	server_pid=$!
	for _ in $(seq 1 300); do
		if ! kill -0 "$server_pid" 2>/dev/null; then
			echo "run-csms-bench: $name exited at start, see $log" >&2
			server_pid=""
			return 1
		fi
		ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	echo "run-csms-bench: $name does not listen on port $port after 30 s, see $log" >&2
	stop_server
	return 1
}

# wait_released: waits (up to 60 s) until the server holds no connection of the previous scenario on its
# port (established or closed by the peer and not yet by the server). Every scenario reuses the station ids
# BENCH00001..; the csms rightly refuses (409) a second unauthenticated connection of a station it still sees
# connected, so a scenario started before the csms has taken in the previous one's closes measured the csms's
# refusals (and, with 2 x 10,000 sockets, its descriptor limit) as timeouts, where echo and Node, which keep
# no sessions, accepted at once. Real stations that reconnect also wait for their old session to end.
wait_released() {
	local t0 n=0
	t0=$(date +%s%N)
	for _ in $(seq 1 600); do
		n=$(ss -Htan "( sport = :$port )" 2>/dev/null | grep -cv -e LISTEN -e TIME-WAIT)
		[ "$n" -eq 0 ] && break
		sleep 0.1
	done
	echo "  (the previous connections released in $((($(date +%s%N) - t0) / 1000000)) ms; $n left)"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# field LINE KEY: the value of key=value in a result line
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }

# gen NAME TAG ARGS...: runs the generator, keeps its log, returns its result line in $result.
gen() {
	local name=$1 tag=$2 log
	shift 2
	log="$OUT/$name-$tag.log"
	wait_released
	timeout $((DURATION + WARMUP + 300)) "$LOADGEN" --port "$port" "$@" >"$log" 2>&1
	result=$(grep '^result ' "$log" | tail -1)
	if [ -z "$result" ]; then
		echo "  $tag: no result, see $log" >&2
		return 1
	fi
	echo "  $tag: $(echo "$result" | cut -d' ' -f2-)"
	add_errors "$name" "$result"
}

add_errors() { local e; e=$(field "$2" errors); R[$1.errors]=$((${R[$1.errors]:-0} + ${e:-0})); }

run_throughput() {
	local name=$1
	start_server "$name" || return 1
	if gen "$name" heartbeat --mode heartbeat --closed --stations "$CLOSED_STATIONS" --duration "$DURATION" \
		--warmup "$WARMUP"; then
		R[$name.hb_rate]=$(field "$result" rate_per_s)
		R[$name.hb_p50]=$(field "$result" p50_ms)
		R[$name.hb_p99]=$(field "$result" p99_ms)
	fi
	if gen "$name" metervalues --mode metervalues --closed --stations "$CLOSED_STATIONS" --duration "$DURATION" \
		--warmup "$WARMUP"; then
		R[$name.mv_rate]=$(field "$result" rate_per_s)
		R[$name.mv_p50]=$(field "$result" p50_ms)
		R[$name.mv_p99]=$(field "$result" p99_ms)
	fi
	if gen "$name" transactions --mode metervalues --tx-meter-values "$TX_METER_VALUES" --closed \
		--stations "$CLOSED_STATIONS" --duration "$DURATION" --warmup "$WARMUP"; then
		R[$name.tx_rate]=$(field "$result" rate_per_s)
		R[$name.tx_p50]=$(field "$result" p50_ms)
		R[$name.tx_p99]=$(field "$result" p99_ms)
	fi
	if gen "$name" open --mode metervalues --rate "$RATE" --stations "$OPEN_STATIONS" --duration "$DURATION" \
		--warmup "$WARMUP"; then
		R[$name.op_rate]=$(field "$result" rate_per_s)
		R[$name.op_p50]=$(field "$result" p50_ms)
		R[$name.op_p99]=$(field "$result" p99_ms)
		R[$name.op_p999]=$(field "$result" p999_ms)
	fi
	stop_server
}

run_connections() {
	local name=$1 before after hold=$((30 + STATIONS / 250)) glog
	start_server "$name" || return 1
	sleep 1
	before=$(rss_kib "$server_pid")
	glog="$OUT/$name-idle.log"
	wait_released
	timeout $((hold + 300)) "$LOADGEN" --port "$port" --idle --stations "$STATIONS" --duration "$hold" >"$glog" 2>&1 &
	gen_pid=$!
	for _ in $(seq 1 3000); do
		grep -q '^idle:' "$glog" && break
		kill -0 "$gen_pid" 2>/dev/null || break
		sleep 0.1
	done
	if grep -q '^idle:' "$glog"; then
		sleep 3 # let the last StatusNotifications and allocations settle
		after=$(rss_kib "$server_pid")
		R[$name.kib]=$(awk -v a="$after" -v b="$before" -v n="$STATIONS" 'BEGIN {printf "%.1f", (a - b) / n}')
		echo "  idle: RSS ${before} KiB before, ${after} KiB with $STATIONS stations -> ${R[$name.kib]} KiB each"
	fi
	kill -INT "$gen_pid" 2>/dev/null
	wait "$gen_pid" 2>/dev/null
	gen_pid=""
	result=$(grep '^result ' "$glog" | tail -1)
	echo "  idle: $(echo "$result" | cut -d' ' -f2-)"
	add_errors "$name" "$result"
	if gen "$name" storm --storm --reconnect --stations "$STATIONS"; then
		R[$name.storm]=$(field "$result" boot_ms)
		R[$name.reconnect]=$(field "$result" reconnect_ms)
	fi
	stop_server
}

echo "Wattline csms benchmark: $(nproc) cores, $(uname -sr), libwebsockets $(pkg-config --modversion libwebsockets 2>/dev/null), node $(node --version 2>/dev/null)"
echo "generator on the same machine; logs in $OUT/"
ran=()
for name in $SERVERS; do
	case $name in
	echo | node) ;;
	csms)
		if [ ! -x "$CSMS_BIN" ]; then
			echo "== csms: $CSMS_BIN not found, skipped (build it with make all, then rerun)"
			continue
		fi
		;;
	*)
		echo "run-csms-bench: unknown server \"$name\" (echo, node, csms)" >&2
		exit 2
		;;
	esac
	echo "== $name"
	ran+=("$name")
	[[ " $PARTS " == *" throughput "* ]] && run_throughput "$name"
	[[ " $PARTS " == *" connections "* ]] && run_connections "$name"
done

# ---- the table ----
rows=(
	"hb_rate|Heartbeat, closed loop, $CLOSED_STATIONS stations (msg/s)|"
	"hb_p50|  p50 (ms)|"
	"hb_p99|  p99 (ms)|"
	"mv_rate|MeterValues tx, closed loop, $CLOSED_STATIONS stations (msg/s)|>= 30000, 2x node"
	"mv_p50|  p50 (ms)|"
	"mv_p99|  p99 (ms)|"
	"tx_rate|Start/$TX_METER_VALUES MeterValues/Stop, closed loop, $CLOSED_STATIONS stations (msg/s)|1.5x node"
	"tx_p50|  p50 (ms)|"
	"tx_p99|  p99 (ms)|"
	"op_rate|MeterValues tx, open loop $RATE/s, $OPEN_STATIONS stations (msg/s)|"
	"op_p50|  p50 (ms)|"
	"op_p99|  p99 (ms)|< 10"
	"op_p999|  p99.9 (ms)|"
	"kib|Idle memory, $STATIONS stations (KiB/connection)|<= 8"
	"storm|Storm: $STATIONS connect at once, all booted (ms)|"
	"reconnect|Storm: $STATIONS reconnect at once, all booted (ms)|< 10000"
	"errors|Errors (CALLERROR, timeout, disconnect...)|0"
)
ratio() { # ratio A B: A / B with two decimals, or - when either is not a positive number
	awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 <= 0) print "-"; else printf "%.2f", a / b }'
}
echo
printf '%-58s %10s %10s %10s %10s %10s %10s\n' "scenario" "echo" "node" "csms" "csms/echo" "csms/node" "target"
for row in "${rows[@]}"; do
	IFS='|' read -r key label target <<<"$row"
	e=${R[echo.$key]:--}
	n=${R[node.$key]:--}
	c=${R[csms.$key]:--}
	[[ " ${ran[*]} " == *" echo "* ]] || e="skip"
	[[ " ${ran[*]} " == *" node "* ]] || n="skip"
	[[ " ${ran[*]} " == *" csms "* ]] || c="skip"
	re=$(ratio "$c" "$e")
	rn=$(ratio "$c" "$n")
	[ "$key" = errors ] && re=- && rn=-
	printf '%-58s %10s %10s %10s %10s %10s %10s\n' "$label" "$e" "$n" "$c" "$re" "$rn" "$target"
done

# ---- one summary line per scenario: csms's figure, the ratios, the target met or not ----
num() { awk -v a="$1" 'BEGIN { exit !(a ~ /^[0-9.]+$/) }'; }
verdict() { # verdict EXPR: "met" or "NOT met" (awk expression over numbers), "-" when a figure is missing
	local expr=$1
	shift
	for v in "$@"; do num "$v" || { echo "-"; return; }; done
	awk "BEGIN { exit !($expr) }" && echo "met" || echo "NOT met"
}
c() { echo "${R[csms.$1]:--}"; }
e() { echo "${R[echo.$1]:--}"; }
n() { echo "${R[node.$1]:--}"; }
echo
summary() { # summary SCENARIO KEY UNIT TARGET VERDICT
	printf 'summary %-14s csms %10s %-8s csms/echo %5s  csms/node %5s  target %-28s %s\n' "$1" "$(c "$2")" "$3" \
		"$(ratio "$(c "$2")" "$(e "$2")")" "$(ratio "$(c "$2")" "$(n "$2")")" "$4" "$5"
}
summary heartbeat hb_rate msg/s ">= 0.8x echo" "$(verdict "$(c hb_rate) >= 0.8 * $(e hb_rate)" "$(c hb_rate)" "$(e hb_rate)")"
summary metervalues mv_rate msg/s ">= 2x node, >= 30000/s" \
	"$(verdict "$(c mv_rate) >= 2 * $(n mv_rate) && $(c mv_rate) >= 30000" "$(c mv_rate)" "$(n mv_rate)")"
summary transactions tx_rate msg/s ">= 1.5x node" "$(verdict "$(c tx_rate) >= 1.5 * $(n tx_rate)" "$(c tx_rate)" "$(n tx_rate)")"
summary open-loop op_p99 "ms p99" "p99 < 10 ms at $RATE/s" \
	"$(verdict "$(c op_p99) < 10 && $(c op_rate) >= 0.99 * $RATE" "$(c op_p99)" "$(c op_rate)")"
summary idle kib KiB/st "<= 8 KiB a station" "$(verdict "$(c kib) <= 8" "$(c kib)")"
summary reconnect reconnect ms "all booted < 10000 ms" "$(verdict "$(c reconnect) < 10000" "$(c reconnect)")"
summary errors errors "" "0" "$(verdict "$(c errors) == 0" "$(c errors)")"

