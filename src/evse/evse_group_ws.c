/* evse_group_ws.c — the Master's WebSocket server for its Satellites: a vhost bound to exactly group_listen,
 * only /ocpp/<configured satellite> with subprotocol ocpp1.6, one session per Satellite (a new one replaces the
 * old), frames assembled up to 64 KiB and handed to the session's OCPP RPC (central-system role). */
#include "evse_group_int.h"

#include <libwebsockets.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_clock.h"
#include "wl_log.h"
#include "wl_ws.h"

#define MOD "group"

/* A Satellite that does not read what it is sent: past the RPC's bound on unread output its frames are dropped
 * (ocpp_rpc_overflowed), so it is closed — it was holding the Master's memory (like the csms's close_unread). */
static bool close_unread(struct group_conn *c)
{
	if (c->closing)
		return true;
	if (!ocpp_rpc_overflowed(c->rpc))
		return false;
	c->closing = true;
	WL_WARN(MOD, "satellite %s: closed, its answers were not read (%zu bytes waiting)",
	        c->sat >= 0 ? c->g->map.sat[c->sat].id : "(replaced)", ocpp_rpc_output_bytes(c->rpc));
	static const char why[] = "answers not read";
	lws_close_reason(c->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)why, sizeof(why) - 1);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC); /* it reads no close frame either */
	return true;
}

void evse_group__flush(struct group_conn *c)
{
	if (!c || !c->rpc || close_unread(c))
		return;
	if (ocpp_rpc_has_output(c->rpc))
		lws_callback_on_writable(c->wsi);
}

/* ---- the Satellites' WebSocket sessions ---- */

/* "/ocpp/SAT-A" -> the index of SAT-A, -1 when not a configured Satellite */
static int sat_from_uri(const struct evse_group *g, struct lws *wsi)
{
	char uri[128];
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0 || strncmp(uri, "/ocpp/", 6) != 0)
		return -1;
	return evse_group_map_find(&g->map, uri + 6);
}

static int on_established(struct evse_group *g, struct group_conn *c, struct lws *wsi)
{
	char addr[48];
	memset(c, 0, sizeof(*c));
	c->g = g;
	c->wsi = wsi;
	c->sat = sat_from_uri(g, wsi);
	if (c->sat < 0 || !(c->rx = malloc(RX_MAX)))
		return -1;
	struct ocpp_rpc_config rc = {
	    .role = OCPP_ROLE_CS,
	    .limits = {.max_frame = RX_MAX},
	    .id_seed = wl_wall_ms(),
	    .handlers = evse_group__sat_handlers,
	    .on_outcome = evse_group__sat_outcome,
	    .ctx = c,
	};
	if (!(c->rpc = ocpp_rpc_new(&rc)))
		return -1;
	c->serial = ++g->next_serial;
	struct group_conn *old = g->sat[c->sat].conn;
	if (old) {
		/* the Satellite is back (restarted, or its old connection is dead): the new one wins */
		WL_WARN(MOD, "satellite %s connected again: the previous connection is closed", g->map.sat[c->sat].id);
		old->sat = -1;
		lws_set_timeout(old->wsi, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC);
	}
	g->sat[c->sat].conn = c;
	lws_get_peer_simple(wsi, addr, sizeof(addr));
	WL_INFO(MOD, "satellite %s connected from %s (upstream connectors %d..%d)", g->map.sat[c->sat].id, addr,
	        g->map.sat[c->sat].first, g->map.sat[c->sat].first + g->map.sat[c->sat].connectors - 1);
	return 0;
}

static void on_closed(struct evse_group *g, struct group_conn *c)
{
	if (!c->rpc)
		return;
	if (c->sat >= 0 && g->sat[c->sat].conn == c) {
		g->sat[c->sat].conn = NULL;
		WL_INFO(MOD, "satellite %s disconnected: its connectors are Unavailable", g->map.sat[c->sat].id);
		evse_group__sat_gone(g, c->sat);
	}
	ocpp_rpc_free(c->rpc); /* the calls passed down are answered upstream (Cancelled) */
	if (g->wake)
		g->wake(g->wake_ctx);
	c->rpc = NULL;
	free(c->rx);
	c->rx = NULL;
}

static int on_writeable(struct group_conn *c, struct lws *wsi)
{
	size_t len;
	if (c->closing)
		return -1;
	char *text = c->rpc ? ocpp_rpc_take_output(c->rpc, &len) : NULL;
	if (!text)
		return 0;
	unsigned char *buf = malloc(LWS_PRE + len);
	int rc = -1;
	if (buf) {
		memcpy(buf + LWS_PRE, text, len);
		rc = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT);
		free(buf);
	}
	free(text);
	if (rc < (int)len)
		return -1;
	evse_group__flush(c);
	return 0;
}

static void on_receive(struct group_conn *c, struct lws *wsi, const char *in, size_t len)
{
	struct ocpp_error err;
	if (!c->rpc || c->sat < 0 || c->closing)
		return;
	if (!c->rx_overflow && c->rx_len + len <= RX_MAX) {
		memcpy(c->rx + c->rx_len, in, len);
		c->rx_len += len;
	} else {
		c->rx_overflow = true;
	}
	if (!lws_is_final_fragment(wsi))
		return;
	c->g->now = wl_mono_ms();
	if (c->rx_overflow)
		WL_WARN(MOD, "satellite %s: frame larger than %d bytes dropped", c->g->map.sat[c->sat].id, RX_MAX);
	else if (ocpp_rpc_receive(c->rpc, c->rx, c->rx_len, c->g->now, &err) != 0)
		WL_INFO(MOD, "satellite %s: %s: %s", c->g->map.sat[c->sat].id, ocpp_error_code_name(err.code),
		        err.message);
	c->rx_len = 0;
	c->rx_overflow = false;
	evse_group__flush(c);
	if (c->g->wake) /* answers and messages for upstream */
		c->g->wake(c->g->wake_ctx);
}

/* Writes a short refusal of the upgrade (401 with its challenge, 429): 1 (lws closes the connection). */
static int refuse(struct lws *wsi, int status, const char *text)
{
	unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
	static const char challenge[] = "Basic realm=\"Wattline group\", charset=\"UTF-8\"";
	size_t tl = strlen(text);
	if (lws_add_http_common_headers(wsi, (unsigned)status, "text/plain", tl, &p, end) ||
	    (status == HTTP_STATUS_UNAUTHORIZED &&
	     lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE, (const unsigned char *)challenge,
	                                  (int)strlen(challenge), &p, end)) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	if (tl + LWS_PRE < sizeof(buf)) {
		memcpy(buf + LWS_PRE, text, tl);
		lws_write(wsi, buf + LWS_PRE, tl, LWS_WRITE_HTTP_FINAL);
	}
	return 1;
}

/* The Satellite's credentials on the upgrade (security profile 1): 0 to go on, 1 when refused (answered). */
static int check_credentials(struct evse_group *g, struct lws *wsi)
{
	char addr[48], hash[EVSE_GAUTH_HASH_MAX] = "", key[16 + EVSE_GROUP_ID_MAX], header[400];
	int sat = sat_from_uri(g, wsi);
	uint64_t now = wl_mono_ms();
	if (sat < 0)
		return 0; /* refused by the protocol filter with its message */
	lws_get_peer_simple(wsi, addr, sizeof(addr));
	if (evse_gauth_blocked(&g->throttle, addr, now)) {
		WL_WARN(MOD, "satellite %s from %s: refused, too many failed logins (try again within a minute)",
		        g->map.sat[sat].id, addr);
		return refuse(wsi, 429, "too many failed logins: try again later\n");
	}
	snprintf(key, sizeof(key), "group.key.%s", g->map.sat[sat].id);
	if (evse_store_get(g->st->store, key, hash, sizeof(hash)) != 1)
		hash[0] = '\0';
	int n = lws_hdr_copy(wsi, header, sizeof(header), WSI_TOKEN_HTTP_AUTHORIZATION);
	if (n > 0 && hash[0] && !evse_gauth_take_check(&g->throttle, now)) {
		sodium_memzero(header, sizeof(header));
		WL_WARN(MOD, "satellite %s from %s: refused, over %d password checks a second (try again)",
		        g->map.sat[sat].id, addr, EVSE_GAUTH_CHECKS_PER_S);
		return refuse(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "busy: try again in a second\n");
	}
	enum evse_gauth_result r = evse_gauth_check(g->map.sat[sat].id, hash, g->auth_required, n > 0 ? header : NULL);
	sodium_memzero(header, sizeof(header));
	if (r == EVSE_GAUTH_OK || r == EVSE_GAUTH_OPEN)
		return 0;
	evse_gauth_failed(&g->throttle, addr, now);
	WL_WARN(MOD, "satellite %s from %s: authentication failed: %s", g->map.sat[sat].id, addr,
	        evse_gauth_result_text(r));
	return refuse(wsi, HTTP_STATUS_UNAUTHORIZED, "wrong satellite id or password\n");
}

static int group_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct lws_vhost *vh = lws_get_vhost(wsi);
	struct evse_group *g = vh ? lws_vhost_user(vh) : NULL;
	struct group_conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (!g || sat_from_uri(g, wsi) < 0 || !wl_ws_offers_protocol(wsi, "ocpp1.6")) {
			char uri[128] = "";
			lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
			WL_WARN(MOD, "refused %s: not /ocpp/<a configured satellite> with subprotocol ocpp1.6", uri);
			return -1;
		}
		return 0;
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		if (!g || strcmp((const char *)in, "websocket") != 0)
			return -1;
		return check_credentials(g, wsi);
	case LWS_CALLBACK_ESTABLISHED: return g ? on_established(g, c, wsi) : -1;
	case LWS_CALLBACK_RECEIVE:
		if (lws_frame_is_binary(wsi))
			return -1; /* OCPP-J is text */
		on_receive(c, wsi, in, len);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE: return on_writeable(c, wsi);
	case LWS_CALLBACK_CLOSED:
		if (g)
			on_closed(g, c);
		return 0;
	case LWS_CALLBACK_HTTP: lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL); return -1;
	default: return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static const struct lws_protocols group_protocols[] = {
    {"ocpp1.6", group_callback, sizeof(struct group_conn), RX_MAX, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int evse_group__listen(struct evse_group *g, struct lws_context *ctx, char *err, size_t errcap)
{
	const struct evse_config *cfg = g->cfg;
	struct lws_context_creation_info info;
	char why[160], name[80];
	if (wl_listen_resolve(cfg->group_listen, &g->where, why, sizeof(why)) < 0 ||
	    wl_listen_try(&g->where, cfg->group_port, why, sizeof(why)) < 0) {
		snprintf(err, errcap, "group_listen %s: %s",
		         cfg->group_listen[0] ? cfg->group_listen : "(every address)", why);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.port = cfg->group_port;
	info.protocols = group_protocols;
	info.vhost_name = "group";
	info.user = g;
	wl_listen_apply_lws(&g->where, &info);
	g->auth_required = !evse_gauth_loopback_only(g->where.family, g->where.addr);
	if (!(g->vh = lws_create_vhost(ctx, &info))) {
		snprintf(err, errcap, "group_listen: cannot listen on %s port %d",
		         wl_listen_name(&g->where, name, sizeof(name)), cfg->group_port);
		return -1;
	}
	return 0;
}
