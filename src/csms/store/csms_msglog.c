/* csms_msglog.c — the message log's database, writer, size cap, retention and reads. */
#include "csms_msglog.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wl_log.h"

#define ID_MAX 64 /* bytes of a station id kept (CSMS_ID_MAX is 48) */
/* oldest messages deleted at a time when the log is over its size */
#define SIZE_PRUNE_ROWS 256
/* rows deleted by one retention job (one commit); the next chunk goes in a later batch */
#define PRUNE_CHUNK 2000

struct csms_msglog {
	struct csms_store *store;
	sqlite3 *rdb; /* the event-loop thread's reads */
	int64_t max_bytes;
	/* writer thread */
	int64_t bytes; /* frame text kept, estimated at the first write, then counted */
	bool counted;
	/* any thread */
	_Atomic uint64_t appended, dropped;
	_Atomic int64_t bytes_seen;
	bool stopping;
};

/* ---- schema ---- */

static const char *const migrations[] = {
    /* 1: the table csms.db held until its schema version 3 */
    "CREATE TABLE message ("
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, ts INTEGER NOT NULL,"
    "  dir TEXT NOT NULL," /* in | out */
    "  text TEXT NOT NULL);"
    "CREATE INDEX message_by_station ON message (station_id, id);",
};
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int migrate(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v < 0 || v > N_MIGRATIONS) {
		snprintf(err, errlen, "message log schema version %d: not one this csms knows (0..%d)", v,
		         N_MIGRATIONS);
		return -1;
	}
	for (; v < N_MIGRATIONS; v++) {
		char *msg = NULL, bump[64];
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, bump, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "message log migration to version %d failed: %s", v + 1,
			         msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* A data folder of a csms before the log moved out: its csms.db (schema version <= 3) still holds the
 * `message` table. Its rows are copied here with their ids (the station pages' after= cursors stay
 * valid); csms.db's migration 4 drops the table afterwards. Copying again is harmless (OR IGNORE). */
static int adopt_old_log(sqlite3 *db, const char *dir)
{
	char path[600], *msg = NULL;
	struct stat sb;
	sqlite3_stmt *s = NULL;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/csms.db", dir);
	if (stat(path, &sb) < 0)
		return 0; /* a new folder */
	if (sqlite3_prepare_v2(db, "ATTACH ? AS old", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	if (rc < 0) {
		WL_ERROR("msglog", "cannot read %s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	int version = -1, has_table = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA old.user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM old.sqlite_master WHERE type = 'table' AND name = 'message'",
	                       -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		has_table = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version >= 0 && version <= 3 && has_table) {
		if (sqlite3_exec(db,
		                 "BEGIN IMMEDIATE; INSERT OR IGNORE INTO main.message (id, station_id, ts, dir, text) "
		                 "SELECT id, station_id, ts, dir, text FROM old.message ORDER BY id; COMMIT",
		                 NULL, NULL, &msg) != SQLITE_OK) {
			WL_ERROR("msglog", "cannot move the message log out of %s: %s", path, msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			rc = -1;
		} else {
			WL_INFO("msglog", "message log moved from csms.db to msglog.db (%d frames)",
			        sqlite3_changes(db));
		}
	}
	sqlite3_exec(db, "DETACH old", NULL, NULL, NULL);
	return rc;
}

int csms_msglog_open(struct csms_msglog **out, const char *dir, int64_t max_bytes)
{
	struct csms_msglog *log = calloc(1, sizeof(*log));
	char path[600];

	*out = NULL;
	if (!log)
		return -ENOMEM;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		WL_ERROR("msglog", "cannot create data folder %s: %s", dir, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/msglog.db", dir);
	struct csms_store_opts o = {.path = path,
	                            .synchronous = "NORMAL",
	                            .migrate = migrate,
	                            .thread_name = "csms-msglog",
	                            .max_pending = CSMS_MSGLOG_MAX_PENDING,
	                            .batch_delay_ms = CSMS_MSGLOG_BATCH_MS,
	                            .max_batch = CSMS_MSGLOG_MAX_PENDING,
	                            .cache_kib = 2048}; /* it appends: a small cache will do */
	if (csms_store_open_with(&log->store, &o) < 0 || adopt_old_log(csms_store_db(log->store), dir) < 0)
		goto fail;
	if (sqlite3_open_v2(path, &log->rdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		WL_ERROR("msglog", "cannot open %s for reading", path);
		goto fail;
	}
	sqlite3_busy_timeout(log->rdb, 2000);
	log->max_bytes = max_bytes;
	*out = log;
	return 0;
fail:
	csms_msglog_close(log);
	return -EIO;
}

int csms_msglog_start(struct csms_msglog *log, csms_store_notify_fn *notify, void *ctx)
{
	return csms_store_start(log->store, notify, ctx);
}

unsigned csms_msglog_finish(struct csms_msglog *log)
{
	return csms_store_finish(log->store);
}

void csms_msglog_close(struct csms_msglog *log)
{
	if (!log)
		return;
	log->stopping = true;
	csms_store_close(log->store);
	sqlite3_close(log->rdb);
	free(log);
}

struct csms_store *csms_msglog__store(struct csms_msglog *log)
{
	return log->store;
}

/* ---- frames ---- */

struct frame_job {
	struct csms_job job;
	struct csms_msglog *log;
	int64_t ts;
	enum csms_dir dir;
	size_t len;
	char station_id[ID_MAX + 1];
	char text[]; /* len bytes */
};

static const char SQL_INSERT[] = "INSERT INTO message (station_id, ts, dir, text) VALUES (?, ?, ?, ?)";
static const char SQL_ESTIMATE[] =
    "SELECT (SELECT max(id) - min(id) + 1 FROM message), "
    "(SELECT avg(length(CAST(text AS BLOB))) FROM (SELECT text FROM message ORDER BY id DESC LIMIT 1000))";
/* LIMIT: SIZE_PRUNE_ROWS; never the frame just written */
static const char SQL_PRUNE_OLDEST[] = "DELETE FROM message WHERE id IN (SELECT id FROM message WHERE id < ? ORDER BY "
                                       "id LIMIT 256) RETURNING length(CAST(text AS BLOB))";

/* Writer thread: the log's size at the first write, estimated without reading it all (rows x the average
 * of the newest 1000), then counted as frames go in and out. */
static void estimate_size(struct csms_store *st, struct csms_msglog *log)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_ESTIMATE);
	log->counted = true;
	log->bytes = 0;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		log->bytes = (int64_t)((double)sqlite3_column_int64(s, 0) * sqlite3_column_double(s, 1));
}

/* Writer thread: deletes the oldest frames (before the one just written, newest) while the log is over its
 * size. */
static void prune_by_size(struct csms_store *st, struct csms_msglog *log, int64_t newest)
{
	while (log->bytes > log->max_bytes) {
		sqlite3_stmt *s = csms_store_stmt(st, SQL_PRUNE_OLDEST);
		int rows = 0, rc;
		if (!s)
			return;
		sqlite3_bind_int64(s, 1, newest);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			log->bytes -= sqlite3_column_int64(s, 0);
			rows++;
		}
		if (rc != SQLITE_DONE)
			return;
		if (rows < SIZE_PRUNE_ROWS) {
			log->counted = false; /* the estimate was high: only the newest is left; estimate again */
			return;
		}
	}
}

static int exec_frame(struct csms_store *st, struct csms_job *job)
{
	struct frame_job *f = (struct frame_job *)job;
	struct csms_msglog *log = f->log;
	if (!log->counted)
		estimate_size(st, log);
	sqlite3_stmt *s = csms_store_stmt(st, SQL_INSERT);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, f->station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, f->ts);
	sqlite3_bind_text(s, 3, f->dir == CSMS_DIR_IN ? "in" : "out", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, f->text, (int)f->len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	log->bytes += (int64_t)f->len;
	prune_by_size(st, log, sqlite3_last_insert_rowid(csms_store_db(st)));
	atomic_store(&log->bytes_seen, log->bytes);
	return 0;
}

int csms_msglog_append(struct csms_msglog *log, const char *station_id, enum csms_dir dir, int64_t ts, const char *text,
                       size_t len, const char *marker, size_t mlen)
{
	struct frame_job *f = malloc(sizeof(*f) + len + mlen);
	if (!f) {
		atomic_fetch_add(&log->dropped, 1);
		return -1;
	}
	memset(f, 0, sizeof(*f));
	f->job.exec = exec_frame;
	f->job.single = true;
	f->log = log;
	f->ts = ts;
	f->dir = dir;
	f->len = len + mlen;
	snprintf(f->station_id, sizeof(f->station_id), "%s", station_id);
	memcpy(f->text, text, len);
	if (mlen)
		memcpy(f->text + len, marker, mlen);
	if (csms_store_try_submit(log->store, &f->job) < 0) {
		free(f);
		uint64_t n = atomic_fetch_add(&log->dropped, 1);
		if (n % 10000 == 0)
			WL_WARN("msglog", "the message log's writer is behind: frames dropped (%llu so far)",
			        (unsigned long long)n + 1);
		return -1;
	}
	atomic_fetch_add(&log->appended, 1);
	return 0;
}

/* ---- retention ---- */

struct prune_job {
	struct csms_job job;
	struct csms_msglog *log;
	int64_t before;
	int deleted;
};

/* Rows are appended in time order, so the oldest are the lowest ids: no time index is needed.
 * LIMIT: PRUNE_CHUNK */
static const char SQL_PRUNE_AGE[] =
    "DELETE FROM message WHERE id IN (SELECT id FROM message ORDER BY id LIMIT 2000) AND ts < ?";

static int exec_prune(struct csms_store *st, struct csms_job *job)
{
	struct prune_job *p = (struct prune_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_PRUNE_AGE);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, p->before);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	p->deleted = sqlite3_changes(csms_store_db(st));
	if (p->deleted > 0)
		p->log->counted = false; /* the size is estimated again at the next frame */
	return 0;
}

/* A full chunk means more is due: the next chunk goes in a later batch, so pruning a large backlog never
 * holds one transaction long. */
static void done_prune(struct csms_job *job)
{
	struct prune_job *p = (struct prune_job *)job;
	if (job->rc == 0 && p->deleted >= PRUNE_CHUNK && !p->log->stopping)
		csms_msglog_prune(p->log, p->before);
	free(p);
}

void csms_msglog_prune(struct csms_msglog *log, int64_t before_ms)
{
	struct prune_job *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->job.exec = exec_prune;
	p->job.done = done_prune;
	p->job.single = true;
	p->log = log;
	p->before = before_ms;
	csms_store_submit(log->store, &p->job);
}

/* ---- reads ---- */

int csms_msglog_list(struct csms_msglog *log, const char *station_id, int64_t after, int limit, csms_msglog_row_fn *row,
                     void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int n = 0, rc;
	if (sqlite3_prepare_v2(
	        log->rdb, "SELECT id, ts, dir, text FROM message WHERE station_id = ? AND id > ? ORDER BY id LIMIT ?",
	        -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(log->rdb));
		return -1;
	}
	sqlite3_bind_text(s, 1, station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(s, 3);
		row(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
		    (const char *)sqlite3_column_text(s, 2), text ? text : "", (size_t)sqlite3_column_bytes(s, 3));
		n++;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(log->rdb));
		n = -1;
	}
	sqlite3_finalize(s);
	return n;
}

void csms_msglog_get_stats(struct csms_msglog *log, struct csms_msglog_stats *out)
{
	out->appended = atomic_load(&log->appended);
	out->dropped = atomic_load(&log->dropped);
	out->bytes = atomic_load(&log->bytes_seen);
	csms_store_get_stats(log->store, &out->store);
}
