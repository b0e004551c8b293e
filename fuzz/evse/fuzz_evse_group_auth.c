/* fuzz_evse_group_auth.c — a Satellite's Authorization header (arbitrary text) through the Basic parser: refused,
 * or a user without ':' and a password that fit their buffers; and the decision without a stored hash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_group_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char h[512], user[64], pw[EVSE_GAUTH_PW_MAX + 2];
	if (size >= sizeof(h))
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	if (evse_gauth_parse_basic(h, user, sizeof(user), pw, sizeof(pw)) == 0 &&
	    (strchr(user, ':') || strlen(user) >= sizeof(user) || strlen(pw) >= sizeof(pw)))
		__builtin_trap();
	if (evse_gauth_check("SAT-A", "", true, h) != EVSE_GAUTH_NOT_SET ||
	    evse_gauth_check("SAT-A", NULL, false, h) != EVSE_GAUTH_OPEN ||
	    evse_gauth_check("SAT-A", "not-a-hash", false, h) == EVSE_GAUTH_OK)
		__builtin_trap(); /* never accepted without a password set, never with a hash that is not one */
	return 0;
}
