/* csms_errors.h — the REST API's error codes, one table (csms_errors.def): each has its HTTP status, its code
 * string and what it means. Routes answer an error with csms_http_fail(r, CSMS_ERR_<NAME>, ...)
 * (csms_http_answer.h); nothing else writes a status or a code of an error. */
#ifndef CSMS_ERRORS_H
#define CSMS_ERRORS_H

enum csms_err {
	CSMS_ERR_NONE, /* not an error: "none given" where a field may hold one (e.g. a job's conflict) */
#define X(name, status, code, meaning) CSMS_ERR_##name,
#include "csms_errors.def"
#undef X
	CSMS_ERR_COUNT
};

struct csms_error {
	int status;          /* the HTTP status */
	const char *code;    /* "bad_field", ...: unique */
	const char *meaning; /* one line for docs/api.md, and the message when a call gives none */
};

/* The table, indexed by enum csms_err (from 1: CSMS_ERR_NONE has no row). */
extern const struct csms_error csms_errors[CSMS_ERR_COUNT];

/* The row of e; CSMS_ERR_NONE or an out-of-range value is CSMS_ERR_INTERNAL's row. */
const struct csms_error *csms_error_of(enum csms_err e);

#endif
