/* csms_sync.h — stations' local authorisation lists: the automatic sync of the default list (every
 * registered card) and the sending of lists on an operator's request.
 *
 * A station whose station.local_list_id is NULL holds the default list; station.local_list_seq is the
 * card_change.seq it has. When cards change (card_change grows) every connected, Accepted station on the
 * default list gets SendLocalList Differential with the cards changed since its seq (a removed or not yet
 * valid card as an entry without idTagInfo), listVersion = the new seq. A station that boots behind, a
 * VersionMismatch or Failed, or a gap too large for a differential gets a Full list. Lists larger than one
 * message go as a Full of the first chunk followed by Differentials, all with the final listVersion; the
 * station's seq is recorded only when the last chunk is Accepted.
 *
 * Bounded work: one send per station at a time (an operator's send waits behind an automatic one), stations
 * are queued and drained a few hundred per tick, retries back off, and stations that answer NotSupported
 * (or CALLERROR NotImplemented/NotSupported) are not retried until they boot again. A station that boots is
 * synced lazily, --list-sync-delay seconds later; automatic sends start at most --list-sync-rate a second
 * (5 x that in flight), so a reconnect storm is answered first and its lists follow spread out.
 * Everything here runs on the event-loop thread. */
#ifndef CSMS_SYNC_H
#define CSMS_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms.h"
#include "csms_registry.h"
#include "csms_store.h"

/* app->sync is made on first use; freed at shutdown after the store has finished. */
void csms_sync_free(struct csms_sync *sync);

/* After a card-changing store job committed: stations on the default list are brought up to date. */
void csms_sync_cards_changed(struct csms *app);
/* After a BootNotification was answered Accepted: a station behind gets its list, later (see above). */
void csms_sync_station_ready(struct csms *app, struct csms_station *st);
/* Once a second (csms_server.c): notices new card changes, drains the queue, retries. */
void csms_sync_tick(struct csms *app);

/* The outcome of an operator's send: "Accepted", "Failed", "VersionMismatch", "NotSupported" (the
 * station's answers), "offline", "timeout", "error", "busy"; detail is a message or "". Called once. */
typedef void csms_sync_sent_fn(void *ctx, struct csms_station *st, const char *outcome, const char *detail);

/* Sends a card list (list_id > 0) or the default list (list_id 0, "removing" a named list) to a station,
 * Full. On Accepted the station's local_list_id/local_list_name (NULL for the default) and local_list_seq
 * are recorded before cb is called. Returns 0, or -1 after calling nothing (err says why). */
int csms_sync_send(struct csms *app, struct csms_station *st, int64_t list_id, csms_sync_sent_fn *cb, void *ctx,
                   char *err, size_t errlen);

/* Is this station known not to support local list management (since it last booted)? */
bool csms_sync_is_unsupported(struct csms *app, const struct csms_station *st);

/* Entries per SendLocalList message for a frame cap (bytes): 1..500. */
unsigned csms_sync_chunk_size(long max_frame);

#endif
