/* csms_station_db.c — station rows written through the store. */
#include "csms_station_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_journal.h"
#include "csms_registry.h"
#include "csms_store.h"
#include "wl_clock.h"
#include "wl_log.h"

int csms_station_db_load(struct csms *app)
{
	sqlite3_stmt *st;
	sqlite3 *db = csms_store_db(app->store);
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, state, password_hash FROM station", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		int state = csms_station_state_parse((const char *)sqlite3_column_text(st, 1));
		if (!id || !csms_station_id_is_valid(id) || state < 0) {
			WL_WARN("station", "skipping station row \"%s\" with a bad id or state", id ? id : "");
			continue;
		}
		if (!csms_registry_add(app->reg, id, (enum csms_station_state)state,
		                       (const char *)sqlite3_column_text(st, 2))) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int csms_station_db_reset_connections(struct csms *app)
{
	return sqlite3_exec(csms_store_db(app->store), "UPDATE station SET connected = 0 WHERE connected != 0", NULL,
	                    NULL, NULL) == SQLITE_OK
	           ? 0
	           : -1;
}

struct station_job {
	struct csms_job job;
	int64_t now;
	int state;
	bool connected;
	bool has_password;
	char id[CSMS_ID_MAX + 1];
	char addr[48];
	char name[128];
	char password_hash[CSMS_PASSWORD_HASH_LEN];
	/* told to app->on_station_change after the commit */
	struct csms *app;
	struct csms_station *station;
	const char *live_what;
};

static void done_publish(struct csms_job *job)
{
	struct station_job *j = (struct station_job *)job;
	if (job->rc >= 0 && j->app->on_station_change)
		j->app->on_station_change(j->app, j->station, j->live_what);
	free(j);
}

static void publish_after_commit(struct station_job *j, struct csms *app, struct csms_station *s, const char *what)
{
	j->app = app;
	j->station = s;
	j->live_what = what;
	j->job.done = done_publish;
}

static struct station_job *new_job(csms_job_exec_fn *exec, const char *id)
{
	struct station_job *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->job.exec = exec;
	j->now = (int64_t)wl_wall_ms();
	snprintf(j->id, sizeof(j->id), "%s", id);
	return j;
}

static const char SQL_REGISTER[] = "INSERT INTO station (id, name, state, password_hash, created) "
                                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

static int exec_register(struct csms_store *st, struct csms_job *job)
{
	struct station_job *j = (struct station_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_REGISTER);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, j->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, csms_station_state_name((enum csms_station_state)j->state), -1, SQLITE_STATIC);
	if (j->has_password)
		sqlite3_bind_text(s, 4, j->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, j->now);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return csms_journal_event_in_job(st, j->id, "registered", -1,
	                                 csms_station_state_name((enum csms_station_state)j->state), j->now);
}

struct csms_station *csms_station_db_register(struct csms *app, const char *id, enum csms_station_state state,
                                              const char *password_hash, const char *name)
{
	struct station_job *j = new_job(exec_register, id);
	if (!j)
		return NULL;
	struct csms_station *s = csms_registry_add(app->reg, id, state, password_hash);
	if (!s) {
		free(j);
		return NULL;
	}
	j->state = (int)state;
	j->has_password = password_hash != NULL;
	if (password_hash)
		snprintf(j->password_hash, sizeof(j->password_hash), "%s", password_hash);
	snprintf(j->name, sizeof(j->name), "%s", name ? name : "");
	csms_store_submit(app->store, &j->job);
	return s;
}

static const char SQL_SET_STATE[] = "UPDATE station SET state = ? WHERE id = ?";

static int exec_set_state(struct csms_store *st, struct csms_job *job)
{
	struct station_job *j = (struct station_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_SET_STATE);
	if (!s)
		return -1;
	const char *name = csms_station_state_name((enum csms_station_state)j->state);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, j->id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return csms_journal_event_in_job(st, j->id, "state", -1, name, j->now);
}

void csms_station_db_set_state(struct csms *app, struct csms_station *s, enum csms_station_state state)
{
	struct station_job *j = new_job(exec_set_state, s->id);
	if (!j)
		return;
	s->state = state;
	j->state = (int)state;
	publish_after_commit(j, app, s, "state");
	csms_store_submit(app->store, &j->job);
}

static const char SQL_SET_PASSWORD[] = "UPDATE station SET password_hash = ? WHERE id = ?";

static int exec_set_password(struct csms_store *st, struct csms_job *job)
{
	struct station_job *j = (struct station_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_SET_PASSWORD);
	if (!s)
		return -1;
	if (j->has_password)
		sqlite3_bind_text(s, 1, j->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, j->id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return csms_journal_event_in_job(st, j->id, "security", -1,
	                                 j->has_password ? "password set" : "password removed", j->now);
}

int csms_station_db_set_password(struct csms *app, struct csms_station *s, const char *password_hash)
{
	struct station_job *j = new_job(exec_set_password, s->id);
	if (!j || csms_station_set_password_hash(s, password_hash) < 0) {
		free(j);
		return -1;
	}
	j->has_password = password_hash != NULL;
	if (password_hash)
		snprintf(j->password_hash, sizeof(j->password_hash), "%s", password_hash);
	csms_store_submit(app->store, &j->job);
	return 0;
}

static const char SQL_CONNECTED[] = "UPDATE station SET connected = 1, last_connect = ?, remote_addr = ? WHERE id = ?";
static const char SQL_DISCONNECTED[] = "UPDATE station SET connected = 0, last_disconnect = ? WHERE id = ?";

static int exec_connected(struct csms_store *st, struct csms_job *job)
{
	struct station_job *j = (struct station_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, j->connected ? SQL_CONNECTED : SQL_DISCONNECTED);
	if (!s)
		return -1;
	int i = 1;
	sqlite3_bind_int64(s, i++, j->now);
	if (j->connected)
		sqlite3_bind_text(s, i++, j->addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, i, j->id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return csms_journal_event_in_job(st, j->id, j->connected ? "connect" : "disconnect", -1, j->addr, j->now);
}

void csms_station_db_connected(struct csms *app, struct csms_station *s, bool connected, const char *addr)
{
	struct station_job *j = new_job(exec_connected, s->id);
	if (!j)
		return;
	j->connected = connected;
	snprintf(j->addr, sizeof(j->addr), "%s", addr);
	publish_after_commit(j, app, s, connected ? "connected" : "disconnected");
	csms_store_submit(app->store, &j->job);
}

struct hb_job {
	struct csms_job job;
	size_t n;
	struct hb {
		char id[CSMS_ID_MAX + 1];
		int64_t ts;
	} hb[];
};

static const char SQL_HEARTBEAT[] = "UPDATE station SET last_heartbeat = ? WHERE id = ?";

static int exec_heartbeats(struct csms_store *st, struct csms_job *job)
{
	struct hb_job *j = (struct hb_job *)job;
	for (size_t i = 0; i < j->n; i++) {
		sqlite3_stmt *s = csms_store_stmt(st, SQL_HEARTBEAT);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, j->hb[i].ts);
		sqlite3_bind_text(s, 2, j->hb[i].id, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

struct hb_collect {
	struct hb_job *job;
	size_t cap;
};

static void count_dirty(struct csms_station *s, void *ctx)
{
	if (s->heartbeat_dirty)
		((struct hb_collect *)ctx)->cap++;
}

static void collect_dirty(struct csms_station *s, void *ctx)
{
	struct hb_collect *c = ctx;
	if (!s->heartbeat_dirty || c->job->n == c->cap)
		return;
	s->heartbeat_dirty = false;
	struct hb *h = &c->job->hb[c->job->n++];
	memcpy(h->id, s->id, sizeof(h->id));
	h->ts = (int64_t)s->last_heartbeat;
}

void csms_station_db_flush_heartbeats(struct csms *app)
{
	struct hb_collect c = {0};
	csms_registry_each(app->reg, count_dirty, &c);
	if (!c.cap)
		return;
	c.job = calloc(1, sizeof(*c.job) + c.cap * sizeof(c.job->hb[0]));
	if (!c.job)
		return;
	c.job->job.exec = exec_heartbeats;
	csms_registry_each(app->reg, collect_dirty, &c);
	csms_store_submit(app->store, &c.job->job);
}

/* ---- the station table as the API reads it ---- */

const char *const csms_station_db_sorts[] = {
    "id", "s.id", "name", "s.name COLLATE NOCASE", "state", "s.state", "lastHeartbeat", "s.last_heartbeat", NULL};

static const char SQL_FILTER[] = "station s WHERE (?1 IS NULL OR s.id LIKE ?1 ESCAPE '\\' OR s.name LIKE ?1 "
                                 "ESCAPE '\\') AND (?2 IS NULL OR s.state = ?2)";

static int bind_filter(sqlite3_stmt *st, const void *args)
{
	const struct csms_station_filter *f = args;
	if (f->like)
		sqlite3_bind_text(st, 1, f->like, -1, SQLITE_STATIC);
	if (f->state)
		sqlite3_bind_text(st, 2, f->state, -1, SQLITE_STATIC);
	return 0;
}

static int list_row(sqlite3_stmt *st, void *ctx)
{
	void **c = ctx;
	struct csms_station_row s = {
	    .id = (const char *)sqlite3_column_text(st, 0),
	    .name = (const char *)sqlite3_column_text(st, 1),
	    .vendor = (const char *)sqlite3_column_text(st, 2),
	    .model = (const char *)sqlite3_column_text(st, 3),
	    .firmware = (const char *)sqlite3_column_text(st, 4),
	    .state = (const char *)sqlite3_column_text(st, 5),
	    .local_list_name = (const char *)sqlite3_column_text(st, 6),
	    .last_heartbeat = csms_db_int(st, 7, CSMS_DB_NO_TIME),
	    .sockets = sqlite3_column_int(st, 8),
	};
	return ((csms_station_db_each_fn *)c[0])(&s, c[1]);
}

int csms_station_db_list(sqlite3 *db, const struct csms_station_filter *f, const struct csms_db_page *pg,
                         csms_station_db_each_fn *each, void *ctx, long long *total)
{
	void *c[] = {(void *)each, ctx};
	return csms_db_list(
	    db,
	    "s.id, s.name, s.vendor, s.model, s.firmware, s.state, s.local_list_name, s.last_heartbeat, "
	    "(SELECT count(*) FROM connector c WHERE c.station_id = s.id AND c.connector_id > 0)",
	    SQL_FILTER, NULL, pg, bind_filter, f, list_row, c, total);
}

sqlite3_stmt *csms_station_db_export(sqlite3 *db, const struct csms_station_filter *f)
{
	char sql[1200];
	snprintf(sql, sizeof(sql),
	         "SELECT coalesce(nullif(s.name, ''), s.id), 'OCPP 1.6J', s.id, "
	         "trim(coalesce(s.vendor, '') || ' ' || coalesce(s.model, '')), "
	         "(SELECT count(*) FROM connector c WHERE c.station_id = s.id AND c.connector_id > 0), s.state, "
	         "s.firmware, coalesce(s.local_list_name, '-'), s.last_heartbeat FROM %s "
	         "ORDER BY coalesce(nullif(s.name, ''), s.id) COLLATE NOCASE, s.id",
	         SQL_FILTER);
	sqlite3_stmt *st = csms_db_prep(db, sql);
	if (st)
		bind_filter(st, f);
	return st;
}

int csms_station_db_rename(sqlite3 *db, const char *id, const char *name)
{
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE station SET name = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_MISSING;
}

/* ---- a station's local list ---- */

int csms_station_db_list_state(sqlite3 *db, const char *id, struct csms_station_list_state *out)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT local_list_id IS NULL, local_list_seq, local_list_max IS NOT NULL, "
	                                   "coalesce(local_list_max, 0), coalesce(send_list_max, 0) FROM station "
	                                   "WHERE id = ?");
	int rc;
	memset(out, 0, sizeof(*out));
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		out->on_default = sqlite3_column_int(s, 0);
		out->seq = sqlite3_column_int64(s, 1);
		out->limits_known = sqlite3_column_int(s, 2);
		out->list_max = sqlite3_column_int64(s, 3);
		out->send_max = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

int csms_station_db_set_named_list(sqlite3 *db, const char *id, int64_t list_id, const char *name)
{
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE station SET local_list_id = ?, local_list_name = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, list_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

int csms_station_db_set_default_list(sqlite3 *db, const char *id, int64_t seq, bool by_operator)
{
	sqlite3_stmt *s =
	    by_operator
	        ? csms_db_prep(db, "UPDATE station SET local_list_id = NULL, local_list_name = NULL, "
	                           "local_list_seq = ? WHERE id = ?")
	        : csms_db_prep(db, "UPDATE station SET local_list_seq = ? WHERE id = ? AND local_list_id IS NULL");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

int csms_station_db_set_list_limits(sqlite3 *db, const char *id, int64_t list_max, int64_t send_max)
{
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE station SET local_list_max = ?, send_list_max = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, list_max);
	sqlite3_bind_int64(s, 2, send_max);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

/* ---- details ---- */

#define TEXT(c) ((const char *)sqlite3_column_text(st, (c)))

int csms_station_db_get(sqlite3 *db, const char *id, csms_station_db_detail_fn *each, void *ctx)
{
	sqlite3_stmt *st = csms_db_prep(
	    db, "SELECT name, vendor, model, serial, box_serial, firmware, iccid, imsi, meter_type, meter_serial, "
	        "last_boot, last_heartbeat, last_connect, last_disconnect, remote_addr, firmware_status, "
	        "diagnostics_status, local_list_version, local_list_name, created FROM station WHERE id = ?");
	int rc;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_station_detail d = {
		    TEXT(0),
		    TEXT(1),
		    TEXT(2),
		    TEXT(3),
		    TEXT(4),
		    TEXT(5),
		    TEXT(6),
		    TEXT(7),
		    TEXT(8),
		    TEXT(9),
		    csms_db_int(st, 10, CSMS_DB_NO_TIME),
		    csms_db_int(st, 11, CSMS_DB_NO_TIME),
		    csms_db_int(st, 12, CSMS_DB_NO_TIME),
		    csms_db_int(st, 13, CSMS_DB_NO_TIME),
		    TEXT(14),
		    TEXT(15),
		    TEXT(16),
		    sqlite3_column_int64(st, 17),
		    TEXT(18),
		    csms_db_int(st, 19, CSMS_DB_NO_TIME),
		};
		rc = each(&d, ctx);
	} else {
		rc = rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
	}
	sqlite3_finalize(st);
	return rc;
}

int csms_station_db_set_list_version(sqlite3 *db, const char *id, int64_t version)
{
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE station SET local_list_version = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, version);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

/* ---- what stations send ---- */

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static const char SQL_BOOT[] = "UPDATE station SET vendor = ?, model = ?, serial = ?, box_serial = ?, firmware = ?, "
                               "iccid = ?, imsi = ?, meter_type = ?, meter_serial = ?, last_boot = ? WHERE id = ?";

int csms_station_db_booted(struct csms_store *st, const char *id, const struct csms_station_boot *b)
{
	const char *v[] = {b->vendor, b->model, b->serial,     b->box_serial,  b->firmware,
	                   b->iccid,  b->imsi,  b->meter_type, b->meter_serial};
	sqlite3_stmt *s = csms_store_stmt(st, SQL_BOOT);
	if (!s)
		return CSMS_DB_ERROR;
	for (int i = 0; i < 9; i++)
		bind_opt_text(s, i + 1, v[i]);
	sqlite3_bind_int64(s, 10, b->now);
	sqlite3_bind_text(s, 11, id, -1, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

static const char SQL_FIRMWARE_STATUS[] = "UPDATE station SET firmware_status = ? WHERE id = ?";
static const char SQL_DIAGNOSTICS_STATUS[] = "UPDATE station SET diagnostics_status = ? WHERE id = ?";

int csms_station_db_set_note(struct csms_store *st, const char *id, enum csms_station_note note, const char *value)
{
	static const char *const sql[] = {[CSMS_STATION_NOTE_FIRMWARE] = SQL_FIRMWARE_STATUS,
	                                  [CSMS_STATION_NOTE_DIAGNOSTICS] = SQL_DIAGNOSTICS_STATUS};
	if (note != CSMS_STATION_NOTE_FIRMWARE && note != CSMS_STATION_NOTE_DIAGNOSTICS)
		return 0;
	sqlite3_stmt *s = csms_store_stmt(st, sql[note]);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}
