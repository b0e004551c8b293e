#!/usr/bin/env bash
# demo.sh — `make demo`: a csms on a fresh demo database (build/demo) with a few simulated stations
# (`evse` processes on the simulator) that plug in, charge and unplug on their own, so the Home page is
# alive. Sign in as demo / demo-password-1. Ctrl-C stops everything.
# DEMO_PORT (default 8080) and DEMO_STATIONS (default 4) change the port and the number of stations.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${DEMO_PORT:-8080}
N=${DEMO_STATIONS:-4}
DIR=build/demo
CSMS=build/release/csms
EVSE=build/release/evse
TYPES=(Type2 Schuko Type2 CCS2 Type1 Type3C CHAdeMO Type3A)
pids=()

stop() {
	trap - INT TERM EXIT
	echo; echo "demo: stopping"
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap stop INT TERM EXIT

rm -rf "$DIR" && mkdir -p "$DIR"
echo "demo-password-1" | "$CSMS" create-admin --data "$DIR" demo demo@example.com Demo Operator >/dev/null
"$CSMS" --data "$DIR" --port "$PORT" --station-policy accept --allow-concurrent-tx --heartbeat-interval 30 --log-level warn 2>"$DIR/csms.log" &
pids+=($!)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done
api() { "$CSMS" api --data "$DIR" --port "$PORT" "$@"; }
# the simulated stations run in FREE mode: they start with the id tag FREE, a card of a demo driver here
uid=$(api POST /api/v1/charge-users '{"name":"Demo","surname":"Driver","taxCode":"DMODRV00A01H501X"}' | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
api POST /api/v1/cards "{\"idTag\":\"FREE\",\"userId\":$uid,\"description\":\"Demo fleet card\"}" >/dev/null

for i in $(seq 1 "$N"); do
	mkdir -p "$DIR/evse-$i"
	"$EVSE" --ocpp_url="ws://127.0.0.1:$PORT/ocpp/DEMO-$i" --db="$DIR/evse-$i/evse.db" --http_port=$((PORT + 100 + i)) \
		--serial="WL-DEMO-$i" --mode=FREE --log_level=warn 2>"$DIR/evse-$i.log" &
	pids+=($!)
done
sleep 3
for i in $(seq 1 "$N"); do
	api PUT "/api/v1/stations/DEMO-$i" "{\"name\":\"Demo station $i\"}" >/dev/null || true
	api PUT "/api/v1/stations/DEMO-$i/connectors/1" "{\"type\":\"${TYPES[$(((i - 1) % 8))]}\",\"phases\":3,\"maxCurrent\":32}" >/dev/null || true
done
echo "demo: open http://localhost:$PORT/ and sign in as demo / demo-password-1 ($N stations; Ctrl-C stops all)"

# each station plugs in for 20..60 s, then rests 5..20 s
declare -A until_t plugged
while true; do
	now=$(date +%s)
	for i in $(seq 1 "$N"); do
		[ "${until_t[$i]:-0}" -gt "$now" ] && continue
		if [ "${plugged[$i]:-0}" = 1 ]; then
			"$EVSE" --http_port=$((PORT + 100 + i)) sim unplug >/dev/null 2>&1 || true
			plugged[$i]=0; until_t[$i]=$((now + 5 + RANDOM % 16))
		else
			"$EVSE" --http_port=$((PORT + 100 + i)) sim plug soc=0.$((RANDOM % 8)) >/dev/null 2>&1 || true
			plugged[$i]=1; until_t[$i]=$((now + 20 + RANDOM % 41))
		fi
	done
	sleep 1
done
