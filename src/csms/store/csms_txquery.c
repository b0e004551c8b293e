/* csms_txquery.c — transaction search filters: query arguments -> struct -> one parameterised
 * FROM ... WHERE clause. Every value is bound; only fixed SQL fragments from this file are concatenated. */
#include "csms_txquery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wl_idtag.h"
#include "csms_registry.h"
#include "csms_view_db.h"
#include "ocpp_text.h"
#include "csms_db.h"

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

static bool parse_id(const char *s, long long max, int64_t *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

int csms_txq_range(const char *name, int64_t now_ms, int64_t *from, int64_t *to)
{
	time_t now = (time_t)(now_ms / 1000);
	struct tm a, b;
	if (!localtime_r(&now, &a))
		return -1;
	a.tm_hour = a.tm_min = a.tm_sec = 0;
	a.tm_isdst = -1;
	if (strcmp(name, "today") == 0) {
		b = a;
		b.tm_mday++;
	} else if (strcmp(name, "week") == 0) {
		a.tm_mday -= (a.tm_wday + 6) % 7; /* back to Monday */
		b = a;
		b.tm_mday += 7;
	} else if (strcmp(name, "month") == 0) {
		a.tm_mday = 1;
		b = a;
		b.tm_mon++;
	} else {
		return -1;
	}
	time_t ta = mktime(&a), tb = mktime(&b);
	if (ta == (time_t)-1 || tb == (time_t)-1)
		return -1;
	*from = (int64_t)ta * 1000;
	*to = (int64_t)tb * 1000;
	return 0;
}

static int parse_times(struct csms_txq *q, csms_txq_get_fn *get, void *ctx, int64_t now_ms, char *err, size_t errlen)
{
	char range[16], from[48], to[48];
	bool has_range = get(ctx, "range", range, sizeof(range));
	bool has_from = get(ctx, "from", from, sizeof(from));
	bool has_to = get(ctx, "to", to, sizeof(to));
	if (has_range && (has_from || has_to))
		return fail(err, errlen, "range: give either range or from and to, not both");
	if (has_range) {
		if (csms_txq_range(range, now_ms, &q->from, &q->to) < 0)
			return fail(err, errlen, "range: must be today, week or month");
		return 0;
	}
	if (!has_from && !has_to)
		return fail(err, errlen, "range: a time range is required: range=today|week|month or from= and to=");
	if (!has_from)
		return fail(err, errlen, "from: is required with to (RFC 3339)");
	if (!has_to)
		return fail(err, errlen, "to: is required with from (RFC 3339)");
	if (!ocpp_time_parse(from, &q->from))
		return fail(err, errlen, "from: must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z");
	if (!ocpp_time_parse(to, &q->to))
		return fail(err, errlen, "to: must be an RFC 3339 date-time such as 2026-02-01T00:00:00Z");
	if (q->to <= q->from)
		return fail(err, errlen, "to: must be after from");
	return 0;
}

int csms_txq_parse(struct csms_txq *q, csms_txq_get_fn *get, void *ctx, int64_t now_ms, char *err, size_t errlen)
{
	char v[256];
	int64_t n;
	memset(q, 0, sizeof(*q));
	if (parse_times(q, get, ctx, now_ms, err, errlen) < 0)
		return -1;
	if (get(ctx, "q", v, sizeof(v))) {
		if (!ocpp_utf8_is_valid(v, strlen(v)) || ocpp_utf8_length(v) > CSMS_TXQ_TEXT_MAX)
			return fail(err, errlen, "q: must be UTF-8 text of at most 100 characters");
		memcpy(q->q, v, strlen(v) + 1); /* at most 100 characters of UTF-8 fit */
	}
	if (get(ctx, "station", v, sizeof(v))) {
		if (!csms_station_id_is_valid(v))
			return fail(err, errlen, "station: is not a valid station id");
		memcpy(q->station, v, strlen(v) + 1); /* at most 48 */
	}
	if (get(ctx, "connector", v, sizeof(v))) {
		if (!q->station[0])
			return fail(err, errlen, "connector: needs station");
		if (!parse_id(v, 1000, &n))
			return fail(err, errlen, "connector: must be an integer in 1..1000");
		q->connector = (int)n;
	}
	if (get(ctx, "idTag", v, sizeof(v))) {
		if (!*v || strlen(v) > WL_IDTAG_KEY_MAX - 1 || !ocpp_utf8_is_valid(v, strlen(v)))
			return fail(err, errlen, "idTag: must be 1..20 characters");
		wl_idtag_key(v, q->id_tag);
	}
	if (get(ctx, "user", v, sizeof(v))) {
		if (!parse_id(v, INT64_MAX, &q->user))
			return fail(err, errlen, "user: must be a charge user id (a positive integer)");
	}
	if (get(ctx, "view", v, sizeof(v))) {
		if (!parse_id(v, INT64_MAX, &q->view))
			return fail(err, errlen, "view: must be a socket view id (a positive integer)");
	}
	if (get(ctx, "group", v, sizeof(v))) {
		if (!q->view)
			return fail(err, errlen, "group: needs view");
		if (!parse_id(v, INT64_MAX, &q->group))
			return fail(err, errlen, "group: must be a socket group id (a positive integer)");
	}
	if (get(ctx, "status", v, sizeof(v))) {
		if (strcmp(v, "open") == 0)
			q->status = CSMS_TXQ_OPEN;
		else if (strcmp(v, "closed") == 0)
			q->status = CSMS_TXQ_CLOSED;
		else
			return fail(err, errlen, "status: must be open or closed");
	}
	return 0;
}

/* Appends a fixed fragment; false when out is full. */
static bool put(char *out, size_t outlen, size_t *n, const char *s)
{
	size_t len = strlen(s);
	if (*n + len + 1 > outlen)
		return false;
	memcpy(out + *n, s, len + 1);
	*n += len;
	return true;
}

int csms_txq_from_where(const struct csms_txq *q, char *out, size_t outlen)
{
	size_t n = 0;
	bool ok = put(out, outlen, &n, "FROM txn t ");
	if (q->user)
		ok = ok && put(out, outlen, &n, "JOIN id_tag c ON c.id_tag = t.id_tag ");
	ok = ok && put(out, outlen, &n, "WHERE t.start_ts >= ?1 AND t.start_ts < ?2");
	if (q->station[0])
		ok = ok && put(out, outlen, &n, " AND t.station_id = ?3");
	if (q->connector)
		ok = ok && put(out, outlen, &n, " AND t.connector_id = ?4");
	if (q->id_tag[0])
		ok = ok && put(out, outlen, &n, " AND t.id_tag = ?5");
	if (q->user)
		ok = ok && put(out, outlen, &n, " AND c.user_id = ?6");
	/* the socket-name text selects sockets (a few thousand rows, matched once) rather than testing every
	 * transaction of the range */
	if (q->q[0])
		ok = ok &&
		     put(out, outlen, &n,
		         " AND (t.station_id IN (SELECT s.id FROM station s WHERE s.id LIKE ?7 ESCAPE '\\' OR "
		         "s.name LIKE ?7 ESCAPE '\\') OR (t.station_id, t.connector_id) IN (SELECT k.station_id, "
		         "k.connector_id FROM connector k LEFT JOIN station s ON s.id = k.station_id WHERE "
		         "k.description LIKE ?7 ESCAPE '\\' OR (coalesce(nullif(s.name, ''), k.station_id) || ' #' || "
		         "k.connector_id) LIKE ?7 ESCAPE '\\'))");
	if (q->group) { /* the socket scope is the socket views' rule (csms_view_db) */
		char scope[400];
		struct csms_view_scope sc = {q->view, q->group, q->group_unassigned};
		ok = ok && csms_view_db_scope_sql(&sc, "t", scope, sizeof(scope)) == 0 && put(out, outlen, &n, scope);
	}
	if (q->status == CSMS_TXQ_OPEN)
		ok = ok && put(out, outlen, &n, " AND t.stop_ts IS NULL");
	else if (q->status == CSMS_TXQ_CLOSED)
		ok = ok && put(out, outlen, &n, " AND t.stop_ts IS NOT NULL");
	return ok ? 0 : -1;
}

void csms_txq_bind(const struct csms_txq *q, sqlite3_stmt *st)
{
	sqlite3_bind_int64(st, 1, q->from);
	sqlite3_bind_int64(st, 2, q->to);
	if (q->station[0])
		sqlite3_bind_text(st, 3, q->station, -1, SQLITE_TRANSIENT);
	if (q->connector)
		sqlite3_bind_int(st, 4, q->connector);
	if (q->id_tag[0])
		sqlite3_bind_text(st, 5, q->id_tag, -1, SQLITE_TRANSIENT);
	if (q->user)
		sqlite3_bind_int64(st, 6, q->user);
	if (q->q[0]) {
		char pat[2 * sizeof(q->q) + 4];
		csms_db_like(q->q, true, pat, sizeof(pat));
		sqlite3_bind_text(st, 7, pat, -1, SQLITE_TRANSIENT);
	}
	struct csms_view_scope sc = {q->view, q->group, q->group_unassigned};
	csms_view_db_scope_bind(&sc, st);
}
