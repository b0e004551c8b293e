/* fuzz_evse_group_lb.c — a Satellite's MeterValues (arbitrary JSON) read for its EV's Current.Import: found or
 * not, never out of the balancer's range (0..EVSE_LB_MAX_DA tenths of an ampere), each phase at most the highest. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_group_lb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	int da = -7, ph[3], grp[3];
	if (!j)
		return 0;
	if (evse_glb_current_import_phases(j, &da, ph) == 0) {
		for (int i = 0; i < 3; i++)
			if (ph[i] < -1 || ph[i] > da)
				__builtin_trap(); /* a phase is at most the highest */
		evse_glb_rotate(3, (int)(size % 3) + 1, ph, grp);
		evse_glb_rotate(1, (int)(size % 3) + 1, ph, grp);
	}
	da = -7;
	if (evse_glb_current_import(j, &da) == 0) {
		if (da < 0 || da > EVSE_LB_MAX_DA)
			__builtin_trap();
	} else if (da != -7) {
		__builtin_trap(); /* untouched when not found */
	}
	cJSON_Delete(j);
	return 0;
}
