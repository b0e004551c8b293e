/* evse_group_map.c — the group's connector numbering: parse the Satellite list, map both ways. */
#include "evse_group_map.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An id as the Satellite's OCPP path ends: printable ASCII without space, '/', ',' or ':'. */
static int id_ok(const char *s, size_t len)
{
	if (len == 0 || len > EVSE_GROUP_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/' || s[i] == ',' || s[i] == ':')
			return 0;
	return 1;
}

unsigned evse_group_phase_mask(int phases, int l1)
{
	if (phases == 3)
		return 7;
	return l1 >= 1 && l1 <= 3 ? 1u << (l1 - 1) : 0;
}

/* A number of 1..3 digits at s (len characters): its value, or -1. */
static int small_number(const char *s, size_t len)
{
	int v = 0;
	if (len == 0 || len > 3)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The fields of a field kind: which one a text is, what it sets. */
enum field { F_CONNECTORS, F_MAX, F_PHASES, F_WIRING, F_COUNT };
static const char *const field_names[F_COUNT] = {"connectors", "maximum", "phases", "wiring"};

/* One field after the id: sets s, or -1 with err. seen guards against a field given twice. */
static int parse_field(struct evse_group_sat *s, const char *item, size_t ilen, const char *f, size_t len,
                       bool seen[F_COUNT], char *err, size_t errcap)
{
	enum field kind;
	int v = -1;
	char last = len ? f[len - 1] : '\0';
	if (small_number(f, len) >= 0) {
		kind = F_CONNECTORS;
		v = small_number(f, len);
	} else if (len >= 2 && (last == 'A' || last == 'a') && small_number(f, len - 1) >= 0) {
		kind = F_MAX;
		v = small_number(f, len - 1);
	} else if (len == 2 && (f[1] == 'P' || f[1] == 'p') && (f[0] == '1' || f[0] == '3')) {
		kind = F_PHASES;
		v = f[0] - '0';
	} else if (len == 2 && (f[0] == 'L' || f[0] == 'l') && f[1] >= '1' && f[1] <= '3') {
		kind = F_WIRING;
		v = f[1] - '0';
	} else {
		snprintf(err, errcap,
		         "group_satellites: \"%.*s\": unknown field \"%.*s\" (connectors 1..%d, a maximum %dA..%dA, "
		         "1P or 3P, L1..L3)",
		         (int)(ilen > 60 ? 60 : ilen), item, (int)(len > 20 ? 20 : len), f, EVSE_GROUP_CONN_MAX,
		         EVSE_GROUP_MAX_A_MIN, EVSE_GROUP_MAX_A_MAX);
		return -1;
	}
	if (seen[kind]) {
		snprintf(err, errcap, "group_satellites: \"%.*s\": %s given twice", (int)(ilen > 60 ? 60 : ilen), item,
		         field_names[kind]);
		return -1;
	}
	seen[kind] = true;
	if (kind == F_CONNECTORS && (v < 1 || v > EVSE_GROUP_CONN_MAX)) {
		snprintf(err, errcap, "group_satellites: \"%.*s\": %d connectors (1..%d)", (int)(ilen > 60 ? 60 : ilen),
		         item, v, EVSE_GROUP_CONN_MAX);
		return -1;
	}
	if (kind == F_MAX && (v < EVSE_GROUP_MAX_A_MIN || v > EVSE_GROUP_MAX_A_MAX)) {
		snprintf(err, errcap, "group_satellites: \"%.*s\": maximum %d A (%d..%d)", (int)(ilen > 60 ? 60 : ilen),
		         item, v, EVSE_GROUP_MAX_A_MIN, EVSE_GROUP_MAX_A_MAX);
		return -1;
	}
	switch (kind) {
	case F_CONNECTORS: s->connectors = v; break;
	case F_MAX: s->max_a = v; break;
	case F_PHASES: s->phases = v; break;
	case F_WIRING: s->l1 = v; break;
	case F_COUNT: break;
	}
	return 0;
}

static int parse_item(struct evse_group_map *m, const char *item, size_t len, char *err, size_t errcap)
{
	const char *colon = memchr(item, ':', len);
	size_t idlen = colon ? (size_t)(colon - item) : len;
	bool seen[F_COUNT] = {false};
	struct evse_group_sat *s = &m->sat[m->n_sat];

	if (!id_ok(item, idlen)) {
		snprintf(err, errcap, "group_satellites: \"%.*s\": an id is 1..%d printable characters without / , :",
		         (int)(len > 60 ? 60 : len), item, EVSE_GROUP_ID_MAX);
		return -1;
	}
	*s = (struct evse_group_sat){.connectors = 1, .max_a = EVSE_GROUP_MAX_A_DEF, .phases = 3, .l1 = 1};
	for (const char *f = colon; f;) {
		const char *next = memchr(f + 1, ':', (size_t)(item + len - f - 1));
		size_t flen = (size_t)((next ? next : item + len) - f - 1);
		if (parse_field(s, item, len, f + 1, flen, seen, err, errcap) < 0)
			return -1;
		f = next;
	}
	memcpy(s->id, item, idlen);
	s->id[idlen] = '\0';
	if (evse_group_map_find(m, s->id) >= 0) {
		snprintf(err, errcap, "group_satellites: \"%s\" is listed twice", s->id);
		return -1;
	}
	s->first = m->total + 1;
	m->total += s->connectors;
	m->n_sat++;
	return 0;
}

int evse_group_map_parse(struct evse_group_map *m, int own, const char *text, char *err, size_t errcap)
{
	memset(m, 0, sizeof(*m));
	m->own = own;
	m->total = own;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && p[len - 1] == ' ')
			len--;
		if (m->n_sat == EVSE_GROUP_SAT_MAX) {
			snprintf(err, errcap,
			         "group_satellites: more than %d Satellites (a group is at most %d points)",
			         EVSE_GROUP_SAT_MAX, EVSE_GROUP_POINTS_MAX);
			return -1;
		}
		if (parse_item(m, p, len, err, errcap) < 0)
			return -1;
		if (!end)
			break;
		p = end + 1;
		if (!*p) {
			snprintf(err, errcap, "group_satellites: empty id after the last ','");
			return -1;
		}
	}
	return 0;
}

int evse_group_map_find(const struct evse_group_map *m, const char *id)
{
	for (int i = 0; i < m->n_sat; i++)
		if (strcmp(m->sat[i].id, id) == 0)
			return i;
	return -1;
}

int evse_group_map_up(const struct evse_group_map *m, int sat, int local)
{
	if (sat < 0 || sat >= m->n_sat || local < 1 || local > m->sat[sat].connectors)
		return -1;
	return m->sat[sat].first + local - 1;
}

int evse_group_map_down(const struct evse_group_map *m, int k, int *sat, int *local)
{
	if (k < 1 || k > m->total)
		return -1;
	if (k <= m->own) {
		*sat = -1;
		*local = k;
		return 0;
	}
	for (int i = 0; i < m->n_sat; i++)
		if (k < m->sat[i].first + m->sat[i].connectors) {
			*sat = i;
			*local = k - m->sat[i].first + 1;
			return 0;
		}
	return -1;
}
