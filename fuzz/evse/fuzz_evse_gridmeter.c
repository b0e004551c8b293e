/* fuzz_evse_gridmeter.c — the custom meter map parser on arbitrary bytes: it refuses with a reason or gives a
 * map whose rows are in range; every accepted row then decodes arbitrary register words without a crash. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_gridmeter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evse_gm_map m;
	char err[200];
	if (evse_gm_map_parse(&m, (const char *)data, size, err, sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)) || err[0] == '\0')
			__builtin_trap(); /* a refusal always says why */
		return 0;
	}
	if (m.n == 0 || m.n > EVSE_GM_MAX_REGS)
		__builtin_trap();
	uint16_t words[EVSE_GM_MAX_REGS][2];
	for (size_t i = 0; i < m.n; i++) {
		const struct evse_gm_reg *r = &m.regs[i];
		if ((unsigned)r->q >= EVSE_GM_QUANTITY_COUNT || (unsigned)r->type >= EVSE_GM_TYPE_COUNT ||
		    !isfinite(r->scale) || r->scale == 0.0 || r->addr == 65535)
			__builtin_trap();
		for (size_t k = i + 1; k < m.n; k++)
			if (m.regs[k].q == r->q)
				__builtin_trap(); /* each quantity once */
		words[i][0] = (uint16_t)(size * 7919u + i);
		words[i][1] = (uint16_t)(i * 31u);
	}
	struct evse_dpm_reading rd;
	double imp, exp;
	evse_gm_fill(&m, (const uint16_t(*)[2])words, &rd, &imp, &exp);
	(void)evse_gm_map_check(&m, 3, err, sizeof(err));
	return 0;
}
