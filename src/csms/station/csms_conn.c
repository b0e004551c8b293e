/* csms_conn.c — the OCPP WebSocket sessions: handshake policy, frames in and out, liveness, and the
 * duplicate-connection rule. */
#define _GNU_SOURCE /* POLLRDHUP */
#include "csms_conn.h"

#include <libwebsockets.h>
#include <poll.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csms_journal.h"
#include "csms_station_db.h"
#include "wl_clock.h"
#include "wl_log.h"
#include "wl_ws.h"

#define PROBATION_PING_MS 5000u /* how long the live session has to answer when a rival appears */
#define CLOSE_GRACE_S     5
/* answers waiting for a station that does not read them: past OUTPUT_PAUSE bytes its frames are not read
 * until the queue is below half of it; past the rpc's max_output (OUTPUT_MAX, or 4 frames of max-frame)
 * or after call-timeout seconds paused, the station is closed */
#define OUTPUT_PAUSE (256u * 1024u)
#define OUTPUT_MAX   (1024u * 1024u)

static const char *const state_names[CSMS_CONN_STATE_COUNT] = {
    [CSMS_CONN_NEW] = "new",           [CSMS_CONN_PROBATION] = "probation", [CSMS_CONN_BOOTING] = "booting",
    [CSMS_CONN_ACCEPTED] = "accepted", [CSMS_CONN_CLOSING] = "closing",     [CSMS_CONN_CLOSED] = "closed",
};

const char *csms_conn_state_name(enum csms_conn_state s)
{
	return (unsigned)s < CSMS_CONN_STATE_COUNT ? state_names[s] : "?";
}

/* allowed[from] has bit `to` set when from -> to is a step of a connection's life */
#define TO(s) (1u << (s))
static const unsigned allowed[CSMS_CONN_STATE_COUNT] = {
    [CSMS_CONN_NEW] = TO(CSMS_CONN_PROBATION) | TO(CSMS_CONN_BOOTING) | TO(CSMS_CONN_CLOSED),
    [CSMS_CONN_PROBATION] = TO(CSMS_CONN_BOOTING) | TO(CSMS_CONN_CLOSING) | TO(CSMS_CONN_CLOSED),
    [CSMS_CONN_BOOTING] = TO(CSMS_CONN_ACCEPTED) | TO(CSMS_CONN_CLOSING) | TO(CSMS_CONN_CLOSED),
    [CSMS_CONN_ACCEPTED] = TO(CSMS_CONN_BOOTING) | TO(CSMS_CONN_CLOSING) | TO(CSMS_CONN_CLOSED),
    [CSMS_CONN_CLOSING] = TO(CSMS_CONN_CLOSED),
    [CSMS_CONN_CLOSED] = 0,
};
#undef TO

int csms_conn_set_state(struct csms_conn *c, enum csms_conn_state to)
{
	enum csms_conn_state from = c->state;
	const char *id = c->station ? c->station->id : "?";

	if (to == from)
		return 0;
	if ((unsigned)to >= CSMS_CONN_STATE_COUNT || !(allowed[from] & (1u << to))) {
		WL_ERROR("conn", "station \"%s\" (%s): connection state %s -> %s refused", id, c->addr,
		         csms_conn_state_name(from), csms_conn_state_name(to));
		return -1;
	}
	c->state = to;
	WL_DEBUG("conn", "station \"%s\" (%s): %s -> %s", id, c->addr, csms_conn_state_name(from),
	         csms_conn_state_name(to));
	return 0;
}

static bool is_attached(const struct csms_conn *c)
{
	return c && (c->state == CSMS_CONN_BOOTING || c->state == CSMS_CONN_ACCEPTED);
}

bool csms_station_is_connected(const struct csms_station *s)
{
	return s && is_attached(s->conn);
}

struct csms_conn *csms_conn_for(struct csms_station *s, uint64_t serial)
{
	struct csms_conn *c = s ? s->conn : NULL;
	return is_attached(c) && c->serial == serial ? c : NULL;
}

/* "/ocpp/CP-1" -> "CP-1"; false when the path is not an OCPP endpoint or the id is not valid. */
static bool id_from_uri(struct lws *wsi, char *id, size_t idlen)
{
	char uri[128];
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0)
		return false;
	if (strncmp(uri, "/ocpp/", 6) != 0 || strlen(uri + 6) >= idlen)
		return false;
	snprintf(id, idlen, "%s", uri + 6);
	return csms_station_id_is_valid(id);
}

enum basic { BASIC_ABSENT, BASIC_OK, BASIC_BAD };

/* Checks "Authorization: Basic base64(id:password)" against the station's hash (or a dummy). */
static enum basic check_basic(struct lws *wsi, const char *id, const struct csms_station *s)
{
	char hdr[256], dec[192];
	int n = lws_hdr_copy(wsi, hdr, sizeof(hdr), WSI_TOKEN_HTTP_AUTHORIZATION);
	if (n <= 0)
		return BASIC_ABSENT;
	if (strncmp(hdr, "Basic ", 6) != 0)
		return BASIC_BAD;
	int m = lws_b64_decode_string(hdr + 6, dec, (int)sizeof(dec) - 1);
	if (m <= 0)
		return BASIC_BAD;
	dec[m] = '\0';
	char *colon = strchr(dec, ':');
	if (!colon)
		return BASIC_BAD;
	*colon = '\0';
	bool ok = csms_password_verify(s ? s->password_hash : NULL, colon + 1) && strcmp(dec, id) == 0;
	sodium_memzero(dec, sizeof(dec));
	return ok ? BASIC_OK : BASIC_BAD;
}

static void count_pending(struct csms_station *s, void *ctx)
{
	if (s->state == CSMS_STATION_PENDING)
		(*(size_t *)ctx)++;
}

/* Policy pending: may an unknown id be registered now? Bounded per minute (--pending-rate) and in number
 * waiting (--pending-max), so made-up ids cannot fill the station table. 0, or the refusal's return. */
static enum csms_conn_refusal refuse_auto_registration(struct csms *app, const char *id, const char *addr, uint64_t now,
                                                       const char **reason)
{
	size_t pending = 0;
	if (now - app->auto_registrations.window_start >= 60000) {
		app->auto_registrations.window_start = now;
		app->auto_registrations.count = 0;
	}
	if (app->auto_registrations.count >= (unsigned)app->cfg.pending_rate) {
		app->stats.refused_handshakes++;
		WL_WARN("conn",
		        "station \"%s\" from %s: not registered, already %u new stations this minute (--pending-rate)",
		        id, addr, app->auto_registrations.count);
		*reason = "too many new stations this minute: try again later";
		return CSMS_CONN_REFUSE_TOO_MANY_NEW;
	}
	csms_registry_each(app->reg, count_pending, &pending);
	if (pending >= (size_t)app->cfg.pending_max) {
		app->stats.refused_handshakes++;
		WL_WARN("conn",
		        "station \"%s\" from %s: not registered, %zu stations already wait to be configured "
		        "(--pending-max)",
		        id, addr, pending);
		*reason = "too many stations wait to be configured: an operator must accept or delete some";
		return CSMS_CONN_REFUSE_TOO_MANY_PENDING;
	}
	app->auto_registrations.count++;
	return CSMS_CONN_ACCEPT;
}

static void attach(struct csms_conn *c);

/* Has the station hung up this connection: did its FIN (it closed without waiting for our close), a reset or
 * an error already reach us, even if the csms has not read that far yet (its reading paused, or its turn not
 * come yet in a reconnect storm)? Only the station's own TCP stack can do that: nothing another client sends. */
static bool hung_up(const struct csms_conn *c)
{
	struct pollfd p = {.fd = lws_get_socket_fd(c->wsi), .events = POLLRDHUP};
	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* c stops being its station's session (it closed, or it is ending): a rival on probation takes over, else the
 * station is disconnected. */
static void leave(struct csms_conn *c)
{
	struct csms_station *s = c->station;
	struct csms_conn *r = c->rival;

	if (r) {
		r->rival = NULL;
		c->rival = NULL;
		if (r->state == CSMS_CONN_PROBATION) {
			/* the live session went away while its rival waited: the rival takes over */
			if (s->conn == c)
				s->conn = NULL;
			attach(r);
		}
	}
	if (s->conn == c) {
		s->conn = NULL;
		csms_station_db_connected(c->app, s, false, c->addr);
		WL_INFO("conn", "station \"%s\" disconnected (%s)", s->id, c->addr);
	}
}

/* The station's session as a new connection finds it: NULL when there is none, or when the one there is
 * ending — we are closing it, or its station hung up (hung_up()). Such a session ends now, so that a station
 * reconnecting at once (a reconnect storm: 10,000 closes arrive with 10,000 handshakes, in no set order) is not
 * refused for the connection it has just closed; frames it left unread can no longer be answered anyway. */
static struct csms_conn *live_session(struct csms_station *s)
{
	struct csms_conn *c = s->conn;

	if (!c || (c->state < CSMS_CONN_CLOSING && !hung_up(c)))
		return c;
	WL_INFO("conn", "station \"%s\" (%s): %s, its session ends for a new connection", s->id, c->addr,
	        c->state < CSMS_CONN_CLOSING ? "hung up" : "closing");
	leave(c);
	if (c->state < CSMS_CONN_CLOSING) {
		csms_conn_set_state(c, CSMS_CONN_CLOSING);
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC); /* freed at the next service */
	}
	return s->conn; /* a rival that was on probation, or NULL */
}

enum csms_conn_refusal csms_conn_confirm_upgrade(struct csms *app, struct lws *wsi, const char **reason)
{
	char id[CSMS_ID_MAX + 2], addr[48], key[64];
	uint64_t now = wl_mono_ms();

	lws_get_peer_simple(wsi, addr, sizeof(addr));
	csms_throttle_addr_key(addr, key, sizeof(key)); /* an IPv6 host counts by its /64 */
	if (!id_from_uri(wsi, id, sizeof(id))) {
		app->stats.refused_handshakes++;
		*reason = "OCPP endpoint is /ocpp/{chargeBoxId} (1..48 printable characters)";
		return CSMS_CONN_REFUSE_BAD_PATH;
	}
	if (!wl_ws_offers_protocol(wsi, "ocpp1.6")) {
		app->stats.refused_handshakes++;
		WL_INFO("conn", "station \"%s\" from %s: refused, no ocpp1.6 subprotocol offered", id, addr);
		*reason = "Sec-WebSocket-Protocol must offer ocpp1.6 (OCPP 1.6J)";
		return CSMS_CONN_REFUSE_NO_SUBPROTOCOL;
	}
	if (app->stopping) {
		*reason = "the central system is shutting down";
		return CSMS_CONN_REFUSE_STOPPING;
	}
	if (app->n_conns >= (unsigned)app->cfg.max_connections) {
		*reason = "too many connections";
		return CSMS_CONN_REFUSE_BUSY;
	}
	/* failures are counted per address only (which covers id + address): a guess at a station's password
	 * from elsewhere never locks the real station out */
	if (csms_throttle_is_blocked(app->throttle, key, now)) {
		app->stats.refused_handshakes++;
		*reason = "too many failed attempts: try again later";
		return CSMS_CONN_REFUSE_THROTTLED;
	}

	struct csms_station *s = csms_registry_find(app->reg, id);
	bool need_auth = app->cfg.security_profile >= 1 || (s && s->password_hash);
	enum basic b = need_auth ? check_basic(wsi, id, s) : BASIC_ABSENT;

	if (need_auth && b != BASIC_OK) {
		/* unknown id and wrong password look the same */
		csms_throttle_fail(app->throttle, key, now);
		app->stats.auth_failures++;
		WL_WARN("conn", "station \"%s\" from %s: authentication failed", id, addr);
		if (s)
			csms_journal_event(app, id, "security", -1, "failed login from %s", addr);
		*reason = "wrong station id or password";
		return CSMS_CONN_REFUSE_UNAUTHORIZED;
	}
	if (!s) {
		if (app->cfg.station_policy == CSMS_POLICY_KNOWN) {
			csms_throttle_fail(app->throttle, key, now);
			app->stats.refused_handshakes++;
			WL_INFO("conn", "station \"%s\" from %s: refused, not registered", id, addr);
			*reason = "this station is not registered";
			return CSMS_CONN_REFUSE_UNKNOWN_STATION;
		}
		enum csms_conn_refusal refused = app->cfg.station_policy == CSMS_POLICY_PENDING
		                                     ? refuse_auto_registration(app, id, addr, now, reason)
		                                     : CSMS_CONN_ACCEPT;
		if (refused)
			return refused;
		s = csms_station_db_register(app, id,
		                             app->cfg.station_policy == CSMS_POLICY_ACCEPT ? CSMS_STATION_ACCEPTED
		                                                                           : CSMS_STATION_PENDING,
		                             NULL, "");
		if (!s) {
			*reason = "out of memory";
			return CSMS_CONN_REFUSE_BUSY;
		}
		WL_INFO("conn", "station \"%s\" registered automatically as %s", id, csms_station_state_name(s->state));
	}
	if (live_session(s) && b != BASIC_OK) {
		app->stats.refused_handshakes++;
		WL_WARN("conn", "station \"%s\" from %s: refused, already connected from %s", id, addr, s->conn->addr);
		csms_journal_event(app, id, "security", -1, "second unauthenticated connection from %s refused", addr);
		*reason = "this station is already connected";
		return CSMS_CONN_REFUSE_ALREADY_CONNECTED;
	}
	return CSMS_CONN_ACCEPT;
}

static void attach(struct csms_conn *c)
{
	struct csms_station *s = c->station;
	s->conn = c;
	csms_conn_set_state(c, CSMS_CONN_BOOTING);
	c->rival = NULL;
	lws_rx_flow_control(c->wsi, 1);
	csms_station_db_connected(c->app, s, true, c->addr);
	WL_INFO("conn", "station \"%s\" connected from %s", s->id, c->addr);
}

static int on_established(struct csms *app, struct csms_conn *c, struct lws *wsi)
{
	char id[CSMS_ID_MAX + 2];
	uint64_t now = wl_mono_ms();

	memset(c, 0, sizeof(*c));
	c->app = app;
	c->wsi = wsi;
	c->serial = ++app->next_serial;
	c->last_rx = now;
	lws_get_peer_simple(wsi, c->addr, sizeof(c->addr));
	if (!id_from_uri(wsi, id, sizeof(id)) || !(c->station = csms_registry_find(app->reg, id)))
		return -1; /* cannot happen after confirm_upgrade */

	struct ocpp_rpc_config rc = {
	    .role = OCPP_ROLE_CS,
	    .limits = {.max_frame = (size_t)app->cfg.max_frame},
	    .max_output = 4u * (size_t)app->cfg.max_frame > OUTPUT_MAX ? 4u * (size_t)app->cfg.max_frame : OUTPUT_MAX,
	    .call_timeout_ms = (uint32_t)app->cfg.call_timeout * 1000u,
	    .id_seed = wl_wall_ms(),
	    .handlers = csms_handlers,
	    .on_outcome = csms_ops_on_outcome,
	    .ctx = c,
	};
	if (!(c->rpc = ocpp_rpc_new(&rc)))
		return -1;
	c->next = app->conns;
	if (app->conns)
		app->conns->prev = c;
	app->conns = c;
	app->n_conns++;

	struct csms_conn *live = live_session(c->station);
	if (live) {
		/* authenticated newcomer: it wins only if the live session fails a ping */
		csms_conn_set_state(c, CSMS_CONN_PROBATION);
		c->rival = live;
		live->rival = c;
		live->want_ping = true;
		live->ping_due = now + PROBATION_PING_MS;
		lws_rx_flow_control(wsi, 0);
		lws_callback_on_writable(live->wsi);
		WL_WARN("conn",
		        "station \"%s\": second connection from %s while connected from %s; pinging the live one", id,
		        c->addr, live->addr);
		return 0;
	}
	attach(c);
	return 0;
}

static void promote_or_refuse(struct csms_conn *newcomer, bool live_alive);

#define BUDGET_EVENT_MS 60000u /* at most one "over budget" security event a minute per station */

/* Charges a received frame to the station's message budget; over it, reading pauses until the
 * budget is back (the frame already read is still answered), and a security event is recorded. */
static void charge_budget(struct csms_conn *c, size_t len, uint64_t now)
{
	struct csms *app = c->app;
	struct csms_station *s = c->station;
	const struct csms_budget_limits lim = {app->cfg.station_msg_rate, app->cfg.station_byte_rate};
	uint64_t wait = csms_budget_take(&s->budget, &lim, len, now);

	if (!wait)
		return;
	app->stats.over_budget++;
	c->paused = true;
	c->resume_at = now + wait;
	lws_rx_flow_control(c->wsi, 0);
	if (!s->budget.last_event_at || now - s->budget.last_event_at >= BUDGET_EVENT_MS) {
		s->budget.last_event_at = now;
		WL_WARN("conn",
		        "station \"%s\" (%s): over its message budget (%d messages, %d bytes a second): reading "
		        "paused %llu ms",
		        s->id, c->addr, (int)lim.msg_rate, (int)lim.byte_rate, (unsigned long long)wait);
		csms_journal_event(app, s->id, "security", -1,
		                   "message budget exceeded (%ld messages, %ld bytes a second; %llu frames over "
		                   "so far): reading paused",
		                   lim.msg_rate, lim.byte_rate, (unsigned long long)s->budget.over);
	}
}

static void process_frame(struct csms_conn *c, const char *buf, size_t len)
{
	struct ocpp_error err;
	uint64_t now = wl_mono_ms();

	c->last_rx = now;
	c->ping_due = 0;
	c->app->stats.frames_in++;
	if (c->rival && c->rival->state == CSMS_CONN_PROBATION)
		promote_or_refuse(c->rival, true); /* a frame proves the live session alive, like a pong */
	charge_budget(c, len, now);
	csms_journal_frame(c->app, c->station, CSMS_DIR_IN, buf, len);
	if (ocpp_rpc_receive(c->rpc, buf, len, now, &err) != 0)
		WL_INFO("conn", "station \"%s\": %s: %s", c->station->id, ocpp_error_code_name(err.code), err.message);
	csms_conn_flush(c);
}

/* A message in pieces (WebSocket fragments, or a frame longer than the lws rx buffer, RX_BUFFER in
 * csms_server.c) is gathered in c->rx, which is freed as soon as the message is handled: an idle station holds
 * none. */
#define RX_START 4096u

static void rx_release(struct csms_conn *c)
{
	free(c->rx);
	c->rx = NULL;
	c->rx_len = 0;
	c->rx_cap = 0;
}

static int on_receive(struct csms_conn *c, struct lws *wsi, const char *in, size_t len)
{
	size_t max = (size_t)c->app->cfg.max_frame;
	bool first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);

	if (!is_attached(c))
		return 0; /* on probation (not read) or closing */
	if (lws_frame_is_binary(wsi)) {
		csms_conn_close(c, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "OCPP-J uses text frames");
		return 0;
	}
	if (first && final && !c->rx) {
		process_frame(c, in, len);
		return 0;
	}
	if (first)
		rx_release(c);
	if (c->rx_len + len > max) {
		WL_WARN("conn", "station \"%s\": message over %zu bytes refused", c->station->id, max);
		csms_conn_close(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too large");
		return 0;
	}
	if (c->rx_len + len > c->rx_cap) { /* grows as the message comes, never past max: a 1 KiB rx buffer may
		                              deliver a 64 KiB message in 64 pieces */
		size_t cap = c->rx_cap ? c->rx_cap : RX_START;
		while (cap < c->rx_len + len)
			cap *= 2;
		char *grown = realloc(c->rx, cap < max ? cap : max);
		if (!grown)
			return -1;
		c->rx = grown;
		c->rx_cap = cap < max ? cap : max;
	}
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	if (final) {
		process_frame(c, c->rx, c->rx_len);
		rx_release(c);
	}
	return 0;
}

static int on_writeable(struct csms_conn *c, struct lws *wsi)
{
	static unsigned char buf[LWS_PRE + 16 * 1024 * 1024 + 1]; /* event-loop thread only */

	if (c->state >= CSMS_CONN_CLOSING)
		return -1;
	if (c->want_ping) {
		c->want_ping = false;
		/* a payload: lws 4.1 does not report a zero-length PONG (LWS_CALLBACK_RECEIVE_PONG) */
		memcpy(buf + LWS_PRE, "wattline", 8);
		if (lws_write(wsi, buf + LWS_PRE, 8, LWS_WRITE_PING) < 0)
			return -1;
		if (ocpp_rpc_has_output(c->rpc))
			lws_callback_on_writable(wsi);
		return 0;
	}
	size_t len;
	char *text = ocpp_rpc_take_output(c->rpc, &len);
	if (!text)
		return 0;
	if (len > sizeof(buf) - LWS_PRE) {
		free(text);
		return -1;
	}
	memcpy(buf + LWS_PRE, text, len);
	c->app->stats.frames_out++;
	if (c->out_paused && ocpp_rpc_output_bytes(c->rpc) < OUTPUT_PAUSE / 2) {
		c->out_paused = false; /* it reads again: so do we */
		if (!c->paused)
			lws_rx_flow_control(wsi, 1);
	}
	csms_journal_frame(c->app, c->station, CSMS_DIR_OUT, text, len);
	free(text);
	if (lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len)
		return -1;
	if (ocpp_rpc_has_output(c->rpc))
		lws_callback_on_writable(wsi);
	return 0;
}

static void promote_or_refuse(struct csms_conn *newcomer, bool live_alive)
{
	struct csms_conn *live = newcomer->rival;
	const char *id = newcomer->station->id;

	if (live_alive) {
		WL_WARN("conn", "station \"%s\": the live session answered; second connection from %s refused", id,
		        newcomer->addr);
		csms_journal_event(newcomer->app, id, "security", -1,
		                   "second connection from %s refused: the session from %s is alive", newcomer->addr,
		                   live ? live->addr : "?");
		if (live)
			live->rival = NULL;
		newcomer->rival = NULL;
		csms_conn_close(newcomer, LWS_CLOSE_STATUS_POLICY_VIOLATION, "station already connected");
		return;
	}
	if (live) {
		WL_WARN("conn", "station \"%s\": the session from %s did not answer; replaced by %s", id, live->addr,
		        newcomer->addr);
		csms_journal_event(newcomer->app, id, "security", -1,
		                   "session from %s replaced by %s (no answer to ping)", live->addr, newcomer->addr);
		live->rival = NULL;
		csms_conn_close(live, LWS_CLOSE_STATUS_GOINGAWAY, "replaced by a new connection");
		newcomer->station->conn = NULL;
	}
	attach(newcomer);
}

static void on_closed(struct csms_conn *c)
{
	struct csms *app = c->app;

	if (!c->rpc)
		return; /* never established */
	rx_release(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		app->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	app->n_conns--;
	leave(c);
	csms_conn_set_state(c, CSMS_CONN_CLOSED);
	ocpp_rpc_free(c->rpc); /* cancels our pending calls: their askers are told */
	c->rpc = NULL;
}

int csms_conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct csms *app = lws_context_user(lws_get_context(wsi));
	struct csms_conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED: return on_established(app, c, wsi);
	case LWS_CALLBACK_RECEIVE: return c->rpc ? on_receive(c, wsi, in, len) : -1;
	case LWS_CALLBACK_RECEIVE_PONG:
		if (!c->rpc)
			return 0;
		c->last_rx = wl_mono_ms();
		c->ping_due = 0;
		if (c->rival && c->rival->state == CSMS_CONN_PROBATION)
			promote_or_refuse(c->rival, true);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE: return c->rpc ? on_writeable(c, wsi) : -1;
	case LWS_CALLBACK_CLOSED: on_closed(c); return 0;
	default: return 0;
	}
}

static void close_unread(struct csms_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Closes a station that does not read what it is sent (a security event: it was holding our memory). */
static void close_unread(struct csms_conn *c, const char *fmt, ...)
{
	char why[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	WL_WARN("conn", "station \"%s\" (%s): closed, %s (%zu bytes waiting)", c->station->id, c->addr, why,
	        ocpp_rpc_output_bytes(c->rpc));
	csms_journal_event(c->app, c->station->id, "security", -1, "connection from %s closed: %s", c->addr, why);
	csms_conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "answers not read");
}

void csms_conn_flush(struct csms_conn *c)
{
	if (!c->wsi || c->state >= CSMS_CONN_CLOSING)
		return;
	if (ocpp_rpc_overflowed(c->rpc)) {
		close_unread(c, "over %zu bytes of answers not read", ocpp_rpc_output_bytes(c->rpc));
		return;
	}
	if (!c->out_paused && ocpp_rpc_output_bytes(c->rpc) >= OUTPUT_PAUSE) {
		/* its answers pile up: read nothing more from it until it reads them */
		c->out_paused = true;
		c->out_paused_at = wl_mono_ms();
		lws_rx_flow_control(c->wsi, 0);
	}
	if (ocpp_rpc_has_output(c->rpc) || c->want_ping)
		lws_callback_on_writable(c->wsi);
}

void csms_conn_close(struct csms_conn *c, int code, const char *reason)
{
	if (c->state >= CSMS_CONN_CLOSING)
		return;
	csms_conn_set_state(c, CSMS_CONN_CLOSING);
	lws_close_reason(c->wsi, (enum lws_close_status)code, (unsigned char *)reason, strlen(reason));
	lws_callback_on_writable(c->wsi);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, CLOSE_GRACE_S);
}

void csms_conn_tick_all(struct csms *app, uint64_t now)
{
	uint64_t idle_ms = (uint64_t)app->cfg.heartbeat_interval * 1000u;

	for (struct csms_conn *c = app->conns, *next; c; c = next) {
		next = c->next;
		if (c->state >= CSMS_CONN_CLOSING || !c->rpc)
			continue;
		if (ocpp_rpc_next_deadline(c->rpc) <= now) {
			ocpp_rpc_tick(c->rpc, now);
			csms_conn_flush(c);
		}
		if (c->paused && now >= c->resume_at) { /* the message budget is back: read again */
			c->paused = false;
			if (!c->out_paused)
				lws_rx_flow_control(c->wsi, 1);
		}
		if (c->out_paused && now - c->out_paused_at >= (uint64_t)app->cfg.call_timeout * 1000u) {
			close_unread(c, "its answers were not read for %d s", app->cfg.call_timeout);
			continue;
		}
		if (c->state == CSMS_CONN_PROBATION)
			continue;
		if (c->ping_due && now >= c->ping_due) {
			WL_INFO("conn", "station \"%s\" (%s): no answer to ping, out of service", c->station->id,
			        c->addr);
			if (c->rival && c->rival->state == CSMS_CONN_PROBATION) {
				promote_or_refuse(c->rival, false);
			} else {
				csms_journal_event(app, c->station->id, "timeout", -1, "no frame for %llu s",
				                   (unsigned long long)((now - c->last_rx) / 1000u));
				csms_conn_close(c, LWS_CLOSE_STATUS_GOINGAWAY, "no answer");
			}
			continue;
		}
		if (!c->ping_due && now - c->last_rx >= idle_ms) {
			c->want_ping = true;
			c->ping_due = now + idle_ms;
			csms_conn_flush(c);
		}
	}
}
