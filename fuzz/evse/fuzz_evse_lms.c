/* fuzz_evse_lms.c — the Local Management System's parsers on arbitrary input: a user's JSON (accepted only with a
 * name, 1..8 distinct cards in wl_idtag_key form, a window whose until is after its from, hours in 0..1439 and not
 * equal, limits in range) and a MeterValues' figures (each absent, or within 0..1e12). */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_lms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evse_lms_user u;
	char err[200];
	if (evse_lms_user_parse((const char *)data, size, &u, err, sizeof(err)) == 0) {
		if (!u.name[0] || u.n_cards < 1 || u.n_cards > EVSE_LMS_CARDS_MAX)
			__builtin_trap();
		if (u.from_ms && u.until_ms && u.until_ms <= u.from_ms)
			__builtin_trap();
		if (u.hours_from >= 0 &&
		    (u.hours_from > 1439 || u.hours_to < 0 || u.hours_to > 1439 || u.hours_from == u.hours_to))
			__builtin_trap();
		if (u.max_sessions < 0 || u.max_sessions > EVSE_LMS_MAX_SESSION || u.max_kwh < 0 ||
		    u.max_kwh > EVSE_LMS_MAX_KWH || u.days > 127)
			__builtin_trap();
		for (int i = 0; i < u.n_cards; i++) {
			size_t n = strlen(u.cards[i]);
			if (n < WL_IDTAG_PADDED || n > 20)
				__builtin_trap();
			for (int k = 0; k < i; k++)
				if (strcmp(u.cards[k], u.cards[i]) == 0)
					__builtin_trap();
		}
		struct evse_lms_usage use = {0, 0};
		(void)evse_lms_check(&u, 1764720000000, 3600, &use);
		cJSON_Delete(evse_lms_user_json(&u));
	} else if (!err[0]) {
		__builtin_trap(); /* a refusal always says why */
	}
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	if (j) {
		struct evse_lms_meter m;
		evse_lms_meter_read(j, &m);
		const double v[3] = {m.wh, m.amps, m.watts};
		for (int i = 0; i < 3; i++)
			if (!(v[i] == -1 || (v[i] >= 0 && v[i] <= 1e12)))
				__builtin_trap();
		cJSON_Delete(j);
	}
	return 0;
}
