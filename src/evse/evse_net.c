/* evse_net.c — libwebsockets glue: one context, a client protocol for OCPP and an HTTP protocol for the
 * local app; a sorted-usec-list timer for the control cycle and the reconnect back-off. */
#include "evse_net.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wl_clock.h"
#include "wl_log.h"

#define MOD         "net"
#define TICK_US     (100 * LWS_US_PER_MS)
#define RX_MAX      (64 * 1024)
#define BODY_MAX    4096
#define BACKOFF_MIN 1000

struct evse_net {
	struct evse_station *st;
	const struct evse_config *cfg;
	struct lws_context *ctx;
	struct lws *ws;
	lws_sorted_usec_list_t tick_sul, connect_sul;
	volatile sig_atomic_t *stop;
	int reset;
	uint32_t backoff_ms;
	/* the OCPP URL split up */
	char url[EVSE_STR_MAX];
	const char *prot, *host, *path;
	int port;
	char path_buf[EVSE_STR_MAX + 1];
	char auth_header[420];
	/* a message being received in fragments */
	char *rx;
	size_t rx_len;
	bool rx_overflow;
};

/* ---- the OCPP client ---- */

static void schedule_connect(struct evse_net *n);

static void connect_now(lws_sorted_usec_list_t *sul)
{
	struct evse_net *n = lws_container_of(sul, struct evse_net, connect_sul);
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof(i));
	i.context = n->ctx;
	i.address = n->host;
	i.port = n->port;
	i.path = n->path_buf;
	i.host = n->host;
	i.origin = n->host;
	i.protocol = "ocpp1.6";
	i.local_protocol_name = "ocpp-client";
	i.ssl_connection = strcmp(n->prot, "wss") == 0 ? LCCSCF_USE_SSL : 0;
	i.pwsi = &n->ws;
	i.opaque_user_data = n;
	WL_INFO(MOD, "connecting to %s", n->cfg->ocpp_url);
	if (!lws_client_connect_via_info(&i)) {
		n->ws = NULL;
		schedule_connect(n);
	}
}

/* Exponential back-off with up to 50 % jitter, so that a fleet does not reconnect all at once. */
static void schedule_connect(struct evse_net *n)
{
	uint32_t base = n->backoff_ms ? n->backoff_ms : BACKOFF_MIN;
	uint32_t delay = base + (uint32_t)(rand() % (int)(base / 2 + 1));
	uint32_t max = (uint32_t)n->cfg->reconnect_max_s * 1000u;
	n->backoff_ms = base * 2 > max ? max : base * 2;
	lws_sul_schedule(n->ctx, 0, &n->connect_sul, connect_now, (lws_usec_t)delay * LWS_US_PER_MS);
}

static void flush_ocpp(struct evse_net *n)
{
	if (n->ws && n->st->ocpp && evse_ocpp_has_output(n->st->ocpp))
		lws_callback_on_writable(n->ws);
}

static int ocpp_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct evse_net *n = lws_get_opaque_user_data(wsi);
	(void)user;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		if (!n || !n->auth_header[0])
			break;
		char **p = (char **)in;
		size_t need = strlen(n->auth_header);
		if (len < need + 1)
			return -1;
		memcpy(*p, n->auth_header, need);
		*p += need;
		break;
	}
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		WL_INFO(MOD, "websocket open");
		n->backoff_ms = 0;
		n->rx_len = 0;
		n->rx_overflow = false;
		evse_ocpp_connected(n->st->ocpp, wl_mono_ms());
		flush_ocpp(n);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (!n->rx_overflow && n->rx_len + len <= RX_MAX) {
			memcpy(n->rx + n->rx_len, in, len);
			n->rx_len += len;
		} else {
			n->rx_overflow = true;
		}
		if (lws_is_final_fragment(wsi)) {
			if (n->rx_overflow)
				WL_WARN(MOD, "frame larger than %d bytes dropped", RX_MAX);
			else
				evse_ocpp_receive(n->st->ocpp, n->rx, n->rx_len, wl_mono_ms());
			n->rx_len = 0;
			n->rx_overflow = false;
			flush_ocpp(n);
		}
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		size_t flen;
		char *frame = evse_ocpp_take_output(n->st->ocpp, &flen);
		if (!frame)
			break;
		unsigned char *buf = malloc(LWS_PRE + flen);
		int rc = -1;
		if (buf) {
			memcpy(buf + LWS_PRE, frame, flen);
			rc = lws_write(wsi, buf + LWS_PRE, flen, LWS_WRITE_TEXT);
			free(buf);
		}
		free(frame);
		if (rc < (int)flen)
			return -1;
		flush_ocpp(n);
		break;
	}
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		WL_WARN(MOD, "connection failed: %s", in ? (const char *)in : "?");
		/* fall through */
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (n && n->ws == wsi) {
			n->ws = NULL;
			evse_ocpp_disconnected(n->st->ocpp, wl_mono_ms());
			schedule_connect(n);
		}
		break;
	default: break;
	}
	return 0;
}

/* ---- the local HTTP server ---- */

struct http_pss {
	char uri[128];
	char body[BODY_MAX + 1];
	size_t body_len;
	bool too_big;
	/* POST /api/firmware: the body goes to a file */
	FILE *upload;
	char upload_path[EVSE_STR_MAX + 32];
	int64_t upload_len;
	char md5[40];
	bool refused; /* not an admin: the body is read and dropped, then 401 */
};

static int respond(struct lws *wsi, unsigned status, const char *mime, const char *body, size_t len)
{
	unsigned char hdr[LWS_PRE + 512], *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr) - 1;
	if (lws_add_http_common_headers(wsi, status, mime, len, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8, &p,
	                                 end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	unsigned char *buf = malloc(LWS_PRE + len + 1);
	if (!buf)
		return 1;
	memcpy(buf + LWS_PRE, body, len);
	int rc = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_HTTP_FINAL);
	free(buf);
	if (rc < (int)len)
		return 1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int respond_json_error(struct lws *wsi, unsigned status, const char *msg)
{
	char body[300];
	char esc[200];
	size_t k = 0;
	for (const char *c = msg; *c && k < sizeof(esc) - 2; c++)
		if (*c != '"' && *c != '\\' && (unsigned char)*c >= 0x20)
			esc[k++] = *c;
	esc[k] = '\0';
	int len = snprintf(body, sizeof(body), "{\"error\":\"%s\"}", esc);
	return respond(wsi, status, "application/json", body, (size_t)len);
}

struct csv {
	char *buf;
	size_t len, cap;
};

static void csv_row(void *ctx, const struct evse_history *h)
{
	struct csv *c = ctx;
	char line[256];
	int n = snprintf(line, sizeof(line), "%lld,%s,%s,%s,%s,%.3f,%s\n", (long long)h->no, h->start, h->end,
	                 h->start_mode, h->stop_mode, h->energy_wh / 1000.0, h->id_tag);
	if (n < 0 || c->len + (size_t)n >= c->cap)
		return;
	memcpy(c->buf + c->len, line, (size_t)n);
	c->len += (size_t)n;
}

static int serve_api_get(struct evse_net *n, struct lws *wsi, const char *uri)
{
	if (strcmp(uri, "/api/status") == 0) {
		char *j = evse_station_status_json(n->st);
		if (!j)
			return respond_json_error(wsi, 500, "out of memory");
		int rc = respond(wsi, 200, "application/json", j, strlen(j));
		free(j);
		return rc;
	}
	if (strcmp(uri, "/api/history.csv") == 0) {
		struct csv c = {.cap = 256 * 1000 + 128};
		c.buf = malloc(c.cap);
		if (!c.buf)
			return respond_json_error(wsi, 500, "out of memory");
		c.len = (size_t)snprintf(c.buf, c.cap, "no,start,end,start_mode,stop_mode,energy_kwh,id\n");
		evse_store_history_each(n->st->store, 1000, csv_row, &c);
		int rc = respond(wsi, 200, "text/csv", c.buf, c.len);
		free(c.buf);
		return rc;
	}
	return respond_json_error(wsi, 404, "no such resource");
}

/* ---- POST /api/firmware?md5=<32 hex>: the local firmware upload ---- */

/* May this request change the station? The one place that decides: when <state dir>/settings.token
 * exists, the request must carry "Authorization: Bearer <its content>"; without the file, anyone on the
 * local network may (the installer's first set-up). NEEDSWORK: replaced by the web app's login at merge. */
static bool evse_http_is_admin(const struct evse_net *n, struct lws *wsi)
{
	char path[EVSE_STR_MAX + 32], token[160], hdr[200];
	if (evse_config_state_path(n->cfg, "settings.token", path, sizeof(path)) < 0)
		return false;
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t len = fread(token, 1, sizeof(token) - 1, f);
	fclose(f);
	while (len && (token[len - 1] == '\n' || token[len - 1] == '\r' || token[len - 1] == ' '))
		len--;
	token[len] = '\0';
	if (!len || lws_hdr_copy(wsi, hdr, sizeof(hdr), WSI_TOKEN_HTTP_AUTHORIZATION) <= 0 ||
	    strncmp(hdr, "Bearer ", 7) != 0 || strlen(hdr + 7) != len)
		return false;
	unsigned char diff = 0; /* the same time whatever matches */
	for (size_t i = 0; i < len; i++)
		diff |= (unsigned char)(hdr[7 + i] ^ token[i]);
	return diff == 0;
}

static int respond_fw(struct lws *wsi, unsigned status, const char *code, const char *msg)
{
	char body[400], esc[240];
	size_t k = 0;
	for (const char *c = msg; *c && k < sizeof(esc) - 1; c++)
		if (*c != '"' && *c != '\\' && (unsigned char)*c >= 0x20)
			esc[k++] = *c;
	esc[k] = '\0';
	int len = snprintf(body, sizeof(body), "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, esc);
	return respond(wsi, status, "application/json", body, (size_t)len);
}

/* The request line and headers of an upload are there: refuse it or open its file. 1: answered. */
static int firmware_begin(struct evse_net *n, struct http_pss *pss, struct lws *wsi, int *rc)
{
	char arg[64];
	const char *md5 = lws_get_urlarg_by_name(wsi, "md5=", arg, sizeof(arg));
	int64_t max = (int64_t)n->cfg->fw_max_kb * 1024;
	int clen = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
	char lenbuf[24] = "";
	if (!evse_http_is_admin(n, wsi)) {
		pss->refused = true;
		return 0;
	}
	if (clen > 0 && clen < (int)sizeof(lenbuf))
		lws_hdr_copy(wsi, lenbuf, sizeof(lenbuf), WSI_TOKEN_HTTP_CONTENT_LENGTH);
	if (strtoll(lenbuf, NULL, 10) > max) {
		*rc = respond_fw(wsi, 413, "E04", "the image is larger than fw_max_kb");
		return 1;
	}
	snprintf(pss->md5, sizeof(pss->md5), "%s", md5 ? md5 : "");
	char dir[EVSE_STR_MAX + 16];
	if (evse_config_state_path(n->cfg, "firmware", dir, sizeof(dir)) < 0 ||
	    snprintf(pss->upload_path, sizeof(pss->upload_path), "%s/upload.part", dir) >=
	        (int)sizeof(pss->upload_path)) {
		*rc = respond_fw(wsi, 500, "E01", "state path too long");
		return 1;
	}
	mkdir(dir, 0755);
	pss->upload = fopen(pss->upload_path, "wb");
	if (!pss->upload) {
		*rc = respond_fw(wsi, 500, "E01", "cannot write the image");
		return 1;
	}
	pss->upload_len = 0;
	return 0;
}

static void firmware_body(struct evse_net *n, struct http_pss *pss, const void *in, size_t len)
{
	if (!pss->upload)
		return;
	pss->upload_len += (int64_t)len;
	if (pss->too_big || pss->upload_len > (int64_t)n->cfg->fw_max_kb * 1024) {
		pss->too_big = true;
		return;
	}
	if (fwrite(in, 1, len, pss->upload) != len)
		pss->too_big = true;
}

static int firmware_end(struct evse_net *n, struct http_pss *pss, struct lws *wsi)
{
	static const unsigned statuses[] = {200, 500, 422, 504, 422};
	char msg[200];
	if (pss->refused)
		return respond_fw(wsi, 401, "auth", "an administrator token is needed");
	if (!pss->upload)
		return respond_fw(wsi, 500, "E01", "no image");
	bool write_failed = fclose(pss->upload) != 0;
	pss->upload = NULL;
	if (pss->too_big || write_failed) {
		remove(pss->upload_path);
		return pss->too_big && !write_failed ? respond_fw(wsi, 413, "E04", "the image is too large")
		                                     : respond_fw(wsi, 500, "E01", "cannot write the image");
	}
	enum evse_fw_code c =
	    evse_fw_install_local(n->st->fw, pss->upload_path, pss->md5, wl_mono_ms(), msg, sizeof(msg));
	if (c != EVSE_FW_OK) {
		remove(pss->upload_path);
		return respond_fw(wsi, statuses[c], evse_fw_code_name(c), msg);
	}
	int len = snprintf(msg, sizeof(msg), "{\"result\":\"%s\"}", evse_fw_code_text(c));
	return respond(wsi, 200, "application/json", msg, (size_t)len);
}

/* A path under web_root without "..": the file to serve, or -1. */
static int static_path(const struct evse_net *n, const char *uri, char *out, size_t cap)
{
	if (strstr(uri, "..") || uri[0] != '/')
		return -1;
	if (strcmp(uri, "/") == 0)
		uri = "/index.html";
	int len = snprintf(out, cap, "%s%s", n->cfg->web_root, uri);
	return len < 0 || (size_t)len >= cap ? -1 : 0;
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct http_pss *pss = user;
	struct evse_net *n = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_HTTP: {
		snprintf(pss->uri, sizeof(pss->uri), "%s", (const char *)in);
		pss->body_len = 0;
		pss->too_big = false;
		pss->refused = false;
		pss->upload = NULL;
		if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI)) {
			int rc = 0;
			if (strcmp(pss->uri, "/api/firmware") == 0 && firmware_begin(n, pss, wsi, &rc))
				return rc;
			return 0; /* the body comes next */
		}
		if (strncmp(pss->uri, "/api/", 5) == 0)
			return serve_api_get(n, wsi, pss->uri);
		char file[EVSE_STR_MAX + 160];
		if (static_path(n, pss->uri, file, sizeof(file)) < 0)
			return respond_json_error(wsi, 400, "bad path");
		const char *mime = lws_get_mimetype(file, NULL);
		int rc = lws_serve_http_file(wsi, file, mime ? mime : "application/octet-stream", NULL, 0);
		if (rc < 0 || (rc > 0 && lws_http_transaction_completed(wsi)))
			return -1;
		return 0;
	}
	case LWS_CALLBACK_HTTP_BODY:
		if (strcmp(pss->uri, "/api/firmware") == 0) {
			firmware_body(n, pss, in, len);
			break;
		}
		if (pss->body_len + len > BODY_MAX) {
			pss->too_big = true;
			break;
		}
		memcpy(pss->body + pss->body_len, in, len);
		pss->body_len += len;
		break;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION: {
		char err[160];
		if (strcmp(pss->uri, "/api/firmware") == 0)
			return firmware_end(n, pss, wsi);
		if (pss->too_big)
			return respond_json_error(wsi, 413, "body too large");
		if (strcmp(pss->uri, "/api/sim") == 0) {
			if (evse_station_sim_command(n->st, pss->body, pss->body_len, err, sizeof(err)) < 0)
				return respond_json_error(wsi, 400, err);
			evse_station_tick(n->st, wl_mono_ms());
			return respond(wsi, 200, "application/json", "{\"ok\":true}", 11);
		}
		return respond_json_error(wsi, 404, "no such resource");
	}
	case LWS_CALLBACK_CLOSED_HTTP:
		if (pss && pss->upload) { /* the client went away in the middle of an upload */
			fclose(pss->upload);
			pss->upload = NULL;
			remove(pss->upload_path);
		}
		break;
	default: break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
    {"http", http_callback, sizeof(struct http_pss), 0, 0, NULL, 0},
    {"ocpp-client", ocpp_callback, 0, RX_MAX, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- the loop ---- */

static void tick(lws_sorted_usec_list_t *sul)
{
	struct evse_net *n = lws_container_of(sul, struct evse_net, tick_sul);
	evse_station_tick(n->st, wl_mono_ms());
	flush_ocpp(n);
	if (!n->reset)
		n->reset = evse_station_restart_due(n->st);
	lws_sul_schedule(n->ctx, 0, &n->tick_sul, tick, TICK_US);
}

static int split_url(struct evse_net *n, char *err, size_t errcap)
{
	snprintf(n->url, sizeof(n->url), "%s", n->cfg->ocpp_url);
	char copy[EVSE_STR_MAX];
	snprintf(copy, sizeof(copy), "%s", n->cfg->ocpp_url);
	const char *path;
	if (lws_parse_uri(n->url, &n->prot, &n->host, &n->port, &path)) {
		snprintf(err, errcap, "ocpp_url: cannot parse \"%s\"", copy);
		return -1;
	}
	snprintf(n->path_buf, sizeof(n->path_buf), "/%s", path);
	/* Basic auth: the user is the charge point id, the last segment of the path (OCPP 1.6 security) */
	if (n->cfg->ocpp_password[0]) {
		const char *slash = strrchr(copy, '/');
		char cred[EVSE_STR_MAX * 2], b64[380];
		snprintf(cred, sizeof(cred), "%s:%s", slash ? slash + 1 : "", n->cfg->ocpp_password);
		if (lws_b64_encode_string(cred, (int)strlen(cred), b64, sizeof(b64)) < 0) {
			snprintf(err, errcap, "ocpp_password too long");
			return -1;
		}
		snprintf(n->auth_header, sizeof(n->auth_header), "Authorization: Basic %s\r\n", b64);
	}
	return 0;
}

static void lws_log_to_wl(int level, const char *line)
{
	size_t len = strlen(line);
	while (len && line[len - 1] == '\n')
		len--;
	if (level & LLL_ERR)
		WL_ERROR("lws", "%.*s", (int)len, line);
	else
		WL_DEBUG("lws", "%.*s", (int)len, line);
}

struct evse_net *evse_net_new(struct evse_station *st, const struct evse_config *cfg, char *err, size_t errcap)
{
	struct evse_net *n = calloc(1, sizeof(*n));
	struct lws_context_creation_info info;

	if (!n) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	n->st = st;
	n->cfg = cfg;
	n->rx = malloc(RX_MAX);
	if (!n->rx) {
		snprintf(err, errcap, "out of memory");
		goto out_free;
	}
	if (cfg->ocpp_url[0] && split_url(n, err, errcap) < 0)
		goto out_free;
	lws_set_log_level(LLL_ERR, lws_log_to_wl);
	memset(&info, 0, sizeof(info));
	info.port = cfg->http_port ? cfg->http_port : CONTEXT_PORT_NO_LISTEN;
	info.iface = cfg->http_bind[0] ? cfg->http_bind : NULL;
	info.protocols = protocols;
	info.user = n;
	/* OpenSSL costs megabytes of resident memory: load it only for a wss:// backend */
	if (strncmp(cfg->ocpp_url, "wss://", 6) == 0)
		info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	if (cfg->ca_file[0])
		info.client_ssl_ca_filepath = cfg->ca_file;
	n->ctx = lws_create_context(&info);
	if (!n->ctx) {
		snprintf(err, errcap, "cannot start the network (http port %d in use?)", cfg->http_port);
		goto out_free;
	}
	return n;
out_free:
	free(n->rx);
	free(n);
	return NULL;
}

void evse_net_free(struct evse_net *n)
{
	if (!n)
		return;
	lws_context_destroy(n->ctx);
	free(n->rx);
	free(n);
}

int evse_net_run(struct evse_net *n, volatile sig_atomic_t *stop)
{
	n->stop = stop;
	lws_sul_schedule(n->ctx, 0, &n->tick_sul, tick, 1);
	if (n->cfg->ocpp_url[0] && n->st->ocpp)
		lws_sul_schedule(n->ctx, 0, &n->connect_sul, connect_now, 1);
	while (!*stop && !n->reset)
		if (lws_service(n->ctx, 0) < 0)
			break;
	return n->reset;
}
