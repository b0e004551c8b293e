/* csms_live.c — the live update hub: one ring of Server-Sent Events bytes, filled once per event by the
 * publish hooks after their commits; each client is a position in it, drained when its connection is
 * writable, and dropped when it falls too far behind. */
#include "csms_live.h"

#include <cjson/cJSON.h>
#include <ev.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_conn.h"
#include "csms_socket.h"
#include "ocpp_text.h"
#include "wl_log.h"

struct csms_live_client {
	struct csms_live_client *prev, *next;
	struct csms_live *hub;
	struct lws *wsi; /* NULL: nothing to wake (tests) */
	char addr[48];   /* the client's address, for the log */
	void **holder;   /* the request's pointer to this client, cleared when the hub goes first */
	uint64_t pos;    /* the next byte of the hub's stream this client gets */
	bool dropped;
};

/* Every event is copied once into one ring; each client only has a position in it. */
struct csms_live {
	struct csms_live_client *clients;
	unsigned n;
	uint64_t last_id;
	uint64_t written; /* bytes ever put in the ring */
	char *ring;       /* CSMS_LIVE_RING_BYTES */
	struct ev_loop *loop;
	ev_timer heartbeat;
};

static void on_heartbeat(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	csms_live_ping(w->data);
}

struct csms_live *csms_live_new(struct ev_loop *loop)
{
	struct csms_live *hub = calloc(1, sizeof(*hub));
	if (!hub || !(hub->ring = malloc(CSMS_LIVE_RING_BYTES))) {
		free(hub);
		return NULL;
	}
	hub->loop = loop;
	if (loop) {
		ev_timer_init(&hub->heartbeat, on_heartbeat, CSMS_LIVE_HEARTBEAT_S, CSMS_LIVE_HEARTBEAT_S);
		hub->heartbeat.data = hub;
		ev_timer_start(loop, &hub->heartbeat);
	}
	return hub;
}

void csms_live_free(struct csms_live *hub)
{
	if (!hub)
		return;
	if (hub->loop)
		ev_timer_stop(hub->loop, &hub->heartbeat);
	while (hub->clients) {
		struct csms_live_client *c = hub->clients;
		if (c->holder)
			*c->holder = NULL;
		csms_live_detach(c);
	}
	free(hub->ring);
	free(hub);
}

struct csms_live_client *csms_live_attach(struct csms_live *hub, struct lws *wsi, const char *addr, void **holder)
{
	if (!hub || hub->n >= CSMS_LIVE_MAX_CLIENTS)
		return NULL;
	struct csms_live_client *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->hub = hub;
	c->wsi = wsi;
	snprintf(c->addr, sizeof(c->addr), "%s", addr ? addr : "?");
	c->holder = holder;
	c->pos = hub->written; /* from now on */
	c->next = hub->clients;
	if (hub->clients)
		hub->clients->prev = c;
	hub->clients = c;
	hub->n++;
	return c;
}

void csms_live_detach(struct csms_live_client *c)
{
	if (!c)
		return;
	struct csms_live *hub = c->hub;
	if (c->prev)
		c->prev->next = c->next;
	else
		hub->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	hub->n--;
	free(c);
}

unsigned csms_live_clients(const struct csms_live *hub)
{
	return hub ? hub->n : 0;
}

size_t csms_live_pending(const struct csms_live_client *c, const char **data)
{
	const struct csms_live *hub = c->hub;
	size_t off = (size_t)(c->pos % CSMS_LIVE_RING_BYTES);
	size_t n = (size_t)(hub->written - c->pos);
	if (off + n > CSMS_LIVE_RING_BYTES)
		n = CSMS_LIVE_RING_BYTES - off; /* up to the ring's end; the rest comes next */
	*data = hub->ring + off;
	return c->dropped ? 0 : n;
}

void csms_live_consume(struct csms_live_client *c, size_t n)
{
	c->pos += n;
	if (c->pos > c->hub->written)
		c->pos = c->hub->written;
}

bool csms_live_is_dropped(const struct csms_live_client *c)
{
	return c->dropped;
}

uint64_t csms_live_last_id(const struct csms_live *hub)
{
	return hub ? hub->last_id : 0;
}

static void ring_put(struct csms_live *hub, const char *p, size_t n)
{
	while (n) {
		size_t off = (size_t)(hub->written % CSMS_LIVE_RING_BYTES);
		size_t k = CSMS_LIVE_RING_BYTES - off < n ? CSMS_LIVE_RING_BYTES - off : n;
		memcpy(hub->ring + off, p, k);
		hub->written += k;
		p += k;
		n -= k;
	}
}

/* After bytes were added: a client now too far behind is dropped (its connection closed soon after); one
 * that had caught up is woken (the others are still writing and wake themselves). O(clients). */
static void wake_clients(struct csms_live *hub, uint64_t before)
{
	for (struct csms_live_client *c = hub->clients; c; c = c->next) {
		if (c->dropped)
			continue;
		if (hub->written - c->pos > CSMS_LIVE_QUEUE_BYTES) {
			c->dropped = true;
			WL_WARN("live", "a live client (%s) reads too slowly: dropped", c->addr);
			if (c->wsi)
				lws_set_timeout(c->wsi, PENDING_TIMEOUT_HTTP_CONTENT, LWS_TO_KILL_ASYNC);
		} else if (c->pos == before && c->wsi) {
			lws_callback_on_writable(c->wsi);
		}
	}
}

void csms_live_publish(struct csms_live *hub, const char *event, const char *json)
{
	char head[96];
	if (!hub || !hub->n)
		return;
	size_t jn = strlen(json);
	int hn = snprintf(head, sizeof(head), "event: %s\nid: %llu\ndata: ", event, (unsigned long long)++hub->last_id);
	if (hn < 0 || (size_t)hn >= sizeof(head) || jn > CSMS_LIVE_QUEUE_BYTES / 4)
		return;
	uint64_t before = hub->written;
	ring_put(hub, head, (size_t)hn);
	ring_put(hub, json, jn);
	ring_put(hub, "\n\n", 2);
	wake_clients(hub, before);
}

void csms_live_ping(struct csms_live *hub)
{
	if (!hub || !hub->n)
		return;
	uint64_t before = hub->written;
	ring_put(hub, ": ping\n\n", 8);
	wake_clients(hub, before);
}

/* Publishes obj (taken) as one event. */
static void publish_json(struct csms_live *hub, const char *event, cJSON *obj)
{
	char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
	cJSON_Delete(obj);
	if (text)
		csms_live_publish(hub, event, text);
	free(text);
}

static void add_time(cJSON *o, const char *name, int64_t ms)
{
	char t[40];
	ocpp_time_format(ms, t, sizeof(t));
	cJSON_AddStringToObject(o, name, t);
}

void csms_live_publish_status(struct csms_live *hub, const struct csms_station *s, int connector, const char *status,
                              const char *error_code, int64_t ts_ms)
{
	if (!hub || !hub->n || !s)
		return;
	enum csms_socket_status ss = csms_socket_status_of(status, csms_station_is_connected(s), s->state);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "station", s->id);
	cJSON_AddNumberToObject(o, "connector", connector);
	cJSON_AddStringToObject(o, "status", status);
	cJSON *sock = cJSON_AddObjectToObject(o, "socketStatus");
	cJSON_AddStringToObject(sock, "key", csms_socket_status_key(ss));
	cJSON_AddStringToObject(sock, "label", csms_socket_status_label(ss));
	cJSON_AddStringToObject(o, "errorCode", error_code);
	add_time(o, "time", ts_ms);
	publish_json(hub, "socket", o);
}

void csms_live_publish_transaction(struct csms_live *hub, const char *what, int64_t txn_id, const char *station,
                                   int connector, const char *id_tag, int64_t energy_wh, int64_t ts_ms)
{
	if (!hub || !hub->n)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event", what);
	cJSON_AddNumberToObject(o, "id", (double)txn_id);
	cJSON_AddStringToObject(o, "station", station);
	cJSON_AddNumberToObject(o, "connector", connector);
	if (id_tag)
		cJSON_AddStringToObject(o, "idTag", id_tag);
	else
		cJSON_AddNullToObject(o, "idTag");
	if (energy_wh >= 0)
		cJSON_AddNumberToObject(o, "energy", (double)energy_wh);
	else
		cJSON_AddNullToObject(o, "energy");
	add_time(o, "time", ts_ms);
	publish_json(hub, "transaction", o);
}

void csms_live_publish_station(struct csms_live *hub, const struct csms_station *s, const char *what)
{
	if (!hub || !hub->n || !s)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event", what);
	cJSON_AddStringToObject(o, "station", s->id);
	cJSON_AddStringToObject(o, "state", csms_station_state_name(s->state));
	cJSON_AddBoolToObject(o, "connected", csms_station_is_connected(s));
	publish_json(hub, "station", o);
}
