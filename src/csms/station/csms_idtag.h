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

/* Where the card wants to charge: a transaction at another (station, connector) makes it ConcurrentTx
 * unless allow_concurrent. station NULL: no concurrency check (a stop, a plain lookup). For Authorize,
 * connector < 0 means any connector of that station is "here". Store thread only. */
int csms_idtag_authorize(struct csms_store *st, const char *norm_tag, int64_t now, const char *station, int connector,
                         bool allow_concurrent, struct csms_idtag_result *out);

#endif
