/* fuzz_payload.c — libFuzzer target for every payload decoder: the first byte picks one of the 78 message
 * types (request or response of each action), the rest is its JSON payload. What decodes must re-encode
 * to JSON that decodes again to the same JSON. */
#include <stdint.h>
#include <stdlib.h>

#include "ocpp.h"
#include "ocpp_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocpp_limits lim = {.max_array = 50, .max_string = 512};
	const struct ocpp_type *type;
	struct ocpp_payload p, q;
	struct ocpp_error err;
	cJSON *json, *back, *again;
	const char *end;

	if (size < 1 || size > 4096)
		return 0;
	type = data[0] % 2 ? ocpp_actions[(data[0] / 2) % OCPP_ACTION_COUNT].conf
	                   : ocpp_actions[(data[0] / 2) % OCPP_ACTION_COUNT].req;
	if (!ocpp_utf8_is_valid((const char *)data + 1, size - 1))
		return 0;
	if (!(json = ocpp_json_parse((const char *)data + 1, size - 1, &end)))
		return 0;
	if (ocpp_decode(type, json, &lim, &p, &err) == 0) {
		if (!(back = ocpp_encode(type, p.data, &err)))
			abort();
		if (ocpp_decode(type, back, &lim, &q, &err) != 0 || !(again = ocpp_encode(type, q.data, &err)))
			abort();
		if (!cJSON_Compare(back, again, 1))
			abort();
		cJSON_Delete(again);
		cJSON_Delete(back);
		ocpp_payload_release(&q);
	}
	ocpp_payload_release(&p);
	ocpp_json_delete(json);
	return 0;
}
