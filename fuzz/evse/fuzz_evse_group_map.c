/* fuzz_evse_group_map.c — the Satellite list (group_satellites) on arbitrary text: refused with a reason
 * or accepted, and what is accepted maps both ways (down(up(s, c)) == (s, c)) within the group's limits, each
 * point's maximum, phases and wiring in range (its phase mask one bit or all three). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_group_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evse_group_map m;
	char text[512], err[200];
	int sat, local;
	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (evse_group_map_parse(&m, 1, text, err, sizeof(err)) < 0) {
		if (!err[0])
			__builtin_trap(); /* a refusal always says why */
		return 0;
	}
	if (m.n_sat > EVSE_GROUP_SAT_MAX || m.total > 1 + EVSE_GROUP_SAT_MAX * EVSE_GROUP_CONN_MAX)
		__builtin_trap();
	for (int s = 0; s < m.n_sat; s++) {
		unsigned mask = evse_group_phase_mask(m.sat[s].phases, m.sat[s].l1);
		if (m.sat[s].max_a < EVSE_GROUP_MAX_A_MIN || m.sat[s].max_a > EVSE_GROUP_MAX_A_MAX ||
		    (m.sat[s].phases != 1 && m.sat[s].phases != 3) || m.sat[s].l1 < 1 || m.sat[s].l1 > 3 ||
		    !(mask == 1 || mask == 2 || mask == 4 || mask == 7))
			__builtin_trap();
	}
	for (int s = 0; s < m.n_sat; s++)
		for (int c = 1; c <= m.sat[s].connectors; c++)
			if (evse_group_map_down(&m, evse_group_map_up(&m, s, c), &sat, &local) < 0 || sat != s ||
			    local != c)
				__builtin_trap();
	return 0;
}
