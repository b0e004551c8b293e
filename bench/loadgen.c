/* loadgen.c — plays N OCPP 1.6J charge points over WebSocket against a central system and measures it:
 * messages per second and latency (closed or open loop), memory per idle connection, connect storms.
 *
 * Why hand-rolled: the generator shares the machine's two cores with the server it measures, so it must cost
 * far less CPU per message than that server or it measures itself. It is one thread, one epoll loop,
 * non-blocking sockets and a minimal RFC 6455 client: the handshake, masked text frames out, unmasked
 * (possibly fragmented) frames in, pong for ping, close. A general WebSocket library would do more work per
 * message than the servers under test; this one builds a frame with one snprintf and sends it with one send().
 *
 * Usage: loadgen --help. Every run ends with one line `result key=value ...` for scripts.
 * NEEDSWORK: longer than the ~800-line guide; the RFC 6455 client (connect, handshake, frames) could move to
 * its own file once a second program needs it. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define LG_CONNECTORS 2
#define LG_TEXT_MAX   2048       /* the longest CALL we send (MeterValues is about 800 bytes) */
#define LG_FRAME_MAX  (1u << 20) /* a larger frame from the server is a protocol error */
#define LG_TICK_NS    50000000LL /* retries and timeouts are checked this often */
#define LG_MS         1000000LL
#define LG_S          1000000000LL

/* RFC 6455's own sample nonce and its accept value (section 1.3): the key only needs to be random to defeat
 * caching proxies, which loopback does not have, and a fixed one lets us check the server's answer exactly
 * without carrying SHA-1. */
#define LG_WS_KEY    "dGhlIHNhbXBsZSBub25jZQ=="
#define LG_WS_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

enum lg_workload { LG_HEARTBEAT, LG_METERVALUES };
enum lg_conn { LG_DOWN, LG_CONNECTING, LG_HANDSHAKE, LG_OPEN };
enum lg_phase { LG_BOOT, LG_STATUS, LG_READY, LG_WORK };
enum lg_run { LG_SETUP, LG_RUN_WORK, LG_DRAIN, LG_HOLD, LG_STORM_RECONNECT, LG_DONE };

/* The CALLs we make, one row each. */
#define LG_ACTIONS(X)                                                                                                  \
	X(NONE, "")                                                                                                    \
	X(BOOT, "BootNotification")                                                                                    \
	X(STATUS, "StatusNotification")                                                                                \
	X(HEARTBEAT, "Heartbeat")                                                                                      \
	X(START, "StartTransaction")                                                                                   \
	X(METER, "MeterValues")                                                                                        \
	X(STOP, "StopTransaction")
#define LG_ENUM(e, name) LG_A_##e,
enum lg_action { LG_ACTIONS(LG_ENUM) LG_A_COUNT };
#define LG_NAME(e, name) name,
static const char *const lg_action_names[] = {LG_ACTIONS(LG_NAME)};

struct lg_config {
	const char *host, *port, *password;
	enum lg_workload workload;
	bool closed, idle, storm, reconnect, print_hist;
	double rate, duration, warmup, connect_rate, call_timeout, setup_timeout;
	int stations;
	int tx_meter_values; /* MeterValues per transaction */
};

/* One charge point. Buffers are allocated only while they hold something, so 10,000 idle stations are cheap. */
struct lg_station {
	int fd;
	uint8_t conn, phase, call, connector; /* enum lg_conn, lg_phase, lg_action outstanding, status sent */
	bool want_out, booted;
	char id[16];
	uint32_t call_id;              /* id of the outstanding call */
	int64_t call_sched, call_sent; /* when it was due (open loop) and sent; since for connect states */
	int64_t retry_at;              /* reconnect or re-boot time, 0 for none */
	int32_t tx_id;                 /* transaction in progress, -1 for none */
	uint32_t tx_msgs;              /* messages since StartTransaction */
	uint64_t due, sent;            /* open loop: slots released to and used by this station */
	uint64_t energy_wh;
	char *rx; /* unparsed bytes: a partial frame or HTTP response */
	uint32_t rx_len, rx_cap;
	char *msg; /* a fragmented message being assembled */
	uint32_t msg_len, msg_cap;
	unsigned char *tx; /* bytes the socket did not take yet */
	uint32_t tx_len, tx_cap;
};

/* Latency histogram in microseconds: exact below 128 us, then 64 log-linear buckets per power of two
 * (under 1.6 % error), like HdrHistogram with two significant digits. */
#define LG_HIST_SUB_BITS 7
#define LG_HIST_SUB      (1 << LG_HIST_SUB_BITS)
#define LG_HIST_MAX_EXP  40
#define LG_HIST_BUCKETS  (LG_HIST_SUB + (LG_HIST_MAX_EXP - LG_HIST_SUB_BITS + 1) * (LG_HIST_SUB / 2))

struct lg_hist {
	uint64_t count[LG_HIST_BUCKETS];
	uint64_t total, max_us, sum_us;
};

struct lg_stats {
	uint64_t msgs, callerrors, timeouts, disconnects, connect_errors, handshake_errors, protocol_errors;
	uint64_t boot_not_accepted, start_not_accepted, server_calls, pings, stray;
};

static struct lg_config cfg = {
    .host = "127.0.0.1",
    .port = "8080",
    .workload = LG_HEARTBEAT,
    .closed = true,
    .duration = 10,
    .warmup = 2,
    .call_timeout = 30,
    .setup_timeout = 120,
    .stations = 100,
    .tx_meter_values = 48,
};
static struct lg_station *stations;
static struct lg_hist hist;
static struct lg_stats stats;
static struct sockaddr_storage server_addr;
static socklen_t server_addr_len;
static int epfd = -1;
static enum lg_run run_state = LG_SETUP;
static int64_t t_start, t0, t_window, t_end, t_reconnect;
static int64_t period_ns; /* open loop: time between two sends, over all stations */
static uint64_t next_slot, next_connect;
static int ready_count, setup_ready, booted_count, first_booted, in_flight;
static double storm_p50_ms, storm_p99_ms;
static int64_t boot_done_ns = -1, ready_done_ns = -1;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static volatile sig_atomic_t interrupted;
static char rbuf[65536]; /* every read lands here first */
static unsigned char wbuf[LG_TEXT_MAX + 16];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * LG_S + ts.tv_nsec;
}

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The wall clock as OCPP wants it, with milliseconds; the seconds are formatted once per second. */
static const char *iso_now(void)
{
	static char text[40], secs[24];
	static time_t cached = -1;
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached) {
		cached = ts.tv_sec;
		gmtime_r(&cached, &tm);
		strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	}
	snprintf(text, sizeof(text), "%s.%03ldZ", secs, ts.tv_nsec / 1000000);
	return text;
}

/* ---- histogram ---- */

static int hist_index(uint64_t us)
{
	int e, shift;

	if (us < LG_HIST_SUB)
		return (int)us;
	if (us >= (1ull << (LG_HIST_MAX_EXP + 1)))
		us = (1ull << (LG_HIST_MAX_EXP + 1)) - 1;
	e = 63 - __builtin_clzll(us);
	shift = e - (LG_HIST_SUB_BITS - 1);
	return LG_HIST_SUB + (e - LG_HIST_SUB_BITS) * (LG_HIST_SUB / 2) + (int)(us >> shift) - LG_HIST_SUB / 2;
}

/* The middle of a bucket, in microseconds. */
static double hist_value(int i)
{
	int j, e, shift;

	if (i < LG_HIST_SUB)
		return i;
	j = i - LG_HIST_SUB;
	e = j / (LG_HIST_SUB / 2) + LG_HIST_SUB_BITS;
	shift = e - (LG_HIST_SUB_BITS - 1);
	return (double)((uint64_t)(j % (LG_HIST_SUB / 2) + LG_HIST_SUB / 2) << shift) + ((1ull << shift) - 1) / 2.0;
}

static void hist_record(int64_t ns)
{
	uint64_t us = ns > 0 ? (uint64_t)ns / 1000 : 0;

	hist.count[hist_index(us)]++;
	hist.total++;
	hist.sum_us += us;
	if (us > hist.max_us)
		hist.max_us = us;
}

/* The latency at percentile p, in milliseconds. */
static double hist_percentile_ms(double p)
{
	uint64_t want = (uint64_t)ceil(p / 100.0 * (double)hist.total), seen = 0;

	if (!hist.total)
		return 0;
	if (want < 1)
		want = 1;
	for (int i = 0; i < LG_HIST_BUCKETS; i++) {
		seen += hist.count[i];
		if (seen >= want) {
			double v = hist_value(i);
			return (v > (double)hist.max_us ? (double)hist.max_us : v) / 1000.0;
		}
	}
	return (double)hist.max_us / 1000.0;
}

/* ---- small helpers ---- */

static size_t base64(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v =
		    (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

/* Appends n bytes to a growing buffer capped at LG_FRAME_MAX + 16; -1 when it would not fit. */
static int buf_append(void *bufp, uint32_t *len, uint32_t *cap, const void *data, size_t n)
{
	char **buf = bufp;

	if (n > LG_FRAME_MAX + 16 - *len)
		return -1;
	if (*len + n > *cap) {
		uint32_t c = *cap ? *cap : 1024;
		char *b;

		while (c < *len + n)
			c *= 2;
		if (!(b = realloc(*buf, c)))
			return -1;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, data, n);
	*len += (uint32_t)n;
	return 0;
}

static void buf_free(void *bufp, uint32_t *len, uint32_t *cap)
{
	char **buf = bufp;

	free(*buf);
	*buf = NULL;
	*len = *cap = 0;
}

/* ---- connection ---- */

static void station_connect(struct lg_station *st, int64_t now);

static void watch(struct lg_station *st, bool out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.u32 = (uint32_t)(st - stations)};

	if (out != st->want_out) {
		st->want_out = out;
		epoll_ctl(epfd, EPOLL_CTL_MOD, st->fd, &ev);
	}
}

/* Connects again in 0.5 to 1.5 s: spread out, as real stations back off. */
static void station_retry_later(struct lg_station *st, int64_t now)
{
	st->retry_at = now + LG_S / 2 + (int64_t)(rng_next() % (uint64_t)LG_S);
}

/* Closes the socket and forgets the session. An unexpected close during the run is counted, and the station
 * reconnects after about a second, as real ones do. */
static void station_close(struct lg_station *st, bool expected, int64_t now)
{
	if (st->conn == LG_DOWN)
		return;
	close(st->fd);
	st->fd = -1;
	if (st->call != LG_A_NONE)
		in_flight--;
	if (st->phase >= LG_READY)
		ready_count--;
	st->conn = LG_DOWN;
	st->phase = LG_BOOT;
	st->call = LG_A_NONE;
	st->want_out = false;
	st->tx_id = -1;
	buf_free(&st->rx, &st->rx_len, &st->rx_cap);
	buf_free(&st->msg, &st->msg_len, &st->msg_cap);
	buf_free(&st->tx, &st->tx_len, &st->tx_cap);
	st->retry_at = 0;
	if (!expected && run_state != LG_DONE) {
		stats.disconnects++;
		station_retry_later(st, now);
	}
}

/* Sends bytes in order: what the socket does not take waits in st->tx for EPOLLOUT. */
static int station_send(struct lg_station *st, const void *data, size_t n, int64_t now)
{
	ssize_t w = 0;

	if (!st->tx_len) {
		w = send(st->fd, data, n, MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			station_close(st, false, now);
			return -1;
		}
		if (w < 0)
			w = 0;
	}
	if ((size_t)w < n) {
		if (buf_append(&st->tx, &st->tx_len, &st->tx_cap, (const char *)data + w, n - (size_t)w)) {
			station_close(st, false, now);
			return -1;
		}
		watch(st, true);
	}
	return 0;
}

static void station_flush(struct lg_station *st, int64_t now)
{
	ssize_t w = send(st->fd, st->tx, st->tx_len, MSG_NOSIGNAL);

	if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		station_close(st, false, now);
		return;
	}
	if (w > 0) {
		memmove(st->tx, st->tx + w, st->tx_len - (size_t)w);
		st->tx_len -= (uint32_t)w;
	}
	if (!st->tx_len) {
		buf_free(&st->tx, &st->tx_len, &st->tx_cap);
		watch(st, false);
	}
}

/* Frames wbuf + 14 (n bytes of payload, already written there) as one masked frame and sends it. */
static int ws_send(struct lg_station *st, int opcode, size_t n, int64_t now)
{
	unsigned char *p = wbuf + 14, *h;
	uint64_t key = rng_next(), k8;
	size_t hl = n < 126 ? 6 : 8, i;

	h = p - hl;
	h[0] = (unsigned char)(0x80 | opcode);
	if (n < 126) {
		h[1] = (unsigned char)(0x80 | n);
	} else {
		h[1] = 0x80 | 126;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
	}
	memcpy(h + hl - 4, &key, 4);
	k8 = (key & 0xffffffffu) | key << 32;
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		v ^= k8;
		memcpy(p + i, &v, 8);
	}
	for (; i < n; i++)
		p[i] ^= h[hl - 4 + (i & 3)];
	return station_send(st, h, hl + n, now);
}

/* Sends a CALL: `[2,"<id>","<Action>",<payload>]`, payload built by the caller's format. */
__attribute__((format(printf, 4, 5))) static int send_call(struct lg_station *st, enum lg_action a, int64_t sched,
                                                           const char *fmt, ...)
{
	char *text = (char *)wbuf + 14;
	size_t cap = LG_TEXT_MAX, n;
	int64_t now = now_ns();
	va_list ap;
	int m;

	st->call_id++;
	m = snprintf(text, cap, "[2,\"%u\",\"%s\",", st->call_id, lg_action_names[a]);
	va_start(ap, fmt);
	m += vsnprintf(text + m, cap - (size_t)m, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m + 2 > cap) {
		fprintf(stderr, "loadgen: %s message too long\n", lg_action_names[a]);
		exit(1);
	}
	text[m++] = ']';
	n = (size_t)m;
	if (st->call == LG_A_NONE)
		in_flight++;
	st->call = (uint8_t)a;
	st->call_sent = now;
	st->call_sched = sched ? sched : now;
	return ws_send(st, 1, n, now);
}

/* ---- what a station says ---- */

static int send_boot(struct lg_station *st)
{
	return send_call(st, LG_A_BOOT, 0,
	                 "{\"chargePointVendor\":\"Wattline\",\"chargePointModel\":\"loadgen\","
	                 "\"chargePointSerialNumber\":\"%s\",\"firmwareVersion\":\"1.0.0\"}",
	                 st->id);
}

static int send_status(struct lg_station *st)
{
	return send_call(st, LG_A_STATUS, 0,
	                 "{\"connectorId\":%d,\"errorCode\":\"NoError\",\"status\":\"Available\",\"timestamp\":\"%s\"}",
	                 st->connector, iso_now());
}

/* MeterValues with ten sampled values as a three-phase wall-box sends them: about 800 bytes. */
static int send_meter_values(struct lg_station *st, int64_t sched)
{
	unsigned w = (unsigned)(rng_next() % 400);

	st->energy_wh += 37 + w % 7;
	return send_call(
	    st, LG_A_METER, sched,
	    "{\"connectorId\":1,\"transactionId\":%d,\"meterValue\":[{\"timestamp\":\"%s\",\"sampledValue\":["
	    "{\"value\":\"%llu\",\"measurand\":\"Energy.Active.Import.Register\","
	    "\"unit\":\"Wh\"},"
	    "{\"value\":\"%u\",\"measurand\":\"Power.Active.Import\",\"unit\":\"W\"},"
	    "{\"value\":\"%u.%u\",\"measurand\":\"Current.Import\",\"phase\":\"L1\",\"unit\":\"A\"},"
	    "{\"value\":\"%u.%u\",\"measurand\":\"Current.Import\",\"phase\":\"L2\",\"unit\":\"A\"},"
	    "{\"value\":\"%u.%u\",\"measurand\":\"Current.Import\",\"phase\":\"L3\",\"unit\":\"A\"},"
	    "{\"value\":\"23%u.%u\",\"measurand\":\"Voltage\",\"phase\":\"L1-N\",\"unit\":\"V\"},"
	    "{\"value\":\"23%u.%u\",\"measurand\":\"Voltage\",\"phase\":\"L2-N\",\"unit\":\"V\"},"
	    "{\"value\":\"23%u.%u\",\"measurand\":\"Voltage\",\"phase\":\"L3-N\",\"unit\":\"V\"},"
	    "{\"value\":\"%u\",\"measurand\":\"SoC\",\"location\":\"EV\",\"unit\":\"Percent\"},"
	    "{\"value\":\"%u.%u\",\"measurand\":\"Temperature\",\"location\":\"Body\",\"unit\":\"Celsius\"}"
	    "]}]}",
	    st->tx_id, iso_now(), (unsigned long long)st->energy_wh, 10800 + w, 15 + w % 2, w % 10, 15 + w % 3,
	    (w / 3) % 10, 15 + w % 2, (w / 7) % 10, w % 4, w % 10, (w / 2) % 4, (w / 3) % 10, (w / 5) % 4, (w / 7) % 10,
	    20 + (st->tx_msgs + (unsigned)(st - stations)) % 75, 31 + w % 9, w % 10);
}

/* The next message of the workload: Heartbeat, or StartTransaction, 48 MeterValues, StopTransaction. */
static int send_next(struct lg_station *st, int64_t sched)
{
	if (cfg.workload == LG_HEARTBEAT)
		return send_call(st, LG_A_HEARTBEAT, sched, "{}");
	if (st->tx_id < 0)
		return send_call(st, LG_A_START, sched,
		                 "{\"connectorId\":1,\"idTag\":\"%s\",\"meterStart\":%llu,\"timestamp\":\"%s\"}",
		                 st->id, (unsigned long long)st->energy_wh, iso_now());
	if (st->tx_msgs > (unsigned)cfg.tx_meter_values) /* tx_msgs: 1 + the MeterValues answered */
		return send_call(st, LG_A_STOP, sched,
		                 "{\"transactionId\":%d,\"idTag\":\"%s\",\"meterStop\":%llu,\"timestamp\":\"%s\","
		                 "\"reason\":\"Local\"}",
		                 st->tx_id, st->id, (unsigned long long)st->energy_wh, iso_now());
	return send_meter_values(st, sched);
}

/* Open loop: the scheduled time of this station's next message (slot i + k * N of the global schedule). */
static int64_t slot_time(const struct lg_station *st)
{
	return t0 +
	       (int64_t)((double)((uint64_t)(st - stations) + st->sent * (uint64_t)cfg.stations) * (double)period_ns);
}

/* Sends the next workload message if this station may: closed loop always, open loop when a slot is due. */
static void work_continue(struct lg_station *st, int64_t now)
{
	if (st->conn != LG_OPEN || st->phase != LG_WORK || st->call != LG_A_NONE || run_state != LG_RUN_WORK ||
	    now >= t_end)
		return;
	if (cfg.closed) {
		send_next(st, 0);
	} else if (st->sent < st->due) {
		int64_t sched = slot_time(st);

		st->sent++;
		send_next(st, sched);
	}
}

static void station_ready(struct lg_station *st, int64_t now)
{
	st->phase = LG_READY;
	ready_count++;
	if (ready_count == cfg.stations && ready_done_ns < 0)
		ready_done_ns = now;
	if (run_state == LG_RUN_WORK) {
		st->phase = LG_WORK;
		work_continue(st, now);
	}
}

/* ---- what a station hears ---- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Reads the JSON string at p into [*s, *s + *n) without decoding escapes; NULL when there is none. */
static const char *scan_string(const char *p, const char *end, const char **s, size_t *n)
{
	const char *q;

	if (p >= end || *p != '"')
		return NULL;
	for (q = p + 1; q < end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= end)
		return NULL;
	*s = p + 1;
	*n = (size_t)(q - p - 1);
	return q + 1;
}

/* The server calls us (GetConfiguration, TriggerMessage...): a benchmark station implements none of it. */
static void answer_server_call(struct lg_station *st, const char *id, size_t id_len, int64_t now)
{
	int n = snprintf((char *)wbuf + 14, LG_TEXT_MAX, "[4,\"%.*s\",\"NotImplemented\",\"\",{}]",
	                 (int)(id_len > 64 ? 64 : id_len), id);

	stats.server_calls++;
	ws_send(st, 1, (size_t)n, now);
}

/* BootNotification answered: Accepted moves on to the StatusNotifications; Pending or Rejected retries after
 * the interval the server gave. */
static void on_boot_result(struct lg_station *st, const char *msg, size_t len, int64_t now)
{
	cJSON *root = cJSON_ParseWithLength(msg, len), *payload = cJSON_GetArrayItem(root, 2);
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(payload, "status");
	const cJSON *interval = cJSON_GetObjectItemCaseSensitive(payload, "interval");

	if (cJSON_IsString(status) && !strcmp(status->valuestring, "Accepted")) {
		if (!st->booted) {
			st->booted = true;
			if (++booted_count == cfg.stations && boot_done_ns < 0)
				boot_done_ns = now;
			if (cfg.storm) /* the storm's histogram: each station's time to its first Accepted */
				hist_record(now - (run_state == LG_STORM_RECONNECT ? t_reconnect : t_start));
		}
		st->phase = LG_STATUS;
		st->connector = 1;
		send_status(st);
	} else {
		int secs = cJSON_IsNumber(interval) && interval->valueint > 0 ? interval->valueint : 10;

		if (!stats.boot_not_accepted++)
			fprintf(stderr, "loadgen: station \"%s\": BootNotification %s, retrying in %d s\n", st->id,
			        cJSON_IsString(status) ? status->valuestring : "(no status)", secs);
		st->retry_at = now + (int64_t)secs * LG_S;
	}
	cJSON_Delete(root);
}

static void on_start_result(struct lg_station *st, const char *msg, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(msg, len), *payload = cJSON_GetArrayItem(root, 2);
	const cJSON *tx = cJSON_GetObjectItemCaseSensitive(payload, "transactionId");
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(payload, "idTagInfo");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(info, "status");

	/* A refused idTag still gets a transaction id: counted as an error, and the workload goes on with it so
	 * the server still sees MeterValues (a real station would stop at once). */
	if (cJSON_IsNumber(tx)) {
		st->tx_id = tx->valueint;
		st->tx_msgs = 1;
	}
	if (!cJSON_IsNumber(tx) || !cJSON_IsString(status) || strcmp(status->valuestring, "Accepted")) {
		if (!stats.start_not_accepted++)
			fprintf(stderr, "loadgen: station \"%s\": StartTransaction not accepted: %.*s\n", st->id,
			        (int)(len > 200 ? 200 : len), msg);
	}
	cJSON_Delete(root);
}

/* The answer to our outstanding call: moves the station on and, in the measured window, records it. */
static void on_answer(struct lg_station *st, bool ok, const char *msg, size_t len, int64_t now)
{
	enum lg_action a = st->call;

	st->call = LG_A_NONE;
	in_flight--;
	switch (st->phase) {
	case LG_BOOT:
		if (ok)
			on_boot_result(st, msg, len, now);
		else
			st->retry_at = now + LG_S;
		return;
	case LG_STATUS:
		if (++st->connector > LG_CONNECTORS)
			station_ready(st, now);
		else
			send_status(st);
		return;
	case LG_WORK: break;
	default: return;
	}
	if (st->call_sched >= t_window && st->call_sched < t_end)
		hist_record(now - st->call_sched);
	if (now >= t_window && now < t_end && st->call_sched >= t_window)
		stats.msgs++;
	if (ok && a == LG_A_START)
		on_start_result(st, msg, len);
	else if (a == LG_A_STOP)
		st->tx_id = -1;
	else if (a == LG_A_METER)
		st->tx_msgs++;
	work_continue(st, now);
}

/* One complete text message from the server. */
static void on_message(struct lg_station *st, const char *msg, size_t len, int64_t now)
{
	const char *p = skip_ws(msg, msg + len), *end = msg + len, *id, *code = "";
	size_t id_len, code_len = 0;
	int type;

	if (p >= end || *p++ != '[')
		goto bad;
	p = skip_ws(p, end);
	if (p >= end || *p < '2' || *p > '4')
		goto bad;
	type = *p++ - '0';
	p = skip_ws(p, end);
	if (p >= end || *p++ != ',' || !(p = scan_string(skip_ws(p, end), end, &id, &id_len)))
		goto bad;
	if (type == 2) {
		answer_server_call(st, id, id_len, now);
		return;
	}
	if (st->call == LG_A_NONE || strtoul(id, NULL, 10) != st->call_id || id_len > 10) {
		stats.stray++;
		return;
	}
	if (type == 4) {
		p = skip_ws(p, end);
		if (p < end && *p == ',')
			scan_string(skip_ws(p + 1, end), end, &code, &code_len);
		stats.callerrors++;
		if (stats.callerrors <= 5)
			fprintf(stderr, "loadgen: station \"%s\": %s answered with CALLERROR %.*s: %.*s\n", st->id,
			        lg_action_names[st->call], (int)code_len, code, (int)(len > 300 ? 300 : len), msg);
	}
	on_answer(st, type == 3, msg, len, now);
	return;
bad:
	if (!stats.protocol_errors++)
		fprintf(stderr, "loadgen: station \"%s\": not an OCPP-J message: %.*s\n", st->id,
		        (int)(len > 200 ? 200 : len), msg);
}

/* Parses frames from data; returns the bytes consumed, or -1 when the station was closed. */
static long ws_parse(struct lg_station *st, char *data, size_t len, int64_t now)
{
	size_t off = 0;

	while (len - off >= 2) {
		unsigned char *f = (unsigned char *)data + off;
		bool fin = f[0] & 0x80, masked = f[1] & 0x80;
		int op = f[0] & 0x0f;
		uint64_t plen = f[1] & 0x7f;
		size_t hl = 2;

		if (plen == 126) {
			if (len - off < 4)
				break;
			plen = (uint64_t)f[2] << 8 | f[3];
			hl = 4;
		} else if (plen == 127) {
			if (len - off < 10)
				break;
			plen = 0;
			for (int i = 2; i < 10; i++)
				plen = plen << 8 | f[i];
			hl = 10;
		}
		if (masked)
			hl += 4;
		if (plen > LG_FRAME_MAX || (op >= 8 && (plen > 125 || !fin)))
			goto protocol_error;
		if (len - off < hl + plen)
			break;
		char *payload = (char *)f + hl;
		if (masked)
			for (uint64_t i = 0; i < plen; i++)
				payload[i] ^= (char)f[hl - 4 + (i & 3)];
		off += hl + (size_t)plen;
		switch (op) {
		case 0x0: /* continuation */
			if (!st->msg_len || buf_append(&st->msg, &st->msg_len, &st->msg_cap, payload, (size_t)plen))
				goto protocol_error;
			if (fin) {
				on_message(st, st->msg, st->msg_len, now);
				buf_free(&st->msg, &st->msg_len, &st->msg_cap);
			}
			break;
		case 0x1: /* text */
		case 0x2: /* binary: not OCPP-J, but harmless to read the same way */
			if (st->msg_len)
				goto protocol_error;
			if (fin)
				on_message(st, payload, (size_t)plen, now);
			else if (!plen || buf_append(&st->msg, &st->msg_len, &st->msg_cap, payload, (size_t)plen))
				goto protocol_error; /* an empty first fragment would look like none in progress */
			break;
		case 0x8: /* close: answer with the same code and hang up */
			memcpy(wbuf + 14, payload, plen >= 2 ? 2 : 0);
			ws_send(st, 0x8, plen >= 2 ? 2 : 0, now);
			/* in the storm's second round the old connections are gone (close_all): a close is of a new one
			 */
			station_close(st, run_state == LG_DONE, now);
			return -1;
		case 0x9: /* ping */
			stats.pings++;
			memcpy(wbuf + 14, payload, (size_t)plen);
			ws_send(st, 0xA, (size_t)plen, now);
			break;
		case 0xA: /* pong */ break;
		default: goto protocol_error;
		}
		if (st->conn != LG_OPEN)
			return -1;
	}
	return (long)off;
protocol_error:
	if (!stats.protocol_errors++)
		fprintf(stderr, "loadgen: station \"%s\": bad WebSocket frame from the server\n", st->id);
	station_close(st, false, now);
	return -1;
}

/* The server's answer to the upgrade: 101, our subprotocol and the right accept value, or we hang up. */
static long handshake_parse(struct lg_station *st, char *data, size_t len)
{
	char *end = memmem(data, len, "\r\n\r\n", 4), *proto, *accept;

	if (!end)
		return len > 8192 ? -2 : 0;
	*end = '\0';
	proto = strcasestr(data, "\r\nSec-WebSocket-Protocol:");
	accept = strcasestr(data, "\r\nSec-WebSocket-Accept:");
	if (strncmp(data, "HTTP/1.1 101", 12) || !proto || !strstr(proto, "ocpp1.6") || !accept ||
	    !strstr(accept, LG_WS_ACCEPT)) {
		char *eol = strstr(data, "\r\n");

		if (!stats.handshake_errors++)
			fprintf(stderr, "loadgen: station \"%s\": handshake refused: %.*s\n", st->id,
			        (int)(eol ? eol - data : 80), data);
		return -2;
	}
	st->conn = LG_OPEN;
	watch(st, st->tx_len > 0);
	if (send_boot(st))
		return -1;
	return end + 4 - data;
}

/* Reads what the socket has and feeds it to the handshake or frame parser; leftovers wait in st->rx. */
static void station_read(struct lg_station *st, int64_t now)
{
	ssize_t n = recv(st->fd, rbuf, sizeof(rbuf), 0);
	char *data = rbuf;
	size_t len;
	long used = 0, u;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
		station_close(st, run_state == LG_DONE, now); /* unexpected: counted, and the station comes back */
		return;
	}
	if (n < 0)
		return;
	len = (size_t)n;
	if (st->rx_len) {
		if (buf_append(&st->rx, &st->rx_len, &st->rx_cap, rbuf, len)) {
			station_close(st, false, now);
			return;
		}
		data = st->rx;
		len = st->rx_len;
	}
	if (st->conn == LG_HANDSHAKE) {
		if ((used = handshake_parse(st, data, len)) == -2) {
			station_close(st, true, now);
			station_retry_later(st, now);
		}
		if (used < 0)
			return;
	}
	if (st->conn == LG_OPEN) {
		if ((u = ws_parse(st, data + used, len - (size_t)used, now)) < 0)
			return;
		used += u;
	}
	if (data == st->rx) {
		memmove(st->rx, st->rx + used, len - (size_t)used);
		st->rx_len = (uint32_t)(len - (size_t)used);
		if (!st->rx_len)
			buf_free(&st->rx, &st->rx_len, &st->rx_cap);
	} else if ((size_t)used < len &&
	           buf_append(&st->rx, &st->rx_len, &st->rx_cap, data + used, len - (size_t)used)) {
		station_close(st, false, now);
	}
}

static void station_connected(struct lg_station *st, int64_t now)
{
	char req[1024], auth[256], cred[160];
	int err = 0, n;
	socklen_t el = sizeof(err);

	if (getsockopt(st->fd, SOL_SOCKET, SO_ERROR, &err, &el) || err) {
		if (!stats.connect_errors++)
			fprintf(stderr, "loadgen: station \"%s\": connect: %s\n", st->id, strerror(err));
		station_close(st, true, now);
		station_retry_later(st, now);
		return;
	}
	auth[0] = '\0';
	if (cfg.password) {
		n = snprintf(cred, sizeof(cred), "%s:%s", st->id, cfg.password);
		memcpy(auth, "Authorization: Basic ", 21);
		base64((unsigned char *)cred, (size_t)n, auth + 21);
		memcpy(auth + strlen(auth), "\r\n", 3);
	}
	n = snprintf(req, sizeof(req),
	             "GET /ocpp/%s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	             "Sec-WebSocket-Key: " LG_WS_KEY "\r\nSec-WebSocket-Version: 13\r\n"
	             "Sec-WebSocket-Protocol: ocpp1.6\r\n%s\r\n",
	             st->id, cfg.host, cfg.port, auth);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		fprintf(stderr, "loadgen: the upgrade request for --host %s does not fit\n", cfg.host);
		exit(2);
	}
	st->conn = LG_HANDSHAKE;
	st->call_sent = now;
	watch(st, false);
	station_send(st, req, (size_t)n, now);
}

static void station_connect(struct lg_station *st, int64_t now)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)(st - stations)};
	int one = 1;

	st->retry_at = 0;
	st->booted = false;
	st->fd = socket(server_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (st->fd < 0)
		goto fail;
	setsockopt(st->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(st->fd, (struct sockaddr *)&server_addr, server_addr_len) && errno != EINPROGRESS)
		goto fail_close;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, st->fd, &ev))
		goto fail_close;
	st->conn = LG_CONNECTING;
	st->want_out = true;
	st->call_sent = now;
	return;
fail_close:
	close(st->fd);
	st->fd = -1;
fail:
	if (!stats.connect_errors++)
		fprintf(stderr, "loadgen: station \"%s\": connect: %s\n", st->id, strerror(errno));
	station_retry_later(st, now);
}

/* Every tick: reconnects and boot retries that are due, calls and handshakes that timed out. */
static void tick(int64_t now)
{
	int64_t timeout = (int64_t)(cfg.call_timeout * (double)LG_S);

	for (int i = 0; i < cfg.stations; i++) {
		struct lg_station *st = &stations[i];

		if (st->conn == LG_DOWN) {
			if (st->retry_at && st->retry_at <= now && run_state != LG_DONE)
				station_connect(st, now);
		} else if (st->conn != LG_OPEN) {
			if (now - st->call_sent > timeout) {
				if (!stats.timeouts++)
					fprintf(stderr, "loadgen: station \"%s\": no handshake in %.0f s\n", st->id,
					        cfg.call_timeout);
				station_close(st, true, now);
				station_retry_later(st, now);
			}
		} else if (st->call != LG_A_NONE) {
			if (now - st->call_sent > timeout) {
				if (!stats.timeouts++)
					fprintf(stderr, "loadgen: station \"%s\": %s not answered in %.0f s\n", st->id,
					        lg_action_names[st->call], cfg.call_timeout);
				on_answer(st, false, "", 0, now);
			}
		} else if (st->phase == LG_BOOT && st->retry_at && st->retry_at <= now) {
			st->retry_at = 0;
			send_boot(st);
		}
	}
}

/* ---- the run ---- */

static void start_workload(int64_t now)
{
	t0 = now;
	t_window = t0 + (int64_t)(cfg.warmup * (double)LG_S);
	t_end = t_window + (int64_t)(cfg.duration * (double)LG_S);
	run_state = LG_RUN_WORK;
	if (!cfg.closed)
		period_ns = (int64_t)((double)LG_S / cfg.rate);
	for (int i = 0; i < cfg.stations; i++) {
		struct lg_station *st = &stations[i];

		if (st->conn == LG_OPEN && st->phase == LG_READY) {
			st->phase = LG_WORK;
			work_continue(st, now);
		}
	}
}

/* Open loop: releases every slot whose time has come to its station; returns the time of the next one. */
static int64_t release_slots(int64_t now)
{
	for (;;) {
		int64_t at = t0 + (int64_t)((double)next_slot * (double)period_ns);
		struct lg_station *st;

		if (at > now || at >= t_end)
			return at;
		st = &stations[next_slot % (uint64_t)cfg.stations];
		st->due++;
		next_slot++;
		work_continue(st, now);
	}
}

static void close_all(int64_t now)
{
	for (int i = 0; i < cfg.stations; i++) {
		struct lg_station *st = &stations[i];

		if (st->conn == LG_OPEN) {
			wbuf[14] = 0x03; /* 1000, normal closure */
			wbuf[15] = 0xe8;
			ws_send(st, 0x8, 2, now);
		}
		station_close(st, true, now);
		st->retry_at = 0;
	}
}

static double ms_since(int64_t from, int64_t to)
{
	return (double)(to - from) / (double)LG_MS;
}

/* Moves the run along: setup -> work -> drain -> done, or setup -> hold, or the storm's two rounds. */
static void advance(int64_t now)
{
	bool all_ready = ready_count == cfg.stations;

	switch (run_state) {
	case LG_SETUP:
		if (!all_ready && now - t_start < (int64_t)(cfg.setup_timeout * (double)LG_S))
			break;
		if (!all_ready)
			fprintf(stderr, "loadgen: only %d of %d stations ready after %.0f s\n", ready_count,
			        cfg.stations, cfg.setup_timeout);
		else
			fprintf(stderr, "loadgen: %d stations connected, booted and announced in %.0f ms\n",
			        cfg.stations, ms_since(t_start, now));
		setup_ready = ready_count;
		if (cfg.storm) {
			storm_p50_ms = hist_percentile_ms(50);
			storm_p99_ms = hist_percentile_ms(99);
			printf("storm: %d stations booted in %.0f ms (each station: p50 %.0f ms, p99 %.0f ms)\n",
			       booted_count, boot_done_ns >= 0 ? ms_since(t_start, boot_done_ns) : -1.0, storm_p50_ms,
			       storm_p99_ms);
			fflush(stdout);
			if (!cfg.reconnect) {
				run_state = LG_DONE;
				break;
			}
			run_state = LG_STORM_RECONNECT;
			close_all(now);
			first_booted = booted_count;
			booted_count = 0;
			memset(&hist, 0, sizeof(hist));
			boot_done_ns = ready_done_ns = -1;
			t_reconnect = now_ns();
			for (int i = 0; i < cfg.stations; i++)
				station_connect(&stations[i], t_reconnect);
		} else if (cfg.idle) {
			printf("idle: %d stations ready in %.0f ms, holding them for %.0f s\n", ready_count,
			       ms_since(t_start, now), cfg.duration);
			fflush(stdout);
			run_state = LG_HOLD;
			t_window = now;
			t_end = now + (int64_t)(cfg.duration * (double)LG_S);
		} else {
			start_workload(now);
		}
		break;
	case LG_STORM_RECONNECT:
		if (all_ready || now - t_reconnect >= (int64_t)(cfg.setup_timeout * (double)LG_S)) {
			printf("storm: %d stations reconnected and booted in %.0f ms (each station: p50 %.0f ms, "
			       "p99 %.0f ms)\n",
			       booted_count, boot_done_ns >= 0 ? ms_since(t_reconnect, boot_done_ns) : -1.0,
			       hist_percentile_ms(50), hist_percentile_ms(99));
			run_state = LG_DONE;
		}
		break;
	case LG_RUN_WORK:
		if (now >= t_end)
			run_state = LG_DRAIN;
		break;
	case LG_DRAIN:
		if (!in_flight || now >= t_end + 5 * LG_S)
			run_state = LG_DONE;
		break;
	case LG_HOLD:
		if (now >= t_end)
			run_state = LG_DONE;
		break;
	case LG_DONE: break;
	}
}

static void report(int64_t setup_ms, int64_t storm_boot_ns, int64_t storm_ready_ns)
{
	uint64_t behind = 0, errors = stats.callerrors + stats.timeouts + stats.disconnects + stats.connect_errors +
	                              stats.handshake_errors + stats.protocol_errors + stats.boot_not_accepted +
	                              stats.start_not_accepted;
	const char *mode = cfg.storm                      ? "storm"
	                   : cfg.idle                     ? "idle"
	                   : cfg.workload == LG_HEARTBEAT ? "heartbeat"
	                                                  : "metervalues";

	for (int i = 0; !cfg.closed && i < cfg.stations; i++)
		behind += stations[i].due - stations[i].sent;
	if (cfg.storm) {
		printf("result mode=storm stations=%d booted=%d boot_ms=%.0f boot_p50_ms=%.0f boot_p99_ms=%.0f "
		       "ready_ms=%.0f",
		       cfg.stations, cfg.reconnect ? first_booted : booted_count,
		       storm_boot_ns >= 0 ? ms_since(t_start, storm_boot_ns) : -1.0, storm_p50_ms, storm_p99_ms,
		       storm_ready_ns >= 0 ? ms_since(t_start, storm_ready_ns) : -1.0);
		if (cfg.reconnect)
			printf(" reconnected=%d reconnect_ms=%.0f reconnect_p50_ms=%.0f reconnect_p99_ms=%.0f",
			       booted_count, boot_done_ns >= 0 ? ms_since(t_reconnect, boot_done_ns) : -1.0,
			       hist_percentile_ms(50), hist_percentile_ms(99));
	} else if (cfg.idle) {
		printf("result mode=idle stations=%d ready=%d setup_ms=%lld held_s=%.1f pings=%llu", cfg.stations,
		       setup_ready, (long long)setup_ms, cfg.duration, (unsigned long long)stats.pings);
	} else {
		static const double pct[] = {50, 75, 90, 99, 99.9, 99.99};

		printf("latency (ms, from the %s time):", cfg.closed ? "send" : "scheduled");
		for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++)
			printf(" p%g=%.3f", pct[i], hist_percentile_ms(pct[i]));
		printf(" max=%.3f mean=%.3f samples=%llu\n", (double)hist.max_us / 1000.0,
		       hist.total ? (double)hist.sum_us / (double)hist.total / 1000.0 : 0.0,
		       (unsigned long long)hist.total);
		if (cfg.print_hist)
			for (int i = 0; i < LG_HIST_BUCKETS; i++)
				if (hist.count[i])
					printf("hist %.1f us %llu\n", hist_value(i), (unsigned long long)hist.count[i]);
		if (!cfg.closed && behind)
			printf("loadgen: the server fell behind: %llu scheduled messages never sent\n",
			       (unsigned long long)behind);
		printf("result mode=%s loop=%s stations=%d duration_s=%.1f msgs=%llu rate_per_s=%.0f target_per_s=%.0f "
		       "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f behind=%llu",
		       mode, cfg.closed ? "closed" : "open", cfg.stations, cfg.duration, (unsigned long long)stats.msgs,
		       (double)stats.msgs / cfg.duration, cfg.closed ? 0.0 : cfg.rate, hist_percentile_ms(50),
		       hist_percentile_ms(90), hist_percentile_ms(99), hist_percentile_ms(99.9),
		       (double)hist.max_us / 1000.0, (unsigned long long)behind);
	}
	printf(" callerrors=%llu timeouts=%llu disconnects=%llu connect_errors=%llu handshake_errors=%llu "
	       "protocol_errors=%llu boot_not_accepted=%llu start_not_accepted=%llu server_calls=%llu errors=%llu\n",
	       (unsigned long long)stats.callerrors, (unsigned long long)stats.timeouts,
	       (unsigned long long)stats.disconnects, (unsigned long long)stats.connect_errors,
	       (unsigned long long)stats.handshake_errors, (unsigned long long)stats.protocol_errors,
	       (unsigned long long)stats.boot_not_accepted, (unsigned long long)stats.start_not_accepted,
	       (unsigned long long)stats.server_calls, (unsigned long long)errors);
}

/* The main loop: one epoll_pwait2 per turn, with a timeout to the next slot, connect or tick. */
static void run(void)
{
	struct epoll_event events[512];
	int64_t now = now_ns(), next_tick = now + LG_TICK_NS, setup_ms = -1;
	int64_t storm_boot_ns = -1, storm_ready_ns = -1;

	t_start = now;
	t_window = t_end = INT64_MAX;
	while (run_state != LG_DONE) {
		int64_t wake = next_tick, connect_period;
		struct timespec ts;
		int n;

		if (interrupted && (run_state == LG_SETUP || run_state == LG_STORM_RECONNECT))
			break;
		if (interrupted && (run_state == LG_RUN_WORK || run_state == LG_HOLD) && t_end > now) {
			t_end = now;
			cfg.duration = now > t_window ? (double)(now - t_window) / (double)LG_S : 0.1;
		}
		/* stations still to connect, spread at --connect-rate (all at once when 0) */
		connect_period = cfg.connect_rate > 0 ? (int64_t)((double)LG_S / cfg.connect_rate) : 0;
		while (next_connect < (uint64_t)cfg.stations) {
			int64_t at = t_start + (int64_t)next_connect * connect_period;

			if (at > now) {
				wake = at < wake ? at : wake;
				break;
			}
			station_connect(&stations[next_connect++], now);
		}
		if (run_state == LG_RUN_WORK && !cfg.closed) {
			int64_t at = release_slots(now);

			if (at < t_end && at < wake)
				wake = at;
		}
		if ((run_state == LG_RUN_WORK || run_state == LG_HOLD) && t_end < wake)
			wake = t_end;
		ts.tv_sec = 0;
		ts.tv_nsec = wake > now ? (long)((wake - now) % LG_S) : 0;
		if (wake - now >= LG_S)
			ts.tv_sec = (wake - now) / LG_S;
		n = epoll_pwait2(epfd, events, 512, &ts, NULL);
		now = now_ns();
		for (int i = 0; i < n; i++) {
			struct lg_station *st = &stations[events[i].data.u32];
			uint32_t ev = events[i].events;

			if (st->conn == LG_CONNECTING) {
				if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))
					station_connected(st, now);
				continue;
			}
			if ((ev & EPOLLOUT) && st->tx_len)
				station_flush(st, now);
			if (st->conn != LG_DOWN && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
				station_read(st, now);
		}
		if (now >= next_tick) {
			tick(now);
			next_tick = now + LG_TICK_NS;
		}
		if (run_state == LG_SETUP) {
			storm_boot_ns = boot_done_ns;
			storm_ready_ns = ready_done_ns;
		}
		advance(now);
		if (setup_ms < 0 && run_state != LG_SETUP)
			setup_ms = (int64_t)ms_since(t_start, now);
	}
	close_all(now);
	report(setup_ms, storm_boot_ns, storm_ready_ns);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: loadgen [options]\n"
	    "Plays N OCPP 1.6J charge points against ws://HOST:PORT/ocpp/BENCH00001... (subprotocol ocpp1.6).\n"
	    "Each connects, sends BootNotification and a StatusNotification per connector (2), then:\n"
	    "  --mode heartbeat|metervalues  Heartbeat calls, or transactions: StartTransaction, 48 MeterValues\n"
	    "                                of 10 sampled values (~800 bytes), StopTransaction (default heartbeat)\n"
	    "  --tx-meter-values N           MeterValues per transaction (default 48)\n"
	    "  --closed                      one outstanding call per station, the next sent on the answer (default)\n"
	    "  --rate R                      open loop: R messages/s in total spread evenly over the stations,\n"
	    "                                latency measured from the scheduled send time\n"
	    "  --idle                        connect and boot, then hold the stations idle for --duration\n"
	    "  --storm                       connect all at once; report the time until all are booted\n"
	    "  --reconnect                   with --storm: then close all, reconnect all at once, report again\n"
	    "  --host H --port P             server address (default 127.0.0.1 8080)\n"
	    "  --password P                  HTTP Basic auth with the station id as user name\n"
	    "  --stations N                  charge points (default 100)\n"
	    "  --duration S --warmup S       measured seconds and unmeasured seconds before (default 10, 2)\n"
	    "  --connect-rate R              connections per second while connecting, 0 = all at once (default 0)\n"
	    "  --call-timeout S              an unanswered call counts as an error after S s (default 30)\n"
	    "  --setup-timeout S             give up waiting for all stations to boot after S s (default 120)\n"
	    "  --hist                        print every histogram bucket\n"
	    "The last line is `result key=value ...`; errors=0 means no CALLERROR, timeout or disconnect.\n");
}

static double parse_number(const char *opt, const char *s, double min)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= min)) {
		fprintf(stderr, "loadgen: --%s %s: expected a number >= %g\n", opt, s, min);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"mode", 1, 0, 'm'},
	    {"closed", 0, 0, 'c'},
	    {"rate", 1, 0, 'r'},
	    {"idle", 0, 0, 'i'},
	    {"storm", 0, 0, 's'},
	    {"reconnect", 0, 0, 'R'},
	    {"host", 1, 0, 'H'},
	    {"port", 1, 0, 'p'},
	    {"password", 1, 0, 'P'},
	    {"stations", 1, 0, 'n'},
	    {"duration", 1, 0, 'd'},
	    {"warmup", 1, 0, 'w'},
	    {"connect-rate", 1, 0, 'C'},
	    {"call-timeout", 1, 0, 'T'},
	    {"setup-timeout", 1, 0, 'S'},
	    {"hist", 0, 0, 'h' + 256},
	    {"help", 0, 0, 'h'},
	    {"tx-meter-values", 1, 0, 'M'},
	    {0, 0, 0, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "heartbeat"))
				cfg.workload = LG_HEARTBEAT;
			else if (!strcmp(optarg, "metervalues"))
				cfg.workload = LG_METERVALUES;
			else {
				fprintf(stderr, "loadgen: --mode %s: expected heartbeat or metervalues\n", optarg);
				exit(2);
			}
			break;
		case 'c': cfg.closed = true; break;
		case 'r':
			cfg.rate = parse_number("rate", optarg, 1);
			cfg.closed = false;
			break;
		case 'i': cfg.idle = true; break;
		case 's': cfg.storm = true; break;
		case 'R': cfg.reconnect = true; break;
		case 'H': cfg.host = optarg; break;
		case 'p': cfg.port = optarg; break;
		case 'P': cfg.password = optarg; break;
		case 'n': cfg.stations = (int)parse_number("stations", optarg, 1); break;
		case 'd': cfg.duration = parse_number("duration", optarg, 0.1); break;
		case 'w': cfg.warmup = parse_number("warmup", optarg, 0); break;
		case 'C': cfg.connect_rate = parse_number("connect-rate", optarg, 0); break;
		case 'T': cfg.call_timeout = parse_number("call-timeout", optarg, 0.1); break;
		case 'S': cfg.setup_timeout = parse_number("setup-timeout", optarg, 1); break;
		case 'M': cfg.tx_meter_values = (int)parse_number("tx-meter-values", optarg, 0); break;
		case 'h' + 256: cfg.print_hist = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc || cfg.stations > 999999 || (cfg.password && strlen(cfg.password) > 100)) {
		usage(stderr);
		exit(2);
	}
	if (cfg.storm)
		cfg.connect_rate = 0;
}

int main(int argc, char **argv)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
	struct rlimit rl;
	int rc;

	parse_args(argc, argv);
	/* One descriptor per station: take all the kernel allows. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)cfg.stations + 16)
		fprintf(stderr, "loadgen: warning: the descriptor limit (%llu) is below --stations %d\n",
		        (unsigned long long)rl.rlim_cur, cfg.stations);
	if ((rc = getaddrinfo(cfg.host, cfg.port, &hints, &ai))) {
		fprintf(stderr, "loadgen: %s:%s: %s\n", cfg.host, cfg.port, gai_strerror(rc));
		return 1;
	}
	memcpy(&server_addr, ai->ai_addr, ai->ai_addrlen);
	server_addr_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rng_state ^= (uint64_t)now_ns() * 0x2545f4914f6cdd1dull;
	if (!(stations = calloc((size_t)cfg.stations, sizeof(*stations))) ||
	    (epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		fprintf(stderr, "loadgen: out of memory or descriptors\n");
		return 1;
	}
	for (int i = 0; i < cfg.stations; i++) {
		stations[i].fd = -1;
		stations[i].tx_id = -1;
		snprintf(stations[i].id, sizeof(stations[i].id), "BENCH%05d", i + 1);
	}
	fprintf(stderr, "loadgen: %d stations against ws://%s:%s/ocpp/BENCH%05d.., %s\n", cfg.stations, cfg.host,
	        cfg.port, 1,
	        cfg.storm    ? "connect storm"
	        : cfg.idle   ? "idle"
	        : cfg.closed ? (cfg.workload == LG_HEARTBEAT ? "heartbeat, closed loop" : "metervalues, closed loop")
	                     : (cfg.workload == LG_HEARTBEAT ? "heartbeat, open loop" : "metervalues, open loop"));
	run();
	for (int i = 0; i < cfg.stations; i++) {
		free(stations[i].rx);
		free(stations[i].msg);
		free(stations[i].tx);
	}
	free(stations);
	close(epfd);
	return 0;
}
