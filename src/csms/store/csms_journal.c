/* csms_journal.c — frames to the message log (csms_msglog.c); events as store jobs. */
#include "csms_journal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_redact.h"
#include "wl_clock.h"

/* frames kept of a station that is not accepted (a made-up id under --station-policy pending) */
#define LOG_SAMPLE 32
static const char SQL_INSERT_EVENT[] =
    "INSERT INTO event (station_id, ts, kind, connector_id, detail) VALUES (?, ?, ?, ?, ?)";

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

	if (!app->msglog)
		return;
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
	csms_msglog_append(app->msglog, station->id, dir, (int64_t)wl_wall_ms(), text, keep, marker, mlen);
	free(redacted);
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

/* rows deleted by one prune job (one commit of the billing store: kept short) */
#define PRUNE_CHUNK 2000

struct prune_job {
	struct csms_job job;
	struct csms *app;
	int64_t event_before;
	int deleted; /* rows deleted by this job */
};

/* Rows are appended in time order, so the oldest are the lowest ids: no time index is needed.
 * LIMIT: PRUNE_CHUNK */
static const char SQL_PRUNE_EVENTS[] =
    "DELETE FROM event WHERE id IN (SELECT id FROM event ORDER BY id LIMIT 2000) AND ts < ?";

static void submit_prune(struct csms *app, int64_t event_before);

static int exec_prune(struct csms_store *st, struct csms_job *job)
{
	struct prune_job *p = (struct prune_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_PRUNE_EVENTS);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, p->event_before);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	p->deleted = sqlite3_changes(csms_store_db(st));
	return 0;
}

/* A full chunk means more is due: the next chunk goes in a later batch, so pruning a large backlog
 * never holds one transaction long. */
static void done_prune(struct csms_job *job)
{
	struct prune_job *p = (struct prune_job *)job;
	if (job->rc == 0 && p->deleted >= PRUNE_CHUNK && !p->app->stopping)
		submit_prune(p->app, p->event_before);
	free(p);
}

static void submit_prune(struct csms *app, int64_t event_before)
{
	struct prune_job *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->job.exec = exec_prune;
	p->job.done = done_prune;
	p->job.single = true;
	p->app = app;
	p->event_before = event_before;
	csms_store_submit(app->store, &p->job);
}

void csms_journal_prune(struct csms *app)
{
	int64_t now = (int64_t)wl_wall_ms();
	if (app->msglog)
		csms_msglog_prune(app->msglog, now - (int64_t)app->cfg.message_retention * 86400000);
	submit_prune(app, now - (int64_t)app->cfg.event_retention * 86400000);
}

int csms_journal_events(sqlite3 *db, const char *station_id, int64_t after, int limit,
                        int (*fn)(const struct csms_event *e, void *ctx), void *ctx, char *err, size_t errcap)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db,
	                       "SELECT id, ts, kind, connector_id, detail FROM event WHERE station_id = ? AND id > ? "
	                       "ORDER BY id LIMIT ?",
	                       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errcap, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_event e = {
		    .id = sqlite3_column_int64(st, 0),
		    .ts = sqlite3_column_int64(st, 1),
		    .kind = (const char *)sqlite3_column_text(st, 2),
		    .detail = (const char *)sqlite3_column_text(st, 4),
		    .connector = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3),
		};
		if (fn(&e, ctx))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errcap, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}
