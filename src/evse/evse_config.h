/* evse_config.h — the station's configuration: one table of options (name, type, range, default, help)
 * that fills struct evse_config from a config file ("key = value" lines), from --key=value arguments,
 * and prints `evse --help`. No allocation: every string has a fixed cap. */
#ifndef EVSE_CONFIG_H
#define EVSE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "evse_model.h"

#define EVSE_VERSION "0.1.0"

enum evse_case { EVSE_CASE_B, EVSE_CASE_C };
enum evse_earthing { EVSE_EARTH_TN, EVSE_EARTH_TT, EVSE_EARTH_IT };
enum evse_rfid_type { EVSE_RFID_M1, EVSE_RFID_CPU };

#define EVSE_STR_MAX 256

struct evse_config {
	/* station, as the installer sets it (003 §8.1.2) */
	int power_w;   /* 7400 or 22000 */
	int phases;    /* 1 or 3 */
	int voltage_v; /* nominal phase voltage (smart charging: W -> A) */
	enum evse_case charging_case;
	int max_current_a; /* 6..32 */
	enum evse_earthing earthing;
	enum evse_mode mode;
	enum evse_model edition; /* LITE, BUSINESS or PRO: the modes it has (evse_model.h) */
	enum evse_rfid_type rfid_type;
	int max_cards; /* local cards (PERSONAL mode), 1..64 */
	char serial[64];
	char vendor[21];
	char model[21];
	/* OCPP */
	char ocpp_url[EVSE_STR_MAX];      /* ws://host:port/path/CPID or wss://... ; empty: no backend */
	char ocpp_password[EVSE_STR_MAX]; /* HTTP Basic auth (security profile 1/2); empty: none */
	char ca_file[EVSE_STR_MAX];       /* wss:// trust anchors; empty: the system store */
	int reconnect_max_s;              /* the longest wait between reconnect attempts */
	/* Master/Satellite group (docs/evse.md "Master/Satellite") */
	enum evse_group_role group_role;
	char group_listen[64];               /* Master: address or interface its Satellites connect to */
	int group_port;                      /* Master: their OCPP port */
	char group_satellites[EVSE_STR_MAX]; /* Master: "SAT-A,SAT-B:2" in upstream connector order */
	int group_safe_current_a;            /* Satellite: the limit while it has no Master (0 or 6..32) */
	int group_threshold_a;               /* Master: the group's current per phase (0: no balancing, 6..800) */
	/* this program */
	char db_path[EVSE_STR_MAX];
	int http_port; /* local web app and simulator control; 0: off */
	char http_bind[64];
	char web_root[EVSE_STR_MAX];
	char log_level[8];
	int fw_max_kb; /* the largest firmware image accepted */
	bool simulator;
	/* dynamic power management with an external grid meter (evse_dpm_link.h, docs/evse.md) */
	bool dpm;
	int dpm_mode; /* enum evse_dpm_mode */
	bool dpm_renewable;
	int dpm_limit_a, dpm_limit_w, dpm_min_grid_w, dpm_safe_a, dpm_ramp_a;
	int dpm_fault_s, dpm_start_s, dpm_stop_s, dpm_min_on_s, dpm_min_off_s, dpm_switches_h;
	char dpm_meter[16]; /* sdm120, sdm630, custom */
	char dpm_meter_map[512];
	char dpm_meter_host[64];
	int dpm_meter_port;
	char dpm_meter_device[128];
	int dpm_meter_baud;
	char dpm_meter_parity[2];
	int dpm_meter_slave, dpm_pv_slave, dpm_poll_ms, dpm_timeout_ms;
};

/* Sets every option to its default. */
void evse_config_defaults(struct evse_config *cfg);

/* Sets one option from text. Returns 0, or -1 with a message in err ("max_current: 40 out of range
 * (6..32)"). */
int evse_config_set(struct evse_config *cfg, const char *key, const char *value, char *err, size_t errcap);

/* Reads "key = value" lines from text (len bytes, need not be NUL-terminated): '#' starts a comment,
 * blank lines are skipped, values may be in double quotes. Stops at the first bad line: -1 with
 * "line 3: ..." in err. */
int evse_config_parse(struct evse_config *cfg, const char *text, size_t len, char *err, size_t errcap);

/* Reads a config file (at most 64 KiB). */
int evse_config_load(struct evse_config *cfg, const char *path, char *err, size_t errcap);

/* Checks the options together (7.4 kW is single-phase, IT only single-phase, ...): 0 or -1 with err. */
int evse_config_check(const struct evse_config *cfg, char *err, size_t errcap);

struct evse_dpm_settings;
struct evse_gm_map;

/* The control law's settings (evse_dpm.h) from the dpm_* options and the station's (everything the installer
 * sets). */
void evse_config_dpm_settings(const struct evse_config *cfg, struct evse_dpm_settings *s);

/* The grid meter's register map (evse_gridmeter.h) the dpm_meter options name: 0, or -1 with err. */
int evse_config_dpm_map(const struct evse_config *cfg, struct evse_gm_map *m, char *err, size_t errcap);

/* Writes one line per option: name, values, default and what it does. */
void evse_config_help(FILE *out);

/* "<state dir>/name" into out: the state dir is the folder of the db file ("." when it has none).
 * 0, or -1 when it does not fit. */
int evse_config_state_path(const struct evse_config *cfg, const char *name, char *out, size_t cap);

#endif
