/* fuzz_evse_config.c — the config file parser on arbitrary bytes: it must refuse or accept without a
 * crash, and what it accepts must pass the option table's own range checks. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evse_config cfg;
	char err[200];
	evse_config_defaults(&cfg);
	if (evse_config_parse(&cfg, (const char *)data, size, err, sizeof(err)) == 0) {
		if (cfg.max_current_a < 6 || cfg.max_current_a > 32 || cfg.http_port < 0 || cfg.http_port > 65535)
			__builtin_trap();
		if (strlen(cfg.ocpp_url) >= sizeof(cfg.ocpp_url))
			__builtin_trap();
		(void)evse_config_check(&cfg, err, sizeof(err));
	} else if (!memchr(err, '\0', sizeof(err)) || err[0] == '\0') {
		__builtin_trap(); /* a refusal always says why */
	}
	return 0;
}
