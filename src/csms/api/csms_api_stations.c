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

#include "csms_card_db.h"
#include "csms_conn.h"
#include "csms_idtag.h"
#include "csms_journal.h"
#include "csms_msglog.h"
#include "csms_redact.h"
#include "csms_socket.h"
#include "csms_firmware_db.h"
#include "csms_socket_form.h"
#include "csms_socket_spec.h"
#include "csms_connector_db.h"
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
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "sockets: must be an array of at most 100 sockets");
		return -1;
	}
	cJSON_ArrayForEach(it, arr)
	{
		if (!csms_socket_form_parse(r, it, true, &out[n]))
			return -1;
		for (int i = 0; i < n; i++)
			if (out[i].connector == out[n].connector) {
				csms_http_fail(r, CSMS_ERR_BAD_FIELD, "sockets: a connectorId is given twice");
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
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		goto out;
	}
	const char *id = opt_string(body, "id", &bad), *name = opt_string(body, "name", &bad),
	           *pw = opt_string(body, "password", &bad), *state = opt_string(body, "state", &bad);
	int st = state ? csms_station_state_parse(state) : CSMS_STATION_ACCEPTED;
	if (bad || !id || !csms_station_id_is_valid(id)) {
		csms_http_fail(r, CSMS_ERR_BAD_ID, "%s", "id must be 1..48 printable characters without / ? # %");
	} else if (pw && !csms_password_is_valid(pw)) {
		csms_http_fail(r, CSMS_ERR_BAD_PASSWORD,
		               "password must be 16..40 printable ASCII characters (OCPP security profile 1)");
	} else if (st < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_STATE, "state must be pending, accepted or rejected");
	} else if (name && strlen(name) > 100) {
		csms_http_fail(r, CSMS_ERR_BAD_NAME, "name is longer than 100 characters");
	} else if ((nsockets = read_sockets(r, body, sockets)) < 0) {
		/* answered */
	} else if (csms_registry_find(r->app->reg, id)) {
		csms_http_fail(r, CSMS_ERR_EXISTS, "a station with this id is already registered");
	} else if (pw && csms_password_hash(pw, hash, sizeof(hash)) < 0) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "cannot hash the password");
	} else if (!csms_station_db_register(r->app, id, (enum csms_station_state)st, pw ? hash : NULL, name)) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
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
		csms_http_fail(r, CSMS_ERR_BAD_PASSWORD,
		               "password must be 16..40 printable ASCII characters, or null to remove it");
	} else if ((pw && csms_password_hash(pw, hash, sizeof(hash)) < 0) ||
	           csms_station_db_set_password(r->app, s, pw ? hash : NULL) < 0) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "cannot set the password");
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

static void add_text(cJSON *o, const char *name, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static int station_detail(const struct csms_station_detail *d, void *out)
{
	static const char *const cols[] = {
	    "name",  "vendor", "model",     "serialNumber",     "chargeBoxSerialNumber", "firmwareVersion",
	    "iccid", "imsi",   "meterType", "meterSerialNumber"};
	const char *const vals[] = {d->name,     d->vendor, d->model, d->serial,     d->box_serial,
	                            d->firmware, d->iccid,  d->imsi,  d->meter_type, d->meter_serial};
	cJSON *o = out;
	for (int i = 0; i < 10; i++)
		add_text(o, cols[i], vals[i]);
	csms_api_add_ms(o, "lastBoot", d->last_boot);
	csms_api_add_ms(o, "lastHeartbeat", d->last_heartbeat);
	csms_api_add_ms(o, "lastConnect", d->last_connect);
	csms_api_add_ms(o, "lastDisconnect", d->last_disconnect);
	add_text(o, "remoteAddress", d->remote_addr);
	add_text(o, "firmwareStatus", d->firmware_status);
	add_text(o, "diagnosticsStatus", d->diagnostics_status);
	cJSON_AddNumberToObject(o, "localListVersion", (double)(int)d->local_list_version);
	/* the manual shows "-" for the default list (every registered card) */
	cJSON_AddStringToObject(o, "localListName", d->local_list_name ? d->local_list_name : "-");
	return 0;
}

struct connectors_ctx {
	struct csms_station *s;
	cJSON *conns;
};

static int add_connector(const struct csms_connector_row *row, void *ctx)
{
	struct connectors_ctx *x = ctx;
	struct csms_station *s = x->s;
	cJSON *c = cJSON_CreateObject();
	cJSON_AddNumberToObject(c, "connectorId", row->connector_id);
	add_text(c, "status", row->status);
	add_text(c, "errorCode", row->error_code);
	add_text(c, "info", row->info);
	add_text(c, "vendorId", row->vendor_id);
	add_text(c, "vendorErrorCode", row->vendor_error_code);
	csms_api_add_ms(c, "statusTime", row->status_time);
	add_text(c, "description", row->description);
	add_text(c, "type", row->type);
	if (row->phases >= 0)
		cJSON_AddNumberToObject(c, "phases", (double)row->phases);
	else
		cJSON_AddNullToObject(c, "phases");
	if (row->has_max_current) /* as an integer, as it always was */
		cJSON_AddNumberToObject(c, "maxCurrent", (double)(int64_t)row->max_current);
	else
		cJSON_AddNullToObject(c, "maxCurrent");
	enum csms_socket_status ss = csms_socket_status_of(row->status, csms_station_is_connected(s), s->state);
	cJSON_AddStringToObject(c, "socketStatus", csms_socket_status_key(ss));
	cJSON_AddStringToObject(c, "socketStatusLabel", csms_socket_status_label(ss));
	cJSON_AddItemToArray(x->conns, c);
	return 0;
}

static void get_station(struct csms_http_req *r)
{
	struct csms_station *s = csms_api_station_param(r);
	if (!s)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", s->id);
	cJSON_AddStringToObject(o, "state", csms_station_state_name(s->state));
	cJSON_AddBoolToObject(o, "connected", csms_station_is_connected(s));
	cJSON_AddBoolToObject(o, "password", s->password_hash != NULL);
	csms_station_db_get(r->app->rdb, s->id, station_detail, o);
	struct connectors_ctx x = {s, cJSON_AddArrayToObject(o, "connectors")};
	csms_connector_db_of_station(r->app->rdb, s->id, add_connector, &x);
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
		csms_http_fail(r, CSMS_ERR_BAD_RANGE, "limit must be 1..1000 and after >= 0");
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
		csms_http_fail(r, CSMS_ERR_STORAGE, "%s", err);
		return;
	}
	csms_http_respond_json(r, 200, o);
}

static int add_event(const struct csms_event *e, void *items)
{
	cJSON *it = cJSON_CreateObject();
	cJSON_AddNumberToObject(it, "id", (double)e->id);
	csms_api_add_ms(it, "time", e->ts);
	if (e->kind)
		cJSON_AddStringToObject(it, "kind", e->kind);
	else
		cJSON_AddNullToObject(it, "kind");
	if (e->connector < 0)
		cJSON_AddNullToObject(it, "connectorId");
	else
		cJSON_AddNumberToObject(it, "connectorId", e->connector);
	if (e->detail)
		cJSON_AddStringToObject(it, "detail", e->detail);
	else
		cJSON_AddNullToObject(it, "detail");
	cJSON_AddItemToArray(items, it);
	return 0;
}

/* GET .../events: ?after=ID&limit=N, oldest first (the event table's owner is csms_journal.c) */
static void get_events(struct csms_http_req *r)
{
	long long after, limit;
	char err[200];
	struct csms_station *s = csms_api_station_param(r);
	if (!s || range_args(r, &after, &limit) < 0)
		return;
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	if (csms_journal_events(r->app->rdb, s->id, after, (int)limit, add_event, items, err, sizeof(err)) < 0) {
		cJSON_Delete(o);
		csms_http_fail(r, CSMS_ERR_STORAGE, "%s", err);
		return;
	}
	csms_http_respond_json(r, 200, o);
}

/* POST /api/v1/stations/{id}/operations/{Action}: answered when the station answers */
static void post_operation(struct csms_http_req *r)
{
	csms_api_send_op(r, r->params[0], r->params[1], r->body ? r->body : "{}", r->body ? r->body_len : 2);
}

/* PUT /api/v1/idtags/{tag} */
struct idtag_job {
	struct csms_api_job base;
	struct csms_card_write w; /* its texts point into the buffers below */
	char id_tag[CSMS_IDTAG_MAX + 1], parent[CSMS_IDTAG_MAX + 1], description[201];
};

static int exec_idtag(struct csms_store *st, struct csms_job *job)
{
	struct idtag_job *j = (struct idtag_job *)job;
	j->w.now = (int64_t)wl_wall_ms();
	/* the card_change row for differential local lists comes from a trigger (csms_schema.c) */
	return csms_api_db_rc(csms_card_db_put(csms_store_db(st), &j->w));
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
		csms_http_fail(r, CSMS_ERR_BAD_ID_TAG, "an id tag is 1..20 printable ASCII characters");
	} else if (bad || (blocked && !cJSON_IsBool(blocked)) || (desc && strlen(desc) > 200)) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD,
		               "parentIdTag, description (up to 200), validFrom and expiry are strings; "
		               "blocked is a boolean");
	} else if ((vf && !ocpp_time_parse(vf, &from)) || (ex && !ocpp_time_parse(ex, &expiry))) {
		csms_http_fail(r, CSMS_ERR_BAD_TIME, "validFrom and expiry are RFC 3339 date-times");
	} else {
		char tag[CSMS_IDTAG_MAX + 1];
		csms_idtag_normalize(r->params[0], tag);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "idTag", tag);
		struct idtag_job *j = csms_api_job_sized(r, sizeof(*j), exec_idtag, 200, o);
		if (j) {
			snprintf(j->id_tag, sizeof(j->id_tag), "%s", tag);
			j->w.id_tag = j->id_tag;
			if (parent) {
				csms_idtag_normalize(parent, j->parent);
				j->w.parent_id_tag = j->parent;
			}
			snprintf(j->description, sizeof(j->description), "%s", desc ? desc : "");
			j->w.description = j->description;
			j->w.valid_from = vf ? from : CSMS_DB_NO_TIME;
			j->w.expiry = ex ? expiry : CSMS_DB_NO_TIME;
			j->w.blocked = blocked && cJSON_IsTrue(blocked);
			csms_store_submit(r->app->store, &j->base.job);
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

static void upload_abort(struct csms_http_req *r);

static int upload_begin(struct csms_http_req *r)
{
	char dir[300];
	if (!valid_file_name(r->params[0])) {
		csms_http_fail(r, CSMS_ERR_BAD_NAME,
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
		csms_http_fail(r, CSMS_ERR_STORAGE, "cannot store the upload");
		return -1;
	}
	r->md5 = md;
	return 0;
}

static int upload_chunk(struct csms_http_req *r, const char *in, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(r->upload_fd, in + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			upload_abort(r);
			csms_http_fail(r, CSMS_ERR_DISK_FULL, "cannot write the upload: disk full?");
			return 0;
		}
		off += (size_t)n;
	}
	EVP_DigestUpdate(r->md5, in, len);
	r->body_len += len;
	return 0;
}

static void upload_abort(struct csms_http_req *r)
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

struct firmware_job {
	struct csms_api_job base;
	int64_t size;
	char name[128], md5[2 * EVP_MAX_MD_SIZE + 1];
};

static int exec_firmware(struct csms_store *st, struct csms_job *job)
{
	struct firmware_job *j = (struct firmware_job *)job;
	return csms_api_db_rc(csms_firmware_db_put(csms_store_db(st), j->name, j->size, j->md5, (int64_t)wl_wall_ms()));
}

static void firmware_url(struct csms_http_req *r, const char *name, char *out, size_t outlen)
{
	char host[128] = "";
	if (!r->wsi || lws_hdr_copy(r->wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		snprintf(host, sizeof(host), "localhost:%d", r->app->cfg.port);
	snprintf(out, outlen, "%s://%s/firmware/%s", r->app->cfg.tls_cert[0] ? "https" : "http", host, name);
}

static void upload_finish(struct csms_http_req *r)
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
		upload_abort(r);
		csms_http_fail(r, CSMS_ERR_DISK_FULL, "cannot store the upload");
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
	struct firmware_job *j = csms_api_job_sized(r, sizeof(*j), exec_firmware, 201, o);
	if (!j)
		return;
	snprintf(j->name, sizeof(j->name), "%s", r->upload_name);
	snprintf(j->md5, sizeof(j->md5), "%s", hex);
	j->size = (int64_t)r->body_len;
	csms_store_submit(r->app->store, &j->base.job);
	WL_INFO("api", "firmware %s uploaded: %zu bytes, md5 %s", r->upload_name, r->body_len, hex);
}

static void post_firmware(struct csms_http_req *r)
{
	/* reached only for an empty body (a body goes through the upload path) */
	csms_http_fail(r, CSMS_ERR_EMPTY, "the firmware file is the request body");
}

struct firmware_list {
	struct csms_http_req *r;
	cJSON *items;
};

static int add_firmware(const struct csms_firmware *f, void *ctx)
{
	struct firmware_list *l = ctx;
	char url[300];
	cJSON *it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "name", f->name);
	cJSON_AddNumberToObject(it, "size", (double)f->size);
	cJSON_AddStringToObject(it, "md5", f->md5);
	csms_api_add_ms(it, "uploaded", f->uploaded);
	firmware_url(l->r, f->name, url, sizeof(url));
	cJSON_AddStringToObject(it, "url", url);
	cJSON_AddItemToArray(l->items, it);
	return 0;
}

static void get_firmware_list(struct csms_http_req *r)
{
	cJSON *o = cJSON_CreateObject();
	struct firmware_list l = {r, cJSON_AddArrayToObject(o, "items")};
	if (csms_firmware_db_list(r->app->rdb, add_firmware, &l) < 0) {
		cJSON_Delete(o);
		csms_http_fail(r, CSMS_ERR_STORAGE, "%s", sqlite3_errmsg(r->app->rdb));
		return;
	}
	csms_http_respond_json(r, 200, o);
}

static void get_firmware_file(struct csms_http_req *r)
{
	char path[400];
	if (!valid_file_name(r->params[0])) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such firmware file");
		return;
	}
	snprintf(path, sizeof(path), "%s/firmware/%s", r->app->cfg.data_dir, r->params[0]);
	struct stat sb;
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such firmware file");
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
/* the firmware upload's body goes to disk through these (csms_http_entry.c calls them) */
static const struct csms_route_hooks hooks = {
    .upload_begin = upload_begin,
    .upload_chunk = upload_chunk,
    .upload_finish = upload_finish,
    .upload_abort = upload_abort,
};
CSMS_ROUTE_TABLE_HOOKS(csms_routes_stations, "stations", routes, &hooks);
