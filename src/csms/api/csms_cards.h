/* csms_cards.h — pure pieces of the charge users, cards and card lists API: id tag checks, a card's state,
 * the id tag lists of card list bodies, LIKE patterns for text filters, CSV fields. No I/O, no database:
 * unit-tested and fuzzed on their own. */
#ifndef CSMS_CARDS_H
#define CSMS_CARDS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms_idtag.h" /* the card states (csms_cards_state) */

/* Is t an id tag as OCPP allows (IdToken: 1..20 printable ASCII characters, no space)? */
bool csms_cards_tag_is_valid(const char *t);

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
