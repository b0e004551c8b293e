/* main.c — the csms command: run the central system, or talk to a running one (call, api). */
#include <curl/curl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "csms_api.h"
#include "csms_backup.h"
#include "csms_config.h"
#include "csms_operator.h"
#include "csms_operator_db.h"
#include "csms_server.h"
#include "csms_store.h"
#include "wl_clock.h"
#include "wl_listen.h"
#include "wl_log.h"

struct sink {
	char *buf;
	size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct sink *s = user;
	size_t n = size * nmemb;
	char *b = realloc(s->buf, s->len + n + 1);
	if (!b)
		return 0;
	memcpy(b + s->len, ptr, n);
	s->buf = b;
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

/* One request to the running csms with the admin token; prints the body. Exit code 0 for 2xx. */
static int api_request(const struct csms_config *cfg, const char *method, const char *path, const char *body)
{
	char token[65], url[600], auth[100];
	struct sink out = {0};
	long status = 0;
	int rc = 1;

	if (csms_admin_token(cfg, token, 0) < 0)
		return 2;
	/* the server's own address: loopback when it listens on every address */
	struct wl_listen where;
	char err[200], host[80] = "127.0.0.1";
	if (wl_listen_resolve(cfg->listen, &where, err, sizeof(err)) < 0) {
		fprintf(stderr, "csms: --listen %s: %s\n", cfg->listen, err);
		return 2;
	}
	if (where.family == AF_INET6)
		snprintf(host, sizeof(host), "[%s]", strcmp(where.addr, "::") == 0 ? "::1" : where.addr);
	else if (where.family == AF_INET && strcmp(where.addr, "0.0.0.0") != 0)
		snprintf(host, sizeof(host), "%s", where.addr);
	snprintf(url, sizeof(url), "http%s://%s:%d%s", cfg->tls_cert[0] ? "s" : "", host, cfg->port, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	CURL *curl = curl_easy_init();
	struct curl_slist *hdrs = curl_slist_append(NULL, auth);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	if (!curl || !hdrs)
		goto out;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->call_timeout * 2 + 10);
	if (cfg->tls_cert[0]) {
		/* the local server's own certificate, usually self-signed */
		curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->tls_cert);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		fprintf(stderr, "csms: %s %s: %s\n", method, url, curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	printf("%s\n", out.buf ? out.buf : "");
	rc = status >= 200 && status < 300 ? 0 : 1;
out:
	free(out.buf);
	curl_slist_free_all(hdrs);
	if (curl)
		curl_easy_cleanup(curl);
	return rc;
}

/* Reads one line from stdin without echo on a terminal. */
static int read_password(const char *prompt, char *out, size_t outlen)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *got = fgets(out, (int)outlen, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (!got)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* csms create-admin USERNAME EMAIL NAME SURNAME: the first (or another) Administrator, from the machine
 * the csms runs on; the password comes from stdin (asked twice on a terminal). */
static int create_admin(const struct csms_config *cfg, char **args)
{
	char pw[CSMS_OPERATOR_PW_MAX * 4 + 2], pw2[sizeof(pw)], why[120], hash[CSMS_OPERATOR_HASH_LEN];
	struct csms_store *st;
	int rc = 1;
	if (sodium_init() < 0)
		return 1;
	if (read_password("password: ", pw, sizeof(pw)) < 0) {
		fprintf(stderr, "csms: no password on stdin\n");
		return 2;
	}
	if (isatty(STDIN_FILENO) && (read_password("again: ", pw2, sizeof(pw2)) < 0 || strcmp(pw, pw2) != 0)) {
		fprintf(stderr, "csms: the passwords differ\n");
		return 2;
	}
	if (!csms_operator_password_ok(pw, args[0], why, sizeof(why))) {
		fprintf(stderr, "csms: %s\n", why);
		return 2;
	}
	if (!strchr(args[1], '@')) {
		fprintf(stderr, "csms: \"%s\" is not an e-mail address\n", args[1]);
		return 2;
	}
	if (csms_operator_hash(pw, hash) < 0 || csms_store_open(&st, cfg->data_dir) < 0)
		return 1;
	sodium_memzero(pw, sizeof(pw));
	int64_t now = (int64_t)wl_wall_ms();
	struct csms_operator_new o = {.username = args[0],
	                              .name = args[2],
	                              .surname = args[3],
	                              .email = args[1],
	                              .phone = "",
	                              .language = "en",
	                              .role = "administrator",
	                              .password_hash = hash};
	int64_t id;
	int db_rc = csms_operator_db_insert(csms_store_db(st), &o, false, now, &id);
	if (db_rc == 0) {
		rc = 0;
		printf("Administrator \"%s\" created: log in at the csms's address\n", args[0]);
	} else {
		fprintf(stderr, "csms: cannot create \"%s\": %s\n", args[0],
		        db_rc == CSMS_DB_EXISTS ? "the username is taken" : sqlite3_errmsg(csms_store_db(st)));
	}
	csms_store_close(st);
	if (rc == 0) { /* a running csms still offers its setup code until restarted: the insert wins anyway */
		char path[300];
		snprintf(path, sizeof(path), "%s/setup-code", cfg->data_dir);
		unlink(path);
	}
	return rc;
}

/* csms restore FILE: verifies the backup and stages it; when no csms runs on the data folder, swaps it
 * in at once (the replaced database is kept in <data>/backups), else at the csms's next start. */
static int restore(const struct csms_config *cfg, const char *file)
{
	char err[400];
	struct stat sb;
	if (stat(cfg->data_dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "csms: no data folder %s (see --data)\n", cfg->data_dir);
		return 2;
	}
	if (csms_backup_stage_restore(cfg->data_dir, file, err, sizeof(err)) < 0) {
		fprintf(stderr, "csms: %s\n", err);
		return 1;
	}
	int locked = csms_backup_lock_data(cfg->data_dir);
	if (locked > 0) {
		printf("%s is staged: a csms runs on %s, restart it to restore\n", file, cfg->data_dir);
		return 0;
	}
	if (locked < 0 || csms_backup_apply_restore(cfg->data_dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "csms: %s (the backup stays staged for the next start)\n",
		        locked < 0 ? "cannot lock the data folder" : err);
		return 1;
	}
	printf("restored %s into %s (the replaced database is in %s/backups)\n", file, cfg->data_dir, cfg->data_dir);
	return 0;
}

int main(int argc, char **argv)
{
	struct csms_config cfg;
	char err[400];
	int pos[4], n_pos = 0;
	const char *cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;

	csms_config_defaults(&cfg);
	int r = csms_config_parse_args(&cfg, argc, argv, cmd ? 2 : 1, pos, 4, &n_pos, err, sizeof(err));
	if (r == 1) {
		csms_config_print_help(argv[0]);
		return 0;
	}
	if (r < 0 || csms_config_check(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "csms: %s\n", err);
		return 2;
	}
	wl_log_set_level((enum wl_log_level)cfg.log_level);
	if (!cmd) {
		if (n_pos) {
			fprintf(stderr, "csms: unexpected argument \"%s\" (see --help)\n", argv[pos[0]]);
			return 2;
		}
		return csms_server_run(&cfg);
	}
	if (strcmp(cmd, "call") == 0) {
		char path[400];
		if (n_pos < 2 || n_pos > 3) {
			fprintf(stderr, "usage: csms call [OPTIONS] STATION ACTION [JSON]\n");
			return 2;
		}
		snprintf(path, sizeof(path), "/api/v1/stations/%s/operations/%s", argv[pos[0]], argv[pos[1]]);
		return api_request(&cfg, "POST", path, n_pos == 3 ? argv[pos[2]] : "{}");
	}
	if (strcmp(cmd, "api") == 0) {
		if (n_pos < 2 || n_pos > 3) {
			fprintf(stderr, "usage: csms api [OPTIONS] METHOD PATH [JSON]\n");
			return 2;
		}
		return api_request(&cfg, argv[pos[0]], argv[pos[1]], n_pos == 3 ? argv[pos[2]] : NULL);
	}
	if (strcmp(cmd, "create-admin") == 0) {
		char *args[4];
		if (n_pos != 4) {
			fprintf(
			    stderr,
			    "usage: csms create-admin [--data DIR] USERNAME EMAIL NAME SURNAME  (password on stdin)\n");
			return 2;
		}
		for (int i = 0; i < 4; i++)
			args[i] = argv[pos[i]];
		return create_admin(&cfg, args);
	}
	if (strcmp(cmd, "restore") == 0) {
		if (n_pos != 1) {
			fprintf(stderr, "usage: csms restore [--data DIR] BACKUP-FILE\n");
			return 2;
		}
		return restore(&cfg, argv[pos[0]]);
	}
	fprintf(stderr, "csms: unknown command \"%s\" (see --help)\n", cmd);
	return 2;
}
