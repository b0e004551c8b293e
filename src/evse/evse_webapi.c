/* evse_webapi.c — the local web app's API: the route table and one handler per route. */
#include "evse_webapi.h"

#include "evse_webapi_int.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evse_fw.h"
#include "evse_settings.h"
#include "evse_webform.h"
#include "ocpp_schema.h"
#include "ocpp_text.h"
#include "ocpp_types.h"
#include "wl_log.h"

#define MOD          "webapi"
#define HISTORY_MAX  100  /* records per page of GET /api/history */
#define CSV_MAX      1000 /* records in the CSV download */
#define FAULTS_SHOWN 50

/* ---- answers ---- */

static const struct {
	int status;
	const char *code;
} error_codes[] = {
    {400, "bad_request"},       {401, "unauthorized"},       {403, "forbidden"},
    {404, "not_found"},         {405, "method_not_allowed"}, {408, "timeout"},
    {409, "conflict"},          {413, "payload_too_large"},  {415, "unsupported_media_type"},
    {429, "too_many_requests"}, {500, "internal"},
};

void evse_webapi__reply(struct evse_http_resp *rs, int status, const char *mime, char *body)
{
	free(rs->body);
	rs->status = status;
	rs->mime = mime;
	rs->body = body;
	rs->len = body ? strlen(body) : 0;
}

/* Sends j (deleted here). */
void evse_webapi__json(struct evse_http_resp *rs, int status, cJSON *j)
{
	char *text = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	if (!text) {
		evse_webapi__reply(rs, 500, "application/json",
		                   strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}"));
		return;
	}
	evse_webapi__reply(rs, status, "application/json", text);
}

/* {"error":{"code":..,"message":..}}; code NULL: the usual one for the status. */
void evse_webapi__error(struct evse_http_resp *rs, int status, const char *code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ocpp_utf8_sanitize(msg);
	for (size_t i = 0; !code && i < sizeof(error_codes) / sizeof(error_codes[0]); i++)
		if (error_codes[i].status == status)
			code = error_codes[i].code;
	cJSON *j = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(j, "error");
	cJSON_AddStringToObject(e, "code", code ? code : "error");
	cJSON_AddStringToObject(e, "message", msg);
	evse_webapi__json(rs, status, j);
}

void evse_webapi__ok(struct evse_http_resp *rs)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "ok", true);
	evse_webapi__json(rs, 200, j);
}

/* ---- status, simulator ---- */

static void h_status(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                     const char *tail)
{
	(void)rq, (void)now, (void)tail;
	char *j = evse_station_status_json(w->st);
	if (!j) {
		evse_webapi__error(rs, 500, NULL, "out of memory");
		return;
	}
	evse_webapi__reply(rs, 200, "application/json", j);
}

static void h_sim(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                  const char *tail)
{
	char err[160];
	(void)tail;
	if (evse_station_sim_command(w->st, rq->body, rq->body_len, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	evse_station_tick(w->st, now);
	evse_webapi__ok(rs);
}

/* ---- dynamic power management (the app's "Dynamic Power Management" page) ---- */

static void h_dpm_get(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                      const char *tail)
{
	(void)rq, (void)now, (void)tail;
	evse_webapi__json(rs, 200, evse_dpm_link_json(w->st->dpm));
}

static void h_dpm_put(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                      const char *tail)
{
	char err[200];
	(void)now, (void)tail;
	if (evse_dpm_link_update(w->st->dpm, rq->body, rq->body_len, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	evse_webapi__json(rs, 200, evse_dpm_link_json(w->st->dpm));
}

/* ---- setup, login ---- */

static void h_auth(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                   const char *tail)
{
	(void)tail;
	const char *csrf = evse_webauth_csrf(w->auth, rq, now);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "setupRequired", evse_webauth_needs_setup(w->auth));
	cJSON_AddBoolToObject(j, "loggedIn", csrf != NULL);
	if (csrf)
		cJSON_AddStringToObject(j, "csrfToken", csrf);
	else
		cJSON_AddNullToObject(j, "csrfToken");
	cJSON_AddNumberToObject(j, "idleTimeoutS", EVSE_WEB_IDLE_MS / 1000);
	cJSON_AddBoolToObject(j, "groupMaster", w->group != NULL); /* the pages show the group's links */
	evse_webapi__json(rs, 200, j);
}

static void login_reply(struct evse_http_resp *rs, int rc, const struct evse_web_login *out)
{
	if (rc < 0) {
		rs->retry_after_s = out->retry_after_s;
		evse_webapi__error(rs, out->status, NULL, "%s", out->message);
		return;
	}
	snprintf(rs->set_cookie, sizeof(rs->set_cookie), "%s", out->cookie);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "csrfToken", out->csrf);
	cJSON_AddNumberToObject(j, "idleTimeoutS", EVSE_WEB_IDLE_MS / 1000);
	evse_webapi__json(rs, 200, j);
}

static void h_setup(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                    const char *tail)
{
	char code[EVSE_SETUP_CODE_MAX], pw[EVSE_PASSWORD_MAX + 1], err[160];
	struct evse_web_login out;
	(void)tail;
	if (evse_webform_setup(rq->body, rq->body_len, code, pw, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	int rc = evse_webauth_setup_begin(w->auth, code, pw, now, &out, &rs->wait_job);
	sodium_memzero(pw, sizeof(pw));
	if (rc < 0)
		login_reply(rs, rc, &out);
}

static void h_login(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                    const char *tail)
{
	char pw[EVSE_PASSWORD_MAX + 1], err[160];
	struct evse_web_login out;
	(void)tail;
	if (evse_webform_login(rq->body, rq->body_len, pw, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	int rc = evse_webauth_login_begin(w->auth, pw, now, &out, &rs->wait_job);
	sodium_memzero(pw, sizeof(pw));
	if (rc < 0)
		login_reply(rs, rc, &out);
}

int evse_webapi_job_poll(struct evse_webapi *w, uint64_t now_ms, unsigned *job, struct evse_http_resp *rs)
{
	struct evse_web_login out;
	if (evse_lms_export_poll(w, job, rs))
		return 1;
	if (!evse_webauth_poll(w->auth, now_ms, job, &out))
		return 0;
	memset(rs, 0, sizeof(*rs));
	login_reply(rs, out.status == 200 ? 0 : -1, &out);
	sodium_memzero(&out, sizeof(out));
	return 1;
}

static void h_logout(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                     const char *tail)
{
	(void)tail;
	evse_webauth_logout(w->auth, rq, now, rs->set_cookie, sizeof(rs->set_cookie));
	evse_webapi__ok(rs);
}

/* ---- settings ---- */

static void h_settings_get(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                           struct evse_http_resp *rs, const char *tail)
{
	(void)rq, (void)now, (void)tail;
	evse_webapi__json(rs, 200, evse_settings_json(w->st->store, w->cfg, evse_station_wall_ms(w->st)));
}

static void h_settings_put(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                           struct evse_http_resp *rs, const char *tail)
{
	struct evse_settings_change *chg = malloc(sizeof(*chg));
	char err[300], restart[200];
	(void)now, (void)tail;
	if (!chg) {
		evse_webapi__error(rs, 500, NULL, "out of memory");
		return;
	}
	if (evse_settings_parse(rq->body, rq->body_len, chg, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		goto out;
	}
	int rc = evse_settings_apply(w->st->store, w->cfg, chg, w->st->ocpp != NULL, restart, sizeof(restart), err,
	                             sizeof(err));
	if (rc == -1) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		goto out;
	}
	if (rc < 0) {
		evse_webapi__error(rs, 500, NULL, "the settings could not be saved");
		goto out;
	}
	if (chg->has_time && evse_station_set_clock(w->st, chg->time_ms, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 409, NULL, "%s", err);
		goto out;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "saved", true);
	cJSON *list = cJSON_AddArrayToObject(j, "restartRequired");
	for (char *p = restart, *save = NULL, *name; (name = strtok_r(p, ",", &save)); p = NULL)
		cJSON_AddItemToArray(list, cJSON_CreateString(name));
	cJSON_AddItemToObject(j, "settings", evse_settings_json(w->st->store, w->cfg, evse_station_wall_ms(w->st)));
	evse_webapi__json(rs, 200, j);
out:
	free(chg);
}

/* ---- local cards (PERSONAL mode): slots card.1 .. card.max_cards ---- */

static void card_key(int slot, char *key, size_t cap)
{
	snprintf(key, cap, "card.%d", slot);
}

static void card_get(struct evse_webapi *w, int slot, char *uid, size_t cap)
{
	char key[24];
	card_key(slot, key, sizeof(key));
	if (evse_store_get(w->st->store, key, uid, cap) != 1)
		uid[0] = '\0';
}

static void h_cards(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                    const char *tail)
{
	char uid[EVSE_CARD_UID_MAX];
	(void)rq, (void)now, (void)tail;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "maxCards", w->cfg->max_cards);
	cJSON_AddBoolToObject(j, "reading", w->reading);
	cJSON *cards = cJSON_AddArrayToObject(j, "cards");
	for (int s = 1; s <= w->cfg->max_cards; s++) {
		card_get(w, s, uid, sizeof(uid));
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "slot", s);
		cJSON_AddStringToObject(c, "uid", uid);
		cJSON_AddItemToArray(cards, c);
	}
	evse_webapi__json(rs, 200, j);
}

/* The slot number of a path tail ("2"): 1..max_cards, or 0 after answering 404. */
static int slot_of(struct evse_webapi *w, const char *tail, struct evse_http_resp *rs)
{
	char *end;
	long slot = strtol(tail, &end, 10);
	if (!tail[0] || *end || slot < 1 || slot > w->cfg->max_cards) {
		evse_webapi__error(rs, 404, NULL, "no card slot \"%.20s\" (1..%d)", tail, w->cfg->max_cards);
		return 0;
	}
	return (int)slot;
}

static void h_card_read(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                        const char *tail)
{
	(void)rq, (void)tail;
	enum evse_state s = evse_charge_state(w->st->charge);
	if (w->reading) {
		evse_webapi__error(rs, 409, NULL, "a card read is already waiting");
		return;
	}
	if (s != EVSE_STATE_AVAILABLE) {
		evse_webapi__error(rs, 409, NULL, "cards can be read in stand-by only (the station is %s)",
		                   evse_state_name(s));
		return;
	}
	evse_charge_capture_card(w->st->charge, true);
	w->reading = true;
	w->read_until = now + EVSE_CARD_READ_MS;
	rs->wait_card = true;
}

int evse_webapi_card_poll(struct evse_webapi *w, uint64_t now_ms, struct evse_http_resp *rs)
{
	char uid[EVSE_ID_MAX];
	if (!w->reading)
		return 0;
	if (evse_charge_captured_card(w->st->charge, uid, sizeof(uid))) {
		w->reading = false;
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "uid", uid);
		evse_webapi__json(rs, 200, j);
		return 1;
	}
	if (now_ms < w->read_until)
		return 0;
	evse_webapi_card_cancel(w);
	evse_webapi__error(rs, 408, NULL, "no card was tapped within %d s", EVSE_CARD_READ_MS / 1000);
	return 1;
}

void evse_webapi_card_cancel(struct evse_webapi *w)
{
	w->reading = false;
	evse_charge_capture_card(w->st->charge, false);
}

static void h_card_put(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                       const char *tail)
{
	char uid[EVSE_CARD_UID_MAX], other[EVSE_CARD_UID_MAX], key[24], err[160];
	(void)now;
	int slot = slot_of(w, tail, rs);
	if (!slot)
		return;
	if (evse_webform_card(rq->body, rq->body_len, uid, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	for (int s = 1; s <= w->cfg->max_cards; s++) {
		card_get(w, s, other, sizeof(other));
		if (s != slot && other[0] && wl_idtag_same(other, uid)) {
			evse_webapi__error(rs, 409, NULL, "card %s is already in slot %d", uid, s);
			return;
		}
	}
	card_key(slot, key, sizeof(key));
	if (evse_store_set(w->st->store, key, uid) < 0) {
		evse_webapi__error(rs, 500, NULL, "the card could not be saved");
		return;
	}
	WL_INFO(MOD, "card %s written to slot %d", uid, slot);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "slot", slot);
	cJSON_AddStringToObject(j, "uid", uid);
	evse_webapi__json(rs, 200, j);
}

static void h_card_delete(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                          struct evse_http_resp *rs, const char *tail)
{
	char key[24];
	(void)rq, (void)now;
	int slot = slot_of(w, tail, rs);
	if (!slot)
		return;
	card_key(slot, key, sizeof(key));
	if (evse_store_set(w->st->store, key, "") < 0) {
		evse_webapi__error(rs, 500, NULL, "the card could not be removed");
		return;
	}
	WL_INFO(MOD, "card slot %d emptied", slot);
	evse_webapi__ok(rs);
}

/* ---- history, faults ---- */

struct page {
	cJSON *list;
	int64_t last;
};

static void history_row(void *ctx, const struct evse_history *h)
{
	struct page *p = ctx;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "no", (double)h->no);
	cJSON_AddStringToObject(r, "start", h->start);
	cJSON_AddStringToObject(r, "end", h->end);
	cJSON_AddStringToObject(r, "startMode", h->start_mode);
	cJSON_AddStringToObject(r, "stopMode", h->stop_mode);
	cJSON_AddNumberToObject(r, "energyKwh", h->energy_wh / 1000.0);
	cJSON_AddStringToObject(r, "idTag", h->id_tag);
	cJSON_AddItemToArray(p->list, r);
	p->last = h->no;
}

static void h_history(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                      const char *tail)
{
	long limit = 20, before = 0;
	char err[120];
	(void)now, (void)tail;
	if (evse_webform_query_int(rq->query, "limit", 1, HISTORY_MAX, &limit, err, sizeof(err)) < 0 ||
	    evse_webform_query_int(rq->query, "before", 1, 0x7fffffffL, &before, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	struct page p = {.list = cJSON_AddArrayToObject(j, "records")};
	int n = evse_store_history_page(w->st->store, before, (int)limit, history_row, &p);
	if (n < 0) {
		cJSON_Delete(j);
		evse_webapi__error(rs, 500, NULL, "cannot read the history");
		return;
	}
	if (n == limit && p.last > 1)
		cJSON_AddNumberToObject(j, "next", (double)p.last);
	else
		cJSON_AddNullToObject(j, "next");
	evse_webapi__json(rs, 200, j);
}

struct csv {
	char *buf;
	size_t len, cap;
};

/* One CSV field: quoted when it holds a comma, a quote or a line break; a leading = + - @ is defused with a
 * quote character so that a spreadsheet does not run it as a formula. */
static void csv_field(char *out, size_t cap, const char *in)
{
	bool quote = strpbrk(in, ",\"\r\n") != NULL;
	bool defuse = in[0] == '=' || in[0] == '+' || in[0] == '-' || in[0] == '@';
	size_t k = 0;
	if (quote && k + 1 < cap)
		out[k++] = '"';
	if (defuse && k + 1 < cap)
		out[k++] = '\'';
	for (; *in && k + 3 < cap; in++) {
		if (*in == '"')
			out[k++] = '"';
		out[k++] = *in;
	}
	if (quote && k + 1 < cap)
		out[k++] = '"';
	out[k] = '\0';
}

static void csv_row(void *ctx, const struct evse_history *h)
{
	struct csv *c = ctx;
	char line[400], sm[40], pm[48], id[48];
	csv_field(sm, sizeof(sm), h->start_mode);
	csv_field(pm, sizeof(pm), h->stop_mode);
	csv_field(id, sizeof(id), h->id_tag);
	int n = snprintf(line, sizeof(line), "%lld,%s,%s,%s,%s,%.3f,%s\r\n", (long long)h->no, h->start, h->end, sm, pm,
	                 h->energy_wh / 1000.0, id);
	if (n < 0 || c->len + (size_t)n >= c->cap)
		return;
	memcpy(c->buf + c->len, line, (size_t)n);
	c->len += (size_t)n;
}

static void h_history_csv(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                          struct evse_http_resp *rs, const char *tail)
{
	(void)rq, (void)now, (void)tail;
	struct csv c = {.cap = CSV_MAX * 400 + 128};
	c.buf = malloc(c.cap);
	if (!c.buf) {
		evse_webapi__error(rs, 500, NULL, "out of memory");
		return;
	}
	c.len = (size_t)snprintf(c.buf, c.cap, "no,start,end,start_mode,stop_mode,energy_kwh,id\r\n");
	evse_store_history_each(w->st->store, CSV_MAX, csv_row, &c);
	c.buf[c.len] = '\0';
	evse_webapi__reply(rs, 200, "text/csv", c.buf);
	rs->disposition_csv = true;
}

static void fault_row(void *ctx, const struct evse_fault *f)
{
	cJSON *list = ctx;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "no", (double)f->no);
	cJSON_AddStringToObject(r, "at", f->at);
	cJSON_AddStringToObject(r, "code", f->code);
	cJSON_AddStringToObject(r, "what", f->what);
	cJSON_AddItemToArray(list, r);
}

static void h_faults(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                     const char *tail)
{
	(void)rq, (void)now, (void)tail;
	uint32_t trips = evse_charge_trips(w->st->charge);
	cJSON *j = cJSON_CreateObject();
	cJSON *active = cJSON_AddArrayToObject(j, "active");
	for (int p = 0; p < EVSE_PROT_COUNT; p++) {
		if (!(trips >> p & 1u))
			continue;
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "code", evse_protect_display((enum evse_protection)p));
		cJSON_AddStringToObject(r, "what", evse_protect_what((enum evse_protection)p));
		cJSON_AddStringToObject(r, "ocppErrorCode",
		                        ocpp_enum_name(&ocpp_enum_charge_point_error_code,
		                                       (int)evse_protect_ocpp((enum evse_protection)p)));
		cJSON_AddItemToArray(active, r);
	}
	cJSON_AddBoolToObject(j, "latched", trips != 0);
	cJSON *log = cJSON_AddArrayToObject(j, "log");
	evse_store_fault_each(w->st->store, FAULTS_SHOWN, fault_row, log);
	evse_webapi__json(rs, 200, j);
}

/* ---- driver actions (the BE-T app): authorise, stop, schedule ---- */

static void h_session_start(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                            struct evse_http_resp *rs, const char *tail)
{
	char id[EVSE_CARD_UID_MAX], err[160];
	int slot;
	(void)tail;
	if (w->cfg->mode == EVSE_MODE_FREE) {
		evse_webapi__error(rs, 409, NULL, "FREE mode: no authorisation needed, plug in the EV");
		return;
	}
	if (evse_webform_session_start(rq->body, rq->body_len, w->cfg->max_cards, &slot, id, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	if (slot) {
		card_get(w, slot, id, sizeof(id));
		if (!id[0]) {
			evse_webapi__error(rs, 409, NULL, "card slot %d is empty", slot);
			return;
		}
	}
	int rc = evse_charge_app_authorize(w->st->charge, id, now);
	if (rc == -1) {
		evse_webapi__error(rs, 409, NULL, "the station cannot start a session now (%s)",
		                   evse_state_name(evse_charge_state(w->st->charge)));
		return;
	}
	if (rc == -2) {
		evse_webapi__error(rs, 403, "refused", "%s refused %s",
		                   w->cfg->mode == EVSE_MODE_WEB ? "the central system" : "the station", id);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "status", rc == 1 ? "Pending" : "Accepted");
	cJSON_AddStringToObject(j, "idTag", id);
	evse_webapi__json(rs, rc == 1 ? 202 : 200, j);
}

static void h_session_stop(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                           struct evse_http_resp *rs, const char *tail)
{
	(void)rq, (void)tail;
	if (evse_charge_stop(w->st->charge, EVSE_STOP_LOCAL, now) < 0) {
		evse_webapi__error(rs, 409, NULL, "no session to stop");
		return;
	}
	evse_webapi__ok(rs);
}

static void schedule_reply(struct evse_webapi *w, struct evse_http_resp *rs)
{
	char ts[40];
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "scheduled", w->st->schedule_at_ms != 0);
	if (w->st->schedule_at_ms) {
		ocpp_time_format(w->st->schedule_at_ms, ts, sizeof(ts));
		cJSON_AddStringToObject(j, "at", ts);
	} else {
		cJSON_AddNullToObject(j, "at");
	}
	evse_webapi__json(rs, 200, j);
}

static void h_schedule_get(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                           struct evse_http_resp *rs, const char *tail)
{
	(void)rq, (void)now, (void)tail;
	schedule_reply(w, rs);
}

static void h_schedule_post(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                            struct evse_http_resp *rs, const char *tail)
{
	int64_t at;
	char err[160];
	(void)now, (void)tail;
	if (evse_webform_schedule(rq->body, rq->body_len, evse_station_wall_ms(w->st), &at, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	if (evse_station_schedule(w->st, at) < 0) {
		evse_webapi__error(rs, 500, NULL, "the schedule could not be saved");
		return;
	}
	schedule_reply(w, rs);
}

static void h_schedule_delete(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                              struct evse_http_resp *rs, const char *tail)
{
	(void)rq, (void)now, (void)tail;
	if (evse_station_schedule(w->st, 0) < 0) {
		evse_webapi__error(rs, 500, NULL, "the schedule could not be saved");
		return;
	}
	schedule_reply(w, rs);
}

/* ---- firmware upload (the Upgrade page) ---- */

/* The HTTP status of each firmware result: E01 the station's fault, E02/E04 the image's. */
static const int fw_statuses[] = {
    [EVSE_FW_OK] = 200, [EVSE_FW_E01] = 500, [EVSE_FW_E02] = 422, [EVSE_FW_E03] = 504, [EVSE_FW_E04] = 422,
};

static int64_t fw_max_bytes(const struct evse_webapi *w)
{
	return (int64_t)w->cfg->fw_max_kb * 1024;
}

/* POST /api/firmware?md5=<32 hex>: the image (streamed to rq->body_file) is checked and installed at once;
 * {"result":"100 UP"} and the station restarts, or {"error":{"code":"E0x",...}} as on the display. */
static void h_firmware(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                       const char *tail)
{
	char md5[40] = "", msg[200];
	(void)tail;
	if ((int64_t)rq->body_len > fw_max_bytes(w)) {
		evse_webapi__error(rs, 413, evse_fw_code_name(EVSE_FW_E04),
		                   "the image is larger than fw_max_kb (%d KiB)", w->cfg->fw_max_kb);
		return;
	}
	if (rq->body_len == 0) {
		evse_webapi__error(rs, 400, evse_fw_code_name(EVSE_FW_E04), "the image is empty");
		return;
	}
	if (!rq->body_file) {
		evse_webapi__error(rs, 500, evse_fw_code_name(EVSE_FW_E01), "the image could not be written");
		return;
	}
	if (evse_webform_query_str(rq->query, "md5", md5, sizeof(md5), msg, sizeof(msg)) < 0)
		md5[0] = '\0'; /* too long: refused below as not 32 hex digits */
	enum evse_fw_code c = evse_fw_install_local(w->st->fw, rq->body_file, md5, now, msg, sizeof(msg));
	if (c != EVSE_FW_OK) {
		evse_webapi__error(rs, fw_statuses[c], evse_fw_code_name(c), "%s", msg);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "result", evse_fw_code_text(c));
	evse_webapi__json(rs, 200, j);
}

/* ---- the route table ---- */

static const struct route routes[] = {
    {EVSE_HTTP_GET, "/api/status", PUBLIC, NO_BODY, h_status, false},
    {EVSE_HTTP_POST, "/api/sim", PUBLIC, TEXT_BODY, h_sim, false},
    {EVSE_HTTP_GET, "/api/auth", PUBLIC, NO_BODY, h_auth, false},
    {EVSE_HTTP_POST, "/api/setup", PUBLIC, JSON_BODY, h_setup, false},
    {EVSE_HTTP_POST, "/api/login", PUBLIC, JSON_BODY, h_login, false},
    {EVSE_HTTP_POST, "/api/logout", ADMIN, NO_BODY, h_logout, false},
    {EVSE_HTTP_GET, "/api/settings", ADMIN, NO_BODY, h_settings_get, false},
    {EVSE_HTTP_PUT, "/api/settings", ADMIN, JSON_BODY, h_settings_put, false},
    {EVSE_HTTP_GET, "/api/cards", ADMIN, NO_BODY, h_cards, false},
    {EVSE_HTTP_POST, "/api/cards/read", ADMIN, NO_BODY, h_card_read, false},
    {EVSE_HTTP_PUT, "/api/cards/", ADMIN, JSON_BODY, h_card_put, false},
    {EVSE_HTTP_DELETE, "/api/cards/", ADMIN, NO_BODY, h_card_delete, false},
    {EVSE_HTTP_GET, "/api/history", ADMIN, NO_BODY, h_history, false},
    {EVSE_HTTP_GET, "/api/history.csv", ADMIN, NO_BODY, h_history_csv, false},
    {EVSE_HTTP_GET, "/api/faults", ADMIN, NO_BODY, h_faults, false},
    {EVSE_HTTP_POST, "/api/session/start", ADMIN, JSON_BODY, h_session_start, false},
    {EVSE_HTTP_POST, "/api/session/stop", ADMIN, NO_BODY, h_session_stop, false},
    {EVSE_HTTP_GET, "/api/schedule", ADMIN, NO_BODY, h_schedule_get, false},
    {EVSE_HTTP_POST, "/api/schedule", ADMIN, JSON_BODY, h_schedule_post, false},
    {EVSE_HTTP_DELETE, "/api/schedule", ADMIN, NO_BODY, h_schedule_delete, false},
    {EVSE_HTTP_POST, "/api/firmware", ADMIN, FILE_BODY, h_firmware, false},
    {EVSE_HTTP_GET, "/api/dpm", ADMIN, NO_BODY, h_dpm_get, false},
    {EVSE_HTTP_PUT, "/api/dpm", ADMIN, JSON_BODY, h_dpm_put, false},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* The tail of path after a route's path ("" for an exact match), or NULL when it does not match. */
static const char *route_match(const struct route *r, const char *path)
{
	size_t n = strlen(r->path);
	if (r->path[n - 1] == '/')
		return strncmp(path, r->path, n) == 0 && path[n] && (r->deep || !strchr(path + n, '/')) ? path + n
		                                                                                        : NULL;
	return strcmp(path, r->path) == 0 ? path + n : NULL;
}

bool evse_webapi_owns(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 && strcmp(path, "/api/events") != 0;
}

/* The route of rq, with the tail of its path; NULL after answering 404 or 405. */
static const struct route *route_find(const struct evse_webapi *w, const struct evse_http_req *rq, const char **tail,
                                      struct evse_http_resp *rs)
{
	bool path_known = false;
	/* the Local Management System's routes exist on a Master only: elsewhere they are unknown paths */
	const struct {
		const struct route *r;
		size_t n;
	} tables[] = {{routes, N_ROUTES}, {evse_lms_routes, w->group ? evse_lms_n_routes : 0}};
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < tables[t].n; i++) {
			const struct route *r = &tables[t].r[i];
			const char *rest = route_match(r, rq->path);
			if (!rest)
				continue;
			path_known = true;
			if (r->method == rq->method) {
				*tail = rest;
				return r;
			}
		}
	if (path_known)
		evse_webapi__error(rs, 405, NULL, "method not allowed on %.60s", rq->path);
	else
		evse_webapi__error(rs, 404, NULL, "no such resource: %.60s", rq->path);
	return NULL;
}

/* May the caller use route r? false after answering 401 or 403. */
static bool route_allowed(struct evse_webapi *w, const struct route *r, const struct evse_http_req *rq, uint64_t now_ms,
                          struct evse_http_resp *rs)
{
	int status;
	const char *why;
	if (r->access == ADMIN && !evse_http_is_admin(w->auth, rq, now_ms, &status, &why)) {
		evse_webapi__error(rs, status, NULL, "%s", why);
		return false;
	}
	return true;
}

int evse_webapi_upload_begin(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now_ms,
                             int64_t content_length, char *path, size_t cap, int64_t *max_bytes,
                             struct evse_http_resp *rs)
{
	const char *tail;
	char dir[EVSE_STR_MAX + 16];
	struct evse_http_resp none = {0};

	memset(rs, 0, sizeof(*rs));
	const struct route *r = route_find(w, rq, &tail, &none);
	free(none.body);
	if (!r || r->body != FILE_BODY)
		return 0; /* evse_webapi_handle answers it, 404 and 405 included */
	if (!route_allowed(w, r, rq, now_ms, rs))
		return -1;
	*max_bytes = fw_max_bytes(w);
	if (content_length == 0) {
		evse_webapi__error(rs, 400, evse_fw_code_name(EVSE_FW_E04), "the image is empty (Content-Length: 0)");
		return -1;
	}
	if (content_length > *max_bytes) {
		evse_webapi__error(rs, 413, evse_fw_code_name(EVSE_FW_E04),
		                   "the image is larger than fw_max_kb (%d KiB)", w->cfg->fw_max_kb);
		return -1;
	}
	if (evse_config_state_path(w->cfg, "firmware", dir, sizeof(dir)) < 0 ||
	    snprintf(path, cap, "%s/upload-%u.part", dir, ++w->uploads) >= (int)cap) {
		evse_webapi__error(rs, 500, evse_fw_code_name(EVSE_FW_E01), "the state folder's path is too long");
		return -1;
	}
	mkdir(dir, 0755);
	return 1;
}

void evse_webapi_handle(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now_ms,
                        struct evse_http_resp *rs)
{
	const char *tail = NULL;

	memset(rs, 0, sizeof(*rs));
	const struct route *found = route_find(w, rq, &tail, rs);
	if (!found || !route_allowed(w, found, rq, now_ms, rs))
		return;
	if (found->body == JSON_BODY &&
	    strncmp(rq->content_type ? rq->content_type : "", "application/json", 16) != 0) {
		evse_webapi__error(rs, 415, NULL, "the body must be application/json");
		return;
	}
	if (found->body != FILE_BODY && rq->body_len > EVSE_HTTP_BODY_MAX) {
		evse_webapi__error(rs, 413, NULL, "body larger than %d bytes", EVSE_HTTP_BODY_MAX);
		return;
	}
	found->fn(w, rq, now_ms, rs, tail);
}

/* ---- life cycle ---- */

struct evse_webapi *evse_webapi_new(struct evse_station *st, struct evse_config *cfg, char *err, size_t errcap)
{
	char dir[EVSE_STR_MAX];
	const char *state_dir = NULL;
	struct evse_webapi *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	w->st = st;
	w->cfg = cfg;
	if (strcmp(cfg->db_path, ":memory:") != 0) {
		const char *slash = strrchr(cfg->db_path, '/');
		if (slash)
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - cfg->db_path), cfg->db_path);
		else
			snprintf(dir, sizeof(dir), ".");
		state_dir = dir[0] ? dir : "/";
	}
	w->auth = evse_webauth_new(st->store, state_dir, err, errcap);
	if (!w->auth) {
		free(w);
		return NULL;
	}
	return w;
}

void evse_webapi_free(struct evse_webapi *w)
{
	if (!w)
		return;
	evse_lms_export_cancel(w);
	evse_webauth_free(w->auth);
	free(w);
}

void evse_webapi_set_group(struct evse_webapi *w, struct evse_group *g)
{
	w->group = g;
}

struct evse_webauth *evse_webapi_auth(struct evse_webapi *w)
{
	return w->auth;
}
