/* evse_group_map.c — the group's connector numbering: parse the Satellite list, map both ways. */
#include "evse_group_map.h"

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

static int parse_item(struct evse_group_map *m, const char *item, size_t len, char *err, size_t errcap)
{
	const char *colon = memchr(item, ':', len);
	size_t idlen = colon ? (size_t)(colon - item) : len;
	int n = 1;

	if (!id_ok(item, idlen)) {
		snprintf(err, errcap, "group_satellites: \"%.*s\": an id is 1..%d printable characters without / , :",
		         (int)(len > 60 ? 60 : len), item, EVSE_GROUP_ID_MAX);
		return -1;
	}
	if (colon) {
		char num[8], *end;
		size_t nl = len - idlen - 1;
		if (nl == 0 || nl >= sizeof(num)) {
			snprintf(err, errcap, "group_satellites: \"%.*s\": connectors (1..%d) after ':'", (int)len,
			         item, EVSE_GROUP_CONN_MAX);
			return -1;
		}
		memcpy(num, colon + 1, nl);
		num[nl] = '\0';
		long v = strtol(num, &end, 10);
		if (*end || v < 1 || v > EVSE_GROUP_CONN_MAX) {
			snprintf(err, errcap, "group_satellites: \"%.*s\": %s connectors (1..%d)", (int)len, item, num,
			         EVSE_GROUP_CONN_MAX);
			return -1;
		}
		n = (int)v;
	}
	struct evse_group_sat *s = &m->sat[m->n_sat];
	memcpy(s->id, item, idlen);
	s->id[idlen] = '\0';
	if (evse_group_map_find(m, s->id) >= 0) {
		snprintf(err, errcap, "group_satellites: \"%s\" is listed twice", s->id);
		return -1;
	}
	s->connectors = n;
	s->first = m->total + 1;
	m->total += n;
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
