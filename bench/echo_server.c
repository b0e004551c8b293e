/* echo_server.c — the benchmark's ceiling: a bare libwebsockets OCPP 1.6J endpoint that answers every CALL
 * with a canned, schema-valid CALLRESULT for its action. No JSON library, no state, no storage. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libwebsockets.h>

/* Every answer fits here (the longest canned payload is about 100 bytes, an id at most 36). */
#define ECHO_ANSWER_MAX 256
/* A received message split over several fragments or reads is assembled up to this size. */
#define ECHO_MESSAGE_MAX 65536
/* lws allocates this receive buffer for each connection: small, so idle connections cost little. */
#define ECHO_RX_BUFFER 1024

/* Answers waiting for the socket to become writable: records of [uint16 length][bytes]. Allocated only
 * while something waits, so an idle connection holds two NULL pointers. */
struct echo_queue {
	size_t head, len, cap;
	unsigned char data[];
};

struct echo_conn {
	struct echo_queue *out;
	char *partial; /* a message being assembled, ECHO_MESSAGE_MAX bytes, NULL when none */
	size_t partial_len;
};

static int echo_next_transaction = 1;

/* The wall clock as OCPP wants it, formatted once per second. */
static const char *echo_now_iso(void)
{
	static char text[32];
	static time_t cached = -1;
	time_t now = time(NULL);
	struct tm tm;

	if (now != cached) {
		cached = now;
		gmtime_r(&now, &tm);
		strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	return text;
}

/* Skips JSON white space from p up to end. */
static const char *echo_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Reads a JSON string at p (raw, escapes kept as they are) into [*s, *s + *n); returns the position after
 * it, or NULL when p is not at a complete string. */
static const char *echo_scan_string(const char *p, const char *end, const char **s, size_t *n)
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

/* Finds the message type, id and action of a CALL `[2,"id","Action",...`: 0, or -1 for anything else. */
static int echo_scan_call(const char *msg, size_t len, const char **id, size_t *id_len, const char **action,
                          size_t *action_len)
{
	const char *p = msg, *end = msg + len;

	p = echo_skip_ws(p, end);
	if (p >= end || *p++ != '[')
		return -1;
	p = echo_skip_ws(p, end);
	if (p >= end || *p++ != '2')
		return -1;
	p = echo_skip_ws(p, end);
	if (p >= end || *p++ != ',')
		return -1;
	p = echo_skip_ws(p, end);
	if (!(p = echo_scan_string(p, end, id, id_len)) || *id_len == 0 || *id_len > 36)
		return -1;
	p = echo_skip_ws(p, end);
	if (p >= end || *p++ != ',')
		return -1;
	p = echo_skip_ws(p, end);
	if (!echo_scan_string(p, end, action, action_len))
		return -1;
	return 0;
}

static bool echo_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* Writes the answer to one message into out (ECHO_ANSWER_MAX bytes); returns its length, 0 for none. */
static size_t echo_answer(const char *msg, size_t len, char *out)
{
	const char *id, *action;
	size_t id_len, action_len;
	char payload[160];
	int n;

	if (echo_scan_call(msg, len, &id, &id_len, &action, &action_len))
		return 0; /* CALLRESULTs and CALLERRORs to calls we never make, or garbage: ignored */
	if (echo_is(action, action_len, "Heartbeat"))
		snprintf(payload, sizeof(payload), "{\"currentTime\":\"%s\"}", echo_now_iso());
	else if (echo_is(action, action_len, "BootNotification"))
		snprintf(payload, sizeof(payload), "{\"status\":\"Accepted\",\"currentTime\":\"%s\",\"interval\":300}",
		         echo_now_iso());
	else if (echo_is(action, action_len, "StartTransaction"))
		snprintf(payload, sizeof(payload), "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}",
		         echo_next_transaction++ & 0x3fffffff);
	else if (echo_is(action, action_len, "Authorize") || echo_is(action, action_len, "StopTransaction"))
		snprintf(payload, sizeof(payload), "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
	else if (echo_is(action, action_len, "DataTransfer"))
		snprintf(payload, sizeof(payload), "{\"status\":\"Accepted\"}");
	else
		snprintf(payload, sizeof(payload), "{}");
	n = snprintf(out, ECHO_ANSWER_MAX, "[3,\"%.*s\",%s]", (int)id_len, id, payload);
	return n > 0 && n < ECHO_ANSWER_MAX ? (size_t)n : 0;
}

/* Appends one answer to the connection's queue; -1 when out of memory. */
static int echo_queue_push(struct echo_conn *c, const char *text, size_t n)
{
	struct echo_queue *q = c->out;
	size_t need = (q ? q->len : 0) + 2 + n;

	if (!q || need > q->cap) {
		size_t cap = q ? q->cap * 2 : 512;
		struct echo_queue *nq;

		while (cap < need)
			cap *= 2;
		if (!(nq = realloc(q, sizeof(*nq) + cap)))
			return -1;
		if (!q)
			nq->head = nq->len = 0;
		nq->cap = cap;
		c->out = q = nq;
	}
	q->data[q->len] = (unsigned char)(n >> 8);
	q->data[q->len + 1] = (unsigned char)n;
	memcpy(q->data + q->len + 2, text, n);
	q->len += 2 + n;
	return 0;
}

/* Answers one complete message: straight away when nothing is queued and the socket takes it, otherwise
 * through the queue and the WRITEABLE callback. */
static int echo_handle(struct lws *wsi, struct echo_conn *c, const char *msg, size_t len)
{
	unsigned char buf[LWS_PRE + ECHO_ANSWER_MAX];
	size_t n = echo_answer(msg, len, (char *)buf + LWS_PRE);

	if (!n)
		return 0;
	if (!c->out && !lws_send_pipe_choked(wsi))
		return lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n ? -1 : 0;
	if (echo_queue_push(c, (char *)buf + LWS_PRE, n))
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

/* Sends the oldest queued answer; frees the queue when it is empty. */
static int echo_flush_one(struct lws *wsi, struct echo_conn *c)
{
	unsigned char buf[LWS_PRE + ECHO_ANSWER_MAX];
	struct echo_queue *q = c->out;
	size_t n;

	if (!q)
		return 0;
	n = (size_t)q->data[q->head] << 8 | q->data[q->head + 1];
	memcpy(buf + LWS_PRE, q->data + q->head + 2, n);
	q->head += 2 + n;
	if (q->head == q->len) {
		free(q);
		c->out = NULL;
	} else {
		lws_callback_on_writable(wsi);
	}
	return lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n ? -1 : 0;
}

/* Accepts only /ocpp/<id> with the ocpp1.6 subprotocol offered. */
static bool echo_handshake_ok(struct lws *wsi)
{
	char uri[128], proto[128];

	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 6 || strncmp(uri, "/ocpp/", 6))
		return false;
	if (lws_hdr_copy(wsi, proto, sizeof(proto), WSI_TOKEN_PROTOCOL) <= 0)
		return false;
	return strstr(proto, "ocpp1.6") != NULL;
}

static int echo_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct echo_conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: return echo_handshake_ok(wsi) ? 0 : -1;
	case LWS_CALLBACK_ESTABLISHED: memset(c, 0, sizeof(*c)); return 0;
	case LWS_CALLBACK_RECEIVE: {
		bool done = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);

		if (done && !c->partial)
			return echo_handle(wsi, c, in, len);
		if (!c->partial && !(c->partial = malloc(ECHO_MESSAGE_MAX)))
			return -1;
		if (len > ECHO_MESSAGE_MAX - c->partial_len)
			return -1; /* too big for a benchmark message: drop the connection */
		memcpy(c->partial + c->partial_len, in, len);
		c->partial_len += len;
		if (done) {
			int rc = echo_handle(wsi, c, c->partial, c->partial_len);

			free(c->partial);
			c->partial = NULL;
			c->partial_len = 0;
			return rc;
		}
		return 0;
	}
	case LWS_CALLBACK_SERVER_WRITEABLE: return echo_flush_one(wsi, c);
	case LWS_CALLBACK_CLOSED:
		free(c->out);
		free(c->partial);
		c->out = NULL;
		c->partial = NULL;
		return 0;
	default: return 0;
	}
}

static const struct lws_protocols echo_protocols[] = {
    {"ocpp1.6", echo_callback, sizeof(struct echo_conn), ECHO_RX_BUFFER, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct rlimit rl;
	char *end;
	long port = argc > 1 ? strtol(argv[1], &end, 10) : 8080;

	if (argc > 2 || (argc > 1 && (*end || port <= 0 || port > 65535))) {
		fprintf(stderr, "usage: echo_server [port]   (default 8080; serves ws://*:port/ocpp/<id>, ocpp1.6)\n");
		return 2;
	}
	/* One descriptor per station: take all the kernel allows. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	lws_set_log_level(LLL_ERR, NULL);

	memset(&info, 0, sizeof(info));
	info.port = (int)port;
	info.protocols = echo_protocols;
	/* The libev plugin: epoll, O(1) per wake-up. The default poll() loop is O(connections). */
	info.options = LWS_SERVER_OPTION_LIBEV;
	info.max_http_header_data = 1024;
	info.timeout_secs = 20;
	if (!(context = lws_create_context(&info))) {
		fprintf(stderr, "echo_server: cannot create the libwebsockets context on port %ld\n", port);
		return 1;
	}
	fprintf(stderr, "echo_server: listening on ws://0.0.0.0:%ld/ocpp/<id> (ocpp1.6)\n", port);
	while (lws_service(context, 0) >= 0)
		;
	lws_context_destroy(context);
	return 0;
}
