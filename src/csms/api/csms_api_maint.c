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
#include "csms_backup_db.h"
#include "ocpp_text.h"
#include "wl_clock.h"
#include "wl_log.h"

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

static int add_backup(const struct csms_backup_row *b, void *items)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", b->name);
	cJSON_AddNumberToObject(o, "size", (double)b->size);
	csms_api_add_ms(o, "created", b->created);
	cJSON_AddStringToObject(o, "kind", b->kind);
	if (b->operator_id)
		cJSON_AddNumberToObject(o, "operatorId", (double)b->operator_id);
	else
		cJSON_AddNullToObject(o, "operatorId");
	if (b->copied_to)
		cJSON_AddStringToObject(o, "copiedTo", b->copied_to);
	else
		cJSON_AddNullToObject(o, "copiedTo");
	cJSON_AddItemToArray(items, o);
	return 0;
}

/* ---- list ---- */

static void get_backups(struct csms_http_req *r)
{
	struct csms_api_page pg;
	long long total;
	if (csms_api_paging(r, csms_backup_db_sorts, "-created", &pg) < 0)
		return;
	struct csms_db_page dp = {pg.limit, pg.offset, pg.order};
	cJSON *items = cJSON_CreateArray();
	if (csms_backup_db_list(r->app->rdb, &dp, add_backup, items, &total) < 0) {
		cJSON_Delete(items);
		csms_api_db_error(r);
		return;
	}
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

/* A backup's row: recorded (size, created, operator_id), copied (to) or forgotten (path removed after). */
struct backup_job {
	struct csms_api_job base;
	char name[128]; /* as params[0]: a valid backup name */
	int64_t size, created, operator_id;
	char to[600], path[600];
};

static int exec_record(struct csms_store *st, struct csms_job *job)
{
	struct backup_job *j = (struct backup_job *)job;
	return csms_api_db_rc(
	    csms_backup_db_add(csms_store_db(st), j->name, j->size, j->created, "manual", j->operator_id, NULL));
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
	struct backup_job *j = csms_api_job_sized(r, sizeof(*j), exec_record, 201, o);
	if (j) {
		snprintf(j->name, sizeof(j->name), "%s", m->name);
		j->size = m->size;
		j->created = m->now;
		j->operator_id = m->operator_id;
		csms_store_submit(r->app->store, &j->base.job);
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
	struct backup_job *j = (struct backup_job *)job;
	return csms_api_db_rc(csms_backup_db_copied(csms_store_db(st), j->name, j->to));
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
	struct backup_job *j = csms_api_job_sized(r, sizeof(*j), exec_copied, 200, o);
	if (j) {
		snprintf(j->name, sizeof(j->name), "%s", r->params[0]);
		snprintf(j->to, sizeof(j->to), "%s", c->to);
		csms_store_submit(r->app->store, &j->base.job);
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
	struct backup_job *j = (struct backup_job *)job;
	return csms_api_db_rc(csms_backup_db_forget(csms_store_db(st), j->name));
}

static void after_forget(struct csms_api_job *job)
{
	struct backup_job *j = (struct backup_job *)job;
	if (unlink(j->path) < 0 && errno != ENOENT)
		WL_WARN("maint", "cannot remove %s: %s", j->path, strerror(errno));
}

static void delete_backup(struct csms_http_req *r)
{
	char path[600];
	if (!backup_param(r, path, sizeof(path)))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", r->params[0]);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct backup_job *j = csms_api_job_sized(r, sizeof(*j), exec_forget, 200, o);
	if (!j)
		return;
	snprintf(j->name, sizeof(j->name), "%s", r->params[0]);
	snprintf(j->path, sizeof(j->path), "%s", path);
	j->base.after = after_forget;
	WL_INFO("maint", "backup %s deleted by %s", r->params[0], r->who.username);
	csms_store_submit(r->app->store, &j->base.job);
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
