/* csms_cards.h — pure pieces of the charge users, cards and card lists API: id tag checks, a card's state,
 * the id tag lists of card list bodies, LIKE patterns for text filters, CSV fields. No I/O, no database:
 * unit-tested and fuzzed on their own. */
#ifndef CSMS_CARDS_H
#define CSMS_CARDS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms_idtag.h"

/* Is t an id tag as OCPP allows (IdToken: 1..20 printable ASCII characters, no space)? */
bool csms_cards_tag_is_valid(const char *t);

/* A card's state at time now (ms): what an operator sees and what a local list entry says. */
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

/* A JSON array of id tags (a card list body's "idTags", "add", "remove") into normalised tags, without
 * duplicates, in the order given. *out is malloc'ed (n * (CSMS_IDTAG_MAX + 1) bytes), freed by the caller.
 * Returns the count, or -1 with a message naming the field and the bad element in err. */
long csms_cards_parse_tags(const cJSON *arr, const char *field, size_t max, char (**out)[CSMS_IDTAG_MAX + 1], char *err,
                           size_t errlen);

/* A LIKE pattern (ESCAPE '\') matching text that contains q literally: "%" q-with-%_\-escaped "%".
 * Returns false when it does not fit in out. */
bool csms_cards_like_contains(const char *q, char *out, size_t outlen);

/* One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, with quotes doubled. Appends to
 * out at *pos, never past outlen (then returns false). The text is written as it is: no prefix added. */
bool csms_cards_csv_field(const char *in, char *out, size_t outlen, size_t *pos);

#endif
