/* csms_bg.h — background work off the event loop: password hashes, exports, backups. One worker thread
 * with its own read-only connection to the database runs jobs in order; each job's done() comes back on
 * the event-loop thread. Slow work (an Argon2id hash, an Excel file of 100,000 rows, a backup) must never
 * run on the loop, which serves every station.
 *
 * Ownership: the submitter allocates the job (usually embedded in a larger struct); done() frees it. */
#ifndef CSMS_BG_H
#define CSMS_BG_H

#include <sqlite3.h>
#include <stdbool.h>

struct csms_bg;
struct csms_bg_job;

/* Worker thread: db is the worker's read-only connection (NULL if it could not be opened). */
typedef int csms_bg_exec_fn(struct csms_bg_job *job, sqlite3 *db);
/* Loop thread, after exec: must free the job. */
typedef void csms_bg_done_fn(struct csms_bg_job *job);

struct csms_bg_job {
	struct csms_bg_job *next;
	csms_bg_exec_fn *exec;
	csms_bg_done_fn *done;
	int rc;
	bool cancelled; /* set on the loop thread when the asker left; exec may look at it */
};

typedef void csms_bg_notify_fn(void *ctx);

/* db_path: the database the worker reads. notify is called on the worker when jobs are done. */
struct csms_bg *csms_bg_start(const char *db_path, csms_bg_notify_fn *notify, void *ctx);
/* Runs what is queued, stops the thread, calls the last done()s. */
void csms_bg_stop(struct csms_bg *bg);
void csms_bg_submit(struct csms_bg *bg, struct csms_bg_job *job);
/* Loop thread: runs done() of finished jobs. */
unsigned csms_bg_finish(struct csms_bg *bg);

#endif
