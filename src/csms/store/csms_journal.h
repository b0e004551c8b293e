/* csms_journal.h — what the manual calls "Messages" (every OCPP frame in and out, per station, with
 * time and direction) and "Events" (boot, connect, disconnect, status change, fault, security...).
 * Frames go to the message log (csms_msglog.h: its own database and writer, never in a billing
 * commit); events are written through the store in the same group commits as the billing rows they
 * describe. Both are pruned after their retention. */
#ifndef CSMS_JOURNAL_H
#define CSMS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "csms.h"
#include "csms_msglog.h"
#include "csms_registry.h"
#include "csms_store.h"

/* Logs one frame (text is copied): at most --message-log-frame-max bytes of it, then a marker
 * "...[cut: N bytes]"; of a station that is not accepted, only its first 32 frames; secrets redacted.
 * The log keeps at most --message-log-max-mb of text: the oldest frames go first. */
void csms_journal_frame(struct csms *app, struct csms_station *station, enum csms_dir dir, const char *text,
                        size_t len);
/* Records an event; connector < 0 for none. */
void csms_journal_event(struct csms *app, const char *station_id, const char *kind, int connector, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Store thread: the same, inside a running job. */
int csms_journal_event_in_job(struct csms_store *st, const char *station_id, const char *kind, int connector,
                              const char *detail, int64_t ts);
/* One event as read back. */
struct csms_event {
	int64_t id, ts;
	const char *kind, *detail; /* valid during the callback */
	int connector;             /* -1: none */
};
/* A station's events with id > after, oldest first, at most limit: fn per row (non-zero stops). 0, or -1
 * with the error in err. On the caller's read-only connection. */
int csms_journal_events(sqlite3 *db, const char *station_id, int64_t after, int limit,
                        int (*fn)(const struct csms_event *e, void *ctx), void *ctx, char *err, size_t errcap);
/* Deletes messages and events older than their retention (a bounded amount per call). */
void csms_journal_prune(struct csms *app);

#endif
