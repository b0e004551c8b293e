/* evse_lms.h — the Master's Local Management System, its rules, pure (no I/O, the time passed in): an
 * authorised user of the group (name, cards, validity window, allowed hours and days, a maximum of sessions
 * and of energy over the validity), the decision on one of its cards (allowed, or refused with the reason and
 * the OCPP status to answer), and the parsers of what the web app and the Satellites send (a user as JSON, a
 * MeterValues' energy, current and power). See docs/evse.md "Local Management System". */
#ifndef EVSE_LMS_H
#define EVSE_LMS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wl_idtag.h"

#define EVSE_LMS_NAME_MAX    64 /* bytes with the NUL */
#define EVSE_LMS_CARDS_MAX   8
#define EVSE_LMS_USERS_MAX   500
#define EVSE_LMS_MAX_SESSION 100000
#define EVSE_LMS_MAX_KWH     1000000

struct evse_lms_user {
	int64_t id; /* 0: not stored yet */
	char name[EVSE_LMS_NAME_MAX];
	int n_cards;
	char cards[EVSE_LMS_CARDS_MAX][WL_IDTAG_KEY_MAX]; /* wl_idtag_key() of each card */
	int64_t from_ms, until_ms;                        /* validity (wall ms since the epoch); 0: open */
	int hours_from, hours_to; /* allowed hours, minutes of the local day 0..1439 (to < from: across midnight);
	                           * both -1: any hour */
	unsigned days;    /* allowed days, bit 0 Monday .. bit 6 Sunday (of the day the hours start); 0: every day */
	int max_sessions; /* over the validity; 0: no limit */
	double max_kwh;   /* over the validity; 0: no limit */
};

enum evse_lms_verdict {
	EVSE_LMS_ALLOWED,
	EVSE_LMS_NOT_YET_VALID,
	EVSE_LMS_EXPIRED,
	EVSE_LMS_OUTSIDE_HOURS,
	EVSE_LMS_WRONG_DAY,
	EVSE_LMS_MAX_SESSIONS,
	EVSE_LMS_MAX_ENERGY,
	EVSE_LMS_VERDICT_COUNT
};

/* What a user has used over its validity: sessions started, energy (Wh) delivered (running ones included). */
struct evse_lms_usage {
	int sessions;
	double wh;
};

/* May u start a session at now_ms (wall, UTC) where the local time is UTC + utc_offset_s, having used what
 * use says? The reason when refused, EVSE_LMS_ALLOWED otherwise. */
enum evse_lms_verdict evse_lms_check(const struct evse_lms_user *u, int64_t now_ms, long utc_offset_s,
                                     const struct evse_lms_usage *use);
/* "max sessions reached (1 of 1)"-like text of a verdict, for the log and the web app. */
const char *evse_lms_verdict_text(enum evse_lms_verdict v);
/* The OCPP AuthorizationStatus a refusal is answered with: "Expired" for a validity that ended, "Invalid"
 * for one that has not begun, "Blocked" for the limits (hours, days, sessions, energy); "Accepted". */
const char *evse_lms_verdict_status(enum evse_lms_verdict v);

/* A user from the JSON the web app sends: {name, cards:[...], from, until (RFC 3339 or null), hours:
 * {from:"07:00", to:"19:00"} or null, days:["Mon",...] (empty: every day), maxSessions, maxKwh (0 or null: no
 * limit)}. Cards go through wl_idtag_key (1..20 of A-Z a-z 0-9 - _ : .); refused: an empty name, no card, two
 * equal cards, until before from, an hour out of 00:00..23:59, from = to. 0, or -1 with the field and the
 * value that failed in err. u->id is left 0. */
int evse_lms_user_parse(const char *body, size_t len, struct evse_lms_user *u, char *err, size_t errcap);
/* The user as the web app reads it (the same fields, plus id); NULL when out of memory. */
cJSON *evse_lms_user_json(const struct evse_lms_user *u);
/* Does u hold card (any case, any padding)? */
bool evse_lms_user_has_card(const struct evse_lms_user *u, const char *card);

/* The figures of a MeterValues request (JSON, as a Satellite sends it): the latest Energy.Active.Import.Register
 * (Wh; kWh converted), Current.Import (A, highest phase; mA converted), Power.Active.Import (W; kW converted).
 * Each is -1 when absent. Never fails; values out of 0..1e12 count as absent. */
struct evse_lms_meter {
	double wh, amps, watts;
};
void evse_lms_meter_read(const cJSON *meter_values, struct evse_lms_meter *m);

#endif
