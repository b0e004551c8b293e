/* evse_lms.c — the Local Management System's rules for one user (pure) and the parsers of its inputs. */
#include "evse_lms.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp_text.h"

#define DAY_S 86400

static const struct {
	const char *text, *status;
} verdicts[EVSE_LMS_VERDICT_COUNT] = {
    [EVSE_LMS_ALLOWED] = {"allowed", "Accepted"},
    [EVSE_LMS_NOT_YET_VALID] = {"not valid yet (before its validity)", "Invalid"},
    [EVSE_LMS_EXPIRED] = {"validity ended", "Expired"},
    [EVSE_LMS_OUTSIDE_HOURS] = {"outside the allowed hours", "Blocked"},
    [EVSE_LMS_WRONG_DAY] = {"not an allowed day", "Blocked"},
    [EVSE_LMS_MAX_SESSIONS] = {"maximum number of sessions reached", "Blocked"},
    [EVSE_LMS_MAX_ENERGY] = {"maximum energy reached", "Blocked"},
};

static const char *const day_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

const char *evse_lms_verdict_text(enum evse_lms_verdict v)
{
	return v < EVSE_LMS_VERDICT_COUNT ? verdicts[v].text : "?";
}

const char *evse_lms_verdict_status(enum evse_lms_verdict v)
{
	return v < EVSE_LMS_VERDICT_COUNT ? verdicts[v].status : "Invalid";
}

/* Is the local time (minute of day, weekday 0 = Monday) inside u's hours and days? A window across midnight
 * (22:00-06:00) belongs to the day it starts on: Monday 02:00 is Sunday's window. */
static enum evse_lms_verdict hours_check(const struct evse_lms_user *u, int minute, int wday)
{
	int day = wday;
	if (u->hours_from >= 0) {
		bool across = u->hours_to < u->hours_from;
		bool in = across ? minute >= u->hours_from || minute < u->hours_to
		                 : minute >= u->hours_from && minute < u->hours_to;
		if (!in)
			return EVSE_LMS_OUTSIDE_HOURS;
		if (across && minute < u->hours_to)
			day = (wday + 6) % 7; /* the window began yesterday */
	}
	if (u->days && !(u->days >> day & 1u))
		return EVSE_LMS_WRONG_DAY;
	return EVSE_LMS_ALLOWED;
}

enum evse_lms_verdict evse_lms_check(const struct evse_lms_user *u, int64_t now_ms, long utc_offset_s,
                                     const struct evse_lms_usage *use)
{
	if (u->from_ms && now_ms < u->from_ms)
		return EVSE_LMS_NOT_YET_VALID;
	if (u->until_ms && now_ms >= u->until_ms)
		return EVSE_LMS_EXPIRED;
	int64_t local_s = now_ms / 1000 - (now_ms % 1000 < 0) + utc_offset_s;
	int64_t days = local_s / DAY_S - (local_s % DAY_S < 0);
	int minute = (int)((local_s - days * DAY_S) / 60);
	int wday = (int)(((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday (3) */
	enum evse_lms_verdict v = hours_check(u, minute, wday);
	if (v != EVSE_LMS_ALLOWED)
		return v;
	if (u->max_sessions > 0 && use->sessions >= u->max_sessions)
		return EVSE_LMS_MAX_SESSIONS;
	if (u->max_kwh > 0 && use->wh >= u->max_kwh * 1000.0)
		return EVSE_LMS_MAX_ENERGY;
	return EVSE_LMS_ALLOWED;
}

bool evse_lms_user_has_card(const struct evse_lms_user *u, const char *card)
{
	for (int i = 0; i < u->n_cards; i++)
		if (wl_idtag_same(u->cards[i], card))
			return true;
	return false;
}

/* ---- the user as JSON ---- */

/* "HH:MM" → minute of the day, -1 when malformed or out of range */
static int hhmm(const char *s)
{
	int h, m;
	char tail;
	if (strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || s[2] != ':')
		return -1;
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	return h * 60 + m;
}

static bool card_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 20)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr("-_:.", *s)))
			return false;
	return true;
}

/* A date of the window: null / absent / "" is open (0); else RFC 3339. */
static int when(const cJSON *j, const char *field, int64_t *ms, char *err, size_t errcap)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, field);
	*ms = 0;
	if (!x || cJSON_IsNull(x) || (cJSON_IsString(x) && !x->valuestring[0]))
		return 0;
	if (!cJSON_IsString(x) || !ocpp_time_parse(x->valuestring, ms) || *ms <= 0) {
		snprintf(err, errcap, "%s: not a date and time (RFC 3339)", field);
		return -1;
	}
	return 0;
}

/* A limit: absent, null or 0 is none; else a number in 0..max. */
static int limit(const cJSON *j, const char *field, double max, double *v, char *err, size_t errcap)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, field);
	*v = 0;
	if (!x || cJSON_IsNull(x))
		return 0;
	if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) || x->valuedouble < 0 || x->valuedouble > max) {
		snprintf(err, errcap, "%s: %s out of range (0 = no limit, or up to %.0f)", field,
		         cJSON_IsNumber(x) ? "value" : "not a number,", max);
		if (cJSON_IsNumber(x))
			snprintf(err, errcap, "%s: %g out of range (0 = no limit, or up to %.0f)", field,
			         x->valuedouble, max);
		return -1;
	}
	*v = x->valuedouble;
	return 0;
}

static int parse_cards(const cJSON *j, struct evse_lms_user *u, char *err, size_t errcap)
{
	const cJSON *cards = cJSON_GetObjectItemCaseSensitive(j, "cards"), *c;
	if (!cJSON_IsArray(cards) || cJSON_GetArraySize(cards) < 1) {
		snprintf(err, errcap, "cards: at least one card");
		return -1;
	}
	if (cJSON_GetArraySize(cards) > EVSE_LMS_CARDS_MAX) {
		snprintf(err, errcap, "cards: at most %d per user", EVSE_LMS_CARDS_MAX);
		return -1;
	}
	cJSON_ArrayForEach(c, cards)
	{
		if (!cJSON_IsString(c) || !card_ok(c->valuestring)) {
			snprintf(err, errcap, "cards: \"%.24s\" is not a card (1..20 of A-Z a-z 0-9 - _ : .)",
			         cJSON_IsString(c) ? c->valuestring : "?");
			return -1;
		}
		if (evse_lms_user_has_card(u, c->valuestring)) {
			snprintf(err, errcap, "cards: %s given twice", c->valuestring);
			return -1;
		}
		wl_idtag_key(c->valuestring, u->cards[u->n_cards++]);
	}
	return 0;
}

static int parse_hours(const cJSON *j, struct evse_lms_user *u, char *err, size_t errcap)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "hours");
	u->hours_from = u->hours_to = -1;
	if (!h || cJSON_IsNull(h))
		return 0;
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(h, "from"), *t = cJSON_GetObjectItemCaseSensitive(h, "to");
	u->hours_from = cJSON_IsString(f) ? hhmm(f->valuestring) : -1;
	u->hours_to = cJSON_IsString(t) ? hhmm(t->valuestring) : -1;
	if (u->hours_from < 0 || u->hours_to < 0) {
		snprintf(err, errcap, "hours: \"%.8s\" is not a time of 00:00..23:59",
		         u->hours_from < 0 ? (cJSON_IsString(f) ? f->valuestring : "?")
		                           : (cJSON_IsString(t) ? t->valuestring : "?"));
		return -1;
	}
	if (u->hours_from == u->hours_to) {
		snprintf(err, errcap, "hours: from and to are both %s (no hours allowed)", f->valuestring);
		return -1;
	}
	return 0;
}

static int parse_days(const cJSON *j, struct evse_lms_user *u, char *err, size_t errcap)
{
	const cJSON *days = cJSON_GetObjectItemCaseSensitive(j, "days"), *d;
	u->days = 0;
	if (!days || cJSON_IsNull(days))
		return 0;
	if (!cJSON_IsArray(days)) {
		snprintf(err, errcap, "days: a list of Mon..Sun");
		return -1;
	}
	cJSON_ArrayForEach(d, days)
	{
		int k = -1;
		for (int i = 0; i < 7 && cJSON_IsString(d); i++)
			if (strcmp(d->valuestring, day_names[i]) == 0)
				k = i;
		if (k < 0) {
			snprintf(err, errcap, "days: \"%.8s\" is not one of Mon..Sun",
			         cJSON_IsString(d) ? d->valuestring : "?");
			return -1;
		}
		u->days |= 1u << k;
	}
	return 0;
}

int evse_lms_user_parse(const char *body, size_t len, struct evse_lms_user *u, char *err, size_t errcap)
{
	int rc = -1;
	double v;
	memset(u, 0, sizeof(*u));
	cJSON *j = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(j)) {
		snprintf(err, errcap, "the body is not a JSON object");
		goto out;
	}
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
	if (!cJSON_IsString(name) || !name->valuestring[0] || strlen(name->valuestring) >= EVSE_LMS_NAME_MAX) {
		snprintf(err, errcap, "name: 1..%d characters", EVSE_LMS_NAME_MAX - 1);
		goto out;
	}
	snprintf(u->name, sizeof(u->name), "%s", name->valuestring);
	if (parse_cards(j, u, err, errcap) < 0 || when(j, "from", &u->from_ms, err, errcap) < 0 ||
	    when(j, "until", &u->until_ms, err, errcap) < 0)
		goto out;
	if (u->from_ms && u->until_ms && u->until_ms <= u->from_ms) {
		snprintf(err, errcap, "until: must be after from");
		goto out;
	}
	if (parse_hours(j, u, err, errcap) < 0 || parse_days(j, u, err, errcap) < 0)
		goto out;
	if (limit(j, "maxSessions", EVSE_LMS_MAX_SESSION, &v, err, errcap) < 0)
		goto out;
	if (v != floor(v)) {
		snprintf(err, errcap, "maxSessions: %g is not a whole number", v);
		goto out;
	}
	u->max_sessions = (int)v;
	if (limit(j, "maxKwh", EVSE_LMS_MAX_KWH, &u->max_kwh, err, errcap) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

static void add_time(cJSON *j, const char *field, int64_t ms)
{
	char ts[40];
	if (!ms) {
		cJSON_AddNullToObject(j, field);
		return;
	}
	ocpp_time_format(ms, ts, sizeof(ts));
	cJSON_AddStringToObject(j, field, ts);
}

cJSON *evse_lms_user_json(const struct evse_lms_user *u)
{
	char t[8];
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON_AddNumberToObject(j, "id", (double)u->id);
	cJSON_AddStringToObject(j, "name", u->name);
	cJSON *cards = cJSON_AddArrayToObject(j, "cards");
	for (int i = 0; i < u->n_cards; i++)
		cJSON_AddItemToArray(cards, cJSON_CreateString(u->cards[i]));
	add_time(j, "from", u->from_ms);
	add_time(j, "until", u->until_ms);
	if (u->hours_from >= 0) {
		cJSON *h = cJSON_AddObjectToObject(j, "hours");
		snprintf(t, sizeof(t), "%02d:%02d", u->hours_from / 60 % 24, u->hours_from % 60);
		cJSON_AddStringToObject(h, "from", t);
		snprintf(t, sizeof(t), "%02d:%02d", u->hours_to / 60 % 24, u->hours_to % 60);
		cJSON_AddStringToObject(h, "to", t);
	} else {
		cJSON_AddNullToObject(j, "hours");
	}
	cJSON *days = cJSON_AddArrayToObject(j, "days");
	for (int i = 0; i < 7; i++)
		if (u->days >> i & 1u)
			cJSON_AddItemToArray(days, cJSON_CreateString(day_names[i]));
	cJSON_AddNumberToObject(j, "maxSessions", u->max_sessions);
	cJSON_AddNumberToObject(j, "maxKwh", u->max_kwh);
	return j;
}

/* ---- MeterValues ---- */

static const struct {
	const char *measurand, *unit;
	double scale; /* the unit given → Wh, A, W */
	int slot;     /* 0 energy, 1 current, 2 power */
} units[] = {
    {"Energy.Active.Import.Register", "Wh", 1, 0},
    {"Energy.Active.Import.Register", "kWh", 1000, 0},
    {"Current.Import", "A", 1, 1},
    {"Current.Import", "mA", 0.001, 1},
    {"Power.Active.Import", "W", 1, 2},
    {"Power.Active.Import", "kW", 1000, 2},
};

void evse_lms_meter_read(const cJSON *meter_values, struct evse_lms_meter *m)
{
	double v[3] = {-1, -1, -1};
	const cJSON *mv, *sv;
	cJSON_ArrayForEach(mv, cJSON_GetObjectItemCaseSensitive(meter_values, "meterValue"))
	{
		cJSON_ArrayForEach(sv, cJSON_GetObjectItemCaseSensitive(mv, "sampledValue"))
		{
			const cJSON *ms = cJSON_GetObjectItemCaseSensitive(sv, "measurand");
			const cJSON *un = cJSON_GetObjectItemCaseSensitive(sv, "unit");
			const cJSON *val = cJSON_GetObjectItemCaseSensitive(sv, "value");
			const char *measurand = cJSON_IsString(ms) ? ms->valuestring : "Energy.Active.Import.Register";
			if (!cJSON_IsString(val))
				continue;
			char *end;
			double x = strtod(val->valuestring, &end);
			if (end == val->valuestring || *end || !isfinite(x) || x < 0)
				continue;
			for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
				const char *unit =
				    cJSON_IsString(un) ? un->valuestring : (units[i].slot == 0 ? "Wh" : "");
				if (strcmp(measurand, units[i].measurand) != 0 ||
				    (strcmp(unit, units[i].unit) != 0 && (unit[0] || units[i].scale != 1)))
					continue;
				x *= units[i].scale;
				if (x > 1e12)
					break;
				/* current: the highest phase; energy, power: the latest (a phase-less total when given)
				 */
				int s = units[i].slot;
				if (s != 1 || x > v[s])
					v[s] = x;
				break;
			}
		}
	}
	m->wh = v[0];
	m->amps = v[1];
	m->watts = v[2];
}
