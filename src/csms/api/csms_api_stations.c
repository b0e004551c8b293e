/* csms_api_stations.c — stations: register, accept/reject, password, details, messages and events,
 * operations (the OCPP CS -> CP calls), cards by id (PUT /idtags), and firmware files (upload with MD5,
 * list, download). */
#include "csms_api.h"

#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csms_conn.h"
#include "csms_idtag.h"
#include "csms_msglog.h"
#include "csms_redact.h"
#include "csms_socket.h"
#include "csms_socket_spec.h"
#include "csms_station_db.h"
#include "ocpp_text.h"
#include "wl_clock.h"
#include "wl_log.h"

static const char *opt_string(cJSON *obj, const char *name, bool *bad)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = true;
		return NULL;
	}
	return v->valuestring;
}

#define MAX_REGISTER_SOCKETS 100

/* "sockets": [{"connectorId", "description"?, "type"?, "phases"?, "maxCurrent"?}, ...] of a registration:
 * the number read (0 when absent), or -1 after answering 400. */
static int read_sockets(struct csms_http_req *r, cJSON *body, struct csms_socket_spec *out)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "sockets"), *it;
	int n = 0;
	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > MAX_REGISTER_SOCKETS) {
		csms_http_respond_error(r, 400, "bad_field", "sockets: must be an array of at most 100 sockets");
		return -1;
	}
	cJSON_ArrayForEach(it, arr)
	{
		if (!csms_socket_spec_parse(r, it, true, &out[n]))
			return -1;
		for (int i = 0; i < n; i++)
			if (out[i].connector == out[n].connector) {
				csms_http_respond_error(r, 400, "bad_field", "sockets: a connectorId is given twice");
				return -1;
			}
		n++;
	}
	return n;
}

static void post_station(struct csms_http_req *r)
{
	cJSON *body = csms_api_body(r);
	bool bad = false;
	char hash[CSMS_PASSWORD_HASH_LEN];
	int nsockets;
	struct csms_socket_spec *sockets = NULL;
	if (!body)
		return;
	if (!(sockets = calloc(MAX_REGISTER_SOCKETS, sizeof(*sockets)))) {
		csms_http_respond_error(r, 500, "internal", "out of memory");
		goto out;
	}
	const char *id = opt_string(body, "id", &bad), *name = opt_string(body, "name", &bad),
	           *pw = opt_string(body, "password", &bad), *state = opt_string(body, "state", &bad);
	int st = state ? csms_station_state_parse(state) : CSMS_STATION_ACCEPTED;
	if (bad || !id || !csms_station_id_is_valid(id)) {
		csms_http_respond_error(r, 400, "bad_id", "id must be 1..48 printable characters without / ? # %");
	} else if (pw && !csms_password_is_valid(pw)) {
		csms_http_respond_error(r, 400, "bad_password",
		                        "password must be 16..40 printable ASCII characters (OCPP security profile 1)");
	} else if (st < 0) {
		csms_http_respond_error(r, 400, "bad_state", "state must be pending, accepted or rejected");
	} else if (name && strlen(name) > 100) {
		csms_http_respond_error(r, 400, "bad_name", "name is longer than 100 characters");
	} else if ((nsockets = read_sockets(r, body, sockets)) < 0) {
		/* answered */
	} else if (csms_registry_find(r->app->reg, id)) {
		csms_http_respond_error(r, 409, "exists", "a station with this id is already registered");
	} else if (pw && csms_password_hash(pw, hash, sizeof(hash)) < 0) {
		csms_http_respond_error(r, 500, "internal", "cannot hash the password");
	} else if (!csms_station_db_register(r->app, id, (enum csms_station_state)st, pw ? hash : NULL, name)) {
		csms_http_respond_error(r, 500, "internal", "out of memory");
	} else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddStringToObject(o, "state", csms_station_state_name((enum csms_station_state)st));
		cJSON *arr = cJSON_AddArrayToObject(o, "sockets");
		for (int i = 0; i < nsockets; i++) { /* written in the same group commit, before the answer */
			snprintf(sockets[i].station, sizeof(sockets[i].station), "%s", id);
			cJSON *c = cJSON_CreateObject();
			cJSON_AddNumberToObject(c, "connectorId", sockets[i].connector);
			csms_socket_spec_json(c, &sockets[i]);
			cJSON_AddItemToArray(arr, c);
			if (!csms_socket_spec_submit(r->app, &sockets[i]))
				WL_WARN("api", "station %s: socket %d not written: out of memory", id,
				        sockets[i].connector);
		}
		struct csms_api_job *j = csms_api_job(r, NULL, 201, o); /* answered once the insert is committed */
		if (j)
			csms_store_submit(r->app->store, &j->job);
	}
out:
	free(sockets);
	cJSON_Delete(body);
}

static void set_state(struct csms_http_req *r, enum csms_station_state state)
{
	struct csms_station *s = csms_api_station_param(r);
	if (!s)
		return;
	csms_station_db_set_state(r->app, s, state);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", s->id);
	cJSON_AddStringToObject(o, "state", csms_station_state_name(state));
	struct csms_api_job *j = csms_api_job(r, NULL, 200, o);
	if (j)
		csms_store_submit(r->app->store, &j->job);
}

static void post_accept(struct csms_http_req *r)
{
	set_state(r, CSMS_STATION_ACCEPTED);
}

static void post_reject(struct csms_http_req *r)
{
	set_state(r, CSMS_STATION_REJECTED);
}

static void put_password(struct csms_http_req *r)
{
	struct csms_station *s = csms_api_station_param(r);
	cJSON *body = s ? csms_api_body(r) : NULL;
	bool bad = false;
	char hash[CSMS_PASSWORD_HASH_LEN];
	if (!body)
		return;
	const char *pw = opt_string(body, "password", &bad);
	if (bad || (pw && !csms_password_is_valid(pw))) {
		csms_http_respond_error(r, 400, "bad_password",
		                        "password must be 16..40 printable ASCII characters, or null to remove it");
	} else if ((pw && csms_password_hash(pw, hash, sizeof(hash)) < 0) ||
	           csms_station_db_set_password(r->app, s, pw ? hash : NULL) < 0) {
		csms_http_respond_error(r, 500, "internal", "cannot set the password");
	} else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", s->id);
		cJSON_AddBoolToObject(o, "password", pw != NULL);
		struct csms_api_job *j = csms_api_job(r, NULL, 200, o);
		if (j)
			csms_store_submit(r->app->store, &j->job);
	}
	cJSON_Delete(body);
}

static const char SQL_GET_STATION[] =
    "SELECT name, vendor, model, serial, box_serial, firmware, iccid, imsi, meter_type, meter_serial, last_boot, "
    "last_heartbeat, last_connect, last_disconnect, remote_addr, firmware_status, diagnostics_status, "
    "local_list_version, local_list_name, created FROM station WHERE id = ?";
static const char SQL_GET_CONNECTORS[] =
    "SELECT connector_id, status, error_code, info, vendor_id, vendor_error_code, status_time, description, "
    "type, phases, max_current FROM connector WHERE station_id = ? ORDER BY connector_id";

static void get_station(struct csms_http_req *r)
{
	static const char *const cols[] = {
	    "name",  "vendor", "model",     "serialNumber",     "chargeBoxSerialNumber", "firmwareVersion",
	    "iccid", "imsi",   "meterType", "meterSerialNumber"};
	static const char *const times[] = {"lastBoot", "lastHeartbeat", "lastConnect", "lastDisconnect"};
	struct csms_station *s = csms_api_station_param(r);
	sqlite3_stmt *st = NULL;
	if (!s)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", s->id);
	cJSON_AddStringToObject(o, "state", csms_station_state_name(s->state));
	cJSON_AddBoolToObject(o, "connected", s->conn && !s->conn->probation);
	cJSON_AddBoolToObject(o, "password", s->password_hash != NULL);
	if (sqlite3_prepare_v2(r->app->rdb, SQL_GET_STATION, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			for (int i = 0; i < 10; i++)
				csms_api_add_text(o, cols[i], st, i);
			for (int i = 0; i < 4; i++)
				csms_api_add_time(o, times[i], st, 10 + i);
			csms_api_add_text(o, "remoteAddress", st, 14);
			csms_api_add_text(o, "firmwareStatus", st, 15);
			csms_api_add_text(o, "diagnosticsStatus", st, 16);
			cJSON_AddNumberToObject(o, "localListVersion", sqlite3_column_int(st, 17));
			/* the manual shows "-" for the default list (every registered card) */
			cJSON_AddStringToObject(o, "localListName",
			                        sqlite3_column_type(st, 18) == SQLITE_NULL
			                            ? "-"
			                            : (const char *)sqlite3_column_text(st, 18));
		}
		sqlite3_finalize(st);
	}
	cJSON *conns = cJSON_AddArrayToObject(o, "connectors");
	if (sqlite3_prepare_v2(r->app->rdb, SQL_GET_CONNECTORS, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			cJSON *c = cJSON_CreateObject();
			cJSON_AddNumberToObject(c, "connectorId", sqlite3_column_int(st, 0));
			csms_api_add_text(c, "status", st, 1);
			csms_api_add_text(c, "errorCode", st, 2);
			csms_api_add_text(c, "info", st, 3);
			csms_api_add_text(c, "vendorId", st, 4);
			csms_api_add_text(c, "vendorErrorCode", st, 5);
			csms_api_add_time(c, "statusTime", st, 6);
			csms_api_add_text(c, "description", st, 7);
			csms_api_add_text(c, "type", st, 8);
			csms_api_add_int(c, "phases", st, 9);
			csms_api_add_int(c, "maxCurrent", st, 10);
			enum csms_socket_status ss = csms_socket_status_of((const char *)sqlite3_column_text(st, 1),
			                                                   s->conn && !s->conn->probation, s->state);
			cJSON_AddStringToObject(c, "socketStatus", csms_socket_status_key(ss));
			cJSON_AddStringToObject(c, "socketStatusLabel", csms_socket_status_label(ss));
			cJSON_AddItemToArray(conns, c);
		}
		sqlite3_finalize(st);
	}
	csms_http_respond_json(r, 200, o);
}

/* ?after=ID&limit=N of .../messages and .../events: 0, or -1 when answered with an error. */
static int range_args(struct csms_http_req *r, long long *after, long long *limit)
{
	char arg[32];
	const char *v;
	*after = 0;
	*limit = 100;
	/* lws copies "name=value" into arg and returns where the value starts */
	if ((v = lws_get_urlarg_by_name(r->wsi, "after=", arg, sizeof(arg))))
		*after = strtoll(v, NULL, 10);
	if ((v = lws_get_urlarg_by_name(r->wsi, "limit=", arg, sizeof(arg))))
		*limit = strtoll(v, NULL, 10);
	if (*limit < 1 || *limit > 1000 || *after < 0) {
		csms_http_respond_error(r, 400, "bad_range", "limit must be 1..1000 and after >= 0");
		return -1;
	}
	return 0;
}

/* A logged frame, its secrets redacted (rows logged before redaction existed may hold them). */
static void add_message(void *ctx, int64_t id, int64_t ts, const char *dir, const char *text, size_t len)
{
	cJSON *items = ctx, *it = cJSON_CreateObject();
	char t[40];
	size_t rlen;
	cJSON_AddNumberToObject(it, "id", (double)id);
	ocpp_time_format(ts, t, sizeof(t));
	cJSON_AddStringToObject(it, "time", t);
	cJSON_AddStringToObject(it, "direction", dir ? dir : "");
	char *redacted = csms_redact_frame(text, len, &rlen);
	cJSON_AddStringToObject(it, "text", redacted ? redacted : text);
	free(redacted);
	cJSON_AddItemToArray(items, it);
}

/* GET .../messages: ?after=ID&limit=N, oldest first (the message log, csms_msglog.c) */
static void get_messages(struct csms_http_req *r)
{
	long long after, limit;
	char err[200];
	struct csms_station *s = csms_api_station_param(r);
	if (!s || range_args(r, &after, &limit) < 0)
		return;
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	if (csms_msglog_list(r->app->msglog, s->id, after, (int)limit, add_message, items, err, sizeof(err)) < 0) {
		cJSON_Delete(o);
		csms_http_respond_error(r, 500, "storage", err);
		return;
	}
	csms_http_respond_json(r, 200, o);
}

/* GET .../events: ?after=ID&limit=N, oldest first */
static void get_events(struct csms_http_req *r)
{
	long long after, limit;
	struct csms_station *s = csms_api_station_param(r);
	sqlite3_stmt *st;
	if (!s || range_args(r, &after, &limit) < 0)
		return;
	if (sqlite3_prepare_v2(r->app->rdb,
	                       "SELECT id, ts, kind, connector_id, detail FROM event WHERE station_id = ? AND id > ? "
	                       "ORDER BY id LIMIT ?",
	                       -1, &st, NULL) != SQLITE_OK) {
		csms_http_respond_error(r, 500, "storage", sqlite3_errmsg(r->app->rdb));
		return;
	}
	sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, limit);
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *it = cJSON_CreateObject();
		cJSON_AddNumberToObject(it, "id", (double)sqlite3_column_int64(st, 0));
		csms_api_add_time(it, "time", st, 1);
		csms_api_add_text(it, "kind", st, 2);
		if (sqlite3_column_type(st, 3) == SQLITE_NULL)
			cJSON_AddNullToObject(it, "connectorId");
		else
			cJSON_AddNumberToObject(it, "connectorId", sqlite3_column_int(st, 3));
		csms_api_add_text(it, "detail", st, 4);
		cJSON_AddItemToArray(items, it);
	}
	sqlite3_finalize(st);
	csms_http_respond_json(r, 200, o);
}

/* POST /api/v1/stations/{id}/operations/{Action}: answered when the station answers */
static void post_operation(struct csms_http_req *r)
{
	csms_api_send_op(r, r->params[0], r->params[1], r->body ? r->body : "{}", r->body ? r->body_len : 2);
}

/* PUT /api/v1/idtags/{tag} */
static const char SQL_IDTAG_UPSERT[] =
    "INSERT INTO id_tag (id_tag, parent_id_tag, description, valid_from, expiry, blocked, created) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id_tag) DO UPDATE SET parent_id_tag = excluded.parent_id_tag, "
    "description = excluded.description, valid_from = excluded.valid_from, expiry = excluded.expiry, "
    "blocked = excluded.blocked";

static int exec_idtag(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_IDTAG_UPSERT);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	if (j->text[1][0])
		sqlite3_bind_text(s, 2, j->text[1], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, j->text[2], -1, SQLITE_STATIC);
	if (j->has[0])
		sqlite3_bind_int64(s, 4, j->num[0]);
	if (j->has[1])
		sqlite3_bind_int64(s, 5, j->num[1]);
	sqlite3_bind_int(s, 6, j->has[2]);
	sqlite3_bind_int64(s, 7, (int64_t)wl_wall_ms());
	/* the card_change row for differential local lists comes from a trigger (csms_schema.c) */
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);
	if (n < 1 || n > CSMS_IDTAG_MAX)
		return false;
	for (; *t; t++)
		if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7e)
			return false;
	return true;
}

static void put_idtag(struct csms_http_req *r)
{
	cJSON *body = csms_api_body(r);
	bool bad = false;
	int64_t from = 0, expiry = 0;
	if (!body)
		return;
	const char *parent = opt_string(body, "parentIdTag", &bad), *desc = opt_string(body, "description", &bad),
	           *vf = opt_string(body, "validFrom", &bad), *ex = opt_string(body, "expiry", &bad);
	cJSON *blocked = cJSON_GetObjectItemCaseSensitive(body, "blocked");
	if (!valid_tag(r->params[0]) || (parent && !valid_tag(parent))) {
		csms_http_respond_error(r, 400, "bad_id_tag", "an id tag is 1..20 printable ASCII characters");
	} else if (bad || (blocked && !cJSON_IsBool(blocked)) || (desc && strlen(desc) > 200)) {
		csms_http_respond_error(r, 400, "bad_field",
		                        "parentIdTag, description (up to 200), validFrom and expiry are strings; "
		                        "blocked is a boolean");
	} else if ((vf && !ocpp_time_parse(vf, &from)) || (ex && !ocpp_time_parse(ex, &expiry))) {
		csms_http_respond_error(r, 400, "bad_time", "validFrom and expiry are RFC 3339 date-times");
	} else {
		char tag[CSMS_IDTAG_MAX + 1];
		csms_idtag_normalize(r->params[0], tag);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "idTag", tag);
		struct csms_api_job *j = csms_api_job(r, exec_idtag, 200, o);
		if (j) {
			snprintf(j->text[0], sizeof(j->text[0]), "%s", tag);
			if (parent)
				csms_idtag_normalize(parent, j->text[1]);
			snprintf(j->text[2], sizeof(j->text[2]), "%s", desc ? desc : "");
			j->has[0] = vf != NULL;
			j->num[0] = from;
			j->has[1] = ex != NULL;
			j->num[1] = expiry;
			j->has[2] = blocked && cJSON_IsTrue(blocked);
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

/* ---- firmware: upload (streamed, MD5), list, download ---- */

static bool valid_file_name(const char *n)
{
	size_t len = strlen(n);
	if (len < 1 || len > 100 || n[0] == '.')
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') || *n == '.' ||
		      *n == '_' || *n == '-'))
			return false;
	return true;
}

int csms_api_upload_begin(struct csms_http_req *r)
{
	char dir[300];
	if (!valid_file_name(r->params[0])) {
		csms_http_respond_error(r, 400, "bad_name",
		                        "a firmware file name is 1..100 of A-Z a-z 0-9 . _ - "
		                        "and does not start with a dot");
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/firmware", r->app->cfg.data_dir);
	mkdir(dir, 0700);
	snprintf(r->upload_name, sizeof(r->upload_name), "%s", r->params[0]);
	snprintf(r->upload_tmp, sizeof(r->upload_tmp), "%s/.upload-XXXXXX", dir);
	r->upload_fd = mkstemp(r->upload_tmp);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (r->upload_fd < 0 || !md || !EVP_DigestInit_ex(md, EVP_md5(), NULL)) {
		EVP_MD_CTX_free(md);
		csms_http_respond_error(r, 500, "storage", "cannot store the upload");
		return -1;
	}
	r->md5 = md;
	return 0;
}

int csms_api_upload_chunk(struct csms_http_req *r, const char *in, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(r->upload_fd, in + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			csms_api_upload_abort(r);
			csms_http_respond_error(r, 507, "storage", "cannot write the upload: disk full?");
			return 0;
		}
		off += (size_t)n;
	}
	EVP_DigestUpdate(r->md5, in, len);
	r->body_len += len;
	return 0;
}

void csms_api_upload_abort(struct csms_http_req *r)
{
	if (r->upload_fd >= 0) {
		close(r->upload_fd);
		unlink(r->upload_tmp);
		r->upload_fd = -1;
	}
	if (r->md5) {
		EVP_MD_CTX_free(r->md5);
		r->md5 = NULL;
	}
}

static const char SQL_FIRMWARE_UPSERT[] =
    "INSERT INTO firmware (name, size, md5, uploaded) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
    "size = excluded.size, md5 = excluded.md5, uploaded = excluded.uploaded";

static int exec_firmware(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_FIRMWARE_UPSERT);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, j->num[0]);
	sqlite3_bind_text(s, 3, j->text[1], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)wl_wall_ms());
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

static void firmware_url(struct csms_http_req *r, const char *name, char *out, size_t outlen)
{
	char host[128] = "";
	if (!r->wsi || lws_hdr_copy(r->wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		snprintf(host, sizeof(host), "localhost:%d", r->app->cfg.port);
	snprintf(out, outlen, "%s://%s/firmware/%s", r->app->cfg.tls_cert[0] ? "https" : "http", host, name);
}

void csms_api_upload_finish(struct csms_http_req *r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], final[400], url[300];

	EVP_DigestFinal_ex(r->md5, md, &mdlen);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * mdlen] = '\0';
	snprintf(final, sizeof(final), "%s/firmware/%s", r->app->cfg.data_dir, r->upload_name);
	if (fsync(r->upload_fd) < 0 || close(r->upload_fd) < 0 || rename(r->upload_tmp, final) < 0) {
		r->upload_fd = -1;
		unlink(r->upload_tmp);
		csms_api_upload_abort(r);
		csms_http_respond_error(r, 507, "storage", "cannot store the upload");
		return;
	}
	r->upload_fd = -1;
	EVP_MD_CTX_free(r->md5);
	r->md5 = NULL;
	firmware_url(r, r->upload_name, url, sizeof(url));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", r->upload_name);
	cJSON_AddNumberToObject(o, "size", (double)r->body_len);
	cJSON_AddStringToObject(o, "md5", hex);
	cJSON_AddStringToObject(o, "url", url);
	struct csms_api_job *j = csms_api_job(r, exec_firmware, 201, o);
	if (!j)
		return;
	snprintf(j->text[0], sizeof(j->text[0]), "%s", r->upload_name);
	snprintf(j->text[1], sizeof(j->text[1]), "%s", hex);
	j->num[0] = (int64_t)r->body_len;
	csms_store_submit(r->app->store, &j->job);
	WL_INFO("api", "firmware %s uploaded: %zu bytes, md5 %s", r->upload_name, r->body_len, hex);
}

static void post_firmware(struct csms_http_req *r)
{
	/* reached only for an empty body (a body goes through the upload path) */
	csms_http_respond_error(r, 400, "empty", "the firmware file is the request body");
}

static void get_firmware_list(struct csms_http_req *r)
{
	sqlite3_stmt *st;
	char url[300];
	if (sqlite3_prepare_v2(r->app->rdb, "SELECT name, size, md5, uploaded FROM firmware ORDER BY name", -1, &st,
	                       NULL) != SQLITE_OK) {
		csms_http_respond_error(r, 500, "storage", sqlite3_errmsg(r->app->rdb));
		return;
	}
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *it = cJSON_CreateObject();
		const char *name = (const char *)sqlite3_column_text(st, 0);
		cJSON_AddStringToObject(it, "name", name);
		cJSON_AddNumberToObject(it, "size", (double)sqlite3_column_int64(st, 1));
		cJSON_AddStringToObject(it, "md5", (const char *)sqlite3_column_text(st, 2));
		csms_api_add_time(it, "uploaded", st, 3);
		firmware_url(r, name, url, sizeof(url));
		cJSON_AddStringToObject(it, "url", url);
		cJSON_AddItemToArray(items, it);
	}
	sqlite3_finalize(st);
	csms_http_respond_json(r, 200, o);
}

static void get_firmware_file(struct csms_http_req *r)
{
	char path[400];
	if (!valid_file_name(r->params[0])) {
		csms_http_respond_error(r, 404, "not_found", "no such firmware file");
		return;
	}
	snprintf(path, sizeof(path), "%s/firmware/%s", r->app->cfg.data_dir, r->params[0]);
	struct stat sb;
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		csms_http_respond_error(r, 404, "not_found", "no such firmware file");
		return;
	}
	if (lws_serve_http_file(r->wsi, path, "application/octet-stream", NULL, 0) < 0) {
		/* lws has answered with its own error page and wants the connection closed */
		lws_set_timeout(r->wsi, PENDING_TIMEOUT_HTTP_CONTENT, LWS_TO_KILL_ASYNC);
		return;
	}
	r->serving_file = true;
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_POST, "api/v1/stations", CSMS_ROLE_ADMIN, 0, post_station, "Register a station"},
    {CSMS_HTTP_GET, "api/v1/stations/{id}", CSMS_ROLES_ALL, 0, get_station, "Station details and its sockets"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/accept", CSMS_ROLE_ADMIN, 0, post_accept, "Accept a pending station"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/reject", CSMS_ROLE_ADMIN, 0, post_reject, "Reject a station"},
    {CSMS_HTTP_PUT, "api/v1/stations/{id}/password", CSMS_ROLE_ADMIN, 0, put_password,
     "Set or remove a station's password (security profile 1)"},
    {CSMS_HTTP_GET, "api/v1/stations/{id}/messages", CSMS_ROLE_AT, 0, get_messages,
     "The station's OCPP messages, oldest first (?after=&limit=)"},
    {CSMS_HTTP_GET, "api/v1/stations/{id}/events", CSMS_ROLE_AT, 0, get_events,
     "The station's events, oldest first (?after=&limit=)"},
    {CSMS_HTTP_POST, "api/v1/stations/{id}/operations/{action}", CSMS_ROLE_ADMIN, 0, post_operation,
     "Send any OCPP 1.6 central-system call; answered with the station's reply"},
    {CSMS_HTTP_PUT, "api/v1/idtags/{idTag}", CSMS_ROLE_AM, 0, put_idtag, "Create or replace a card by its id tag"},
    {CSMS_HTTP_GET, "api/v1/firmware", CSMS_ROLE_AT, 0, get_firmware_list, "Firmware files with size and MD5"},
    {CSMS_HTTP_POST, "api/v1/firmware/{name}", CSMS_ROLE_AT, CSMS_ROUTE_UPLOAD, post_firmware,
     "Upload a firmware file (the body), stored with its MD5"},
    {CSMS_HTTP_GET, "firmware/{name}", CSMS_PUBLIC, 0, get_firmware_file, "Download a firmware file (stations)"},
};
CSMS_ROUTE_TABLE(csms_routes_stations, "stations", routes);
