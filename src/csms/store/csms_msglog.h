/* csms_msglog.h — the OCPP message log (every frame in and out, per station): the owner of the `message`
 * table, kept apart from the billing data in its own database, <data>/msglog.db, with its own writer
 * thread and its own batched commits (WAL, synchronous=NORMAL: a diagnostic log may lose its last
 * frames at a power cut, never its consistency), gathered 100 ms a batch. A billing answer never waits
 * for it: frames are queued
 * with a bound and dropped (counted) while its writer cannot keep up or its file is locked.
 *
 * Kept: at most max_bytes of frame text (the oldest go first, 256 at a time) and frames younger than the
 * retention (csms_msglog_prune, in chunks of 2,000 rows, one chunk per commit). Not in the backups (they
 * hold the billing database only). */
#ifndef CSMS_MSGLOG_H
#define CSMS_MSGLOG_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms_store.h"

struct csms_msglog;

enum csms_dir { CSMS_DIR_IN, CSMS_DIR_OUT };

/* frames waiting for the log's writer beyond which new ones are dropped */
#define CSMS_MSGLOG_MAX_PENDING 16384
/* a batch of the log gathers frames this long: one commit for ~4,000 frames at 40,000 a second */
#define CSMS_MSGLOG_BATCH_MS 100

/* Opens (creating) <dir>/msglog.db. A data folder of an older csms (its csms.db still holds the
 * `message` table) has its frames moved here first, ids kept; csms.db's schema migration 4 then drops
 * that table. Call before csms_store_open() on the same folder. max_bytes: the size cap. */
int csms_msglog_open(struct csms_msglog **out, const char *dir, int64_t max_bytes);
/* Starts the writer thread; notify as for csms_store_start(). */
int csms_msglog_start(struct csms_msglog *log, csms_store_notify_fn *notify, void *ctx);
/* Event-loop thread: runs what the writer finished (see csms_store_finish). */
unsigned csms_msglog_finish(struct csms_msglog *log);
/* Writes what is queued, stops the writer, closes. NULL is fine. */
void csms_msglog_close(struct csms_msglog *log);

/* Event-loop thread: queues one frame (text, then marker, both copied). -1 when dropped (queue full or
 * out of memory). */
int csms_msglog_append(struct csms_msglog *log, const char *station_id, enum csms_dir dir, int64_t ts, const char *text,
                       size_t len, const char *marker, size_t mlen);
/* Event-loop thread: deletes frames older than before_ms, a chunk per commit until none is left. */
void csms_msglog_prune(struct csms_msglog *log, int64_t before_ms);

/* Event-loop thread: frames of a station with id > after, oldest first, at most limit; row() gets each
 * (text is not NUL-terminated). Returns rows, or -1 with a message in err. */
typedef void csms_msglog_row_fn(void *ctx, int64_t id, int64_t ts, const char *dir, const char *text, size_t len);
int csms_msglog_list(struct csms_msglog *log, const char *station_id, int64_t after, int limit, csms_msglog_row_fn *row,
                     void *ctx, char *err, size_t errlen);

struct csms_msglog_stats {
	uint64_t appended, dropped; /* frames queued; frames dropped (queue full, out of memory) */
	int64_t bytes;              /* frame text kept (estimated at the first write, then counted) */
	struct csms_store_stats store;
};
void csms_msglog_get_stats(struct csms_msglog *log, struct csms_msglog_stats *out);

/* Tests: the log's writer connection (before start, or after close of the writer: not thread-safe). */
struct csms_store *csms_msglog__store(struct csms_msglog *log);

#endif
