/* csms_api_control.c — what the MMS manual's station pages do: the station list, names and socket
 * descriptions, reboot, availability, unlock, configuration, firmware update, and remote start/stop on
 * a socket. Station commands are OCPP calls answered with the station's reply (csms_api_send_op). */
#include "csms_api.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_card_db.h"
#include "csms_conn.h"
#include "csms_firmware_db.h"
#include "csms_idtag.h"
#include "csms_socket.h"
#include "csms_socket_form.h"
#include "csms_socket_spec.h"
#include "csms_connector_db.h"
#include "csms_station_db.h"
#include "csms_stexport.h"
#include "csms_txn_db.h"
#include "ocpp_text.h"
#include "wl_clock.h"

/* ---- the station list ---- */

/* "abc" -> "%abc%" with LIKE's wildcards escaped */
static void like_pattern(const char *q, char *out, size_t outlen)
{
	size_t n = 0;
	out[n++] = '%';
	for (; *q && n + 3 < outlen; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[n++] = '\\';
		out[n++] = *q;
	}
	out[n++] = '%';
	out[n] = '\0';
}

struct station_list {
	struct csms *app;
	cJSON *items;
};

static int add_station(const struct csms_station_row *row, void *ctx)
{
	struct station_list *l = ctx;
	cJSON *o = cJSON_CreateObject();
	struct csms_station *s = csms_registry_find(l->app->reg, row->id);
	char type[200];
	cJSON_AddStringToObject(o, "id", row->id);
	cJSON_AddStringToObject(o, "code", row->id); /* the manual's station code is the OCPP identity */
	if (row->name)
		cJSON_AddStringToObject(o, "name", row->name);
	else
		cJSON_AddNullToObject(o, "name");
	cJSON_AddStringToObject(o, "ocppProtocol", "OCPP 1.6J");
	snprintf(type, sizeof(type), "%s%s%s", row->vendor ? row->vendor : "", row->vendor && row->model ? " " : "",
	         row->model ? row->model : "");
	cJSON_AddStringToObject(o, "deviceType", type);
	if (row->firmware)
		cJSON_AddStringToObject(o, "firmwareVersion", row->firmware);
	else
		cJSON_AddNullToObject(o, "firmwareVersion");
	cJSON_AddStringToObject(o, "state", row->state ? row->state : "");
	cJSON_AddBoolToObject(o, "connected", csms_station_is_connected(s));
	cJSON_AddStringToObject(o, "localListName", row->local_list_name ? row->local_list_name : "-");
	csms_api_add_ms(o, "lastHeartbeat", row->last_heartbeat);
	cJSON_AddNumberToObject(o, "sockets", row->sockets);
	cJSON_AddItemToArray(l->items, o);
	return 0;
}

static void get_stations(struct csms_http_req *r)
{
	struct csms_api_page pg;
	char q[200], like[420], state[32], fmt[16];
	long long total;
	if (csms_api_paging(r, csms_station_db_sorts, "id", &pg) < 0)
		return;
	bool has_q = csms_api_query(r, "q", q, sizeof(q)) && q[0];
	bool has_state = csms_api_query(r, "state", state, sizeof(state));
	if (has_state && csms_station_state_parse(state) < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "state must be pending, accepted or rejected");
		return;
	}
	if (has_q)
		like_pattern(q, like, sizeof(like));
	if (csms_api_query(r, "format", fmt, sizeof(fmt))) { /* the same table as a file (figure 8.1's export) */
		csms_stations_export(r, fmt, has_q ? like : NULL, has_state ? state : NULL);
		return;
	}
	struct csms_station_filter f = {has_q ? like : NULL, has_state ? state : NULL};
	struct csms_db_page dp = {pg.limit, pg.offset, pg.order};
	struct station_list l = {r->app, cJSON_CreateArray()};
	if (csms_station_db_list(r->app->rdb, &f, &dp, add_station, &l, &total) < 0) {
		cJSON_Delete(l.items);
		csms_api_db_error(r);
		return;
	}
	csms_http_respond_json(r, 200, csms_api_list_reply(l.items, total, &pg));
}

/* ---- names and descriptions ---- */

struct station_name_job {
	struct csms_api_job base;
	char id[CSMS_ID_MAX + 1], name[401];
};

static int exec_station_name(struct csms_store *st, struct csms_job *job)
{
	struct station_name_job *j = (struct station_name_job *)job;
	return csms_api_db_rc(csms_station_db_rename(csms_store_db(st), j->id, j->name));
}

static void put_station(struct csms_http_req *r)
{
	bool bad = false;
	struct csms_station *s = csms_api_station_param(r);
	cJSON *body = s ? csms_api_body(r) : NULL;
	if (!body)
		return;
	const char *name = csms_api_str(r, body, "name", true, 100, &bad);
	if (!bad) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", s->id);
		cJSON_AddStringToObject(o, "name", name);
		struct station_name_job *j = csms_api_job_sized(r, sizeof(*j), exec_station_name, 200, o);
		if (j) {
			snprintf(j->name, sizeof(j->name), "%s", name);
			snprintf(j->id, sizeof(j->id), "%s", s->id);
			j->base.missing_msg = "no such station";
			csms_store_submit(r->app->store, &j->base.job);
		}
	}
	cJSON_Delete(body);
}

static bool connector_param(struct csms_http_req *r, int idx, bool allow_zero, long *out)
{
	char *end;
	long c = strtol(r->params[idx], &end, 10);
	if (*end || c < (allow_zero ? 0 : 1) || c > 100) {
		csms_http_fail(r, CSMS_ERR_BAD_CONNECTOR, "%s",
		               allow_zero ? "a connector id is 0..100" : "a socket's connector id is 1..100");
		return false;
	}
	*out = c;
	return true;
}

static int exec_socket_spec(struct csms_store *st, struct csms_job *job)
{
	return csms_socket_spec_write(st, ((struct csms_api_job *)job)->data);
}

/* PUT .../connectors/{c} {"description"?, "type"?, "phases"?, "maxCurrent"?}: only the fields given change */
static void put_socket(struct csms_http_req *r)
{
	long c;
	struct csms_socket_spec *sp;
	struct csms_station *s = csms_api_station_param(r);
	if (!s || !connector_param(r, 1, false, &c))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	if (!(sp = calloc(1, sizeof(*sp)))) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
	} else if (!csms_socket_form_parse(r, body, false, sp)) {
		free(sp);
	} else {
		snprintf(sp->station, sizeof(sp->station), "%s", s->id);
		sp->connector = (int)c;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "station", s->id);
		cJSON_AddNumberToObject(o, "connectorId", (double)c);
		csms_socket_spec_json(o, sp);
		struct csms_api_job *j = csms_api_job(r, exec_socket_spec, 200, o);
		if (j) {
			j->data = sp;
			csms_store_submit(r->app->store, &j->job);
		} else {
			free(sp);
		}
	}
	cJSON_Delete(body);
}

/* ---- station commands ---- */

static const char *choice(struct csms_http_req *r, cJSON *body, const char *name, const char *const *allowed, bool *bad)
{
	const char *v = csms_api_str(r, body, name, true, 40, bad);
	if (!v)
		return NULL;
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, v) == 0)
			return v;
	char msg[200];
	size_t n = (size_t)snprintf(msg, sizeof(msg), "%s: must be one of", name);
	for (const char *const *a = allowed; *a && n < sizeof(msg); a++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, " %s", *a);
	csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", msg);
	*bad = true;
	return NULL;
}

/* POST …/reset {"type": "Hard"|"Soft"}: the manual's hard and soft reboot */
static void post_reset(struct csms_http_req *r)
{
	static const char *const types[] = {"Hard", "Soft", NULL};
	bool bad = false;
	if (!csms_api_station_param(r))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *type = choice(r, body, "type", types, &bad);
	if (!bad) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "type", type);
		csms_api_send_op_json(r, r->params[0], OCPP_Reset, p);
	}
	cJSON_Delete(body);
}

/* POST …/availability {"connectorId": 0..N, "type": "Operative"|"Inoperative"} */
static void post_availability(struct csms_http_req *r)
{
	static const char *const types[] = {"Operative", "Inoperative", NULL};
	bool bad = false;
	long long c = 0;
	if (!csms_api_station_param(r))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	csms_api_int(r, body, "connectorId", true, 0, 100, &c, &bad);
	const char *type = choice(r, body, "type", types, &bad);
	if (!bad) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "connectorId", (double)c);
		cJSON_AddStringToObject(p, "type", type);
		csms_api_send_op_json(r, r->params[0], OCPP_ChangeAvailability, p);
	}
	cJSON_Delete(body);
}

static void post_unlock(struct csms_http_req *r)
{
	long c;
	if (!csms_api_station_param(r) || !connector_param(r, 1, false, &c))
		return;
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "connectorId", (double)c);
	csms_api_send_op_json(r, r->params[0], OCPP_UnlockConnector, p);
}

/* GET …/configuration[?key=A,B]: the station's configuration keys (GetConfiguration) */
static void get_configuration(struct csms_http_req *r)
{
	char keys[512];
	if (!csms_api_station_param(r))
		return;
	cJSON *p = cJSON_CreateObject();
	if (csms_api_query(r, "key", keys, sizeof(keys)) && keys[0]) {
		cJSON *arr = cJSON_AddArrayToObject(p, "key");
		for (char *save = NULL, *k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save))
			cJSON_AddItemToArray(arr, cJSON_CreateString(k));
	}
	csms_api_send_op_json(r, r->params[0], OCPP_GetConfiguration, p); /* key length is checked by the schema */
}

/* PUT …/configuration {"key","value"} (ChangeConfiguration) */
static void put_configuration(struct csms_http_req *r)
{
	bool bad = false;
	if (!csms_api_station_param(r))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *key = csms_api_str(r, body, "key", true, 50, &bad);
	const char *value = csms_api_str(r, body, "value", true, 500, &bad);
	if (!bad) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "key", key);
		cJSON_AddStringToObject(p, "value", value);
		csms_api_send_op_json(r, r->params[0], OCPP_ChangeConfiguration, p);
	}
	cJSON_Delete(body);
}

/* POST …/firmware-update {"name" (an uploaded file) | "location" (a URL), "retrieveDate"?, "retries"?,
 * "retryInterval"?} (UpdateFirmware). The csms's own file is offered with its MD5 as ?md5= in the URL. */
static void post_firmware_update(struct csms_http_req *r)
{
	bool bad = false;
	int64_t when = (int64_t)wl_wall_ms();
	long long retries = 0, interval = 0;
	char url[600], t[40], host[128] = "";
	if (!csms_api_station_param(r))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = csms_api_str(r, body, "name", false, 100, &bad);
	const char *location = csms_api_str(r, body, "location", false, 500, &bad);
	csms_api_time(r, body, "retrieveDate", false, &when, &bad);
	bool has_retries = csms_api_int(r, body, "retries", false, 0, 100, &retries, &bad);
	bool has_interval = csms_api_int(r, body, "retryInterval", false, 0, 86400, &interval, &bad);
	if (bad) {
		cJSON_Delete(body);
		return;
	}
	if (!name == !location) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "give either name (an uploaded firmware file) or location");
		cJSON_Delete(body);
		return;
	}
	if (name) {
		char md5[40] = "";
		csms_firmware_db_md5(r->app->rdb, name, md5, sizeof(md5));
		if (!md5[0]) {
			csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such firmware file: upload it first");
			cJSON_Delete(body);
			return;
		}
		if (!r->wsi || lws_hdr_copy(r->wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
			snprintf(host, sizeof(host), "localhost:%d", r->app->cfg.port);
		if (r->app->cfg.public_url[0])
			snprintf(url, sizeof(url), "%s/firmware/%s?md5=%s", r->app->cfg.public_url, name, md5);
		else
			snprintf(url, sizeof(url), "%s://%s/firmware/%s?md5=%s",
			         r->app->cfg.tls_cert[0] ? "https" : "http", host, name, md5);
	} else {
		snprintf(url, sizeof(url), "%s", location);
	}
	ocpp_time_format(when, t, sizeof(t));
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "location", url);
	cJSON_AddStringToObject(p, "retrieveDate", t);
	if (has_retries)
		cJSON_AddNumberToObject(p, "retries", (double)retries);
	if (has_interval)
		cJSON_AddNumberToObject(p, "retryInterval", (double)interval);
	csms_api_send_op_json(r, r->params[0], OCPP_UpdateFirmware, p);
	cJSON_Delete(body);
}

/* ---- remote start / stop on a socket ---- */

/* The socket's last OCPP status (NULL if none) into out; false after answering 404. */
static bool socket_status(struct csms_http_req *r, struct csms_station *s, long c, char *out, size_t outlen)
{
	bool found = csms_connector_db_status_of(r->app->rdb, s->id, (int)c, out, outlen) == 0;
	if (!found)
		csms_http_fail(r, CSMS_ERR_UNKNOWN_SOCKET, "the station has not reported this socket");
	return found;
}

static void refuse_status(struct csms_http_req *r, enum csms_socket_status ss, const char *what)
{
	char msg[200];
	snprintf(msg, sizeof(msg), "the socket is %s: %s", csms_socket_status_label(ss), what);
	csms_http_fail(r, CSMS_ERR_SOCKET_STATE, "%s", msg);
}

/* POST …/connectors/{c}/start {"idTag"}: any registered card, in the station's list or not */
static void post_start(struct csms_http_req *r)
{
	bool bad = false;
	long c;
	char status[32], tag[CSMS_IDTAG_MAX + 1];
	struct csms_station *s = csms_api_station_param(r);
	if (!s || !connector_param(r, 1, false, &c) || !socket_status(r, s, c, status, sizeof(status)))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *id_tag = csms_api_str(r, body, "idTag", true, CSMS_IDTAG_MAX, &bad);
	enum csms_socket_status ss =
	    csms_socket_status_of(status[0] ? status : NULL, csms_station_is_connected(s), s->state);
	if (bad) {
	} else if (ss != CSMS_SOCKET_AVAILABLE && strcmp(status, "Preparing") != 0) {
		refuse_status(r, ss, "a remote start needs an Available socket (or one waiting for authorisation)");
	} else {
		csms_idtag_normalize(id_tag, tag);
		int blocked = csms_card_db_is_blocked(r->app->rdb, tag);
		if (blocked < 0) {
			csms_http_fail(r, CSMS_ERR_UNKNOWN_CARD, "no card with this id tag is registered");
		} else if (blocked) {
			csms_http_fail(r, CSMS_ERR_BLOCKED_CARD, "the card is blocked");
		} else {
			cJSON *p = cJSON_CreateObject();
			cJSON_AddNumberToObject(p, "connectorId", (double)c);
			cJSON_AddStringToObject(p, "idTag", tag);
			csms_api_send_op_json(r, s->id, OCPP_RemoteStartTransaction, p);
		}
	}
	cJSON_Delete(body);
}

/* POST …/connectors/{c}/stop: the socket's open transaction, on Charging / Occupied / Charging suspended */
static void post_stop(struct csms_http_req *r)
{
	long c;
	char status[32];
	int64_t txn = 0;
	struct csms_station *s = csms_api_station_param(r);
	if (!s || !connector_param(r, 1, false, &c) || !socket_status(r, s, c, status, sizeof(status)))
		return;
	enum csms_socket_status ss =
	    csms_socket_status_of(status[0] ? status : NULL, csms_station_is_connected(s), s->state);
	if (ss != CSMS_SOCKET_CHARGING && ss != CSMS_SOCKET_OCCUPIED && ss != CSMS_SOCKET_CHARGING_SUSPENDED) {
		refuse_status(r, ss, "a remote stop needs a Charging, Occupied or Charging suspended socket");
		return;
	}
	if (csms_txn_db_open_on(r->app->rdb, s->id, c, &txn) < 0) {
		csms_api_db_error(r);
		return;
	}
	if (!txn) {
		csms_http_fail(r, CSMS_ERR_NO_TRANSACTION, "no transaction is open on this socket");
		return;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "transactionId", (double)txn);
	csms_api_send_op_json(r, s->id, OCPP_RemoteStopTransaction, p);
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/stations", CSMS_ROLES_ALL, 0, get_stations,
     "Stations: name, OCPP protocol, code, device type, sockets (?q=&state=, paged, sortable; ?format=xlsx|csv: the "
     "table as a file)"},
    {CSMS_HTTP_PUT, "api/v1/stations/{id}", CSMS_ROLE_ADMIN, 0, put_station, "Rename a station {\"name\"}"},
    {CSMS_HTTP_PUT, "api/v1/stations/{id}/connectors/{connectorId}", CSMS_ROLE_ADMIN, 0, put_socket,
     "Describe a socket {\"description\", \"type\", \"phases\", \"maxCurrent\"} (fields given change)"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/reset", CSMS_ROLE_ADMIN, 0, post_reset,
     "Hard or soft reboot {\"type\":\"Hard\"|\"Soft\"}"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/availability", CSMS_ROLE_ADMIN, 0, post_availability,
     "Change availability {\"connectorId\",\"type\":\"Operative\"|\"Inoperative\"}"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/connectors/{connectorId}/unlock", CSMS_ROLE_ADMIN, 0, post_unlock,
     "Unlock a socket"},
    {CSMS_HTTP_GET, "api/v1/stations/{id}/configuration", CSMS_ROLE_ADMIN, 0, get_configuration,
     "The station's configuration keys (?key=A,B)"},
    {CSMS_HTTP_PUT, "api/v1/stations/{id}/configuration", CSMS_ROLE_ADMIN, 0, put_configuration,
     "Change one configuration key {\"key\",\"value\"}"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/firmware-update", CSMS_ROLE_AT, 0, post_firmware_update,
     "Update the firmware {\"name\" | \"location\", \"retrieveDate\"?, \"retries\"?, \"retryInterval\"?}"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/connectors/{connectorId}/start", CSMS_ROLES_ALL, 0, post_start,
     "Remote start on an Available socket with a registered card {\"idTag\"}"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/connectors/{connectorId}/stop", CSMS_ROLES_ALL, 0, post_stop,
     "Remote stop of the socket's transaction"},
};
CSMS_ROUTE_TABLE(csms_routes_control, "stations", routes);
