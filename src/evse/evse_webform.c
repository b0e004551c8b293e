/* evse_webform.c — parsers of the local web app's small JSON bodies and query strings. */
#include "evse_webform.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp_text.h"

/* Parses body as a JSON object whose members are all in allowed (NULL-terminated). NULL with err. */
static cJSON *parse_object(const char *body, size_t len, const char *const *allowed, char *err, size_t errcap)
{
	cJSON *j = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(j)) {
		snprintf(err, errcap, "the body must be a JSON object");
		cJSON_Delete(j);
		return NULL;
	}
	const cJSON *m;
	cJSON_ArrayForEach(m, j)
	{
		bool ok = false;
		for (int i = 0; allowed[i]; i++)
			ok = ok || strcmp(m->string, allowed[i]) == 0;
		if (!ok) {
			snprintf(err, errcap, "unknown field \"%.40s\"", m->string);
			cJSON_Delete(j);
			return NULL;
		}
	}
	return j;
}

/* The string member name, copied into out (cap bytes): 0, or -1 when missing, not a string or too long. */
static int get_string(const cJSON *j, const char *name, char *out, size_t cap, char *err, size_t errcap)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
	if (!m) {
		snprintf(err, errcap, "%s: missing", name);
		return -1;
	}
	if (!cJSON_IsString(m) || strlen(m->valuestring) >= cap) {
		snprintf(err, errcap, "%s: must be a text of at most %zu characters", name, cap - 1);
		return -1;
	}
	memcpy(out, m->valuestring, strlen(m->valuestring) + 1);
	return 0;
}

int evse_webform_check_password(const char *pw, char *err, size_t errcap)
{
	size_t n = strlen(pw);
	if (n > EVSE_PASSWORD_MAX) {
		snprintf(err, errcap, "password: at most %d bytes", EVSE_PASSWORD_MAX);
		return -1;
	}
	if (n < EVSE_PASSWORD_MIN) {
		snprintf(err, errcap, "password: at least %d characters", EVSE_PASSWORD_MIN);
		return -1;
	}
	if (!ocpp_utf8_is_valid(pw, n)) {
		snprintf(err, errcap, "password: not valid UTF-8");
		return -1;
	}
	for (const char *c = pw; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(err, errcap, "password: control characters are not allowed");
			return -1;
		}
	}
	return 0;
}

int evse_webform_setup(const char *body, size_t len, char code[EVSE_SETUP_CODE_MAX],
                       char password[EVSE_PASSWORD_MAX + 1], char *err, size_t errcap)
{
	static const char *const allowed[] = {"code", "password", NULL};
	int rc = -1;
	cJSON *j = parse_object(body, len, allowed, err, errcap);
	if (!j)
		return -1;
	if (get_string(j, "code", code, EVSE_SETUP_CODE_MAX, err, errcap) < 0 ||
	    get_string(j, "password", password, EVSE_PASSWORD_MAX + 1, err, errcap) < 0 ||
	    evse_webform_check_password(password, err, errcap) < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int evse_webform_login(const char *body, size_t len, char password[EVSE_PASSWORD_MAX + 1], char *err, size_t errcap)
{
	static const char *const allowed[] = {"password", NULL};
	cJSON *j = parse_object(body, len, allowed, err, errcap);
	if (!j)
		return -1;
	int rc = get_string(j, "password", password, EVSE_PASSWORD_MAX + 1, err, errcap);
	cJSON_Delete(j);
	return rc;
}

bool evse_webform_uid_is_valid(const char *uid)
{
	size_t n = strlen(uid);
	if (n == 0 || n >= EVSE_CARD_UID_MAX)
		return false;
	for (const char *c = uid; *c; c++) {
		bool ok = (*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		          *c == '-' || *c == '_' || *c == ':' || *c == '.';
		if (!ok)
			return false;
	}
	return true;
}

int evse_webform_card(const char *body, size_t len, char uid[EVSE_CARD_UID_MAX], char *err, size_t errcap)
{
	static const char *const allowed[] = {"uid", NULL};
	int rc = -1;
	cJSON *j = parse_object(body, len, allowed, err, errcap);
	if (!j)
		return -1;
	if (get_string(j, "uid", uid, EVSE_CARD_UID_MAX, err, errcap) < 0)
		goto out;
	if (!evse_webform_uid_is_valid(uid)) {
		snprintf(err, errcap, "uid: 1..20 characters of A-Z a-z 0-9 - _ : .");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int evse_webform_session_start(const char *body, size_t len, int max_slot, int *slot, char id_tag[EVSE_CARD_UID_MAX],
                               char *err, size_t errcap)
{
	static const char *const allowed[] = {"slot", "idTag", NULL};
	int rc = -1;
	cJSON *j = parse_object(body, len, allowed, err, errcap);
	if (!j)
		return -1;
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "slot");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "idTag");
	*slot = 0;
	id_tag[0] = '\0';
	if (!s == !t) {
		snprintf(err, errcap, "give either slot (a card slot) or idTag");
		goto out;
	}
	if (s) {
		if (!cJSON_IsNumber(s) || s->valuedouble != floor(s->valuedouble) || s->valuedouble < 1 ||
		    s->valuedouble > max_slot) {
			snprintf(err, errcap, "slot: must be a card slot 1..%d", max_slot);
			goto out;
		}
		*slot = (int)s->valuedouble;
	} else {
		if (get_string(j, "idTag", id_tag, EVSE_CARD_UID_MAX, err, errcap) < 0)
			goto out;
		if (!evse_webform_uid_is_valid(id_tag)) {
			snprintf(err, errcap, "idTag: 1..20 characters of A-Z a-z 0-9 - _ : .");
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int evse_webform_schedule(const char *body, size_t len, int64_t now_ms, int64_t *at_ms, char *err, size_t errcap)
{
	static const char *const allowed[] = {"at", "delayMinutes", NULL};
	int rc = -1;
	cJSON *j = parse_object(body, len, allowed, err, errcap);
	if (!j)
		return -1;
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "at");
	const cJSON *delay = cJSON_GetObjectItemCaseSensitive(j, "delayMinutes");
	if (!at == !delay) {
		snprintf(err, errcap, "give either at (a date-time) or delayMinutes");
		goto out;
	}
	if (delay) {
		double max = (double)(EVSE_SCHEDULE_MAX_MS / 60000);
		if (!cJSON_IsNumber(delay) || delay->valuedouble != floor(delay->valuedouble) ||
		    delay->valuedouble < 1 || delay->valuedouble > max) {
			snprintf(err, errcap, "delayMinutes: must be a whole number 1..%.0f", max);
			goto out;
		}
		*at_ms = now_ms + (int64_t)delay->valuedouble * 60000;
	} else {
		if (!cJSON_IsString(at) || !ocpp_time_parse(at->valuestring, at_ms)) {
			snprintf(err, errcap, "at: must be an RFC 3339 date-time, like 2026-05-01T22:00:00+02:00");
			goto out;
		}
		if (*at_ms <= now_ms) {
			snprintf(err, errcap, "at: %.40s is in the past", at->valuestring);
			goto out;
		}
		if (*at_ms - now_ms > EVSE_SCHEDULE_MAX_MS) {
			snprintf(err, errcap, "at: more than 7 days ahead");
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int evse_webform_query_int(const char *query, const char *name, long min, long max, long *out, char *err, size_t errcap)
{
	size_t nlen = strlen(name);
	const char *p = query;
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t plen = amp ? (size_t)(amp - p) : strlen(p);
		if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			char num[24];
			size_t vlen = plen - nlen - 1;
			char *end;
			if (vlen == 0 || vlen >= sizeof(num))
				goto bad;
			memcpy(num, p + nlen + 1, vlen);
			num[vlen] = '\0';
			errno = 0;
			long v = strtol(num, &end, 10);
			if (errno || *end || v < min || v > max)
				goto bad;
			*out = v;
			return 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return 0;
bad:
	snprintf(err, errcap, "%s: must be a number %ld..%ld", name, min, max);
	return -1;
}

int evse_webform_query_str(const char *query, const char *name, char *out, size_t cap, char *err, size_t errcap)
{
	size_t nlen = strlen(name);
	const char *p = query;
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t plen = amp ? (size_t)(amp - p) : strlen(p);
		if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t vlen = plen - nlen - 1;
			if (vlen >= cap) {
				snprintf(err, errcap, "%s: longer than %zu characters", name, cap - 1);
				return -1;
			}
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return 0;
}
