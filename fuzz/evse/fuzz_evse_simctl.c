/* fuzz_evse_simctl.c — the simulator control commands on arbitrary bytes, applied to a simulator that a
 * charging point then runs over, so that any accepted command is also exercised end to end. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_charge.h"
#include "evse_simctl.h"
#include "wl_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct evse_config cfg;
	struct evse_simctl_cmd cmd;
	char err[200];
	uint64_t now = 1000;

	wl_log_set_level(WL_LOG_ERROR);
	evse_config_defaults(&cfg);
	struct evse_sim *sim = evse_sim_new(NULL, now);
	struct evse_charge *c = evse_charge_new(&cfg, evse_sim_hal(sim), NULL, now);
	/* one command per line */
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (evse_simctl_parse(p, len, &cmd, err, sizeof(err)) == 0)
			evse_simctl_apply(&cmd, sim);
		for (int i = 0; i < 5; i++) {
			now += 100;
			evse_sim_step(sim, now);
			evse_charge_tick(c, now);
		}
		p = nl ? nl + 1 : end;
	}
	evse_charge_free(c);
	evse_sim_free(sim);
	return 0;
}
