/* evse_config.c — the option table and its parsers: a config file, command-line --key=value, --help. */
#include "evse_config.h"

#include "evse_dpm.h"
#include "evse_gridmeter.h"
#include "evse_group_map.h"
#include "evse_lb.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The web app's files: the source tree's web/evse, set by the build (mk/evse.mk) as an absolute path so that
 * build/release/evse serves them from any working directory. */
#ifndef EVSE_WEB_ROOT
#define EVSE_WEB_ROOT "web/evse"
#endif

enum opt_type { OPT_INT, OPT_ENUM, OPT_STR, OPT_BOOL };

struct opt {
	const char *name;
	enum opt_type type;
	size_t offset;
	size_t size;              /* OPT_STR: buffer size */
	long min, max;            /* OPT_INT */
	const char *const *names; /* OPT_ENUM: NULL-terminated, index = value */
	const char *def;
	const char *help;
};

static const char *const case_names[] = {"B", "C", NULL};
static const char *const earth_names[] = {"TN", "TT", "IT", NULL};
static const char *const rfid_names[] = {"M1", "CPU", NULL};
static const char *const group_names[] = {"none", "master", "satellite", NULL};
static const char *const level_names[] = {"error", "warn", "info", "debug", NULL};
static const char *const dpm_mode_names[] = {"FULL", "ECOSMART", "ECOPLUS", NULL};
static const char *const dpm_meter_names[] = {"sdm120", "sdm630", "custom", NULL};
static const char *const parity_names[] = {"N", "E", "O", NULL};

#define F(field) offsetof(struct evse_config, field), sizeof(((struct evse_config *)0)->field)

static const struct opt opts[] = {
    {"power", OPT_INT, F(power_w), 7400, 22000, NULL, "22000", "rated power in W: 7400 or 22000"},
    {"phases", OPT_INT, F(phases), 1, 3, NULL, "3", "phases wired to the station: 1 or 3"},
    {"voltage", OPT_INT, F(voltage_v), 100, 277, NULL, "230",
     "nominal phase voltage in V: turns smart-charging limits in W into A"},
    {"case", OPT_ENUM, F(charging_case), 0, 0, case_names, "B", "B: socket with lock, C: tethered cable"},
    {"max_current", OPT_INT, F(max_current_a), 6, 32, NULL, "32", "maximum charging current in A (6..32)"},
    {"earthing", OPT_ENUM, F(earthing), 0, 0, earth_names, "TN", "power system: TN, TT or IT (IT: 1 phase)"},
    {"mode", OPT_ENUM, F(mode), 0, 0, evse_mode_names, "FREE",
     "FREE (no authorisation), PERSONAL (local cards), WEB (the OCPP backend decides)"},
    {"edition", OPT_ENUM, F(edition), 0, 0, evse_model_names, "BUSINESS",
     "the model: LITE (FREE, PERSONAL; no OCPP), BUSINESS (FREE, PERSONAL, WEB = Satellite), PRO (WEB = Master)"},
    {"rfid_type", OPT_ENUM, F(rfid_type), 0, 0, rfid_names, "M1", "RFID standard: M1 or CPU"},
    {"max_cards", OPT_INT, F(max_cards), 1, 64, NULL, "3", "local cards the station keeps (PERSONAL)"},
    {"serial", OPT_STR, F(serial), 0, 0, NULL, "WL-SIM-0001", "serial number"},
    {"vendor", OPT_STR, F(vendor), 0, 0, NULL, "Wattline", "vendor name in BootNotification"},
    {"model", OPT_STR, F(model), 0, 0, NULL, "WL-22", "model name in BootNotification"},
    {"ocpp_url", OPT_STR, F(ocpp_url), 0, 0, NULL, "",
     "central system: ws://host:port/path/CPID or wss://...; empty: standalone"},
    {"ocpp_password", OPT_STR, F(ocpp_password), 0, 0, NULL, "", "HTTP Basic auth password (AuthorizationKey)"},
    {"ca_file", OPT_STR, F(ca_file), 0, 0, NULL, "", "CA certificates for wss:// (empty: system store)"},
    {"reconnect_max", OPT_INT, F(reconnect_max_s), 1, 3600, NULL, "60",
     "longest wait in s between reconnect attempts (exponential back-off with jitter)"},
    {"group_role", OPT_ENUM, F(group_role), 0, 0, group_names, "none",
     "none, master (speaks OCPP for its Satellites upstream) or satellite (its ocpp_url is the Master's)"},
    {"group_listen", OPT_STR, F(group_listen), 0, 0, NULL, "127.0.0.1",
     "Master: IPv4 or IPv6 address or interface name its Satellites connect to (empty: every address)"},
    {"group_port", OPT_INT, F(group_port), 1, 65535, NULL, "8887",
     "Master: port of ws://<group_listen>:<port>/ocpp/<satellite id>"},
    {"group_satellites", OPT_STR, F(group_satellites), 0, 0, NULL, "",
     "Master: Satellite ids in upstream connector order, each with optional ':' fields: connectors (1..8), "
     "maximum per connector (6A..80A, 32A), 1P or 3P (3P), the group phase its L1 is on (L1..L3, L1) "
     "(\"SAT-A:16A:1P:L2,SAT-B,THIRD:2\")"},
    {"group_safe_current", OPT_INT, F(group_safe_current_a), 0, 32, NULL, "6",
     "Satellite: current limit in A while the Master is away (0 or 6..32; at most max_current)"},
    {"group_threshold", OPT_INT, F(group_threshold_a), 0, 800, NULL, "0",
     "Master: the group's current threshold in A per phase, shared by the load balancer (0: no balancing, 6..800)"},
    {"db", OPT_STR, F(db_path), 0, 0, NULL, "evse.db", "SQLite file for configuration, queue and history"},
    {"http_port", OPT_INT, F(http_port), 0, 65535, NULL, "8080", "local web app port (0: off)"},
    {"http_bind", OPT_STR, F(http_bind), 0, 0, NULL, "127.0.0.1",
     "local web app: IPv4 or IPv6 address or interface name to listen on (empty: every address)"},
    {"web_root", OPT_STR, F(web_root), 0, 0, NULL, EVSE_WEB_ROOT, "folder of the local web app's files"},
    {"fw_max_kb", OPT_INT, F(fw_max_kb), 64, 262144, NULL, "16384",
     "largest firmware image in KiB (UpdateFirmware and POST /api/firmware); images go to <db folder>/firmware"},
    {"log_level", OPT_ENUM, F(log_level), 0, 0, level_names, "info", "error, warn, info or debug"},
    {"simulator", OPT_BOOL, F(simulator), 0, 1, NULL, "true", "use the simulated hardware"},
    /* dynamic power management: defaults and their reasons in docs/evse.md */
    {"dpm", OPT_BOOL, F(dpm), 0, 1, NULL, "false", "dynamic power management with an external grid meter"},
    {"dpm_mode", OPT_ENUM, F(dpm_mode), 0, 0, dpm_mode_names, "FULL",
     "FULL (grid + renewable), ECOSMART (renewable + a grid share), ECOPLUS (renewable only)"},
    {"dpm_renewable", OPT_BOOL, F(dpm_renewable), 0, 1, NULL, "false",
     "a renewable source (PV) exists: needed for ECOSMART and ECOPLUS"},
    {"dpm_limit", OPT_INT, F(dpm_limit_a), 6, 1000, NULL, "16", "contract limit in A per phase at the grid connection"},
    {"dpm_limit_w", OPT_INT, F(dpm_limit_w), 0, 500000, NULL, "0",
     "contract limit in W over all phases (0: dpm_limit alone)"},
    {"dpm_min_grid_share", OPT_INT, F(dpm_min_grid_w), 0, 500000, NULL, "1400",
     "ECOSMART: grid power in W allowed on top of the renewable surplus"},
    {"dpm_safe_current", OPT_INT, F(dpm_safe_a), 0, 32, NULL, "0",
     "current in A while the meter is faulted: 0 (suspend) or 6..max_current"},
    {"dpm_ramp", OPT_INT, F(dpm_ramp_a), 1, 32, NULL, "1", "increase of the current in A per second"},
    {"dpm_fault", OPT_INT, F(dpm_fault_s), 1, 600, NULL, "10", "s without a plausible reading: meter fault (ERR MET)"},
    {"dpm_start_delay", OPT_INT, F(dpm_start_s), 0, 3600, NULL, "60", "ECOPLUS: s of surplus before charging starts"},
    {"dpm_stop_delay", OPT_INT, F(dpm_stop_s), 0, 3600, NULL, "300", "ECOPLUS: s of deficit before charging pauses"},
    {"dpm_min_on", OPT_INT, F(dpm_min_on_s), 0, 3600, NULL, "120", "s a started charge runs at least"},
    {"dpm_min_off", OPT_INT, F(dpm_min_off_s), 0, 3600, NULL, "60", "s a pause lasts at least"},
    {"dpm_switches_h", OPT_INT, F(dpm_switches_h), 0, 60, NULL, "6",
     "ECOPLUS: contactor operations allowed in any hour (0: no budget)"},
    {"dpm_meter", OPT_ENUM, F(dpm_meter), 0, 0, dpm_meter_names, "sdm630",
     "grid meter model: sdm120, sdm630, or custom (dpm_meter_map)"},
    {"dpm_meter_map", OPT_STR, F(dpm_meter_map), 0, 0, NULL, "",
     "custom register map: \"q@addr[:f32|i32|u32|i16|u16[:scale[:hl|lh[:in|hold]]]] ...\", q = v1..v3 i1..i3 p1..p3 "
     "imp exp pv"},
    {"dpm_meter_host", OPT_STR, F(dpm_meter_host), 0, 0, NULL, "", "Modbus TCP meter address (empty: serial)"},
    {"dpm_meter_port", OPT_INT, F(dpm_meter_port), 1, 65535, NULL, "502", "Modbus TCP port"},
    {"dpm_meter_device", OPT_STR, F(dpm_meter_device), 0, 0, NULL, "", "Modbus RTU serial device (RS-485)"},
    {"dpm_meter_baud", OPT_INT, F(dpm_meter_baud), 1200, 115200, NULL, "9600", "Modbus RTU speed"},
    {"dpm_meter_parity", OPT_ENUM, F(dpm_meter_parity), 0, 0, parity_names, "N", "Modbus RTU parity: N, E or O"},
    {"dpm_meter_slave", OPT_INT, F(dpm_meter_slave), 1, 247, NULL, "1", "Modbus unit id of the meter"},
    {"dpm_pv_slave", OPT_INT, F(dpm_pv_slave), 0, 247, NULL, "0",
     "unit id of a second meter of the same model on the PV feed, on the same link (0: none)"},
    {"dpm_poll_ms", OPT_INT, F(dpm_poll_ms), 100, 10000, NULL, "1000", "ms between two meter readings"},
    {"dpm_timeout_ms", OPT_INT, F(dpm_timeout_ms), 50, 5000, NULL, "500", "ms the meter has to answer"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static const struct opt *find_opt(const char *key)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (strcmp(opts[i].name, key) == 0)
			return &opts[i];
	return NULL;
}

static int set_opt(struct evse_config *cfg, const struct opt *o, const char *value, char *err, size_t errcap)
{
	char *field = (char *)cfg + o->offset;

	switch (o->type) {
	case OPT_INT: {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end) {
			snprintf(err, errcap, "%s: \"%.40s\" is not a number", o->name, value);
			return -1;
		}
		if (v < o->min || v > o->max) {
			snprintf(err, errcap, "%s: %ld out of range (%ld..%ld)", o->name, v, o->min, o->max);
			return -1;
		}
		*(int *)field = (int)v;
		return 0;
	}
	case OPT_ENUM:
		for (int i = 0; o->names[i]; i++) {
			if (strcasecmp(value, o->names[i]) == 0) {
				if (o->size == sizeof(int))
					*(int *)field = i;
				else
					snprintf(field, o->size, "%s", o->names[i]);
				return 0;
			}
		}
		snprintf(err, errcap, "%s: \"%.40s\" is not one of the allowed values", o->name, value);
		return -1;
	case OPT_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0) {
			*(bool *)field = true;
		} else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 || strcmp(value, "no") == 0) {
			*(bool *)field = false;
		} else {
			snprintf(err, errcap, "%s: \"%.40s\" is not true or false", o->name, value);
			return -1;
		}
		return 0;
	case OPT_STR:
		if (strlen(value) >= o->size) {
			snprintf(err, errcap, "%s: longer than %zu characters", o->name, o->size - 1);
			return -1;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	}
	return -1;
}

void evse_config_defaults(struct evse_config *cfg)
{
	char err[128];
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < N_OPTS; i++)
		(void)set_opt(cfg, &opts[i], opts[i].def, err, sizeof(err));
}

int evse_config_set(struct evse_config *cfg, const char *key, const char *value, char *err, size_t errcap)
{
	const struct opt *o = find_opt(key);
	if (!o) {
		snprintf(err, errcap, "unknown option \"%.40s\"", key);
		return -1;
	}
	return set_opt(cfg, o, value, err, errcap);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trims [*b, *e) of blanks on both sides. */
static void trim(const char **b, const char **e)
{
	while (*b < *e && is_space(**b))
		(*b)++;
	while (*e > *b && is_space((*e)[-1]))
		(*e)--;
}

int evse_config_parse(struct evse_config *cfg, const char *text, size_t len, char *err, size_t errcap)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	char key[64], value[EVSE_STR_MAX], why[160];

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *b = p, *e = eol ? eol : end;
		p = eol ? eol + 1 : end;
		line++;
		if (memchr(b, '\0', (size_t)(e - b))) {
			snprintf(err, errcap, "line %u: NUL byte", line);
			return -1;
		}
		trim(&b, &e);
		if (b == e || *b == '#')
			continue;
		const char *eq = memchr(b, '=', (size_t)(e - b));
		if (!eq) {
			snprintf(err, errcap, "line %u: expected key = value", line);
			return -1;
		}
		const char *kb = b, *ke = eq, *vb = eq + 1, *ve = e;
		trim(&kb, &ke);
		trim(&vb, &ve);
		if (ve - vb >= 2 && *vb == '"' && ve[-1] == '"') {
			vb++;
			ve--;
		}
		if (ke == kb || (size_t)(ke - kb) >= sizeof(key)) {
			snprintf(err, errcap, "line %u: bad key", line);
			return -1;
		}
		if ((size_t)(ve - vb) >= sizeof(value)) {
			snprintf(err, errcap, "line %u: value longer than %zu characters", line, sizeof(value) - 1);
			return -1;
		}
		memcpy(key, kb, (size_t)(ke - kb));
		key[ke - kb] = '\0';
		memcpy(value, vb, (size_t)(ve - vb));
		value[ve - vb] = '\0';
		if (evse_config_set(cfg, key, value, why, sizeof(why)) < 0) {
			snprintf(err, errcap, "line %u: %s", line, why);
			return -1;
		}
	}
	return 0;
}

int evse_config_load(struct evse_config *cfg, const char *path, char *err, size_t errcap)
{
	enum { CAP = 64 * 1024 };
	int rc = -1;
	char *buf = malloc(CAP + 1);
	FILE *f = NULL;

	if (!buf) {
		snprintf(err, errcap, "out of memory");
		goto out;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		goto out_buf;
	}
	size_t n = fread(buf, 1, CAP + 1, f);
	if (n > CAP) {
		snprintf(err, errcap, "%s: larger than %d bytes", path, CAP);
		goto out_file;
	}
	char why[200];
	rc = evse_config_parse(cfg, buf, n, why, sizeof(why));
	if (rc < 0)
		snprintf(err, errcap, "%s: %s", path, why);
out_file:
	fclose(f);
out_buf:
	free(buf);
out:
	return rc;
}

void evse_config_dpm_settings(const struct evse_config *cfg, struct evse_dpm_settings *s)
{
	evse_dpm_defaults(s);
	s->mode = (enum evse_dpm_mode)cfg->dpm_mode;
	s->renewable = cfg->dpm_renewable;
	s->limit_a = cfg->dpm_limit_a;
	s->limit_w = cfg->dpm_limit_w;
	s->max_a = cfg->max_current_a;
	s->phases = cfg->phases;
	s->volts = cfg->voltage_v;
	s->min_grid_w = cfg->dpm_min_grid_w;
	s->safe_a = cfg->dpm_safe_a;
	s->ramp_a_s = cfg->dpm_ramp_a;
	s->fault_ms = (uint32_t)cfg->dpm_fault_s * 1000u;
	s->start_ms = (uint32_t)cfg->dpm_start_s * 1000u;
	s->stop_ms = (uint32_t)cfg->dpm_stop_s * 1000u;
	s->min_on_ms = (uint32_t)cfg->dpm_min_on_s * 1000u;
	s->min_off_ms = (uint32_t)cfg->dpm_min_off_s * 1000u;
	s->max_switches_h = (unsigned)cfg->dpm_switches_h;
}

int evse_config_dpm_map(const struct evse_config *cfg, struct evse_gm_map *m, char *err, size_t errcap)
{
	if (strcmp(cfg->dpm_meter, "custom") == 0) {
		if (evse_gm_map_parse(m, cfg->dpm_meter_map, strlen(cfg->dpm_meter_map), err, errcap) < 0)
			return -1;
	} else {
		const struct evse_gm_map *known = evse_gm_model(cfg->dpm_meter);
		if (!known) {
			snprintf(err, errcap, "dpm_meter: \"%s\" is not one of %s", cfg->dpm_meter,
			         evse_gm_model_names());
			return -1;
		}
		*m = *known;
	}
	return evse_gm_map_check(m, cfg->phases, err, errcap);
}

/* The dpm_* options together: the control law's settings, the meter map, a meter address when dpm is on. */
static int check_dpm(const struct evse_config *cfg, char *err, size_t errcap)
{
	struct evse_dpm_settings s;
	struct evse_gm_map m;
	evse_config_dpm_settings(cfg, &s);
	if (s.safe_a > s.max_a)
		s.safe_a = s.max_a; /* a safe current above the station's maximum is the maximum */
	if (evse_dpm_check(&s, err, errcap) < 0)
		return -1;
	if (evse_config_dpm_map(cfg, &m, err, errcap) < 0)
		return -1;
	if (cfg->dpm && !cfg->dpm_meter_host[0] && !cfg->dpm_meter_device[0]) {
		snprintf(err, errcap, "dpm: no meter (dpm_meter_host or dpm_meter_device)");
		return -1;
	}
	return 0;
}

int evse_config_check(const struct evse_config *cfg, char *err, size_t errcap)
{
	if (cfg->power_w != 7400 && cfg->power_w != 22000) {
		snprintf(err, errcap, "power: %d W is not a rating (7400 or 22000)", cfg->power_w);
		return -1;
	}
	if (cfg->phases != 1 && cfg->phases != 3) {
		snprintf(err, errcap, "phases: %d (1 or 3)", cfg->phases);
		return -1;
	}
	if (cfg->power_w == 7400 && cfg->phases != 1) {
		snprintf(err, errcap, "power 7400 W is a single-phase station, phases is %d", cfg->phases);
		return -1;
	}
	if (cfg->earthing == EVSE_EARTH_IT && cfg->phases != 1) {
		snprintf(err, errcap, "earthing IT is supported on single-phase stations only");
		return -1;
	}
	if (cfg->ocpp_url[0] && strncmp(cfg->ocpp_url, "ws://", 5) != 0 && strncmp(cfg->ocpp_url, "wss://", 6) != 0) {
		snprintf(err, errcap, "ocpp_url: \"%.60s\" does not start with ws:// or wss://", cfg->ocpp_url);
		return -1;
	}
	if (evse_model_check(cfg->edition, cfg->mode, cfg->ocpp_url[0] != '\0', err, errcap) < 0)
		return -1;
	if (cfg->mode == EVSE_MODE_WEB && !cfg->ocpp_url[0]) {
		snprintf(err, errcap, "mode WEB needs ocpp_url");
		return -1;
	}
	if (cfg->group_role != EVSE_GROUP_NONE && cfg->mode != EVSE_MODE_WEB) {
		snprintf(err, errcap, "group_role %s needs mode WEB (a %s station is never part of a group)",
		         cfg->group_role == EVSE_GROUP_MASTER ? "master" : "satellite", evse_mode_name(cfg->mode));
		return -1;
	}
	if (cfg->group_role != EVSE_GROUP_NONE && cfg->group_role != evse_model_role(cfg->edition, cfg->mode)) {
		/* 000 "Versions": a PRO station is the Master, BUSINESS stations are its Satellites */
		snprintf(err, errcap, "group_role %s: a %s station cannot be a %s (PRO: Master, BUSINESS: Satellite)",
		         cfg->group_role == EVSE_GROUP_MASTER ? "master" : "satellite", evse_model_name(cfg->edition),
		         evse_role_name(cfg->group_role));
		return -1;
	}
	if (cfg->group_safe_current_a > 0 && cfg->group_safe_current_a < 6) {
		snprintf(err, errcap, "group_safe_current: %d A (0 or 6..32)", cfg->group_safe_current_a);
		return -1;
	}
	if (cfg->group_threshold_a > 0 && cfg->group_threshold_a < 6) {
		snprintf(err, errcap, "group_threshold: %d A (0 = no balancing, or 6..800)", cfg->group_threshold_a);
		return -1;
	}
	if (cfg->group_role == EVSE_GROUP_MASTER) {
		struct evse_group_map m;
		if (evse_group_map_parse(&m, 1, cfg->group_satellites, err, errcap) < 0)
			return -1;
		if (cfg->group_threshold_a > 0 && m.total > EVSE_LB_MAX_POINTS) {
			snprintf(err, errcap,
			         "group_threshold: the group has %d connectors, at most %d can be balanced", m.total,
			         EVSE_LB_MAX_POINTS);
			return -1;
		}
	}
	return check_dpm(cfg, err, errcap);
}

void evse_config_help(FILE *out)
{
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt *o = &opts[i];
		fprintf(out, "  --%s=", o->name);
		switch (o->type) {
		case OPT_INT: fprintf(out, "%ld..%ld", o->min, o->max); break;
		case OPT_BOOL: fprintf(out, "true|false"); break;
		case OPT_STR: fprintf(out, "TEXT"); break;
		case OPT_ENUM:
			for (int k = 0; o->names[k]; k++)
				fprintf(out, "%s%s", k ? "|" : "", o->names[k]);
			break;
		}
		fprintf(out, "\n      %s (default: \"%s\")\n", o->help, o->def);
	}
}

int evse_config_state_path(const struct evse_config *cfg, const char *name, char *out, size_t cap)
{
	const char *slash = strrchr(cfg->db_path, '/');
	int n = slash ? snprintf(out, cap, "%.*s/%s", (int)(slash - cfg->db_path), cfg->db_path, name)
	              : snprintf(out, cap, "./%s", name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}
