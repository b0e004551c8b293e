/* evse_store_group.c — the store's tables of the Master's Local Management System (schema migration 1 in
 * evse_store.c): its users and their cards (lms_user, lms_card) and the group's transactions (group_tx). Part of
 * the store module: its SQL lives here and in evse_store.c only. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_store.h"
#include "evse_store_int.h"

#define GROUP_STATEMENTS(X)                                                                                            \
	X(LMS_USER_ADD, "INSERT INTO lms_user(name,from_ms,until_ms,hours_from,hours_to,days,max_sessions,max_kwh)"    \
	                " VALUES(?2,?3,?4,?5,?6,?7,?8,?9)")                                                            \
	X(LMS_USER_SET, "UPDATE lms_user SET name=?2,from_ms=?3,until_ms=?4,hours_from=?5,hours_to=?6,days=?7,"        \
	                "max_sessions=?8,max_kwh=?9 WHERE id=?1")                                                      \
	X(LMS_USER_DEL, "DELETE FROM lms_user WHERE id=?1")                                                            \
	X(LMS_USER_GET, "SELECT id,name,from_ms,until_ms,hours_from,hours_to,days,max_sessions,max_kwh FROM lms_user"  \
	                " WHERE id=?1")                                                                                \
	X(LMS_USER_LIST, "SELECT id,name,from_ms,until_ms,hours_from,hours_to,days,max_sessions,max_kwh FROM lms_user" \
	                 " ORDER BY name COLLATE NOCASE, id")                                                          \
	X(LMS_USER_COUNT, "SELECT count(*) FROM lms_user")                                                             \
	X(LMS_CARD_ADD, "INSERT INTO lms_card(id_tag,user_id) VALUES(?1,?2)")                                          \
	X(LMS_CARD_OWNER, "SELECT user_id FROM lms_card WHERE id_tag=?1")                                              \
	X(LMS_CARD_DEL, "DELETE FROM lms_card WHERE user_id=?1")                                                       \
	X(LMS_CARD_LIST, "SELECT id_tag FROM lms_card WHERE user_id=?1 ORDER BY rowid")                                \
	X(GTX_START, "INSERT INTO group_tx(connector,point,id_tag,user_id,start,start_ms,meter_start)"                 \
	             " VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(connector,start) DO NOTHING")                          \
	X(GTX_FIND_START, "SELECT no FROM group_tx WHERE connector=?1 AND start=?2")                                   \
	X(GTX_FIND_TX, "SELECT no FROM group_tx WHERE tx_id=?1 AND tx_id<>0 ORDER BY no DESC LIMIT 1")                 \
	X(GTX_SET_TX, "UPDATE group_tx SET tx_id=?2 WHERE no=?1")                                                      \
	X(GTX_METER, "UPDATE group_tx SET energy_wh=max(energy_wh,?2-meter_start) WHERE no=?1 AND stop IS NULL")       \
	X(GTX_STOP, "UPDATE group_tx SET stop=?2,stop_ms=?3,energy_wh=max(0,?4-meter_start),stop_reason=?5"            \
	            " WHERE no=?1 AND stop IS NULL")                                                                   \
	X(GTX_REFUSE, "UPDATE group_tx SET refused=?2 WHERE no=?1")                                                    \
	X(GTX_USAGE, "SELECT count(*),coalesce(sum(energy_wh),0) FROM group_tx WHERE user_id=?1 AND no<>?2"            \
	             " AND refused='' AND (?3=0 OR start_ms>=?3) AND (?4=0 OR start_ms<?4)")                           \
	X(GTX_QUERY, "SELECT g.no,g.connector,g.point,g.id_tag,g.user_id,coalesce(u.name,''),g.tx_id,g.start,"         \
	             "g.start_ms,coalesce(g.stop,''),g.stop_ms,g.energy_wh,coalesce(g.stop_reason,''),g.refused"       \
	             " FROM group_tx g LEFT JOIN lms_user u ON u.id=g.user_id"                                         \
	             " WHERE (?1=0 OR g.connector=?1) AND (?2=0 OR g.start_ms>=?2) AND (?3=0 OR g.start_ms<?3)"        \
	             " AND (?4='' OR g.id_tag LIKE ?4 ESCAPE '\\' OR u.name LIKE ?4 ESCAPE '\\')"                      \
	             " AND (?5=0 OR g.no<?5) ORDER BY g.no DESC LIMIT ?6")                                             \
	X(GTX_CONSUMPTION,                                                                                             \
	  "SELECT strftime(?1,start_ms/1000,'unixepoch','localtime') AS period,connector,"                             \
	  "sum(energy_wh),count(*) FROM group_tx WHERE (?2=0 OR start_ms>=?2) AND (?3=0 OR start_ms<?3)"               \
	  " GROUP BY period,connector ORDER BY period,connector")

enum gstmt_id {
#define X(id, sql) GST_##id,
	GROUP_STATEMENTS(X)
#undef X
	    GST_COUNT
};
_Static_assert(GST_COUNT <= EVSE_STORE_GROUP_STMTS, "EVSE_STORE_GROUP_STMTS too small");

static const char *const gstmt_sql[GST_COUNT] = {
#define X(id, sql) [GST_##id] = sql,
    GROUP_STATEMENTS(X)
#undef X
};

int evse_store__group_prepare(struct evse_store *s, sqlite3_stmt **st, char *err, size_t errcap)
{
	for (int i = 0; i < GST_COUNT; i++)
		if (sqlite3_prepare_v2(evse_store__db(s), gstmt_sql[i], -1, &st[i], NULL) != SQLITE_OK) {
			snprintf(err, errcap, "%s: %s", gstmt_sql[i], sqlite3_errmsg(evse_store__db(s)));
			return -1;
		}
	return 0;
}

static sqlite3_stmt *gstmt(struct evse_store *s, enum gstmt_id id)
{
	sqlite3_stmt *q = evse_store__group_stmt(s, id);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return q;
}

static int64_t gcount(struct evse_store *s, enum gstmt_id id)
{
	sqlite3_stmt *q = gstmt(s, id);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_reset(q);
	return n;
}

/* ---- the Master's Local Management System: users and their cards ---- */

static void bind_user(sqlite3_stmt *q, const struct evse_lms_user *u)
{
	sqlite3_bind_int64(q, 1, u->id);
	sqlite3_bind_text(q, 2, u->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, u->from_ms);
	sqlite3_bind_int64(q, 4, u->until_ms);
	sqlite3_bind_int(q, 5, u->hours_from);
	sqlite3_bind_int(q, 6, u->hours_to);
	sqlite3_bind_int(q, 7, (int)u->days);
	sqlite3_bind_int(q, 8, u->max_sessions);
	sqlite3_bind_double(q, 9, u->max_kwh);
}

/* A user row of q (LMS_USER_GET / LIST), its cards read with another statement. */
static int user_row(struct evse_store *s, sqlite3_stmt *q, struct evse_lms_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(q, 0);
	evse_store__copy_col(q, 1, u->name, sizeof(u->name));
	u->from_ms = sqlite3_column_int64(q, 2);
	u->until_ms = sqlite3_column_int64(q, 3);
	u->hours_from = sqlite3_column_int(q, 4);
	u->hours_to = sqlite3_column_int(q, 5);
	u->days = (unsigned)sqlite3_column_int(q, 6);
	u->max_sessions = sqlite3_column_int(q, 7);
	u->max_kwh = sqlite3_column_double(q, 8);
	sqlite3_stmt *c = gstmt(s, GST_LMS_CARD_LIST);
	int rc;
	sqlite3_bind_int64(c, 1, u->id);
	while ((rc = sqlite3_step(c)) == SQLITE_ROW && u->n_cards < EVSE_LMS_CARDS_MAX)
		evse_store__copy_col(c, 0, u->cards[u->n_cards++], WL_IDTAG_KEY_MAX);
	sqlite3_reset(c);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int64_t card_owner(struct evse_store *s, const char *card)
{
	char key[WL_IDTAG_KEY_MAX];
	sqlite3_stmt *q = gstmt(s, GST_LMS_CARD_OWNER);
	wl_idtag_key(card, key);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(q);
	return id;
}

int64_t evse_store_lms_user_put(struct evse_store *s, const struct evse_lms_user *u, char *conflict, size_t cap)
{
	int64_t id = u->id;
	struct evse_lms_user old;
	if (!id && gcount(s, GST_LMS_USER_COUNT) >= EVSE_LMS_USERS_MAX)
		return -3;
	if (id) {
		int found = evse_store_lms_user_get(s, id, &old);
		if (found <= 0)
			return found;
	}
	for (int i = 0; i < u->n_cards; i++) {
		int64_t owner = card_owner(s, u->cards[i]);
		if (owner < 0)
			return -1;
		if (owner && owner != id) {
			snprintf(conflict, cap, "%s", u->cards[i]);
			return -2;
		}
	}
	if (evse_store_begin(s) < 0)
		return -1;
	sqlite3_stmt *q = gstmt(s, id ? GST_LMS_USER_SET : GST_LMS_USER_ADD);
	bind_user(q, u);
	if (evse_store__run(s, q) < 0)
		goto fail;
	if (id && sqlite3_changes(evse_store__db(s)) == 0) {
		evse_store_rollback(s);
		return 0;
	}
	if (!id)
		id = sqlite3_last_insert_rowid(evse_store__db(s));
	q = gstmt(s, GST_LMS_CARD_DEL);
	sqlite3_bind_int64(q, 1, id);
	if (evse_store__run(s, q) < 0)
		goto fail;
	for (int i = 0; i < u->n_cards; i++) {
		q = gstmt(s, GST_LMS_CARD_ADD);
		sqlite3_bind_text(q, 1, u->cards[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, id);
		if (evse_store__run(s, q) < 0)
			goto fail;
	}
	return evse_store_commit(s) < 0 ? -1 : id;
fail:
	evse_store_rollback(s);
	return -1;
}

int evse_store_lms_user_del(struct evse_store *s, int64_t id)
{
	if (evse_store_begin(s) < 0)
		return -1;
	sqlite3_stmt *q = gstmt(s, GST_LMS_USER_DEL);
	sqlite3_bind_int64(q, 1, id);
	if (evse_store__run(s, q) < 0)
		goto fail;
	int n = sqlite3_changes(evse_store__db(s));
	q = gstmt(s, GST_LMS_CARD_DEL);
	sqlite3_bind_int64(q, 1, id);
	if (evse_store__run(s, q) < 0)
		goto fail;
	return evse_store_commit(s) < 0 ? -1 : n > 0;
fail:
	evse_store_rollback(s);
	return -1;
}

int evse_store_lms_user_get(struct evse_store *s, int64_t id, struct evse_lms_user *u)
{
	sqlite3_stmt *q = gstmt(s, GST_LMS_USER_GET);
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	int found = rc == SQLITE_ROW;
	if (found && user_row(s, q, u) < 0)
		rc = SQLITE_ERROR;
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int evse_store_lms_user_by_card(struct evse_store *s, const char *card, struct evse_lms_user *u)
{
	int64_t id = card_owner(s, card);
	return id <= 0 ? (int)id : evse_store_lms_user_get(s, id, u);
}

int evse_store_lms_user_each(struct evse_store *s, void (*fn)(void *ctx, const struct evse_lms_user *u), void *ctx)
{
	sqlite3_stmt *q = gstmt(s, GST_LMS_USER_LIST);
	struct evse_lms_user u;
	int n = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (user_row(s, q, &u) < 0)
			break;
		fn(ctx, &u);
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : -1;
}

/* ---- the group's transactions (the Master) ---- */

static int64_t find_no(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	int64_t no = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(q);
	return no;
}

int64_t evse_store_gtx_start(struct evse_store *s, const struct evse_group_tx *t)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_START);
	sqlite3_bind_int(q, 1, t->connector);
	sqlite3_bind_text(q, 2, t->point, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, t->id_tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, t->user_id);
	sqlite3_bind_text(q, 5, t->start, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, t->start_ms);
	sqlite3_bind_double(q, 7, t->meter_start);
	if (evse_store__run(s, q) < 0)
		return -1;
	q = gstmt(s, GST_GTX_FIND_START);
	sqlite3_bind_int(q, 1, t->connector);
	sqlite3_bind_text(q, 2, t->start, -1, SQLITE_STATIC);
	return find_no(q);
}

int64_t evse_store_gtx_find(struct evse_store *s, int64_t tx_id)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_FIND_TX);
	sqlite3_bind_int64(q, 1, tx_id);
	return find_no(q);
}

int evse_store_gtx_set_tx(struct evse_store *s, int64_t no, int64_t tx_id)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_SET_TX);
	sqlite3_bind_int64(q, 1, no);
	sqlite3_bind_int64(q, 2, tx_id);
	return evse_store__run(s, q);
}

int evse_store_gtx_refuse(struct evse_store *s, int64_t no, const char *status)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_REFUSE);
	sqlite3_bind_int64(q, 1, no);
	sqlite3_bind_text(q, 2, status, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_gtx_meter(struct evse_store *s, int64_t no, double meter_wh)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_METER);
	sqlite3_bind_int64(q, 1, no);
	sqlite3_bind_double(q, 2, meter_wh);
	return evse_store__run(s, q);
}

int evse_store_gtx_stop(struct evse_store *s, int64_t no, const char *stop, int64_t stop_ms, double meter_stop,
                        const char *reason)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_STOP);
	sqlite3_bind_int64(q, 1, no);
	sqlite3_bind_text(q, 2, stop, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, stop_ms);
	sqlite3_bind_double(q, 4, meter_stop);
	sqlite3_bind_text(q, 5, reason, -1, SQLITE_STATIC);
	return evse_store__run(s, q);
}

int evse_store_gtx_usage(struct evse_store *s, int64_t user_id, int64_t from_ms, int64_t until_ms, int64_t except_no,
                         struct evse_lms_usage *use)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_USAGE);
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int64(q, 2, except_no);
	sqlite3_bind_int64(q, 3, from_ms);
	sqlite3_bind_int64(q, 4, until_ms);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		use->sessions = sqlite3_column_int(q, 0);
		use->wh = sqlite3_column_double(q, 1);
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

int evse_store_gtx_query(struct evse_store *s, const struct evse_gtx_filter *f,
                         void (*fn)(void *ctx, const struct evse_group_tx *t), void *ctx)
{
	char like[2 * EVSE_LMS_NAME_MAX + 4] = "";
	size_t k = 0;
	if (f->text[0]) {
		like[k++] = '%';
		for (const char *p = f->text; *p && k + 3 < sizeof(like); p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				like[k++] = '\\';
			like[k++] = *p;
		}
		like[k++] = '%';
		like[k] = '\0';
	}
	sqlite3_stmt *q = gstmt(s, GST_GTX_QUERY);
	sqlite3_bind_int(q, 1, f->connector);
	sqlite3_bind_int64(q, 2, f->from_ms);
	sqlite3_bind_int64(q, 3, f->until_ms);
	sqlite3_bind_text(q, 4, like, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 5, f->before);
	sqlite3_bind_int(q, 6, f->limit);
	int n = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct evse_group_tx t;
		t.no = sqlite3_column_int64(q, 0);
		t.connector = sqlite3_column_int(q, 1);
		evse_store__copy_col(q, 2, t.point, sizeof(t.point));
		evse_store__copy_col(q, 3, t.id_tag, sizeof(t.id_tag));
		t.user_id = sqlite3_column_int64(q, 4);
		evse_store__copy_col(q, 5, t.user, sizeof(t.user));
		t.tx_id = sqlite3_column_int64(q, 6);
		evse_store__copy_col(q, 7, t.start, sizeof(t.start));
		t.start_ms = sqlite3_column_int64(q, 8);
		evse_store__copy_col(q, 9, t.stop, sizeof(t.stop));
		t.stop_ms = sqlite3_column_int64(q, 10);
		t.energy_wh = sqlite3_column_double(q, 11);
		evse_store__copy_col(q, 12, t.stop_reason, sizeof(t.stop_reason));
		evse_store__copy_col(q, 13, t.refused, sizeof(t.refused));
		t.meter_start = 0;
		fn(ctx, &t);
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : -1;
}

int evse_store_gtx_consumption(struct evse_store *s, bool by_month, int64_t from_ms, int64_t until_ms,
                               void (*fn)(void *ctx, const char *period, int connector, double wh, int sessions),
                               void *ctx)
{
	sqlite3_stmt *q = gstmt(s, GST_GTX_CONSUMPTION);
	sqlite3_bind_text(q, 1, by_month ? "%Y-%m" : "%Y-%m-%d", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, from_ms);
	sqlite3_bind_int64(q, 3, until_ms);
	int n = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_text(q, 0);
		fn(ctx, p ? (const char *)p : "", sqlite3_column_int(q, 1), sqlite3_column_double(q, 2),
		   sqlite3_column_int(q, 3));
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : -1;
}
