/* csms_errors.c — the REST API's error table, built from csms_errors.def. */
#include "csms_errors.h"

const struct csms_error csms_errors[CSMS_ERR_COUNT] = {
#define X(name, st, cd, mn) [CSMS_ERR_##name] = {.status = st, .code = cd, .meaning = mn},
#include "csms_errors.def"
#undef X
};

const struct csms_error *csms_error_of(enum csms_err e)
{
	return e > CSMS_ERR_NONE && (unsigned)e < CSMS_ERR_COUNT ? &csms_errors[e] : &csms_errors[CSMS_ERR_INTERNAL];
}
