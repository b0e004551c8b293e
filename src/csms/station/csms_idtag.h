/* csms_idtag.h — authorisation of an idTag (an RFID card) against the card table, as the manuals
 * describe: card ids are compared in upper case and padded with zeros at the end to 14 characters;
 * unknown -> Invalid, not yet active -> Invalid, blocked -> Blocked, past expiry -> Expired, charging
 * elsewhere while concurrent use is off -> ConcurrentTx; the parent id tag is returned. */
#ifndef CSMS_IDTAG_H
#define CSMS_IDTAG_H

#include <stdbool.h>
#include <stdint.h>

#include "csms_store.h"
#include "ocpp.h"

#define CSMS_IDTAG_MAX 20 /* OCPP IdToken: CiString20 */

struct csms_idtag_result {
	enum ocpp_authorization_status status;
	bool has_expiry;
	int64_t expiry;                  /* ms */
	char parent[CSMS_IDTAG_MAX + 1]; /* "" when none */
};

/* The stored form of a card id: upper case, zeros appended up to 14 characters. */
void csms_idtag_normalize(const char *in, char out[CSMS_IDTAG_MAX + 1]);

/* A card's state at time now (ms): what an operator sees (the cards API) and what a local list entry says
 * (csms_sync.c). One rule for both, here in the station room; named csms_cards_* for its API callers. */
enum csms_card_state {
	CSMS_CARD_ACTIVE,
	CSMS_CARD_BLOCKED,
	CSMS_CARD_EXPIRED,
	CSMS_CARD_NOT_YET_VALID,
	CSMS_CARD_STATE_COUNT
};
enum csms_card_state csms_cards_state(int64_t now, bool has_from, int64_t valid_from, bool has_expiry, int64_t expiry,
                                      bool blocked);
const char *csms_cards_state_name(enum csms_card_state s); /* "active", "blocked", "expired", "not_yet_valid" */
int csms_cards_state_parse(const char *name);              /* -1 when unknown */

/* Where the card wants to charge: a transaction at another (station, connector) makes it ConcurrentTx
 * unless allow_concurrent. station NULL: no concurrency check (a stop, a plain lookup). For Authorize,
 * connector < 0 means any connector of that station is "here". Store thread only. */
int csms_idtag_authorize(struct csms_store *st, const char *norm_tag, int64_t now, const char *station, int connector,
                         bool allow_concurrent, struct csms_idtag_result *out);

#endif
