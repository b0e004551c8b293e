/* csms_idtag.c — card lookups for Authorize, StartTransaction and StopTransaction. */
#include "csms_idtag.h"

#include <string.h>

#include "csms_card_db.h"
#include "csms_txn_db.h"
#include "wl_idtag.h"

_Static_assert(CSMS_IDTAG_MAX + 1 == WL_IDTAG_KEY_MAX, "a normalised id tag is the shared rule's key");

void csms_idtag_normalize(const char *in, char out[CSMS_IDTAG_MAX + 1])
{
	wl_idtag_key(in, out);
}

int csms_idtag_authorize(struct csms_store *st, const char *norm_tag, int64_t now, const char *station, int connector,
                         bool allow_concurrent, struct csms_idtag_result *out)
{
	struct csms_card_auth card;

	memset(out, 0, sizeof(*out));
	out->status = OCPP_AUTHORIZATION_STATUS_INVALID;
	int rc = csms_card_db_lookup(st, norm_tag, &card);
	if (rc <= 0)
		return rc < 0 ? -1 : 0; /* an error, or an unknown card */
	if (card.parent_id_tag[0])
		csms_idtag_normalize(card.parent_id_tag, out->parent);
	bool has_from = card.valid_from != CSMS_DB_NO_TIME;
	out->has_expiry = card.expiry != CSMS_DB_NO_TIME;
	out->expiry = out->has_expiry ? card.expiry : 0;

	if (card.blocked)
		out->status = OCPP_AUTHORIZATION_STATUS_BLOCKED;
	else if (out->has_expiry && out->expiry <= now)
		out->status = OCPP_AUTHORIZATION_STATUS_EXPIRED;
	else if (has_from && card.valid_from > now)
		out->status = OCPP_AUTHORIZATION_STATUS_INVALID;
	else
		out->status = OCPP_AUTHORIZATION_STATUS_ACCEPTED;
	if (out->status != OCPP_AUTHORIZATION_STATUS_ACCEPTED || !station || allow_concurrent)
		return 0;

	if ((rc = csms_txn_db_tag_open_elsewhere(st, norm_tag, station, connector)) < 0)
		return -1;
	if (rc)
		out->status = OCPP_AUTHORIZATION_STATUS_CONCURRENT_TX;
	return 0;
}

static const char *const state_names[CSMS_CARD_STATE_COUNT] = {
    [CSMS_CARD_ACTIVE] = "active",
    [CSMS_CARD_BLOCKED] = "blocked",
    [CSMS_CARD_EXPIRED] = "expired",
    [CSMS_CARD_NOT_YET_VALID] = "not_yet_valid",
};

enum csms_card_state csms_cards_state(int64_t now, bool has_from, int64_t valid_from, bool has_expiry, int64_t expiry,
                                      bool blocked)
{
	if (blocked)
		return CSMS_CARD_BLOCKED;
	if (has_expiry && expiry <= now)
		return CSMS_CARD_EXPIRED;
	if (has_from && valid_from > now)
		return CSMS_CARD_NOT_YET_VALID;
	return CSMS_CARD_ACTIVE;
}

const char *csms_cards_state_name(enum csms_card_state s)
{
	return (unsigned)s < CSMS_CARD_STATE_COUNT ? state_names[s] : "?";
}

int csms_cards_state_parse(const char *name)
{
	for (int i = 0; i < CSMS_CARD_STATE_COUNT; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}
