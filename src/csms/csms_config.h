/* csms_config.h — the central system's settings: one table of options read from the command line
 * (--name value or --name=value) and from an INI file (name = value, in [csms] or no section), with
 * defaults, bounds and the help text `csms --help` prints. */
#ifndef CSMS_CONFIG_H
#define CSMS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum csms_station_policy {
	CSMS_POLICY_KNOWN,   /* only registered stations may connect (default) */
	CSMS_POLICY_PENDING, /* unknown ids are registered "to be configured", Boot answered Pending */
	CSMS_POLICY_ACCEPT,  /* unknown ids are registered and accepted: labs, tests, benchmarks */
};

struct csms_config {
	char listen[64];
	int port;
	char data_dir[256];
	char config_file[256];
	char tls_cert[256];
	char tls_key[256];
	int security_profile;   /* 0: passwords only where set; 1: Basic auth for all; 2: 1 + TLS */
	int station_policy;     /* enum csms_station_policy */
	int heartbeat_interval; /* seconds, told to stations at boot; idle stations are pinged after it */
	int pending_interval;   /* seconds, told to Pending/Rejected stations: when to boot again */
	int pending_max;        /* policy pending: most stations waiting to be configured at once */
	int pending_rate;       /* policy pending: new automatic registrations per minute */
	int call_timeout;       /* seconds to wait for a station's answer to our CALL */
	int max_frame;          /* bytes of one OCPP message */
	int max_connections;
	int auth_fail_limit;        /* failed station logins per address per minute before refusing */
	int message_retention;      /* days the OCPP message log is kept */
	int event_retention;        /* days station events are kept */
	int message_log_max_mb;     /* megabytes of frame text the message log keeps */
	int message_log_frame_max;  /* bytes of one frame the message log keeps */
	int station_msg_rate;       /* messages a second per station (0: no limit) */
	int station_byte_rate;      /* bytes a second per station (0: no limit) */
	int list_sync_rate;         /* automatic card-list syncs started a second */
	int list_sync_delay;        /* seconds after a boot before its card-list sync */
	bool allow_concurrent_tx;   /* may a card charge at two sockets at once */
	int log_level;              /* enum wl_log_level */
	char admin_token_file[256]; /* bearer token for the local command line (default: <data>/admin.token) */
	/* operators (REST API) */
	int session_hours;    /* a login lasts this long */
	int login_fail_limit; /* failed operator logins per 15 minutes per account or address */
	char public_url[256]; /* how operators reach this csms (links in e-mails); empty: not sent */
	char smtp_url[256];   /* smtps://host:465 or smtp://host:587; empty: no e-mail */
	char smtp_user[128];
	char smtp_password_file[256];
	char smtp_from[128];
	/* maintenance */
	char backup_dir[256]; /* external folder backups are also copied to; empty: none */
	int backup_keep;      /* daily backups kept (days) */
	int backup_hour;      /* hour of the day (local time) of the automatic backup; -1: never */
	int backup_check;     /* seconds between checks of the daily schedule (the first one after start) */
	char log_file[256];   /* log written here too (for download); default <data>/csms.log */
	char web_root[256];   /* the browser UI's files (web/csms), served at / */
};

/* Sets every option to its default. */
void csms_config_defaults(struct csms_config *cfg);

/* Applies one option by name (without the dashes). Returns 0, or -1 with a message in err. */
int csms_config_set(struct csms_config *cfg, const char *name, const char *value, char *err, size_t errlen);

/* Reads an INI file; unknown keys and bad values are errors naming file and line. */
int csms_config_load_file(struct csms_config *cfg, const char *path, char *err, size_t errlen);
/* The same for INI text held in memory (tests, fuzzing); name stands for the file in messages
 * (NULL: "<string>"). Does not set config_file. */
int csms_config_load_string(struct csms_config *cfg, const char *text, const char *name, char *err, size_t errlen);

/* Parses argv[first..argc): options, and "--config FILE" (read at once, so later options override it).
 * Positional arguments are left in place and their indexes returned in pos[] (at most npos, count in
 * *n_pos). Returns 0, 1 when --help was given, or -1 with err set. */
int csms_config_parse_args(struct csms_config *cfg, int argc, char **argv, int first, int *pos, int npos, int *n_pos,
                           char *err, size_t errlen);

/* Checks options that depend on each other (TLS files for profile 2, ...). */
int csms_config_check(const struct csms_config *cfg, char *err, size_t errlen);

void csms_config_print_help(const char *prog);
const char *csms_policy_name(int policy);

#endif
