/* csms_backup.c — backups with SQLite's online backup API, the daily schedule and its retention, copies
 * to an external folder, and the two steps of a restore (stage a verified file; swap it in at start). */
#include "csms_backup.h"

#include <dirent.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csms.h"
#include "csms_backup_db.h"
#include "csms_bg.h"
#include "csms_schema.h"
#include "csms_store.h"
#include "wl_clock.h"
#include "wl_log.h"

#define DAY_MS (24LL * 3600 * 1000)

/* ---- names and the schedule (pure) ---- */

bool csms_backup_name_is_valid(const char *name)
{
	size_t n = strlen(name);
	if (n < 9 || n >= CSMS_BACKUP_NAME_MAX || strncmp(name, "csms-", 5) != 0 || strcmp(name + n - 3, ".db") != 0)
		return false;
	for (size_t i = 5; i < n - 3; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

void csms_backup_name_for(time_t t, const char *prefix, char out[CSMS_BACKUP_NAME_MAX])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, CSMS_BACKUP_NAME_MAX, "csms-%.40s%04d%02d%02d-%02d%02d%02d.db", prefix, tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int csms_backup_local_day(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

bool csms_backup_daily_due(int backup_hour, int64_t now_ms, int last_daily_day)
{
	if (backup_hour < 0)
		return false;
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_hour >= backup_hour && csms_backup_local_day(now_ms) != last_daily_day;
}

/* ---- files ---- */

static int fsync_path(const char *path, bool dir)
{
	int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static void parent_of(const char *path, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", path);
	char *slash = strrchr(out, '/');
	if (slash && slash != out)
		*slash = '\0';
	else
		snprintf(out, outlen, "%s", slash ? "/" : ".");
}

/* One row of a single-value PRAGMA as text into out. */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *st;
	int rc = -1;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(out, outlen, "%s", t ? (const char *)t : "");
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int csms_backup_verify(const char *path, int max_version, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	char v[200];
	int rc = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (pragma_text(db, "PRAGMA integrity_check", v, sizeof(v)) < 0 || strcmp(v, "ok") != 0) {
		snprintf(err, errlen, "%s fails the integrity check: %s", path, v[0] ? v : sqlite3_errmsg(db));
		goto out;
	}
	if (pragma_text(db, "PRAGMA user_version", v, sizeof(v)) < 0) {
		snprintf(err, errlen, "%s: cannot read its schema version", path);
		goto out;
	}
	long version = strtol(v, NULL, 10);
	if (version < 1 || version > max_version) {
		snprintf(err, errlen, "%s has schema version %ld, this csms reads 1..%d", path, version, max_version);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

int csms_backup_copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	char tmp[600], dir[600], buf[65536];
	int in = -1, out = -1, rc = -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	if ((in = open(from, O_RDONLY)) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", from, strerror(errno));
		goto out;
	}
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read %s: %s", from, strerror(errno));
			goto out_unlink;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
				goto out_unlink;
			}
			off += w;
		}
	}
	if (fsync(out) < 0 || close(out) < 0) {
		out = -1;
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	out = -1;
	if (rename(tmp, to) < 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, to, strerror(errno));
		goto out_unlink;
	}
	parent_of(to, dir, sizeof(dir));
	fsync_path(dir, true);
	rc = 0;
	goto out;
out_unlink:
	unlink(tmp);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Links tmp as dir/name, adding -1, -2... to the name while it exists. */
static int link_unique(const char *tmp, const char *dir, char name[CSMS_BACKUP_NAME_MAX], char *err, size_t errlen)
{
	char base[CSMS_BACKUP_NAME_MAX], path[600];
	snprintf(base, sizeof(base), "%.*s", (int)(strlen(name) - 3), name);
	for (int i = 0; i < 100; i++) {
		if (i)
			snprintf(name, CSMS_BACKUP_NAME_MAX, "%.80s-%d.db", base, i);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (link(tmp, path) == 0)
			return 0;
		if (errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
			return -1;
		}
	}
	snprintf(err, errlen, "too many backups named %s", base);
	return -1;
}

int csms_backup_make(sqlite3 *db, const char *dir, char name[CSMS_BACKUP_NAME_MAX], int64_t *size, char *err,
                     size_t errlen)
{
	char tmp[600], path[600], v[200];
	sqlite3 *dest = NULL;
	sqlite3_backup *b;
	int rc = -1;

	if (!db) {
		snprintf(err, errlen, "no database connection");
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, dest ? sqlite3_errmsg(dest) : "out of memory");
		goto out;
	}
	if (!(b = sqlite3_backup_init(dest, "main", db, "main"))) {
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dest));
		goto out;
	}
	int step;
	while ((step = sqlite3_backup_step(b, 1024)) == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED)
		if (step != SQLITE_OK)
			sqlite3_sleep(20);
	sqlite3_backup_finish(b);
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "backup: %s", sqlite3_errstr(step));
		goto out;
	}
	/* a file of its own: no WAL beside it */
	if (pragma_text(dest, "PRAGMA journal_mode=DELETE", v, sizeof(v)) < 0 ||
	    pragma_text(dest, "PRAGMA integrity_check", v, sizeof(v)) < 0 || strcmp(v, "ok") != 0) {
		snprintf(err, errlen, "the copy fails the integrity check: %s", v[0] ? v : sqlite3_errmsg(dest));
		goto out;
	}
	sqlite3_close(dest);
	dest = NULL;
	struct stat sb;
	if (fsync_path(tmp, false) < 0 || stat(tmp, &sb) < 0) {
		snprintf(err, errlen, "cannot sync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (link_unique(tmp, dir, name, err, errlen) < 0)
		goto out;
	fsync_path(dir, true);
	*size = (int64_t)sb.st_size;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = 0;
out:
	sqlite3_close(dest);
	unlink(tmp);
	return rc;
}

/* ---- restore ---- */

int csms_backup_stage_restore(const char *data_dir, const char *file, char *err, size_t errlen)
{
	char to[600];
	if (csms_backup_verify(file, csms_schema_latest(), err, errlen) < 0)
		return -1;
	snprintf(to, sizeof(to), "%s/restore.db", data_dir);
	return csms_backup_copy_file(file, to, err, errlen);
}

int csms_backup_apply_restore(const char *data_dir, char *err, size_t errlen)
{
	char staged[600], db_path[600], side[620], dir[600], name[CSMS_BACKUP_NAME_MAX];
	struct stat sb;
	snprintf(staged, sizeof(staged), "%s/restore.db", data_dir);
	if (stat(staged, &sb) < 0)
		return 0; /* nothing staged */
	if (csms_backup_verify(staged, csms_schema_latest(), err, errlen) < 0) {
		char bad[620];
		snprintf(bad, sizeof(bad), "%s.invalid", staged);
		rename(staged, bad);
		WL_ERROR("backup", "the staged restore is not used (kept as %s): %s", bad, err);
		return 0;
	}
	snprintf(db_path, sizeof(db_path), "%s/csms.db", data_dir);
	snprintf(dir, sizeof(dir), "%s/backups", data_dir);
	if (stat(db_path, &sb) == 0) {
		/* fold the WAL into the database, so that the file kept is whole and no WAL is left for the new
		 * one (SQLite would replay a stray WAL into whatever database has this name) */
		sqlite3 *db = NULL;
		int frames = 0, copied = 0;
		if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
		    /* a first read opens the WAL (and recovers it): a checkpoint before it would see no WAL */
		    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied) != SQLITE_OK ||
		    frames != copied) {
			snprintf(err, errlen, "cannot checkpoint %s: %s", db_path,
			         db ? sqlite3_errmsg(db) : "no memory");
			sqlite3_close(db);
			return -1;
		}
		if (sqlite3_close(db) != SQLITE_OK) {
			snprintf(err, errlen, "cannot close %s", db_path);
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			snprintf(side, sizeof(side), "%s%s", db_path, i ? "-shm" : "-wal");
			if (unlink(side) < 0 && errno != ENOENT) {
				snprintf(err, errlen, "cannot remove %s: %s", side, strerror(errno));
				return -1;
			}
		}
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
		csms_backup_name_for(time(NULL), "before-restore-", name);
		if (link_unique(db_path, dir, name, err, errlen) < 0)
			return -1;
		fsync_path(dir, true);
	}
	if (rename(staged, db_path) < 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", staged, db_path, strerror(errno));
		return -1;
	}
	fsync_path(data_dir, true);
	WL_INFO("backup", "database restored from the staged backup; the replaced one is kept as backups/%s",
	        stat(dir, &sb) == 0 ? name : "(none)");
	return 0;
}

int csms_backup_lock_data(const char *data_dir)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/csms.lock", data_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int busy = errno == EWOULDBLOCK;
		close(fd);
		return busy ? 1 : -1;
	}
	return 0; /* fd stays open: the lock lasts as long as the process */
}

/* ---- the running csms: table in step with the folder, the daily schedule, retention ---- */

static struct {
	struct csms *app;
	ev_timer timer;
	bool started, running;
	int last_daily_day;
} sched;

void csms_backup_dir(const struct csms *app, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/backups", app->cfg.data_dir);
}

/* The store job of a scheduled backup or of the folder scan: rows to add and names to forget. */
struct table_job {
	struct csms_job job;
	size_t n_add, n_del;
	struct {
		char name[CSMS_BACKUP_NAME_MAX];
		int64_t size, created;
		char kind[16];
		char copied_to[600];
	} add[64];
	char del[64][CSMS_BACKUP_NAME_MAX];
};

static int exec_table(struct csms_store *st, struct csms_job *job)
{
	struct table_job *j = (struct table_job *)job;
	sqlite3 *db = csms_store_db(st);
	for (size_t i = 0; i < j->n_add; i++)
		if (csms_backup_db_add(db, j->add[i].name, j->add[i].size, j->add[i].created, j->add[i].kind, 0,
		                       j->add[i].copied_to[0] ? j->add[i].copied_to : NULL) < 0)
			return -1;
	for (size_t i = 0; i < j->n_del; i++)
		if (csms_backup_db_forget(db, j->del[i]) < 0)
			return -1;
	return 0;
}

/* A row whose file is gone: to forget. */
struct gone_ctx {
	struct table_job *j;
	const char *dir;
};

static int forget_if_gone(const char *name, void *ctx)
{
	struct gone_ctx *g = ctx;
	char path[600];
	struct stat sb;
	if (g->j->n_del >= 64)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", g->dir, name);
	if (stat(path, &sb) < 0)
		snprintf(g->j->del[g->j->n_del++], CSMS_BACKUP_NAME_MAX, "%s", name);
	return 0;
}

/* At start: a row for every backup file without one (e.g. after a restore), none for files gone. */
static void sync_table(struct csms *app)
{
	char dir[300], path[600];
	struct table_job *j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->job.exec = exec_table;
	csms_backup_dir(app, dir, sizeof(dir));
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d)) && j->n_add < 64;) {
		struct stat sb;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!csms_backup_name_is_valid(e->d_name) || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
			continue;
		snprintf(j->add[j->n_add].name, CSMS_BACKUP_NAME_MAX, "%.*s", CSMS_BACKUP_NAME_MAX - 1, e->d_name);
		j->add[j->n_add].size = (int64_t)sb.st_size;
		j->add[j->n_add].created = (int64_t)sb.st_mtime * 1000;
		snprintf(j->add[j->n_add].kind, 16, "%s", strstr(e->d_name, "before-restore") ? "restore" : "manual");
		j->n_add++;
	}
	if (d)
		closedir(d);
	struct gone_ctx g = {j, dir};
	csms_backup_db_names(app->rdb, forget_if_gone, &g);
	csms_store_submit(app->store, &j->job);
}

struct daily_job {
	struct csms_bg_job bg;
	struct csms *app;
	char dir[300], external[256];
	int keep;
	int64_t now;
	struct table_job *table;
	char err[300];
};

/* An old daily backup: its file removed, its row to forget. */
static int remove_old(const char *old, void *ctx)
{
	struct daily_job *j = ctx;
	struct table_job *t = j->table;
	char path[600];
	if (t->n_del >= 64)
		return -1;
	if (!csms_backup_name_is_valid(old))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", j->dir, old);
	if (unlink(path) < 0 && errno != ENOENT)
		return 0;
	snprintf(t->del[t->n_del++], CSMS_BACKUP_NAME_MAX, "%s", old);
	return 0;
}

static int exec_daily(struct csms_bg_job *bg, sqlite3 *db)
{
	struct daily_job *j = (struct daily_job *)bg;
	struct table_job *t = j->table;
	char name[CSMS_BACKUP_NAME_MAX], path[600], to[600];
	int64_t size;
	csms_backup_name_for((time_t)(j->now / 1000), "", name);
	if (csms_backup_make(db, j->dir, name, &size, j->err, sizeof(j->err)) < 0)
		return -1;
	snprintf(t->add[0].name, CSMS_BACKUP_NAME_MAX, "%s", name);
	t->add[0].size = size;
	t->add[0].created = j->now;
	snprintf(t->add[0].kind, 16, "daily");
	t->n_add = 1;
	if (j->external[0]) {
		char cerr[300];
		snprintf(path, sizeof(path), "%s/%s", j->dir, name);
		snprintf(to, sizeof(to), "%s/%s", j->external, name);
		if (csms_backup_copy_file(path, to, cerr, sizeof(cerr)) == 0)
			snprintf(t->add[0].copied_to, sizeof(t->add[0].copied_to), "%s", to);
		else
			WL_WARN("backup", "daily backup %s not copied to %s: %s", name, j->external, cerr);
	}
	/* retention: daily backups older than --backup-keep days (manual ones stay until deleted) */
	csms_backup_db_daily_before(db, j->now - (int64_t)j->keep * DAY_MS, remove_old, j);
	return 0;
}

static void done_daily(struct csms_bg_job *bg)
{
	struct daily_job *j = (struct daily_job *)bg;
	sched.running = false;
	if (bg->rc < 0) {
		WL_ERROR("backup", "daily backup failed: %s", j->err);
		free(j->table);
	} else {
		WL_INFO("backup", "daily backup %s (%lld bytes)%s; %zu old daily backups removed",
		        j->table->add[0].name, (long long)j->table->add[0].size,
		        j->table->add[0].copied_to[0] ? ", copied" : "", j->table->n_del);
		sched.last_daily_day = csms_backup_local_day(j->now);
		csms_store_submit(j->app->store, &j->table->job);
	}
	free(j);
}

static void on_check(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct csms *app = sched.app;
	int64_t now = (int64_t)wl_wall_ms();
	(void)loop;
	(void)w;
	(void)revents;
	if (sched.running || app->stopping || !csms_backup_daily_due(app->cfg.backup_hour, now, sched.last_daily_day))
		return;
	struct daily_job *j = calloc(1, sizeof(*j));
	if (!j || !(j->table = calloc(1, sizeof(*j->table)))) {
		free(j);
		return;
	}
	j->table->job.exec = exec_table;
	j->app = app;
	j->now = now;
	j->keep = app->cfg.backup_keep;
	csms_backup_dir(app, j->dir, sizeof(j->dir));
	snprintf(j->external, sizeof(j->external), "%s", app->cfg.backup_dir);
	j->bg.exec = exec_daily;
	j->bg.done = done_daily;
	sched.running = true;
	csms_bg_submit(app->bg, &j->bg);
}

int csms_backup_start(struct csms *app)
{
	int64_t last;
	memset(&sched, 0, sizeof(sched));
	sched.app = app;
	if (csms_backup_db_last_daily(app->rdb, &last) == 0)
		sched.last_daily_day = csms_backup_local_day(last);
	sync_table(app);
	ev_timer_init(&sched.timer, on_check, app->cfg.backup_check, app->cfg.backup_check);
	ev_timer_start(app->loop, &sched.timer);
	sched.started = true;
	return 0;
}

void csms_backup_stop(struct csms *app)
{
	if (sched.started)
		ev_timer_stop(app->loop, &sched.timer);
	sched.started = false;
}
