/* csms_store.c — the writer thread and its group commit: take every waiting job, run them in one
 * transaction (a savepoint each), commit with synchronous=FULL, then hand them back for their answers. */
#include "csms_store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>

#include "csms_schema.h"
#include "wl_log.h"

#define MAX_BATCH  4096
#define STMT_CACHE 96
/* WAL pages after which the writer copies the WAL back into the database (a passive checkpoint right
 * after a commit, when nothing else writes, so it always catches up and the next transaction restarts
 * the WAL from its start). Big enough that a hot page (an index leaf every commit touches) is copied
 * once per checkpoint, not once per commit: 8192 pages of 4 KiB bound the WAL near 32 MiB. A
 * checkpointer thread beside the writer never caught up under continuous commits (the WAL grew by
 * 100 MB/s); measured in issue 10. */
#define CHECKPOINT_PAGES 8192
/* after a checkpoint that a reader's snapshot kept from finishing, wait for this many more pages */
#define CHECKPOINT_RETRY_PAGES 1024

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct csms_store {
	sqlite3 *db;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	struct csms_job *in_head, *in_tail;     /* submitted */
	struct csms_job *done_head, *done_tail; /* committed, waiting for csms_store_finish() */
	unsigned pending, max_pending;          /* jobs submitted and not yet taken by the thread */
	unsigned batch_delay_ms;                /* a batch gathers this long after its first job */
	unsigned max_batch;                     /* jobs in one transaction */
	char thread_name[16];
	csms_store_notify_fn *notify;
	void *notify_ctx;
	struct stmt_slot stmts[STMT_CACHE];
	unsigned n_stmts;
	unsigned char used[STMT_CACHE]; /* handed out during the current job: reset after it */
	sqlite3_stmt *savepoint, *rollback_to, *release;
	struct csms_store_stats stats;
	/* store thread: WAL length after the last commit (from the WAL hook), and the length that triggers
	 * the next checkpoint */
	int wal_pages, ckpt_at;
};

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		WL_ERROR("store", "%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int csms_store_open(struct csms_store **out, const char *dir)
{
	char path[512];

	*out = NULL;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		WL_ERROR("store", "cannot create data folder %s: %s", dir, strerror(errno));
		return -EIO;
	}
	snprintf(path, sizeof(path), "%s/csms.db", dir);
	struct csms_store_opts o = {
	    .path = path, .synchronous = "FULL", .migrate = csms_schema_migrate, .thread_name = "csms-store"};
	return csms_store_open_with(out, &o);
}

int csms_store_open_with(struct csms_store **out, const struct csms_store_opts *o)
{
	struct csms_store *st = calloc(1, sizeof(*st));
	char err[300], sync[40], cache[48];

	*out = NULL;
	if (!st)
		return -ENOMEM;
	if (sqlite3_open_v2(o->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		WL_ERROR("store", "cannot open %s: %s", o->path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto out_close;
	}
	sqlite3_busy_timeout(st->db, 5000);
	snprintf(sync, sizeof(sync), "PRAGMA synchronous=%s", o->synchronous);
	snprintf(cache, sizeof(cache), "PRAGMA cache_size=-%u", o->cache_kib ? o->cache_kib : 16384);
	if (exec_sql(st->db, "PRAGMA journal_mode=WAL") < 0 || exec_sql(st->db, sync) < 0 ||
	    exec_sql(st->db, "PRAGMA foreign_keys=ON") < 0 || exec_sql(st->db, cache) < 0)
		goto out_close;
	if (o->migrate(st->db, err, sizeof(err)) < 0) {
		WL_ERROR("store", "%s: %s", o->path, err);
		goto out_close;
	}
	if (sqlite3_prepare_v3(st->db, "SAVEPOINT job", -1, SQLITE_PREPARE_PERSISTENT, &st->savepoint, NULL) ||
	    sqlite3_prepare_v3(st->db, "ROLLBACK TO job", -1, SQLITE_PREPARE_PERSISTENT, &st->rollback_to, NULL) ||
	    sqlite3_prepare_v3(st->db, "RELEASE job", -1, SQLITE_PREPARE_PERSISTENT, &st->release, NULL)) {
		WL_ERROR("store", "%s: %s", o->path, sqlite3_errmsg(st->db));
		goto out_close;
	}
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->wake, NULL);
	st->ckpt_at = CHECKPOINT_PAGES;
	st->max_pending = o->max_pending;
	st->batch_delay_ms = o->batch_delay_ms;
	st->max_batch = o->max_batch ? o->max_batch : MAX_BATCH;
	snprintf(st->thread_name, sizeof(st->thread_name), "%s", o->thread_name ? o->thread_name : "csms-store");
	*out = st;
	return 0;

out_close:
	sqlite3_finalize(st->savepoint);
	sqlite3_finalize(st->rollback_to);
	sqlite3_finalize(st->release);
	sqlite3_close(st->db);
	free(st);
	return -EIO;
}

sqlite3 *csms_store_db(struct csms_store *st)
{
	return st->db;
}

int csms_store_schema_version(struct csms_store *st)
{
	(void)st;
	return csms_schema_latest();
}

sqlite3_stmt *csms_store_stmt(struct csms_store *st, const char *sql)
{
	for (unsigned i = 0; i < st->n_stmts; i++)
		if (st->stmts[i].sql == sql) {
			sqlite3_reset(st->stmts[i].stmt);
			sqlite3_clear_bindings(st->stmts[i].stmt);
			st->used[i] = 1;
			return st->stmts[i].stmt;
		}
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
		WL_ERROR("store", "cannot prepare \"%s\": %s", sql, sqlite3_errmsg(st->db));
		return NULL;
	}
	if (st->n_stmts == STMT_CACHE) {
		/* NEEDSWORK: the cache is sized for the statements we have; a miss here is a programming error */
		WL_ERROR("store", "statement cache full (%d)", STMT_CACHE);
		sqlite3_finalize(stmt);
		return NULL;
	}
	st->used[st->n_stmts] = 1;
	st->stmts[st->n_stmts++] = (struct stmt_slot){sql, stmt};
	return stmt;
}

/* Resets the statements a job used, so that none keeps a read open past the commit (an open read
 * would stop checkpoints from recycling the WAL, which then grows without end). */
static void reset_used(struct csms_store *st)
{
	for (unsigned i = 0; i < st->n_stmts; i++)
		if (st->used[i]) {
			sqlite3_reset(st->stmts[i].stmt);
			st->used[i] = 0;
		}
}

static void step_control(sqlite3_stmt *s)
{
	sqlite3_step(s);
	sqlite3_reset(s);
}

/* Runs one batch: every job in its savepoint, one commit for all. */
static void run_batch(struct csms_store *st, struct csms_job *batch)
{
	bool ok = exec_sql(st->db, "BEGIN IMMEDIATE") == 0;

	for (struct csms_job *j = batch; j; j = j->next) {
		if (!ok) {
			j->rc = CSMS_STORE_EIO;
			continue;
		}
		if (!j->exec) {
			j->rc = 0;
			continue;
		}
		if (j->single) {
			j->rc = j->exec(st, j);
			reset_used(st);
			continue;
		}
		step_control(st->savepoint);
		j->rc = j->exec(st, j);
		reset_used(st);
		if (j->rc < 0)
			step_control(st->rollback_to);
		step_control(st->release);
	}
	if (ok && exec_sql(st->db, "COMMIT") < 0) {
		exec_sql(st->db, "ROLLBACK");
		ok = false;
	}
	if (!ok) {
		st->stats.failed_commits++;
		for (struct csms_job *j = batch; j; j = j->next)
			j->rc = CSMS_STORE_EIO;
	}
}

/* Store thread, after each commit: the WAL's length in pages. */
static int on_wal(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct csms_store *st = arg;
	(void)db;
	(void)name;
	st->wal_pages = pages;
	return SQLITE_OK;
}

/* Store thread, between transactions: copies the WAL into the database. Passive: it never waits for a
 * reader; frames a reader's snapshot still needs stay, and it is tried again CHECKPOINT_RETRY_PAGES
 * later. When every frame is copied, the next write starts the WAL over, so it stays near
 * CHECKPOINT_PAGES. */
static void checkpoint(struct csms_store *st)
{
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);

	pthread_mutex_lock(&st->lock);
	st->stats.checkpoints++;
	st->stats.wal_pages = (uint64_t)(log > 0 ? log : 0);
	pthread_mutex_unlock(&st->lock);
	if (rc != SQLITE_OK) {
		WL_WARN("store", "checkpoint of %d pages: %s", st->wal_pages, sqlite3_errmsg(st->db));
		st->ckpt_at = st->wal_pages + CHECKPOINT_RETRY_PAGES;
	} else if (done < log) {
		st->ckpt_at = log + CHECKPOINT_RETRY_PAGES; /* a reader holds the rest */
	} else {
		st->ckpt_at = CHECKPOINT_PAGES;
	}
}

static void *store_thread(void *arg)
{
	struct csms_store *st = arg;

	prctl(PR_SET_NAME, st->thread_name, 0, 0, 0);
	for (;;) {
		pthread_mutex_lock(&st->lock);
		while (!st->in_head && !st->stopping)
			pthread_cond_wait(&st->wake, &st->lock);
		if (!st->in_head) {
			pthread_mutex_unlock(&st->lock);
			break;
		}
		if (st->batch_delay_ms && !st->stopping && st->pending < st->max_batch) {
			/* a log, not an answer: let the batch grow, so that a commit writes each page once for many
			 * rows */
			struct timespec ts = {0, (long)st->batch_delay_ms * 1000000L};
			pthread_mutex_unlock(&st->lock);
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&st->lock);
		}
		/* take up to MAX_BATCH jobs */
		struct csms_job *batch = st->in_head, *last = batch;
		unsigned n = 1;
		while (last->next && n < st->max_batch) {
			last = last->next;
			n++;
		}
		st->in_head = last->next;
		if (!st->in_head)
			st->in_tail = NULL;
		st->pending -= n;
		last->next = NULL;
		pthread_mutex_unlock(&st->lock);

		run_batch(st, batch);

		pthread_mutex_lock(&st->lock);
		if (st->done_tail)
			st->done_tail->next = batch;
		else
			st->done_head = batch;
		st->done_tail = last;
		st->stats.batches++;
		st->stats.jobs += n;
		pthread_mutex_unlock(&st->lock);
		if (st->notify)
			st->notify(st->notify_ctx);
		/* after the answers are on their way: the next batch waits, not this one */
		if (st->wal_pages >= st->ckpt_at)
			checkpoint(st);
	}
	return NULL;
}

int csms_store_start(struct csms_store *st, csms_store_notify_fn *notify, void *ctx)
{
	sqlite3_wal_hook(st->db, on_wal, st); /* replaces the automatic checkpoint: see checkpoint() */
	st->notify = notify;
	st->notify_ctx = ctx;
	if (pthread_create(&st->thread, NULL, store_thread, st) != 0) {
		WL_ERROR("store", "cannot start the writer thread");
		return -EAGAIN;
	}
	st->started = true;
	return 0;
}

static void enqueue(struct csms_store *st, struct csms_job *job)
{
	job->next = NULL;
	if (st->in_tail)
		st->in_tail->next = job;
	else
		st->in_head = job;
	st->in_tail = job;
	st->pending++;
	pthread_cond_signal(&st->wake);
}

void csms_store_submit(struct csms_store *st, struct csms_job *job)
{
	pthread_mutex_lock(&st->lock);
	enqueue(st, job);
	pthread_mutex_unlock(&st->lock);
}

int csms_store_try_submit(struct csms_store *st, struct csms_job *job)
{
	int rc = 0;
	pthread_mutex_lock(&st->lock);
	if (st->max_pending && st->pending >= st->max_pending) {
		st->stats.refused++;
		rc = -1;
	} else {
		enqueue(st, job);
	}
	pthread_mutex_unlock(&st->lock);
	return rc;
}

unsigned csms_store_finish(struct csms_store *st)
{
	pthread_mutex_lock(&st->lock);
	struct csms_job *j = st->done_head;
	st->done_head = st->done_tail = NULL;
	pthread_mutex_unlock(&st->lock);

	unsigned n = 0;
	while (j) {
		struct csms_job *next = j->next;
		if (j->done)
			j->done(j);
		else
			free(j);
		j = next;
		n++;
	}
	return n;
}

void csms_store_get_stats(struct csms_store *st, struct csms_store_stats *out)
{
	pthread_mutex_lock(&st->lock);
	*out = st->stats;
	pthread_mutex_unlock(&st->lock);
}

void csms_store_close(struct csms_store *st)
{
	if (!st)
		return;
	if (st->started) {
		pthread_mutex_lock(&st->lock);
		st->stopping = true;
		pthread_cond_signal(&st->wake);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->thread, NULL);
	} else if (st->in_head) {
		run_batch(st, st->in_head);
		st->done_head = st->in_head;
		st->in_head = st->in_tail = NULL;
	}
	csms_store_finish(st);
	for (unsigned i = 0; i < st->n_stmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	sqlite3_finalize(st->savepoint);
	sqlite3_finalize(st->rollback_to);
	sqlite3_finalize(st->release);
	sqlite3_wal_hook(st->db, NULL, NULL);
	exec_sql(st->db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(st->db);
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->wake);
	free(st);
}
