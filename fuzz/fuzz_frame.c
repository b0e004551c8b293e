/* fuzz_frame.c — libFuzzer target: OCPP-J frame parser, then the payload decoder of the named action,
 * and the re-encoding of what decoded. Nothing may crash, leak or fail to re-encode. */
#include <stdint.h>
#include <stdlib.h>

#include "ocpp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocpp_limits lim = {.max_frame = 4096, .max_depth = 8, .max_array = 50, .max_string = 512};
	struct ocpp_frame f;
	struct ocpp_error err;
	struct ocpp_payload p;
	int a;

	if (ocpp_frame_parse(&f, (const char *)data, size, &lim, &err) == 0 && f.type == OCPP_CALL &&
	    (a = ocpp_action_lookup(f.action)) >= 0) {
		if (ocpp_decode(ocpp_actions[a].req, f.payload, &lim, &p, &err) == 0) {
			cJSON *back = ocpp_encode(ocpp_actions[a].req, p.data, &err);

			if (!back)
				abort(); /* whatever decodes must encode */
			cJSON_Delete(back);
		}
		ocpp_payload_release(&p);
	}
	ocpp_frame_release(&f);
	return 0;
}
