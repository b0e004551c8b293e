/* csms_journal.c — message log and events as store jobs. */
#include "csms_journal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_redact.h"
#include "wl_clock.h"

/* frames kept of a station that is not accepted (a made-up id under --station-policy pending) */
#define LOG_SAMPLE 32
/* oldest messages deleted at a time when the log is over its size */
#define SIZE_PRUNE_ROWS 256

struct frame_job {
	struct csms_job job;
	struct csms *app;
	int64_t ts;
	enum csms_dir dir;
	size_t len;
	char station_id[CSMS_ID_MAX + 1];
	char text[]; /* len bytes */
};

static const char SQL_INSERT_MESSAGE[] = "INSERT INTO message (station_id, ts, dir, text) VALUES (?, ?, ?, ?)";
static const char SQL_INSERT_EVENT[] =
    "INSERT INTO event (station_id, ts, kind, connector_id, detail) VALUES (?, ?, ?, ?, ?)";

static const char SQL_ESTIMATE_MESSAGES[] =
    "SELECT (SELECT max(id) - min(id) + 1 FROM message), "
    "(SELECT avg(length(CAST(text AS BLOB))) FROM (SELECT text FROM message ORDER BY id DESC LIMIT 1000))";
/* LIMIT: SIZE_PRUNE_ROWS */
static const char SQL_PRUNE_OLDEST[] = "DELETE FROM message WHERE id IN (SELECT id FROM message ORDER BY id LIMIT "
                                       "256) RETURNING length(CAST(text AS BLOB))";

/* Store thread: the log's size at the first write, estimated without reading it all (rows x the average
 * of the newest 1000), then counted as frames go in and out. */
static void estimate_size(struct csms_store *st, struct csms *app)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_ESTIMATE_MESSAGES);
	app->msglog.counted = true;
	if (s && sqlite3_step(s) == SQLITE_ROW)
		app->msglog.bytes = (int64_t)((double)sqlite3_column_int64(s, 0) * sqlite3_column_double(s, 1));
}

/* Store thread: deletes the oldest messages while the log is over --message-log-max-mb. */
static void prune_by_size(struct csms_store *st, struct csms *app)
{
	int64_t max = (int64_t)app->cfg.message_log_max_mb * 1024 * 1024;

	while (app->msglog.bytes > max) {
		sqlite3_stmt *s = csms_store_stmt(st, SQL_PRUNE_OLDEST);
		int rows = 0, rc;
		if (!s)
			return;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			app->msglog.bytes -= sqlite3_column_int64(s, 0);
			rows++;
		}
		if (rc != SQLITE_DONE)
			return;
		if (rows < SIZE_PRUNE_ROWS) {
			app->msglog.counted = false; /* the estimate was high: the log is empty; estimate again */
			return;
		}
	}
}

static int exec_frame(struct csms_store *st, struct csms_job *job)
{
	struct frame_job *f = (struct frame_job *)job;
	if (!f->app->msglog.counted)
		estimate_size(st, f->app);
	sqlite3_stmt *s = csms_store_stmt(st, SQL_INSERT_MESSAGE);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, f->station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, f->ts);
	sqlite3_bind_text(s, 3, f->dir == CSMS_DIR_IN ? "in" : "out", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, f->text, (int)f->len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	f->app->msglog.bytes += (int64_t)f->len;
	prune_by_size(st, f->app);
	return 0;
}

/* Bytes of text[0..len) to keep under max, not splitting a UTF-8 sequence. */
static size_t cut_at(const char *text, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	return n;
}

void csms_journal_frame(struct csms *app, struct csms_station *station, enum csms_dir dir, const char *text, size_t len)
{
	char marker[48];
	size_t keep, mlen = 0;

	if (station->state != CSMS_STATION_ACCEPTED) {
		if (station->log_sampled >= LOG_SAMPLE)
			return;
		station->log_sampled++;
	}
	size_t rlen = 0;
	char *redacted = csms_redact_frame(text, len, &rlen); /* secrets never reach the log */
	if (redacted) {
		text = redacted;
		len = rlen;
	}
	keep = cut_at(text, len, (size_t)app->cfg.message_log_frame_max);
	if (keep < len)
		mlen = (size_t)snprintf(marker, sizeof(marker), "...[cut: %zu bytes]", len);
	struct frame_job *f = malloc(sizeof(*f) + keep + mlen);
	if (!f) {
		free(redacted);
		return;
	}
	memset(f, 0, sizeof(*f));
	f->job.exec = exec_frame;
	f->job.single = true;
	f->app = app;
	f->ts = (int64_t)wl_wall_ms();
	f->dir = dir;
	f->len = keep + mlen;
	snprintf(f->station_id, sizeof(f->station_id), "%s", station->id);
	memcpy(f->text, text, keep);
	memcpy(f->text + keep, marker, mlen);
	free(redacted);
	csms_store_submit(app->store, &f->job);
}

int csms_journal_event_in_job(struct csms_store *st, const char *station_id, const char *kind, int connector,
                              const char *detail, int64_t ts)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_INSERT_EVENT);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ts);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	if (connector >= 0)
		sqlite3_bind_int(s, 4, connector);
	sqlite3_bind_text(s, 5, detail ? detail : "", -1, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

struct event_job {
	struct csms_job job;
	int64_t ts;
	int connector;
	char station_id[CSMS_ID_MAX + 1];
	char kind[24];
	char detail[512];
};

static int exec_event(struct csms_store *st, struct csms_job *job)
{
	struct event_job *e = (struct event_job *)job;
	return csms_journal_event_in_job(st, e->station_id, e->kind, e->connector, e->detail, e->ts);
}

void csms_journal_event(struct csms *app, const char *station_id, const char *kind, int connector, const char *fmt, ...)
{
	struct event_job *e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->job.exec = exec_event;
	e->ts = (int64_t)wl_wall_ms();
	e->connector = connector;
	snprintf(e->station_id, sizeof(e->station_id), "%s", station_id);
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	csms_store_submit(app->store, &e->job);
}

#define PRUNE_CHUNK 20000

struct prune_job {
	struct csms_job job;
	struct csms *app;
	int64_t message_before, event_before;
	int deleted; /* rows deleted by this job */
};

/* Rows are appended in time order, so the oldest are the lowest ids: no time index is needed. */
static const char SQL_PRUNE_MESSAGES[] =
    "DELETE FROM message WHERE id IN (SELECT id FROM message ORDER BY id LIMIT 20000) AND ts < ?";
static const char SQL_PRUNE_EVENTS[] =
    "DELETE FROM event WHERE id IN (SELECT id FROM event ORDER BY id LIMIT 20000) AND ts < ?";

static void submit_prune(struct csms *app, int64_t message_before, int64_t event_before);

static int exec_prune(struct csms_store *st, struct csms_job *job)
{
	struct prune_job *p = (struct prune_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_PRUNE_MESSAGES);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, p->message_before);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	p->deleted = sqlite3_changes(csms_store_db(st));
	if (p->deleted > 0)
		p->app->msglog.counted = false; /* the size is estimated again at the next frame */
	if (!(s = csms_store_stmt(st, SQL_PRUNE_EVENTS)))
		return -1;
	sqlite3_bind_int64(s, 1, p->event_before);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	int events = sqlite3_changes(csms_store_db(st));
	if (events > p->deleted)
		p->deleted = events;
	return 0;
}

/* A full chunk means more is due: the next chunk goes in a later batch, so pruning a large backlog
 * never holds one transaction long. */
static void done_prune(struct csms_job *job)
{
	struct prune_job *p = (struct prune_job *)job;
	if (job->rc == 0 && p->deleted >= PRUNE_CHUNK && !p->app->stopping)
		submit_prune(p->app, p->message_before, p->event_before);
	free(p);
}

static void submit_prune(struct csms *app, int64_t message_before, int64_t event_before)
{
	struct prune_job *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->job.exec = exec_prune;
	p->job.done = done_prune;
	p->app = app;
	p->message_before = message_before;
	p->event_before = event_before;
	csms_store_submit(app->store, &p->job);
}

void csms_journal_prune(struct csms *app)
{
	int64_t now = (int64_t)wl_wall_ms();
	submit_prune(app, now - (int64_t)app->cfg.message_retention * 86400000,
	             now - (int64_t)app->cfg.event_retention * 86400000);
}
