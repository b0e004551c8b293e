/* csms_config.c — the option table behind the command line, the INI file and `csms --help`. */
#include "csms_config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_log.h"

#ifndef CSMS_WEB_ROOT
#define CSMS_WEB_ROOT "web/csms"
#endif

enum opt_kind { OPT_INT, OPT_STR, OPT_BOOL, OPT_CHOICE };

struct opt {
	const char *name;
	enum opt_kind kind;
	size_t off;
	size_t size;                /* OPT_STR: buffer size */
	long min, max;              /* OPT_INT bounds */
	const char *const *choices; /* OPT_CHOICE: NULL-terminated */
	const char *arg;            /* for the help text */
	const char *help;
};

static const char *const policy_names[] = {"known", "pending", "accept", NULL};
static const char *const level_names[] = {"error", "warn", "info", "debug", NULL};

#define OFF(f)  offsetof(struct csms_config, f)
#define SIZE(f) sizeof(((struct csms_config *)0)->f)

static const struct opt opts[] = {
    {"listen", OPT_STR, OFF(listen), SIZE(listen), 0, 0, NULL, "ADDR",
     "address to listen on (default: all interfaces)"},
    {"port", OPT_INT, OFF(port), 0, 1, 65535, NULL, "N", "port for HTTP and OCPP WebSocket (default 8080)"},
    {"data", OPT_STR, OFF(data_dir), SIZE(data_dir), 0, 0, NULL, "DIR",
     "data folder: database, firmware files, admin token (default ./data)"},
    {"tls-cert", OPT_STR, OFF(tls_cert), SIZE(tls_cert), 0, 0, NULL, "FILE",
     "PEM certificate: serve https:// and wss:// (security profile 2)"},
    {"tls-key", OPT_STR, OFF(tls_key), SIZE(tls_key), 0, 0, NULL, "FILE", "PEM private key of --tls-cert"},
    {"security-profile", OPT_INT, OFF(security_profile), 0, 0, 2, NULL, "0|1|2",
     "0: a station's password is checked when it has one; 1: every station must log in with HTTP Basic "
     "auth; 2: as 1, over TLS only (default 0)"},
    {"station-policy", OPT_CHOICE, OFF(station_policy), 0, 0, 0, policy_names, "POLICY",
     "known: only registered stations connect (default); pending: unknown ones are registered \"to be "
     "configured\" and answered Pending until accepted; accept: unknown ones are registered and accepted "
     "(labs and benchmarks only)"},
    {"heartbeat-interval", OPT_INT, OFF(heartbeat_interval), 0, 10, 86400, NULL, "SECONDS",
     "heartbeat interval given to stations; a station silent for twice this is out of service (default 300)"},
    {"pending-interval", OPT_INT, OFF(pending_interval), 0, 5, 86400, NULL, "SECONDS",
     "when a Pending or Rejected station boots again (default 60)"},
    {"pending-max", OPT_INT, OFF(pending_max), 0, 1, 100000, NULL, "N",
     "policy pending: most unknown stations registered and waiting to be configured at once; more are refused "
     "with 503 (default 100)"},
    {"pending-rate", OPT_INT, OFF(pending_rate), 0, 1, 100000, NULL, "N",
     "policy pending: unknown stations registered per minute; more are refused with 429 (default 10)"},
    {"call-timeout", OPT_INT, OFF(call_timeout), 0, 1, 3600, NULL, "SECONDS",
     "how long to wait for a station's answer to an operation (default 30)"},
    {"max-frame", OPT_INT, OFF(max_frame), 0, 1024, 16 * 1024 * 1024, NULL, "BYTES",
     "largest OCPP message accepted (default 65536)"},
    {"max-connections", OPT_INT, OFF(max_connections), 0, 1, 1000000, NULL, "N",
     "most simultaneous connections (default 50000, bounded by the file-descriptor limit)"},
    {"auth-fail-limit", OPT_INT, OFF(auth_fail_limit), 0, 1, 1000, NULL, "N",
     "failed station logins per minute from one address before it is refused (default 5)"},
    {"message-retention", OPT_INT, OFF(message_retention), 0, 1, 3650, NULL, "DAYS",
     "days the OCPP message log is kept (default 30)"},
    {"message-log-max-mb", OPT_INT, OFF(message_log_max_mb), 0, 1, 1048576, NULL, "MB",
     "most megabytes of frame text the OCPP message log keeps: the oldest go first (default 1024)"},
    {"message-log-frame-max", OPT_INT, OFF(message_log_frame_max), 0, 256, 16 * 1024 * 1024, NULL, "BYTES",
     "bytes of one frame the message log keeps; the rest is cut and marked (default 4096)"},
    {"station-msg-rate", OPT_INT, OFF(station_msg_rate), 0, 0, 1000000, NULL, "N",
     "messages a second one station may send, with 10 seconds' worth as a burst; over it, reading from the "
     "station pauses and a security event is recorded; 0: no limit (default 20)"},
    {"station-byte-rate", OPT_INT, OFF(station_byte_rate), 0, 0, 1000000000, NULL, "BYTES",
     "bytes a second one station may send, with 10 seconds' worth as a burst, as --station-msg-rate; 0: no "
     "limit (default 65536)"},
    {"list-sync-rate", OPT_INT, OFF(list_sync_rate), 0, 1, 100000, NULL, "N",
     "stations a second whose automatic card-list sync may start (default 20)"},
    {"list-sync-delay", OPT_INT, OFF(list_sync_delay), 0, 0, 3600, NULL, "SECONDS",
     "how long after its boot a station's card list is synced (default 10)"},
    {"event-retention", OPT_INT, OFF(event_retention), 0, 1, 3650, NULL, "DAYS",
     "days station events are kept (default 365)"},
    {"allow-concurrent-tx", OPT_BOOL, OFF(allow_concurrent_tx), 0, 0, 0, NULL, "yes|no",
     "may one card charge at two sockets at once (default no: ConcurrentTx)"},
    {"log-level", OPT_CHOICE, OFF(log_level), 0, 0, 0, level_names, "LEVEL",
     "error, warn, info or debug (default info)"},
    {"admin-token-file", OPT_STR, OFF(admin_token_file), SIZE(admin_token_file), 0, 0, NULL, "FILE",
     "bearer token of the local command line (default <data>/admin.token, created at first start)"},
    {"session-hours", OPT_INT, OFF(session_hours), 0, 1, 720, NULL, "HOURS",
     "how long an operator's login lasts (default 12)"},
    {"login-fail-limit", OPT_INT, OFF(login_fail_limit), 0, 1, 1000, NULL, "N",
     "failed operator logins per 15 minutes for one account or from one address before they are refused "
     "(default 10)"},
    {"public-url", OPT_STR, OFF(public_url), SIZE(public_url), 0, 0, NULL, "URL",
     "how operators reach this csms, e.g. https://mms.example.com (used in e-mails)"},
    {"smtp-url", OPT_STR, OFF(smtp_url), SIZE(smtp_url), 0, 0, NULL, "URL",
     "mail server for confirmation e-mails to new operators, e.g. smtps://mail.example.com:465 "
     "(default: none, no e-mail is sent)"},
    {"smtp-user", OPT_STR, OFF(smtp_user), SIZE(smtp_user), 0, 0, NULL, "NAME", "mail server login"},
    {"smtp-password-file", OPT_STR, OFF(smtp_password_file), SIZE(smtp_password_file), 0, 0, NULL, "FILE",
     "file holding the mail server password"},
    {"smtp-from", OPT_STR, OFF(smtp_from), SIZE(smtp_from), 0, 0, NULL, "ADDRESS", "sender address of the e-mails"},
    {"backup-dir", OPT_STR, OFF(backup_dir), SIZE(backup_dir), 0, 0, NULL, "DIR",
     "external folder (e.g. a mounted network share or USB drive): daily backups are copied there, others on request "
     "(default: none)"},
    {"backup-keep", OPT_INT, OFF(backup_keep), 0, 1, 3650, NULL, "DAYS", "automatic daily backups kept (default 7)"},
    {"backup-hour", OPT_INT, OFF(backup_hour), 0, -1, 23, NULL, "HOUR",
     "hour of the day (local time) of the automatic backup, -1 for none (default 3)"},
    {"backup-check", OPT_INT, OFF(backup_check), 0, 1, 3600, NULL, "SECONDS",
     "how often the daily backup's schedule is checked, the first time after start (default 60)"},
    {"log-file", OPT_STR, OFF(log_file), SIZE(log_file), 0, 0, NULL, "FILE",
     "the log is also written here, for download by operators (default <data>/csms.log)"},
    {"web-root", OPT_STR, OFF(web_root), SIZE(web_root), 0, 0, NULL, "DIR",
     "folder of the browser UI served at / (default: the source tree's web/csms)"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

void csms_config_defaults(struct csms_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 8080;
	snprintf(cfg->data_dir, sizeof(cfg->data_dir), "data");
	cfg->security_profile = 0;
	cfg->station_policy = CSMS_POLICY_KNOWN;
	cfg->heartbeat_interval = 300;
	cfg->pending_interval = 60;
	cfg->pending_max = 100;
	cfg->pending_rate = 10;
	cfg->call_timeout = 30;
	cfg->max_frame = 65536;
	cfg->max_connections = 50000;
	cfg->auth_fail_limit = 5;
	cfg->message_retention = 30;
	cfg->event_retention = 365;
	cfg->message_log_max_mb = 1024;
	cfg->message_log_frame_max = 4096;
	cfg->station_msg_rate = 20;
	cfg->station_byte_rate = 65536;
	cfg->list_sync_rate = 20;
	cfg->list_sync_delay = 10;
	cfg->allow_concurrent_tx = false;
	cfg->log_level = WL_LOG_INFO;
	cfg->session_hours = 12;
	cfg->login_fail_limit = 10;
	cfg->backup_keep = 7;
	cfg->backup_hour = 3;
	cfg->backup_check = 60;
	snprintf(cfg->web_root, sizeof(cfg->web_root), "%s", CSMS_WEB_ROOT);
}

const char *csms_policy_name(int policy)
{
	return policy >= 0 && policy <= CSMS_POLICY_ACCEPT ? policy_names[policy] : "?";
}

static const struct opt *find_opt(const char *name)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

int csms_config_set(struct csms_config *cfg, const char *name, const char *value, char *err, size_t errlen)
{
	const struct opt *o = find_opt(name);
	char *base = (char *)cfg;

	if (!o) {
		snprintf(err, errlen, "unknown option \"%s\" (see --help)", name);
		return -1;
	}
	switch (o->kind) {
	case OPT_INT: {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < o->min || v > o->max) {
			snprintf(err, errlen, "option %s: \"%s\" is not a number in %ld..%ld", name, value, o->min,
			         o->max);
			return -1;
		}
		*(int *)(base + o->off) = (int)v;
		return 0;
	}
	case OPT_STR:
		if (strlen(value) >= o->size) {
			snprintf(err, errlen, "option %s: value longer than %zu characters", name, o->size - 1);
			return -1;
		}
		snprintf(base + o->off, o->size, "%s", value);
		return 0;
	case OPT_BOOL:
		if (!strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "on")) {
			*(bool *)(base + o->off) = true;
			return 0;
		}
		if (!strcmp(value, "no") || !strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "off")) {
			*(bool *)(base + o->off) = false;
			return 0;
		}
		snprintf(err, errlen, "option %s: \"%s\" is not yes or no", name, value);
		return -1;
	case OPT_CHOICE: {
		char list[100] = "";
		for (int i = 0; o->choices[i]; i++) {
			if (strcmp(value, o->choices[i]) == 0) {
				*(int *)(base + o->off) = i;
				return 0;
			}
			size_t at = strlen(list);
			snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "", o->choices[i]);
		}
		snprintf(err, errlen, "option %s: \"%s\" is not one of %s", name, value, list);
		return -1;
	}
	}
	return -1;
}

struct ini_ctx {
	struct csms_config *cfg;
	char msg[300];
	int failed;
};

/* inih's handler: returning 0 makes ini_parse_file() report this line. */
static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;

	if (c->failed)
		return 1; /* the first error is the one reported */
	if (section[0] && strcmp(section, "csms") != 0) {
		snprintf(c->msg, sizeof(c->msg), "unknown section [%s] (only [csms])", section);
		c->failed = 1;
		return 0;
	}
	if (strcmp(name, "config") == 0) {
		snprintf(c->msg, sizeof(c->msg), "\"config\" cannot be set inside a config file");
		c->failed = 1;
		return 0;
	}
	if (csms_config_set(c->cfg, name, value, c->msg, sizeof(c->msg)) < 0) {
		c->failed = 1;
		return 0;
	}
	return 1;
}

/* Turns inih's result (0, or the first bad line) into our message naming where:line. */
static int ini_result(const struct ini_ctx *c, int rc, const char *where, char *err, size_t errlen)
{
	if (c->failed) {
		snprintf(err, errlen, "%s:%d: %s", where, rc, c->msg);
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s:%d: not a valid INI line", where, rc);
		return -1;
	}
	return 0;
}

int csms_config_load_file(struct csms_config *cfg, const char *path, char *err, size_t errlen)
{
	struct ini_ctx c = {.cfg = cfg};
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "config file %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = ini_parse_file(f, on_ini, &c);
	fclose(f);
	if (ini_result(&c, rc, path, err, errlen) < 0)
		return -1;
	snprintf(cfg->config_file, sizeof(cfg->config_file), "%s", path);
	return 0;
}

int csms_config_load_string(struct csms_config *cfg, const char *text, const char *name, char *err, size_t errlen)
{
	struct ini_ctx c = {.cfg = cfg};

	return ini_result(&c, ini_parse_string(text, on_ini, &c), name ? name : "<string>", err, errlen);
}

int csms_config_parse_args(struct csms_config *cfg, int argc, char **argv, int first, int *pos, int npos, int *n_pos,
                           char *err, size_t errlen)
{
	*n_pos = 0;
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return 1;
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (*n_pos >= npos) {
				snprintf(err, errlen, "unexpected argument \"%s\"", a);
				return -1;
			}
			pos[(*n_pos)++] = i;
			continue;
		}
		char name[64];
		const char *value;
		const char *eq = strchr(a + 2, '=');
		size_t nlen = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		if (nlen >= sizeof(name)) {
			snprintf(err, errlen, "unknown option \"%s\"", a);
			return -1;
		}
		memcpy(name, a + 2, nlen);
		name[nlen] = '\0';
		if (eq) {
			value = eq + 1;
		} else {
			const struct opt *o = find_opt(name);
			if (o && o->kind == OPT_BOOL && (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)) {
				value = "yes";
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				snprintf(err, errlen, "option --%s needs a value", name);
				return -1;
			}
		}
		if (strcmp(name, "config") == 0) {
			if (csms_config_load_file(cfg, value, err, errlen) < 0)
				return -1;
			continue;
		}
		if (csms_config_set(cfg, name, value, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int csms_config_check(const struct csms_config *cfg, char *err, size_t errlen)
{
	if (!!cfg->tls_cert[0] != !!cfg->tls_key[0]) {
		snprintf(err, errlen, "--tls-cert and --tls-key go together");
		return -1;
	}
	if (cfg->security_profile == 2 && !cfg->tls_cert[0]) {
		snprintf(err, errlen, "security profile 2 needs --tls-cert and --tls-key");
		return -1;
	}
	if (!cfg->data_dir[0]) {
		snprintf(err, errlen, "--data must name a folder");
		return -1;
	}
	return 0;
}

void csms_config_print_help(const char *prog)
{
	printf("Usage: %s [OPTIONS]                       run the central system\n"
	       "       %s call [OPTIONS] STATION ACTION [JSON]  ask a running csms to send an OCPP operation\n"
	       "       %s api [OPTIONS] METHOD PATH [JSON]      call a running csms's HTTP API\n"
	       "       %s create-admin [OPTIONS] USERNAME EMAIL NAME SURNAME\n"
	       "                                                create an Administrator (password on stdin)\n"
	       "       %s restore [OPTIONS] BACKUP-FILE       restore a backup (at once if no csms runs)\n"
	       "\n"
	       "First start: with no operator yet, the csms prints a one-time setup code (also written to\n"
	       "<data>/setup-code); enter it in the browser to create the first Administrator, or use\n"
	       "create-admin. `call` and `api` use the local admin token in <data>/admin.token.\n"
	       "\n"
	       "Wattline's central system: OCPP 1.6J over WebSocket at ws://HOST:PORT/ocpp/STATION_ID\n"
	       "(subprotocol ocpp1.6), its HTTP API under /api/v1, firmware files under /firmware/.\n"
	       "Every option can also be given in a config file as `name = value`.\n"
	       "\nOptions:\n"
	       "  --config FILE\n      read options from an INI file (later options override it)\n",
	       prog, prog, prog, prog, prog);
	for (size_t i = 0; i < N_OPTS; i++)
		printf("  --%s %s\n      %s\n", opts[i].name, opts[i].arg, opts[i].help);
	printf("  --help\n      this text\n"
	       "\nSignals: SIGINT or SIGTERM shut down cleanly: every acknowledged message is on disk.\n");
}
