/* fuzz_config.c — libFuzzer target: the csms option table fed arbitrary bytes, once as an INI file
 * (csms_config_load_string) and once as a command line (the bytes split on NUL into arguments).
 * Nothing may crash or leak; whatever is accepted must hold values within the table's bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csms_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

/* Every field of an accepted configuration is within its bounds and its buffer. */
static void check_bounds(const struct csms_config *cfg)
{
	if (cfg->port < 1 || cfg->port > 65535 || cfg->security_profile < 0 || cfg->security_profile > 2 ||
	    cfg->station_policy < 0 || cfg->station_policy > CSMS_POLICY_ACCEPT || cfg->heartbeat_interval < 10 ||
	    cfg->max_frame < 1024 || cfg->log_level < 0 || cfg->log_level > 3)
		abort();
	if (strnlen(cfg->listen, sizeof(cfg->listen)) == sizeof(cfg->listen) ||
	    strnlen(cfg->data_dir, sizeof(cfg->data_dir)) == sizeof(cfg->data_dir) ||
	    strnlen(cfg->tls_cert, sizeof(cfg->tls_cert)) == sizeof(cfg->tls_cert) ||
	    strnlen(cfg->tls_key, sizeof(cfg->tls_key)) == sizeof(cfg->tls_key) ||
	    strnlen(cfg->admin_token_file, sizeof(cfg->admin_token_file)) == sizeof(cfg->admin_token_file))
		abort();
}

static void fuzz_ini(const char *text)
{
	struct csms_config cfg;
	char err[400];

	csms_config_defaults(&cfg);
	if (csms_config_load_string(&cfg, text, "fuzz.ini", err, sizeof(err)) == 0) {
		check_bounds(&cfg);
		csms_config_check(&cfg, err, sizeof(err));
	} else if (strnlen(err, sizeof(err)) == sizeof(err) || strncmp(err, "fuzz.ini:", 9) != 0) {
		abort(); /* a refusal always names where */
	}
}

static void fuzz_args(char *buf, size_t size)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0, pos[4], n_pos;
	struct csms_config cfg;
	char err[400];

	argv[argc++] = "csms";
	for (size_t at = 0; at < size && argc < MAX_ARGS;) {
		argv[argc] = buf + at;
		/* --config reads a file: from a fuzzer that could be /dev/zero. Files are the INI half's job. */
		if (strncmp(argv[argc], "--config", 8) == 0)
			return;
		argc++;
		at += strlen(buf + at) + 1;
	}
	argv[argc] = NULL;
	csms_config_defaults(&cfg);
	if (csms_config_parse_args(&cfg, argc, argv, 1, pos, 4, &n_pos, err, sizeof(err)) == 0) {
		check_bounds(&cfg);
		if (n_pos < 0 || n_pos > 4)
			abort();
		for (int i = 0; i < n_pos; i++)
			if (pos[i] < 1 || pos[i] >= argc)
				abort();
		csms_config_check(&cfg, err, sizeof(err));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	fuzz_ini(buf);
	fuzz_args(buf, size);
	free(buf);
	return 0;
}
