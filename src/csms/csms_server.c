/* csms_server.c — process setup, the event loop and its timers, shutdown. */
#include "csms_server.h"

#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csms.h"
#include "csms_backup.h"
#include "csms_bg.h"
#include "csms_conn.h"
#include "csms_http_entry.h"
#include "csms_journal.h"
#include "csms_live.h"
#include "csms_msglog.h"
#include "csms_operator.h"
#include "csms_station_db.h"
#include "csms_sync.h"
#include "wl_clock.h"
#include "wl_listen.h"
#include "wl_log.h"

#define HEARTBEAT_FLUSH_S 10
#define PRUNE_EVERY_S     3600

int csms_admin_token(const struct csms_config *cfg, char out[65], int create)
{
	char path[300];
	if (cfg->admin_token_file[0])
		snprintf(path, sizeof(path), "%s", cfg->admin_token_file);
	else
		snprintf(path, sizeof(path), "%s/admin.token", cfg->data_dir);
	FILE *f = fopen(path, "r");
	if (f) {
		int ok = fgets(out, 65, f) != NULL;
		fclose(f);
		out[strcspn(out, "\r\n")] = '\0';
		if (ok && strlen(out) >= 32)
			return 0;
		WL_ERROR("csms", "%s does not hold a token", path);
		return -1;
	}
	if (!create) {
		WL_ERROR("csms", "cannot read the admin token %s: %s (is --data right?)", path, strerror(errno));
		return -1;
	}
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, 65, raw, sizeof(raw));
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		WL_ERROR("csms", "cannot create the admin token %s: %s", path, strerror(errno));
		return -1;
	}
	ssize_t n = write(fd, out, 64);
	ssize_t m = write(fd, "\n", 1);
	close(fd);
	return n == 64 && m == 1 ? 0 : -1;
}

static void on_store_wake(struct ev_loop *loop, ev_async *w, int revents)
{
	struct csms *app = w->data;
	(void)loop;
	(void)revents;
	csms_store_finish(app->store);
}

static ev_async store_wake, bg_wake, msglog_wake;

static void on_msglog_wake(struct ev_loop *loop, ev_async *w, int revents)
{
	struct csms *app = w->data;
	(void)loop;
	(void)revents;
	csms_msglog_finish(app->msglog);
}

static void notify_msglog(void *ctx)
{
	(void)ctx;
	ev_async_send(ev_default_loop(0), &msglog_wake);
}

static void notify_store(void *ctx)
{
	(void)ctx;
	ev_async_send(ev_default_loop(0), &store_wake);
}

static void on_bg_wake(struct ev_loop *loop, ev_async *w, int revents)
{
	struct csms *app = w->data;
	(void)loop;
	(void)revents;
	csms_bg_finish(app->bg);
}

static void notify_bg(void *ctx)
{
	(void)ctx;
	ev_async_send(ev_default_loop(0), &bg_wake);
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct csms *app = w->data;
	static unsigned ticks;
	(void)loop;
	(void)revents;
	ticks++;
	csms_conn_tick_all(app, wl_mono_ms());
	if (ticks % HEARTBEAT_FLUSH_S == 0)
		csms_station_db_flush_heartbeats(app);
	if (ticks % PRUNE_EVERY_S == 1)
		csms_journal_prune(app);
	csms_sync_tick(app);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct csms *app = w->data;
	(void)revents;
	WL_INFO("csms", "signal %d: shutting down", w->signum);
	app->stopping = true;
	ev_break(loop, EVBREAK_ALL);
}

/* The store's station rows, once committed, go to the live streams (the station layer listens). */
static void on_station_change(struct csms *app, const struct csms_station *s, const char *what)
{
	csms_live_publish_station(app->live, s, what);
}

/* Each OCPP connection holds an lws receive buffer of this size for its whole life (half of an idle station's
 * memory at 4096). A longer message comes in pieces that csms_conn gathers up to --max-frame. 2048 keeps a
 * three-phase MeterValues in one piece. */
#define RX_BUFFER 2048

static const struct lws_protocols protocols[] = {
    {"http", csms_http_entry_callback, 0, 0, 0, NULL, 0}, /* size set at run time */
    {"ocpp1.6", csms_conn_callback, sizeof(struct csms_conn), RX_BUFFER, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Before the store opens: the log file sink (--log-file, 10 MiB x 3) and a restore staged by the API or
 * by `csms restore` is swapped in. */
static int maintenance_start(const struct csms_config *cfg)
{
	char path[300], err[400];
	if (mkdir(cfg->data_dir, 0700) < 0 && errno != EEXIST) {
		WL_ERROR("csms", "cannot create data folder %s: %s", cfg->data_dir, strerror(errno));
		return -1;
	}
	int locked = csms_backup_lock_data(cfg->data_dir);
	if (locked != 0) {
		WL_ERROR("csms", "%s: %s", cfg->data_dir,
		         locked > 0 ? "another csms runs on this data folder" : "cannot lock the data folder");
		return -1;
	}
	if (cfg->log_file[0])
		snprintf(path, sizeof(path), "%s", cfg->log_file);
	else
		snprintf(path, sizeof(path), "%s/csms.log", cfg->data_dir);
	if (wl_log_open_file(path, 10L << 20, 3) < 0)
		WL_WARN("csms", "cannot write the log file %s: %s (logging to stderr only)", path, strerror(errno));
	if (csms_backup_apply_restore(cfg->data_dir, err, sizeof(err)) < 0) {
		WL_ERROR("backup", "restore: %s", err);
		return -1;
	}
	return 0;
}

static void lws_log_bridge(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	wl_log(level == LLL_ERR ? WL_LOG_ERROR : WL_LOG_WARN, "lws", "%.*s", (int)n, line);
}

int csms_server_run(const struct csms_config *cfg)
{
	struct csms app;
	struct lws_protocols protos[3];
	struct lws_context_creation_info info;
	struct wl_listen where;
	char path[300], err[200], wname[80];
	int rc = 1;

	memset(&app, 0, sizeof(app));
	app.cfg = *cfg;
	wl_log_set_level((enum wl_log_level)cfg->log_level);
	lws_set_log_level(LLL_ERR | (cfg->log_level >= WL_LOG_DEBUG ? LLL_WARN : 0), lws_log_bridge);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	if (csms_auth_init() < 0) {
		WL_ERROR("csms", "libsodium cannot start");
		return 1;
	}
	/* --listen: exactly that address (or that interface's), refused when it cannot be bound */
	if (wl_listen_resolve(cfg->listen, &where, err, sizeof(err)) < 0 ||
	    wl_listen_try(&where, cfg->port, err, sizeof(err)) < 0) {
		WL_ERROR("csms", "--listen %s: %s", cfg->listen[0] ? cfg->listen : "(every address)", err);
		return 1;
	}
	/* the message log first: it takes the frames of an older csms.db before that one's migration drops them */
	if (maintenance_start(cfg) < 0 ||
	    csms_msglog_open(&app.msglog, cfg->data_dir, (int64_t)cfg->message_log_max_mb * 1024 * 1024) < 0)
		return 1;
	if (csms_store_open(&app.store, cfg->data_dir) < 0) {
		csms_msglog_close(app.msglog);
		return 1;
	}
	if (csms_admin_token(cfg, app.admin_token, 1) < 0)
		goto out_store;
	if (!(app.reg = csms_registry_new()) || !(app.throttle = csms_throttle_new((unsigned)cfg->auth_fail_limit)) ||
	    csms_station_db_load(&app) < 0 || csms_station_db_reset_connections(&app) < 0) {
		WL_ERROR("csms", "cannot load the stations");
		goto out_store;
	}
	snprintf(path, sizeof(path), "%s/csms.db", cfg->data_dir);
	if (sqlite3_open_v2(path, &app.rdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		WL_ERROR("csms", "cannot open %s for reading", path);
		goto out_store;
	}
	sqlite3_busy_timeout(app.rdb, 2000);

	app.loop = ev_default_loop(EVFLAG_AUTO);
	ev_async_init(&store_wake, on_store_wake);
	store_wake.data = &app;
	ev_async_start(app.loop, &store_wake);
	if (csms_store_start(app.store, notify_store, &app) < 0)
		goto out_store;
	ev_async_init(&msglog_wake, on_msglog_wake);
	msglog_wake.data = &app;
	ev_async_start(app.loop, &msglog_wake);
	if (csms_msglog_start(app.msglog, notify_msglog, &app) < 0)
		goto out_store;
	ev_async_init(&bg_wake, on_bg_wake);
	bg_wake.data = &app;
	ev_async_start(app.loop, &bg_wake);
	if (!(app.bg = csms_bg_start(path, notify_bg, &app)) ||
	    !(app.login_throttle = csms_throttle_new_window((unsigned)cfg->login_fail_limit, 15 * 60 * 1000)) ||
	    csms_setup_code_init(&app) < 0)
		goto out_store;
	app.on_station_change = on_station_change;
	if (!(app.live = csms_live_new(app.loop)) || csms_backup_start(&app) < 0)
		goto out_store;

	memcpy(protos, protocols, sizeof(protos));
	protos[0].per_session_data_size = csms_http_entry_session_size();
	protos[1].rx_buffer_size = RX_BUFFER;
	void *foreign[1] = {app.loop};
	memset(&info, 0, sizeof(info));
	info.port = cfg->port;
	info.protocols = protos;
	info.user = &app;
	info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_VALIDATE_UTF8;
	wl_listen_apply_lws(&where, &info); /* where outlives the context */
	info.foreign_loops = foreign;
	/* A new connection gets two lws timeouts at once, each put in lws 4.1's sorted timer list by walking it
	 * from the head (O(connections in their handshake) — 10,000 at once in a storm): "establish" (timeout_secs)
	 * and, replacing it at once, "holding the HTTP headers" (timeout_secs_ah_idle). With the first shorter than
	 * the second, its walk stops at the head; the second stays a full walk: half of that CPU. timeout_secs is
	 * also how long an HTTP request body may stall between two pieces (a firmware upload on a slow link): 10 s,
	 * so the header timeout is 20 s (slow_answer.test.js: an answer waited for past both is still given). */
	info.timeout_secs = 10;
	info.timeout_secs_ah_idle = 20;
	info.max_http_header_data = 4096;
	info.vhost_name = "csms";
	/* No lws idle/validity timers: liveness is ours (csms_conn_tick_all). lws keeps its timers in a sorted
	 * list, so a timer per connection costs O(connections) per connect: 10,000 stations at once took
	 * seconds of CPU in that list alone. */
	static const lws_retry_bo_t no_idle_policy = {.secs_since_valid_ping = 0, .secs_since_valid_hangup = 0};
	info.retry_and_idle_policy = &no_idle_policy;
	if (cfg->tls_cert[0]) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->tls_cert;
		info.ssl_private_key_filepath = cfg->tls_key;
	}
	if (!(app.lws = lws_create_context(&info))) {
		WL_ERROR("csms", "cannot serve on %s port %d (in use? TLS files readable?)",
		         wl_listen_name(&where, wname, sizeof(wname)), cfg->port);
		goto out_stop_store;
	}

	ev_timer tick;
	ev_signal sigint, sigterm;
	ev_timer_init(&tick, on_tick, 1.0, 1.0);
	tick.data = &app;
	ev_timer_start(app.loop, &tick);
	ev_signal_init(&sigint, on_signal, SIGINT);
	ev_signal_init(&sigterm, on_signal, SIGTERM);
	sigint.data = sigterm.data = &app;
	ev_signal_start(app.loop, &sigint);
	ev_signal_start(app.loop, &sigterm);

	const char *scheme = cfg->tls_cert[0] ? "s" : "";
	WL_INFO("csms",
	        "Wattline csms listening on port %d of %s: %zu stations registered, policy \"%s\", security profile %d",
	        cfg->port, wl_listen_name(&where, wname, sizeof(wname)), csms_registry_count(app.reg),
	        csms_policy_name(cfg->station_policy), cfg->security_profile);
	WL_INFO("csms", "stations: ws%s://<this host>:%d/ocpp/<station id>  browser: http%s://localhost:%d/", scheme,
	        cfg->port, scheme, cfg->port);
	WL_INFO("csms", "command line: csms call --data %s STATION ACTION '{...}' (admin token in %s/admin.token)",
	        cfg->data_dir, cfg->data_dir);

	ev_run(app.loop, 0);

	ev_timer_stop(app.loop, &tick);
	ev_signal_stop(app.loop, &sigint);
	ev_signal_stop(app.loop, &sigterm);
	lws_context_destroy(app.lws); /* closes every connection: their disconnects are queued */
	rc = 0;
	csms_backup_stop(&app);
	csms_live_free(app.live); /* after the HTTP server: no stream is left */
	app.live = NULL;
out_stop_store:
	csms_bg_stop(app.bg); /* before the store: its jobs may submit store jobs */
	app.bg = NULL;
	csms_station_db_flush_heartbeats(&app);
out_store:
	csms_bg_stop(app.bg);
	csms_backup_stop(&app);
	csms_live_free(app.live);
	app.live = NULL;
	csms_store_close(app.store); /* commits everything submitted, then closes */
	csms_msglog_close(app.msglog);
	csms_sync_free(app.sync);
	if (app.rdb)
		sqlite3_close(app.rdb);
	csms_registry_free(app.reg);
	csms_throttle_free(app.throttle);
	csms_throttle_free(app.login_throttle);
	if (rc == 0)
		WL_INFO("csms", "stopped cleanly");
	wl_log_close_file();
	return rc;
}
