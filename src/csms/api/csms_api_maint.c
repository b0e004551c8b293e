/* csms_api_maint.c — Maintenance: back up the database now (online backup on the background worker),
 * list, download, copy to the external folder (--backup-dir) and delete backups; stage a restore for
 * the next start; download the log. Backups themselves are in csms_backup.c. */
#include "csms_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csms_backup.h"
#include "ocpp_text.h"
#include "wl_clock.h"
#include "wl_log.h"

/* A statement outside the store's cache (maintenance writes are rare). */
static sqlite3_stmt *prep(struct csms_store *st, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(csms_store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
		WL_ERROR("maint", "%s: %s", sql, sqlite3_errmsg(csms_store_db(st)));
		return NULL;
	}
	return s;
}

static int step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	return rc;
}

/* The backup named by params[0] and its path; false after answering 400 or 404. */
static bool backup_param(struct csms_http_req *r, char *path, size_t pathlen)
{
	struct stat sb;
	char dir[300];
	if (!csms_backup_name_is_valid(r->params[0])) {
		csms_http_fail(r, CSMS_ERR_BAD_NAME, "name: not a backup name (csms-....db)");
		return false;
	}
	csms_backup_dir(r->app, dir, sizeof(dir));
	snprintf(path, pathlen, "%s/%s", dir, r->params[0]);
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such backup");
		return false;
	}
	return true;
}

static void backup_row(cJSON *o, sqlite3_stmt *st)
{
	csms_api_add_text(o, "name", st, 0);
	csms_api_add_int(o, "size", st, 1);
	csms_api_add_time(o, "created", st, 2);
	csms_api_add_text(o, "kind", st, 3);
	csms_api_add_int(o, "operatorId", st, 4);
	csms_api_add_text(o, "copiedTo", st, 5);
}

/* ---- list ---- */

static void get_backups(struct csms_http_req *r)
{
	static const char *const sorts[] = {"created", "created", "name", "name", "size", "size", "kind", "kind", NULL};
	struct csms_api_page pg;
	char sql[300];
	sqlite3_stmt *st;
	if (csms_api_paging(r, sorts, "-created", &pg) < 0)
		return;
	snprintf(sql, sizeof(sql),
	         "SELECT name, size, created, kind, operator_id, copied_to, count(*) OVER () FROM backup "
	         "ORDER BY %s, name LIMIT ? OFFSET ?",
	         pg.order);
	if (sqlite3_prepare_v2(r->app->rdb, sql, -1, &st, NULL) != SQLITE_OK) {
		csms_api_db_error(r);
		return;
	}
	sqlite3_bind_int64(st, 1, pg.limit);
	sqlite3_bind_int64(st, 2, pg.offset);
	long long total;
	cJSON *items = csms_api_page_rows(st, backup_row, &total);
	if (total == 0 && pg.offset > 0)
		total = csms_api_count(r->app->rdb, "SELECT count(*) FROM backup");
	cJSON *reply = csms_api_list_reply(items, total, &pg);
	/* the external drive (--backup-dir), null when none: the page says so before Save is tried */
	if (r->app->cfg.backup_dir[0])
		cJSON_AddStringToObject(reply, "backupDir", r->app->cfg.backup_dir);
	else
		cJSON_AddNullToObject(reply, "backupDir");
	csms_http_respond_json(r, 200, reply);
}

/* ---- back up now ---- */

struct make_job {
	struct csms_api_bg base;
	char dir[300];
	char name[CSMS_BACKUP_NAME_MAX];
	int64_t size, now, operator_id;
	char err[300];
};

static int exec_make(struct csms_bg_job *bg, sqlite3 *db)
{
	struct make_job *j = (struct make_job *)bg;
	return csms_backup_make(db, j->dir, j->name, &j->size, j->err, sizeof(j->err));
}

static int exec_record(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = prep(st, "INSERT INTO backup (name, size, created, kind, operator_id) "
	                           "VALUES (?, ?, ?, 'manual', ?) ON CONFLICT (name) DO NOTHING");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, j->num[0]);
	sqlite3_bind_int64(s, 3, j->num[1]);
	if (j->num[2] > 0)
		sqlite3_bind_int64(s, 4, j->num[2]);
	return step_done(s);
}

static void done_make(struct csms_bg_job *bg)
{
	struct make_job *m = (struct make_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&m->base);
	if (bg->rc < 0)
		WL_ERROR("maint", "backup failed: %s", m->err);
	else
		WL_INFO("maint", "backup %s made (%lld bytes)%s%s", m->name, (long long)m->size, r ? " by " : "",
		        r ? r->who.username : "");
	if (!r) {
		free(m);
		return;
	}
	if (bg->rc < 0) {
		csms_http_fail(r, CSMS_ERR_BACKUP_FAILED, "%s", m->err);
		free(m);
		return;
	}
	char t[40];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddNumberToObject(o, "size", (double)m->size);
	ocpp_time_format(m->now, t, sizeof(t));
	cJSON_AddStringToObject(o, "created", t);
	cJSON_AddStringToObject(o, "kind", "manual");
	if (m->operator_id > 0)
		cJSON_AddNumberToObject(o, "operatorId", (double)m->operator_id);
	else
		cJSON_AddNullToObject(o, "operatorId");
	cJSON_AddNullToObject(o, "copiedTo");
	struct csms_api_job *j = csms_api_job(r, exec_record, 201, o);
	if (j) {
		snprintf(j->text[0], sizeof(j->text[0]), "%s", m->name);
		j->num[0] = m->size;
		j->num[1] = m->now;
		j->num[2] = m->operator_id;
		csms_store_submit(r->app->store, &j->job);
	}
	free(m);
}

static void post_backup(struct csms_http_req *r)
{
	struct make_job *m = calloc(1, sizeof(*m));
	if (!m) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	m->now = (int64_t)wl_wall_ms();
	m->operator_id = r->who.operator_id;
	csms_backup_dir(r->app, m->dir, sizeof(m->dir));
	csms_backup_name_for((time_t)(m->now / 1000), "", m->name);
	csms_api_bg_submit(r, &m->base, exec_make, done_make);
}

/* ---- download ---- */

static void get_backup(struct csms_http_req *r)
{
	char path[600];
	if (!backup_param(r, path, sizeof(path)))
		return;
	snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s\"", r->params[0]);
	csms_http_serve_file(r, path, "application/vnd.sqlite3");
}

/* ---- copy to the external folder ---- */

struct copy_job {
	struct csms_api_bg base;
	char from[600], to[600], err[300];
};

static int exec_copy(struct csms_bg_job *bg, sqlite3 *db)
{
	struct copy_job *j = (struct copy_job *)bg;
	(void)db;
	return csms_backup_copy_file(j->from, j->to, j->err, sizeof(j->err));
}

static int exec_copied(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = prep(st, "UPDATE backup SET copied_to = ? WHERE name = ?");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, (const char *)j->data, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, j->text[0], -1, SQLITE_STATIC);
	return step_done(s);
}

static void done_copy(struct csms_bg_job *bg)
{
	struct copy_job *c = (struct copy_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&c->base);
	if (!r) {
		free(c);
		return;
	}
	if (bg->rc < 0) {
		WL_ERROR("maint", "backup %s not copied: %s", r->params[0], c->err);
		csms_http_fail(r, CSMS_ERR_COPY_FAILED, "%s", c->err);
		free(c);
		return;
	}
	WL_INFO("maint", "backup %s copied to %s by %s", r->params[0], c->to, r->who.username);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", r->params[0]);
	cJSON_AddStringToObject(o, "copiedTo", c->to);
	struct csms_api_job *j = csms_api_job(r, exec_copied, 200, o);
	if (j) {
		snprintf(j->text[0], sizeof(j->text[0]), "%s", r->params[0]);
		j->data = strdup(c->to);
		csms_store_submit(r->app->store, &j->job);
	}
	free(c);
}

static void post_copy(struct csms_http_req *r)
{
	char path[600];
	if (!r->app->cfg.backup_dir[0]) {
		csms_http_fail(r, CSMS_ERR_NO_BACKUP_DIR, "no external backup folder is configured (--backup-dir)");
		return;
	}
	if (!backup_param(r, path, sizeof(path)))
		return;
	struct copy_job *c = calloc(1, sizeof(*c));
	if (!c) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	snprintf(c->from, sizeof(c->from), "%s", path);
	snprintf(c->to, sizeof(c->to), "%s/%s", r->app->cfg.backup_dir, r->params[0]);
	csms_api_bg_submit(r, &c->base, exec_copy, done_copy);
}

/* ---- delete ---- */

static int exec_forget(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = prep(st, "DELETE FROM backup WHERE name = ?");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	return step_done(s);
}

static void after_forget(struct csms_api_job *j)
{
	if (unlink(j->text[1]) < 0 && errno != ENOENT)
		WL_WARN("maint", "cannot remove %s: %s", j->text[1], strerror(errno));
}

static void delete_backup(struct csms_http_req *r)
{
	char path[600];
	if (!backup_param(r, path, sizeof(path)))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", r->params[0]);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct csms_api_job *j = csms_api_job(r, exec_forget, 200, o);
	if (!j)
		return;
	snprintf(j->text[0], sizeof(j->text[0]), "%s", r->params[0]);
	snprintf(j->text[1], sizeof(j->text[1]), "%.255s", path);
	j->after = after_forget;
	WL_INFO("maint", "backup %s deleted by %s", r->params[0], r->who.username);
	csms_store_submit(r->app->store, &j->job);
}

/* ---- restore (staged for the next start) ---- */

struct stage_job {
	struct csms_api_bg base;
	char data_dir[256], path[600], err[400];
};

static int exec_stage(struct csms_bg_job *bg, sqlite3 *db)
{
	struct stage_job *j = (struct stage_job *)bg;
	(void)db;
	return csms_backup_stage_restore(j->data_dir, j->path, j->err, sizeof(j->err));
}

static void done_stage(struct csms_bg_job *bg)
{
	struct stage_job *s = (struct stage_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&s->base);
	if (bg->rc < 0)
		WL_ERROR("maint", "restore not staged: %s", s->err);
	if (r && bg->rc < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_BACKUP, "%s", s->err);
	} else if (r) {
		WL_WARN("maint", "restore of %s staged by %s: it replaces the database at the next start", r->params[0],
		        r->who.username);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "backup", r->params[0]);
		cJSON_AddBoolToObject(o, "restartRequired", true);
		cJSON_AddStringToObject(o, "message",
		                        "restart the csms: the backup replaces the database at start; "
		                        "the current one is kept as a backup");
		csms_http_respond_json(r, 202, o);
	}
	free(s);
}

static void post_restore(struct csms_http_req *r)
{
	char path[600];
	if (!backup_param(r, path, sizeof(path)))
		return;
	struct stage_job *s = calloc(1, sizeof(*s));
	if (!s) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	snprintf(s->data_dir, sizeof(s->data_dir), "%s", r->app->cfg.data_dir);
	snprintf(s->path, sizeof(s->path), "%s", path);
	csms_api_bg_submit(r, &s->base, exec_stage, done_stage);
}

/* ---- the log ---- */

static void get_logs(struct csms_http_req *r)
{
	char path[300];
	if (r->app->cfg.log_file[0])
		snprintf(path, sizeof(path), "%s", r->app->cfg.log_file);
	else
		snprintf(path, sizeof(path), "%s/csms.log", r->app->cfg.data_dir);
	snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"csms.log\"");
	csms_http_serve_file(r, path, "text/plain; charset=utf-8");
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/maintenance/backups", CSMS_ROLES_ALL, 0, get_backups, "Backups (paged, sortable)"},
    {CSMS_HTTP_POST, "api/v1/maintenance/backups", CSMS_ROLES_ALL, 0, post_backup,
     "Back up the database now (SQLite online backup, integrity-checked)"},
    {CSMS_HTTP_GET, "api/v1/maintenance/backups/{name}", CSMS_ROLES_ALL, 0, get_backup, "Download a backup"},
    {CSMS_HTTP_DELETE, "api/v1/maintenance/backups/{name}", CSMS_ROLE_ADMIN, 0, delete_backup, "Delete a backup"},
    {CSMS_HTTP_POST, "api/v1/maintenance/backups/{name}/copy", CSMS_ROLES_ALL, 0, post_copy,
     "Copy a backup to the external folder (--backup-dir)"},
    {CSMS_HTTP_POST, "api/v1/maintenance/backups/{name}/restore", CSMS_ROLE_ADMIN, 0, post_restore,
     "Restore a backup: verified and staged, swapped in at the next start"},
    {CSMS_HTTP_GET, "api/v1/maintenance/logs", CSMS_ROLES_ALL, 0, get_logs, "Download the csms log"},
};
CSMS_ROUTE_TABLE(csms_routes_maint, "maintenance", routes);
