/* The store room (src/csms/store/): what is kept. The writer thread (this module), the schema and its
 * migrations (csms_schema), the background worker (csms_bg), backups, the message log (csms_journal), the
 * per-table modules (csms_station_db, csms_txrow, csms_meter, csms_socket_spec, ...), and the in-memory
 * station registry with its message budgets (csms_registry, csms_budget: the stations' rows as the event loop
 * sees them, read by every room). It may import only csms.h/csms_config.h, src/ocpp and src/common — never
 * station/ or api/: the rooms above are told of changes through callbacks (app->on_station_change).
 *
 * csms_store.h — the durable store: one SQLite database (WAL, synchronous=FULL) owned by one writer
 * thread that runs submitted jobs in batches, one transaction per batch (group commit), and hands
 * each job back to the event-loop thread only after its batch is on disk.
 *
 * Ownership: a job is allocated by its submitter (usually embedded in a larger struct) and given to
 * the store; it comes back through its done() on the event-loop thread, which frees it. */
#ifndef CSMS_STORE_H
#define CSMS_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct csms_store;
struct csms_job;

/* Runs on the store thread inside the batch's transaction (in its own savepoint: a negative return
 * rolls back just this job). Use csms_store_stmt() for statements. */
typedef int csms_job_exec_fn(struct csms_store *st, struct csms_job *job);
/* Runs on the event-loop thread once the batch is committed (job->rc: exec's result, or
 * CSMS_STORE_EIO when the commit failed and nothing of the job was kept). Must free the job. */
typedef void csms_job_done_fn(struct csms_job *job);

#define CSMS_STORE_EIO (-5)

struct csms_job {
	struct csms_job *next;
	csms_job_exec_fn *exec;
	csms_job_done_fn *done; /* NULL: the store frees the job with free() */
	bool single;            /* exec runs one statement: no savepoint needed (SQLite's statements are atomic) */
	int rc;
};

/* Called on the store thread when finished jobs wait for csms_store_finish() (e.g. ev_async_send). */
typedef void csms_store_notify_fn(void *ctx);

/* Opens (creating and migrating) <dir>/csms.db. The writer thread starts with csms_store_start(). */
int csms_store_open(struct csms_store **out, const char *dir);

/* A store on another file (the message log, csms_msglog.c): its own writer thread and commits.
 * synchronous: "FULL" (billing: on disk before the answer) or "NORMAL" (WAL: may lose the last commits
 * at a power cut, never corrupts). migrate creates and upgrades its schema. max_pending: jobs queued
 * before csms_store_try_submit() refuses (0: no bound). batch_delay_ms: see the field. */
typedef int csms_store_migrate_fn(sqlite3 *db, char *err, size_t errlen);
struct csms_store_opts {
	const char *path;
	const char *synchronous;
	csms_store_migrate_fn *migrate;
	const char *thread_name;
	unsigned max_pending;
	unsigned batch_delay_ms; /* 0: a batch is whatever waits; else it gathers this long (no answer waits) */
	unsigned max_batch;      /* jobs in one transaction; 0: 4096 */
	unsigned cache_kib;      /* SQLite page cache; 0: 16 MiB */
};
int csms_store_open_with(struct csms_store **out, const struct csms_store_opts *opts);
int csms_store_start(struct csms_store *st, csms_store_notify_fn *notify, void *ctx);
/* Finishes every submitted job, stops the thread, runs the last done()s, closes the database. */
void csms_store_close(struct csms_store *st);

/* Thread-safe: queues a job for the next batch. */
void csms_store_submit(struct csms_store *st, struct csms_job *job);
/* The same, refused (-1, the job untouched) while max_pending jobs wait: a store that cannot keep up
 * (a slow disk, a lock held) then costs its submitters nothing but the refused jobs. */
int csms_store_try_submit(struct csms_store *st, struct csms_job *job);
/* Event-loop thread: runs done() of every committed job. Returns how many. */
unsigned csms_store_finish(struct csms_store *st);

/* Store thread (or before start): a cached prepared statement for sql, which must be a string literal
 * (the cache is keyed by its address). Reset and unbound when returned. NULL on a prepare error. */
sqlite3_stmt *csms_store_stmt(struct csms_store *st, const char *sql);
/* The connection, for use before csms_store_start() or on the store thread only. */
sqlite3 *csms_store_db(struct csms_store *st);
/* Schema version after migrations. */
int csms_store_schema_version(struct csms_store *st);

/* Statistics (approximate, any thread). */
struct csms_store_stats {
	uint64_t batches, jobs, failed_commits;
	uint64_t refused;                /* csms_store_try_submit() over max_pending */
	uint64_t checkpoints, wal_pages; /* checkpoints run; WAL pages at the last one */
};
void csms_store_get_stats(struct csms_store *st, struct csms_store_stats *out);

#endif
