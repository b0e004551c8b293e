/* evse_main.c — the `evse` program: options from a config file and the command line, the station, the
 * network loop; `evse sim <command>` sends a simulator command to a running station. Only main exits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evse_config.h"
#include "evse_group_auth.h"
#include "evse_group_map.h"
#include "evse_model.h"
#include "evse_net.h"
#include "evse_settings.h"
#include "evse_station.h"
#include "evse_webapi.h"
#include "evse_webauth.h"
#include "evse_webform.h"
#include "wl_clock.h"
#include "wl_log.h"

#define MOD "main"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: evse [--config=FILE] [--OPTION=VALUE ...]\n"
	             "       evse [--http_port=N] sim COMMAND...\n"
	             "       evse [--config=FILE] [--db=FILE] passwd < password-file\n"
	             "       evse [--config=FILE] [--db=FILE] group-passwd SATELLITE-ID < password-file\n"
	             "\n"
	             "The Wattline charging-station controller: IEC 61851 charging over the hardware layer (the\n"
	             "simulator today), OCPP 1.6J client, local web app on http://HTTP_BIND:HTTP_PORT/.\n"
	             "Options are read from FILE (\"option = value\" lines) and then from the command line;\n"
	             "settings saved in the web app (power, rfid_type, case, max_current, ocpp_url, earthing,\n"
	             "mode) are kept in the database and override both.\n"
	             "Next to the db file the station keeps firmware/ (installed.bin), diagnostics/ and, until\n"
	             "the password is set, setup-code.\n"
	             "\n"
	             "The settings pages (and the firmware upload) need a password. There is no default: at the\n"
	             "first start evse logs a one-time setup code (also written to setup-code next to the\n"
	             "database, mode 0600) that the web app asks for. `evse passwd` sets the password from the\n"
	             "first line of standard input. On a Master, `evse group-passwd ID` sets the password (16..40\n"
	             "characters; an empty line removes it) a Satellite of group_satellites must give (HTTP Basic\n"
	             "auth, its ocpp_password); a Master listening beyond loopback refuses a Satellite without one.\n"
	             "\n"
	             "Simulator commands (also POST /api/sim):\n"
	             "  plug [soc=0..1] [capacity=Wh] [max_a=A] [phases=1|3] [response_ms=MS] [cable_a=A]\n"
	             "  unplug | demand on|off | tap UID | press [long] | power on|off\n"
	             "  fault ocp|ovp|lvp|met|pe|cp|r12|r3n|rot|elk|oct|ird|fan|pp|mis on|off\n"
	             "\n"
	             "Options:\n");
	evse_config_help(out);
}

/* `evse passwd`: the settings password from the first line of stdin, hashed into the store. */
static int set_password(const struct evse_config *cfg)
{
	char pw[EVSE_PASSWORD_MAX + 2], err[300], path[EVSE_STR_MAX + 16];
	int rc = 1;
	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, "evse passwd: no password on standard input\n");
		return 2;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	if (evse_webform_check_password(pw, err, sizeof(err)) < 0) {
		fprintf(stderr, "evse passwd: %s\n", err);
		return 2;
	}
	struct evse_store *st = evse_store_open(cfg->db_path, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "evse passwd: %s\n", err);
		return 1;
	}
	if (evse_webauth_set_password(st, pw, err, sizeof(err)) < 0) {
		fprintf(stderr, "evse passwd: %s\n", err);
		goto out;
	}
	const char *slash = strrchr(cfg->db_path, '/');
	snprintf(path, sizeof(path), "%.*s/setup-code", slash ? (int)(slash - cfg->db_path) : 1,
	         slash ? cfg->db_path : ".");
	unlink(path);
	printf("settings password set in %s (a running evse keeps its open sessions)\n", cfg->db_path);
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	evse_store_close(st);
	return rc;
}

/* `evse group-passwd ID`: a Satellite's password from the first line of stdin, hashed into the store (an empty
 * line removes it). */
static int set_group_password(const struct evse_config *cfg, const char *id)
{
	char pw[EVSE_GAUTH_PW_MAX + 2], err[300] = "", key[16 + EVSE_GROUP_ID_MAX], hash[EVSE_GAUTH_HASH_MAX] = "";
	struct evse_group_map m;
	int rc = 1;
	if (evse_group_map_parse(&m, 1, cfg->group_satellites, err, sizeof(err)) < 0) {
		fprintf(stderr, "evse group-passwd: %s\n", err);
		return 2;
	}
	if (evse_group_map_find(&m, id) < 0) {
		fprintf(stderr, "evse group-passwd: \"%.48s\" is not in group_satellites (\"%.200s\")\n", id,
		        cfg->group_satellites);
		return 2;
	}
	if (!fgets(pw, sizeof(pw), stdin))
		pw[0] = '\0';
	pw[strcspn(pw, "\r\n")] = '\0';
	if (pw[0] && (evse_gauth_check_password(pw, err, sizeof(err)) < 0 || evse_gauth_hash(pw, hash) < 0)) {
		fprintf(stderr, "evse group-passwd: %s\n", pw[0] && err[0] ? err : "out of memory");
		sodium_memzero(pw, sizeof(pw));
		return 2;
	}
	sodium_memzero(pw, sizeof(pw));
	struct evse_store *st = evse_store_open(cfg->db_path, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "evse group-passwd: %s\n", err);
		return 1;
	}
	snprintf(key, sizeof(key), "group.key.%s", id);
	if (evse_store_set(st, key, hash) < 0) {
		fprintf(stderr, "evse group-passwd: the store cannot keep it\n");
		goto out;
	}
	printf("satellite %s: password %s in %s\n", id, hash[0] ? "set" : "removed", cfg->db_path);
	rc = 0;
out:
	evse_store_close(st);
	return rc;
}

/* Loads the settings saved by the web app over the options. */
static int load_settings(struct evse_config *cfg, char *err, size_t errcap)
{
	char why[300];
	struct evse_store *st = evse_store_open(cfg->db_path, err, errcap);
	if (!st)
		return -1;
	(void)evse_settings_load(st, cfg, why, sizeof(why)); /* a bad kept value is logged and ignored */
	evse_store_close(st);
	return 0;
}

/* `evse sim ...`: one POST to the running station's /api/sim. */
static int sim_client(const struct evse_config *cfg, int argc, char **argv)
{
	char cmd[512] = "", req[1024], resp[1024];
	size_t len = 0;
	for (int i = 0; i < argc; i++) {
		int n = snprintf(cmd + len, sizeof(cmd) - len, "%s%s", i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(cmd) - len) {
			fprintf(stderr, "evse sim: command too long\n");
			return 2;
		}
		len += (size_t)n;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->http_port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "evse sim: no station on port %d: %s\n", cfg->http_port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	int n =
	    snprintf(req, sizeof(req),
	             "POST /api/sim HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	             len, cmd);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return 1;
	}
	ssize_t got, total = 0;
	while (total < (ssize_t)sizeof(resp) - 1 &&
	       (got = read(fd, resp + total, sizeof(resp) - 1 - (size_t)total)) > 0)
		total += got;
	close(fd);
	resp[total < 0 ? 0 : total] = '\0';
	const char *body = strstr(resp, "\r\n\r\n");
	printf("%s\n", body ? body + 4 : resp);
	return strstr(resp, " 200 ") ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct evse_config cfg;
	char err[300];
	int first_cmd = 0;
	bool passwd = false;
	const char *group_passwd = NULL;

	evse_config_defaults(&cfg);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strncmp(argv[i], "--config=", 9) == 0 &&
		    evse_config_load(&cfg, argv[i] + 9, err, sizeof(err)) < 0) {
			fprintf(stderr, "evse: %s\n", err);
			return 2;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "sim") == 0) {
			first_cmd = i + 1;
			break;
		}
		if (strcmp(argv[i], "passwd") == 0 && i == argc - 1) {
			passwd = true;
			break;
		}
		if (strcmp(argv[i], "group-passwd") == 0 && i == argc - 2) {
			group_passwd = argv[i + 1];
			break;
		}
		if (strncmp(argv[i], "--", 2) != 0 || !strchr(argv[i], '=')) {
			fprintf(stderr, "evse: unexpected argument \"%s\" (see --help)\n", argv[i]);
			return 2;
		}
		if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		char key[64];
		const char *eq = strchr(argv[i], '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - argv[i] - 2), argv[i] + 2);
		if (evse_config_set(&cfg, key, eq + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "evse: %s\n", err);
			return 2;
		}
	}
	if (first_cmd)
		return sim_client(&cfg, argc - first_cmd, argv + first_cmd);
	if (passwd)
		return set_password(&cfg);
	if (group_passwd)
		return set_group_password(&cfg, group_passwd);
	if (load_settings(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "evse: %s\n", err);
		return 1;
	}
	if (evse_config_check(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "evse: %s\n", err);
		return 2;
	}
	wl_log_set_level((enum wl_log_level)wl_log_level_parse(cfg.log_level));
	srand((unsigned)wl_wall_ms());
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	int rc = 1, reset = 0;
	struct evse_station *st = evse_station_new(&cfg, wl_mono_ms(), err, sizeof(err));
	if (!st) {
		fprintf(stderr, "evse: %s\n", err);
		return 1;
	}
	struct evse_webapi *api = evse_webapi_new(st, &cfg, err, sizeof(err));
	if (!api) {
		fprintf(stderr, "evse: %s\n", err);
		goto out_station;
	}
	struct evse_net *net = evse_net_new(st, &cfg, err, sizeof(err));
	if (!net) {
		fprintf(stderr, "evse: %s\n", err);
		goto out_api;
	}
	evse_webapi_set_group(api, evse_net_group(net));
	evse_net_set_webapi(net, api);
	WL_INFO(MOD, "evse %s: %s, %d W, %d phase(s), case %s, mode %s (group role %s), http port %d, backend %s",
	        EVSE_VERSION, evse_model_name(cfg.edition), cfg.power_w, cfg.phases,
	        cfg.charging_case == EVSE_CASE_B ? "B" : "C", evse_mode_name(cfg.mode), evse_role_name(cfg.group_role),
	        cfg.http_port, cfg.ocpp_url[0] ? cfg.ocpp_url : "none");
	reset = evse_net_run(net, &stop);
	rc = 0;
	evse_net_free(net);
out_api:
	evse_webapi_free(api);
out_station:
	evse_station_free(st);
	if (reset) {
		WL_INFO(MOD, "%s reset: restarting", reset == 2 ? "hard" : "soft");
		execv("/proc/self/exe", argv);
		WL_ERROR(MOD, "restart failed: %s", strerror(errno));
		return 1;
	}
	return rc;
}
