#!/usr/bin/env bash
# run-api-bench.sh — times the REST API on a big data folder against the issue's targets: home/diagnostics
# under 50 ms, a month's transaction search under 200 ms, an Excel export of 100,000 transactions in under 10 s
# without holding them in memory. Generates the data folder first if it has no csms.db (build/release/gen_api_data:
# STATIONS x 2 sockets, TRANSACTIONS over DAYS days, METER_VALUES each), starts build/release/csms on it, sends
# each request RUNS times with curl (the admin token), prints median and max of curl's time_total, and for the
# exports the file size and the csms's peak RSS (VmHWM) before and after.
# Environment: DATA=build/bench-api STATIONS=5000 TRANSACTIONS=1000000 METER_VALUES=20 DAYS=365 RUNS=7
#   EXPORT_ROWS=100000 PORT=9480
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

DATA=${DATA:-build/bench-api}
STATIONS=${STATIONS:-5000}
TRANSACTIONS=${TRANSACTIONS:-1000000}
METER_VALUES=${METER_VALUES:-20}
DAYS=${DAYS:-365}
RUNS=${RUNS:-7}
EXPORT_ROWS=${EXPORT_ROWS:-100000}
PORT=${PORT:-9480}
B=build/release
pid=""

cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -f "$DATA/csms.db" ]; then
	echo "== generating $DATA: $STATIONS stations, $TRANSACTIONS transactions x $METER_VALUES meter values over $DAYS days"
	mkdir -p "$DATA"
	$B/gen_api_data "$DATA" "$STATIONS" "$TRANSACTIONS" "$METER_VALUES" "$DAYS" || exit 1
fi
echo "== $(du -sh "$DATA/csms.db" | cut -f1) database; $(nproc) cores, $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"

$B/csms --data "$DATA" --port "$PORT" --listen 127.0.0.1 --log-level warn 2>"$DATA/csms-bench.log" &
pid=$!
for _ in $(seq 1 100); do
	curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break
	sleep 0.1
done
TOKEN=$(cat "$DATA/admin.token")
BASE="http://127.0.0.1:$PORT"

rss() { grep -E "^$1:" "/proc/$pid/status" | awk '{print $2}'; }

# time_total of RUNS requests -> "median max status bytes"
timeit() {
	local url=$1 out=${2:-/dev/null} times=() code size
	for _ in $(seq 1 "$RUNS"); do
		read -r code t size < <(curl -s -o "$out" -w '%{http_code} %{time_total} %{size_download}\n' \
			-H "authorization: Bearer $TOKEN" "$BASE$url")
		times+=("$t")
	done
	printf '%s\n' "${times[@]}" | sort -g | awk -v c="$code" -v s="$size" \
		'{a[NR]=$1} END {printf "%.1f %.1f %s %s\n", a[int((NR+1)/2)]*1000, a[NR]*1000, c, s}'
}

# the last full calendar month (UTC), and a window of exactly EXPORT_ROWS transactions
MONTH_FROM=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m-%dT00:00:00Z)
MONTH_TO=$(date -u +%Y-%m-01T00:00:00Z)
q() { sqlite3 -readonly "$DATA/csms.db" "$1"; }
X_FROM_MS=$(q "SELECT min(start_ts) FROM txn")
X_TO_MS=$(q "SELECT start_ts FROM txn ORDER BY start_ts LIMIT 1 OFFSET $EXPORT_ROWS")
iso() { date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%SZ; }
X_FROM=$(iso "$X_FROM_MS")
X_TO=$(iso $((X_TO_MS / 1000 * 1000)))
X_N=$(q "SELECT count(*) FROM txn WHERE start_ts >= $((X_FROM_MS / 1000 * 1000)) AND start_ts < $((X_TO_MS / 1000 * 1000))")
M_N=$(q "SELECT count(*) FROM txn WHERE start_ts >= $(date -u -d "$MONTH_FROM" +%s)000 AND start_ts < $(date -u -d "$MONTH_TO" +%s)000")

printf '\n%-62s %10s %10s %6s %10s\n' "request ($RUNS runs)" "median ms" "max ms" "status" "bytes"
row() { printf '%-62s %10s %10s %6s %10s\n' "$1" $2; }
row "GET /home/diagnostics" "$(timeit /api/v1/home/diagnostics)"
row "GET /home/energy" "$(timeit /api/v1/home/energy)"
row "GET /home/sockets?status=charging" "$(timeit '/api/v1/home/sockets?status=charging')"
row "GET /home/sockets?q=Site%2042" "$(timeit '/api/v1/home/sockets?q=Site%2042')"
M="from=$MONTH_FROM&to=$MONTH_TO"
row "GET /transactions month ($M_N rows), sort -start" "$(timeit "/api/v1/transactions?$M")"
row "GET /transactions month, sort -energy" "$(timeit "/api/v1/transactions?$M&sort=-energy")"
row "GET /transactions month, offset 50000" "$(timeit "/api/v1/transactions?$M&offset=50000")"
row "GET /transactions month, limit 1000" "$(timeit "/api/v1/transactions?$M&limit=1000")"
row "GET /transactions month, station=BENCH00042" "$(timeit "/api/v1/transactions?$M&station=BENCH00042")"
row "GET /transactions month, user=42" "$(timeit "/api/v1/transactions?$M&user=42")"
row "GET /transactions month, q=Site%207" "$(timeit "/api/v1/transactions?$M&q=Site%207")"
row "GET /transactions/500000/measurements" "$(timeit /api/v1/transactions/500000/measurements)"

RUNS_SAVED=$RUNS
RUNS=${EXPORT_RUNS:-3}
hwm0=$(rss VmHWM)
row "GET /transactions/export.xlsx ($X_N rows)" "$(timeit "/api/v1/transactions/export.xlsx?from=$X_FROM&to=$X_TO" "$DATA/bench.xlsx")"
hwm1=$(rss VmHWM)
row "GET /transactions/export.csv ($X_N rows)" "$(timeit "/api/v1/transactions/export.csv?from=$X_FROM&to=$X_TO" "$DATA/bench.csv")"
RUNS=$RUNS_SAVED
echo
echo "csms peak RSS (VmHWM): ${hwm0} KiB before the exports, ${hwm1} KiB after the Excel ones, $(rss VmHWM) KiB at the end"
echo "Excel file: $(stat -c %s "$DATA/bench.xlsx") bytes, $(($(unzip -p "$DATA/bench.xlsx" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l) - 2)) transaction rows"
rm -f "$DATA/bench.xlsx" "$DATA/bench.csv"
