/* csms_db.c — the table modules' shared pieces: error codes, one-off statements, the paged list. */
#include "csms_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_log.h"

const char *csms_db_strerror(int rc)
{
	static const char *const names[] = {
	    [-CSMS_DB_OK] = "ok",
	    [-CSMS_DB_ERROR] = "database error",
	    [-CSMS_DB_MISSING] = "no such row",
	    [-CSMS_DB_EXISTS] = "already exists",
	    [-CSMS_DB_REFUSED] = "refused by a rule of the table",
	};
	if (rc > 0 || -rc >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown error";
	return names[-rc];
}

sqlite3_stmt *csms_db_prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		WL_ERROR("db", "%s: %s", sql, sqlite3_errmsg(db));
		return NULL;
	}
	return s;
}

int csms_db_step_write(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3 *db = sqlite3_db_handle(s);
	int ext = sqlite3_extended_errcode(db);
	if (rc != SQLITE_DONE && ext != SQLITE_CONSTRAINT_UNIQUE && ext != SQLITE_CONSTRAINT_PRIMARYKEY)
		WL_ERROR("db", "%s: %s", sqlite3_sql(s), sqlite3_errmsg(db));
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	return ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY ? CSMS_DB_EXISTS : CSMS_DB_ERROR;
}

int csms_db_exec(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = csms_db_prep(db, sql);
	return s ? csms_db_step_write(s) : CSMS_DB_ERROR;
}

int csms_db_step_int(sqlite3_stmt *s, int64_t *out)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && out)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int csms_db_exists_id(sqlite3 *db, const char *table, int64_t id)
{
	char sql[128];
	if ((size_t)snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id = ?", table) >= sizeof(sql))
		return CSMS_DB_ERROR;
	sqlite3_stmt *s = csms_db_prep(db, sql);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	int rc = csms_db_step_int(s, NULL);
	return rc < 0 ? CSMS_DB_ERROR : rc;
}

int csms_db_get_id(sqlite3 *db, const char *cols, const char *from, const char *id_col, int64_t id, csms_db_row_fn *row,
                   void *ctx)
{
	size_t len = strlen(cols) + strlen(from) + strlen(id_col) + 32;
	char *sql = malloc(len);
	int rc = CSMS_DB_ERROR;
	if (!sql)
		return CSMS_DB_ERROR;
	snprintf(sql, len, "SELECT %s FROM %s WHERE %s = ?", cols, from, id_col);
	sqlite3_stmt *st = csms_db_prep(db, sql);
	free(sql);
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(st, ctx);
	else
		rc = rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
	sqlite3_finalize(st);
	return rc;
}

void csms_db_like(const char *text, bool anywhere, char *out, size_t outlen)
{
	size_t n = 0;
	if (anywhere)
		out[n++] = '%';
	for (const char *p = text; *p && n + 3 < outlen; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n++] = '%';
	out[n] = '\0';
}

int csms_db_bind_text1(sqlite3_stmt *st, const void *text)
{
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	return 0;
}

int csms_db_list(sqlite3 *db, const char *cols, const char *from, const char *tiebreak, const struct csms_db_page *pg,
                 csms_db_bind_fn *bind, const void *args, csms_db_row_fn *row, void *ctx, long long *total)
{
	char *sql;
	sqlite3_stmt *st = NULL;
	int rc = CSMS_DB_ERROR, last, n = 0;
	size_t len = strlen(cols) + strlen(from) + strlen(pg->order) + (tiebreak ? strlen(tiebreak) : 0) + 96;

	*total = 0;
	if (!(sql = malloc(len)))
		return CSMS_DB_ERROR;
	snprintf(sql, len, "SELECT %s, count(*) OVER () FROM %s ORDER BY %s%s%s LIMIT ? OFFSET ?", cols, from,
	         pg->order, tiebreak ? ", " : "", tiebreak ? tiebreak : "");
	if (!(st = csms_db_prep(db, sql)))
		goto out_free;
	last = sqlite3_bind_parameter_count(st);
	if (bind && bind(st, args) < 0)
		goto out_finalize;
	sqlite3_bind_int64(st, last - 1, pg->limit);
	sqlite3_bind_int64(st, last, pg->offset);
	int col = sqlite3_column_count(st) - 1, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		*total = sqlite3_column_int64(st, col);
		if ((rc = row(st, ctx)) < 0)
			goto out_finalize;
	}
	if (step != SQLITE_DONE)
		goto out_db_error;
	sqlite3_finalize(st);
	st = NULL;
	rc = 0;
	if (n == 0 && pg->offset > 0) { /* past the end: count apart */
		snprintf(sql, len, "SELECT count(*) FROM %s", from);
		int64_t count = 0;
		rc = CSMS_DB_ERROR;
		if (!(st = csms_db_prep(db, sql)) || (bind && bind(st, args) < 0))
			goto out_finalize;
		if (csms_db_step_int(st, &count) >= 0) {
			*total = count;
			rc = 0;
		}
		st = NULL;
	}
	goto out_finalize;
out_db_error:
	WL_ERROR("db", "%s: %s", sql, sqlite3_errmsg(db));
	rc = CSMS_DB_ERROR;
out_finalize:
	sqlite3_finalize(st);
out_free:
	free(sql);
	return rc;
}

void csms_db_text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

int64_t csms_db_int(sqlite3_stmt *st, int col, int64_t def)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? def : sqlite3_column_int64(st, col);
}
