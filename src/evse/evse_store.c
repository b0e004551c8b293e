/* evse_store.c — the SQLite store: schema, prepared statements, one function per query. */
#include "evse_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_store_int.h"
#include "wl_log.h"

#define MOD "store"

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS txq(seq INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT NOT NULL,"
    " local_tx INTEGER NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS txmap(local_tx INTEGER PRIMARY KEY, remote_tx INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS auth_cache(id_tag TEXT PRIMARY KEY, status TEXT, expiry TEXT, parent TEXT);"
    "CREATE TABLE IF NOT EXISTS auth_list(id_tag TEXT PRIMARY KEY, status TEXT, expiry TEXT, parent TEXT);"
    "CREATE TABLE IF NOT EXISTS history(no INTEGER PRIMARY KEY AUTOINCREMENT, start TEXT, end TEXT,"
    " start_mode TEXT, stop_mode TEXT, energy_wh REAL, id_tag TEXT);"
    "CREATE TABLE IF NOT EXISTS smart_profile(id INTEGER PRIMARY KEY, received INTEGER NOT NULL,"
    " json TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS faults(no INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, code TEXT, what TEXT);"
    /* a Master's running transactions of its Satellites (evse_group): which Satellite a RemoteStop goes to */
    "CREATE TABLE IF NOT EXISTS sat_tx(tx INTEGER PRIMARY KEY, satellite TEXT NOT NULL);"
    /* id tags kept before they were normalised (wl_idtag_key): upper case, padded with '0' to 14 */
    "UPDATE OR REPLACE auth_cache SET id_tag=upper(id_tag)||substr('00000000000000',1,14-length(id_tag))"
    " WHERE id_tag<>upper(id_tag) OR length(id_tag)<14;"
    "UPDATE OR REPLACE auth_list SET id_tag=upper(id_tag)||substr('00000000000000',1,14-length(id_tag))"
    " WHERE id_tag<>upper(id_tag) OR length(id_tag)<14;";

/* Schema changes after the first release, applied once each in order (PRAGMA user_version counts them). */
static const char *const migrations[] = {
    /* 1: the Master's Local Management System: users with limits, their cards, the group's transactions */
    "CREATE TABLE lms_user(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, from_ms INTEGER NOT NULL,"
    " until_ms INTEGER NOT NULL, hours_from INTEGER NOT NULL, hours_to INTEGER NOT NULL, days INTEGER NOT NULL,"
    " max_sessions INTEGER NOT NULL, max_kwh REAL NOT NULL);"
    "CREATE TABLE lms_card(id_tag TEXT PRIMARY KEY, user_id INTEGER NOT NULL);"
    "CREATE INDEX lms_card_user ON lms_card(user_id);"
    "CREATE TABLE group_tx(no INTEGER PRIMARY KEY AUTOINCREMENT, connector INTEGER NOT NULL, point TEXT NOT NULL,"
    " id_tag TEXT NOT NULL, user_id INTEGER NOT NULL, tx_id INTEGER NOT NULL DEFAULT 0, start TEXT NOT NULL,"
    " start_ms INTEGER NOT NULL, stop TEXT, stop_ms INTEGER NOT NULL DEFAULT 0, meter_start REAL NOT NULL,"
    " energy_wh REAL NOT NULL DEFAULT 0, stop_reason TEXT, UNIQUE(connector, start));"
    "CREATE INDEX group_tx_tx ON group_tx(tx_id);"
    "CREATE INDEX group_tx_user ON group_tx(user_id, start_ms);"
    "CREATE INDEX group_tx_start ON group_tx(start_ms);",
    /* 2: a group transaction the LMS rules refused at its start (its OCPP status, '' none): not counted */
    "ALTER TABLE group_tx ADD COLUMN refused TEXT NOT NULL DEFAULT '';",
};
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* Every statement, prepared once. */
#define STATEMENTS(X)                                                                                                  \
	X(KV_GET, "SELECT value FROM kv WHERE key=?1")                                                                 \
	X(KV_SET, "INSERT INTO kv(key,value) VALUES(?1,?2) ON CONFLICT(key) DO UPDATE SET value=?2")                   \
	X(TXQ_PUSH, "INSERT INTO txq(action,local_tx,payload) VALUES(?1,?2,?3)")                                       \
	X(TXQ_HEAD, "SELECT seq,action,local_tx,payload,attempts FROM txq ORDER BY seq LIMIT 1")                       \
	X(TXQ_REMOVE, "DELETE FROM txq WHERE seq=?1")                                                                  \
	X(TXQ_ATTEMPT, "UPDATE txq SET attempts=attempts+1 WHERE seq=?1")                                              \
	X(TXQ_COUNT, "SELECT count(*) FROM txq")                                                                       \
	X(TXMAP_SET, "INSERT OR REPLACE INTO txmap(local_tx,remote_tx) VALUES(?1,?2)")                                 \
	X(TXMAP_GET, "SELECT remote_tx FROM txmap WHERE local_tx=?1")                                                  \
	X(CACHE_GET, "SELECT status,expiry,parent FROM auth_cache WHERE id_tag=?1")                                    \
	X(CACHE_PUT, "INSERT OR REPLACE INTO auth_cache(id_tag,status,expiry,parent) VALUES(?1,?2,?3,?4)")             \
	X(CACHE_DEL, "DELETE FROM auth_cache WHERE id_tag=?1")                                                         \
	X(CACHE_CLEAR, "DELETE FROM auth_cache")                                                                       \
	X(CACHE_COUNT, "SELECT count(*) FROM auth_cache")                                                              \
	X(LIST_GET, "SELECT status,expiry,parent FROM auth_list WHERE id_tag=?1")                                      \
	X(LIST_PUT, "INSERT OR REPLACE INTO auth_list(id_tag,status,expiry,parent) VALUES(?1,?2,?3,?4)")               \
	X(LIST_DEL, "DELETE FROM auth_list WHERE id_tag=?1")                                                           \
	X(LIST_CLEAR, "DELETE FROM auth_list")                                                                         \
	X(LIST_COUNT, "SELECT count(*) FROM auth_list")                                                                \
	X(HIST_ADD, "INSERT INTO history(start,end,start_mode,stop_mode,energy_wh,id_tag) VALUES(?1,?2,?3,?4,?5,?6)")  \
	X(HIST_LIST,                                                                                                   \
	  "SELECT no,start,end,start_mode,stop_mode,energy_wh,id_tag FROM history ORDER BY no DESC LIMIT ?1")          \
	X(PROF_PUT, "INSERT OR REPLACE INTO smart_profile(id,received,json) VALUES(?1,?2,?3)")                         \
	X(PROF_DEL, "DELETE FROM smart_profile WHERE id=?1")                                                           \
	X(PROF_LIST, "SELECT id,received,json FROM smart_profile ORDER BY id")                                         \
	X(HIST_PAGE, "SELECT no,start,end,start_mode,stop_mode,energy_wh,id_tag FROM history WHERE no<?2"              \
	             " ORDER BY no DESC LIMIT ?1")                                                                     \
	X(FAULT_ADD, "INSERT INTO faults(at,code,what) VALUES(?1,?2,?3)")                                              \
	X(FAULT_TRIM, "DELETE FROM faults WHERE no <= (SELECT max(no) FROM faults) - ?1")                              \
	X(FAULT_LIST, "SELECT no,at,code,what FROM faults ORDER BY no DESC LIMIT ?1")                                  \
	X(SATTX_PUT, "INSERT OR REPLACE INTO sat_tx(tx,satellite) VALUES(?1,?2)")                                      \
	X(SATTX_DEL, "DELETE FROM sat_tx WHERE tx=?1")                                                                 \
	X(SATTX_LIST, "SELECT tx,satellite FROM sat_tx ORDER BY tx")                                                   \
	X(BEGIN, "BEGIN IMMEDIATE")                                                                                    \
	X(COMMIT, "COMMIT")                                                                                            \
	X(ROLLBACK, "ROLLBACK")

enum stmt_id {
#define X(id, sql) ST_##id,
	STATEMENTS(X)
#undef X
	    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
#define X(id, sql) [ST_##id] = sql,
    STATEMENTS(X)
#undef X
};

struct evse_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	sqlite3_stmt *grp[EVSE_STORE_GROUP_STMTS]; /* evse_store_group.c's */
};

static int user_version(struct evse_store *s)
{
	sqlite3_stmt *q = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* Brings an older database to the current schema, one migration per transaction. */
static int migrate(struct evse_store *s, char *err, size_t errcap)
{
	char *msg = NULL, sql[64];
	int v = user_version(s);
	if (v < 0 || v > N_MIGRATIONS) {
		snprintf(err, errcap, "schema version %d: expected 0..%d (a newer program's database?)", v,
		         N_MIGRATIONS);
		return -1;
	}
	for (; v < N_MIGRATIONS; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;COMMIT", v + 1);
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errcap, "schema migration %d: %s", v + 1, msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		WL_INFO(MOD, "schema migrated to version %d", v + 1);
	}
	return 0;
}

int evse_store_schema_version(struct evse_store *s)
{
	return user_version(s);
}

struct evse_store *evse_store_open(const char *path, char *err, size_t errcap)
{
	struct evse_store *s = calloc(1, sizeof(*s));
	char *msg = NULL;

	if (!s) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	if (sqlite3_open(path, &s->db) != SQLITE_OK) {
		snprintf(err, errcap, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		goto out_close;
	}
	sqlite3_busy_timeout(s->db, 2000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errcap, "%s: schema: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		goto out_close;
	}
	if (migrate(s, err, errcap) < 0 || evse_store__group_prepare(s, s->grp, err, errcap) < 0)
		goto out_close;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v2(s->db, stmt_sql[i], -1, &s->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errcap, "%s: %s: %s", path, stmt_sql[i], sqlite3_errmsg(s->db));
			goto out_close;
		}
	}
	return s;
out_close:
	evse_store_close(s);
	return NULL;
}

void evse_store_close(struct evse_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (int i = 0; i < EVSE_STORE_GROUP_STMTS; i++)
		sqlite3_finalize(s->grp[i]);
	sqlite3_close(s->db);
	free(s);
}

sqlite3 *evse_store__db(struct evse_store *s)
{
	return s->db;
}

sqlite3_stmt *evse_store__group_stmt(struct evse_store *s, int id)
{
	return s->grp[id];
}

/* Resets a statement for reuse and returns it. */
static sqlite3_stmt *stmt(struct evse_store *s, enum stmt_id id)
{
	sqlite3_stmt *q = s->st[id];
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return q;
}

/* Runs a statement that returns no rows: 0 or -1 (logged). */
int evse_store__run(struct evse_store *s, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		WL_ERROR(MOD, "%s: %s", sqlite3_sql(q), sqlite3_errmsg(s->db));
		sqlite3_reset(q);
		return -1;
	}
	sqlite3_reset(q);
	return 0;
}

void evse_store__copy_col(sqlite3_stmt *q, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static int64_t count(struct evse_store *s, enum stmt_id id)
{
	sqlite3_stmt *q = stmt(s, id);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_reset(q);
	return n;
}

int evse_store_get(struct evse_store *s, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *q = stmt(s, ST_KV_GET);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int found = rc == SQLITE_ROW;
	if (found)
		evse_store__copy_col(q, 0, out, cap);
	sqlite3_reset(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

int evse_store_set(struct evse_store *s, const char *key, const char *value)
{
	sqlite3_stmt *q = stmt(s, ST_KV_SET);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_txq_push(struct evse_store *s, const char *action, int64_t local_tx, const char *payload)
{
	sqlite3_stmt *q = stmt(s, ST_TXQ_PUSH);
	sqlite3_bind_text(q, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, local_tx);
	sqlite3_bind_text(q, 3, payload, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_txq_head(struct evse_store *s, struct evse_txq_item *item)
{
	sqlite3_stmt *q = stmt(s, ST_TXQ_HEAD);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	item->seq = sqlite3_column_int64(q, 0);
	evse_store__copy_col(q, 1, item->action, sizeof(item->action));
	item->local_tx = sqlite3_column_int64(q, 2);
	const unsigned char *p = sqlite3_column_text(q, 3);
	item->payload = strdup(p ? (const char *)p : "{}");
	item->attempts = sqlite3_column_int(q, 4);
	sqlite3_reset(q);
	return item->payload ? 1 : -1;
}

int evse_store_txq_remove(struct evse_store *s, int64_t seq)
{
	sqlite3_stmt *q = stmt(s, ST_TXQ_REMOVE);
	sqlite3_bind_int64(q, 1, seq);
	return evse_store__run(s, q);
}

int evse_store_txq_attempted(struct evse_store *s, int64_t seq)
{
	sqlite3_stmt *q = stmt(s, ST_TXQ_ATTEMPT);
	sqlite3_bind_int64(q, 1, seq);
	return evse_store__run(s, q);
}

int64_t evse_store_txq_count(struct evse_store *s)
{
	return count(s, ST_TXQ_COUNT);
}

int64_t evse_store_next_local_tx(struct evse_store *s)
{
	char buf[32];
	int64_t n = 0;
	if (evse_store_get(s, "_local_tx", buf, sizeof(buf)) == 1)
		n = strtoll(buf, NULL, 10);
	n++;
	snprintf(buf, sizeof(buf), "%lld", (long long)n);
	return evse_store_set(s, "_local_tx", buf) == 0 ? n : -1;
}

int evse_store_txmap_set(struct evse_store *s, int64_t local_tx, int64_t remote_tx)
{
	sqlite3_stmt *q = stmt(s, ST_TXMAP_SET);
	sqlite3_bind_int64(q, 1, local_tx);
	sqlite3_bind_int64(q, 2, remote_tx);
	return evse_store__run(s, q);
}

int evse_store_txmap_get(struct evse_store *s, int64_t local_tx, int64_t *remote_tx)
{
	sqlite3_stmt *q = stmt(s, ST_TXMAP_GET);
	sqlite3_bind_int64(q, 1, local_tx);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*remote_tx = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int evse_store_auth_get(struct evse_store *s, enum evse_auth_table t, const char *id_tag, struct evse_auth_entry *e)
{
	char key[WL_IDTAG_KEY_MAX];
	sqlite3_stmt *q = stmt(s, t == EVSE_AUTH_CACHE ? ST_CACHE_GET : ST_LIST_GET);
	wl_idtag_key(id_tag, key);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		evse_store__copy_col(q, 0, e->status, sizeof(e->status));
		evse_store__copy_col(q, 1, e->expiry, sizeof(e->expiry));
		evse_store__copy_col(q, 2, e->parent, sizeof(e->parent));
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int evse_store_auth_put(struct evse_store *s, enum evse_auth_table t, const char *id_tag,
                        const struct evse_auth_entry *e)
{
	char key[WL_IDTAG_KEY_MAX];
	sqlite3_stmt *q;
	wl_idtag_key(id_tag, key);
	if (!e) {
		q = stmt(s, t == EVSE_AUTH_CACHE ? ST_CACHE_DEL : ST_LIST_DEL);
		sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
		return evse_store__run(s, q);
	}
	q = stmt(s, t == EVSE_AUTH_CACHE ? ST_CACHE_PUT : ST_LIST_PUT);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, e->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, e->expiry, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, e->parent, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_auth_clear(struct evse_store *s, enum evse_auth_table t)
{
	return evse_store__run(s, stmt(s, t == EVSE_AUTH_CACHE ? ST_CACHE_CLEAR : ST_LIST_CLEAR));
}

int64_t evse_store_auth_count(struct evse_store *s, enum evse_auth_table t)
{
	return count(s, t == EVSE_AUTH_CACHE ? ST_CACHE_COUNT : ST_LIST_COUNT);
}

int evse_store_begin(struct evse_store *s)
{
	return evse_store__run(s, stmt(s, ST_BEGIN));
}

int evse_store_commit(struct evse_store *s)
{
	return evse_store__run(s, stmt(s, ST_COMMIT));
}

int evse_store_rollback(struct evse_store *s)
{
	return evse_store__run(s, stmt(s, ST_ROLLBACK));
}

int evse_store_history_add(struct evse_store *s, const struct evse_history *h)
{
	sqlite3_stmt *q = stmt(s, ST_HIST_ADD);
	sqlite3_bind_text(q, 1, h->start, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, h->end, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, h->start_mode, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, h->stop_mode, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 5, h->energy_wh);
	sqlite3_bind_text(q, 6, h->id_tag, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_history_each(struct evse_store *s, int max, void (*fn)(void *ctx, const struct evse_history *h),
                            void *ctx)
{
	return evse_store_history_page(s, 0, max, fn, ctx);
}

int evse_store_history_page(struct evse_store *s, int64_t before, int max,
                            void (*fn)(void *ctx, const struct evse_history *h), void *ctx)
{
	sqlite3_stmt *q = stmt(s, before > 0 ? ST_HIST_PAGE : ST_HIST_LIST);
	int n = 0, rc;
	sqlite3_bind_int(q, 1, max);
	if (before > 0)
		sqlite3_bind_int64(q, 2, before);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct evse_history h;
		h.no = sqlite3_column_int64(q, 0);
		evse_store__copy_col(q, 1, h.start, sizeof(h.start));
		evse_store__copy_col(q, 2, h.end, sizeof(h.end));
		evse_store__copy_col(q, 3, h.start_mode, sizeof(h.start_mode));
		evse_store__copy_col(q, 4, h.stop_mode, sizeof(h.stop_mode));
		h.energy_wh = sqlite3_column_double(q, 5);
		evse_store__copy_col(q, 6, h.id_tag, sizeof(h.id_tag));
		fn(ctx, &h);
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : -1;
}

int evse_store_profile_put(struct evse_store *s, int64_t id, int64_t received_ms, const char *json)
{
	sqlite3_stmt *q = stmt(s, ST_PROF_PUT);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, received_ms);
	sqlite3_bind_text(q, 3, json, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_profile_del(struct evse_store *s, int64_t id)
{
	sqlite3_stmt *q = stmt(s, ST_PROF_DEL);
	sqlite3_bind_int64(q, 1, id);
	return evse_store__run(s, q);
}

int evse_store_profile_each(struct evse_store *s,
                            void (*fn)(void *ctx, int64_t id, int64_t received_ms, const char *json), void *ctx)
{
	sqlite3_stmt *q = stmt(s, ST_PROF_LIST);
	int n = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *j = sqlite3_column_text(q, 2);
		fn(ctx, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), j ? (const char *)j : "");
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : -1;
}

int evse_store_fault_add(struct evse_store *s, const struct evse_fault *f)
{
	sqlite3_stmt *q = stmt(s, ST_FAULT_ADD);
	sqlite3_bind_text(q, 1, f->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, f->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, f->what, -1, SQLITE_STATIC);
	if (evse_store__run(s, q) < 0)
		return -1;
	q = stmt(s, ST_FAULT_TRIM);
	sqlite3_bind_int(q, 1, EVSE_FAULTS_KEPT);
	return evse_store__run(s, q);
}

int evse_store_fault_each(struct evse_store *s, int max, void (*fn)(void *ctx, const struct evse_fault *f), void *ctx)
{
	sqlite3_stmt *q = stmt(s, ST_FAULT_LIST);
	int n = 0, rc;
	sqlite3_bind_int(q, 1, max);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct evse_fault f;
		f.no = sqlite3_column_int64(q, 0);
		evse_store__copy_col(q, 1, f.at, sizeof(f.at));
		evse_store__copy_col(q, 2, f.code, sizeof(f.code));
		evse_store__copy_col(q, 3, f.what, sizeof(f.what));
		fn(ctx, &f);
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : -1;
}

int evse_store_sat_tx_put(struct evse_store *s, int64_t tx, const char *satellite)
{
	sqlite3_stmt *q = stmt(s, ST_SATTX_PUT);
	sqlite3_bind_int64(q, 1, tx);
	sqlite3_bind_text(q, 2, satellite, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_sat_tx_del(struct evse_store *s, int64_t tx)
{
	sqlite3_stmt *q = stmt(s, ST_SATTX_DEL);
	sqlite3_bind_int64(q, 1, tx);
	return evse_store__run(s, q);
}

int evse_store_sat_tx_each(struct evse_store *s, void (*fn)(void *ctx, int64_t tx, const char *satellite), void *ctx)
{
	sqlite3_stmt *q = stmt(s, ST_SATTX_LIST);
	int n = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *sat = sqlite3_column_text(q, 1);
		fn(ctx, sqlite3_column_int64(q, 0), sat ? (const char *)sat : "");
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : -1;
}
