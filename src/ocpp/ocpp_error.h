/* ocpp_error.h — return codes of the library and the OCPP-J CALLERROR codes with their descriptions.
 * Functions return 0 or a negative enum ocpp_rc; struct ocpp_error carries an OCPP error code and a message. */
#ifndef OCPP_ERROR_H
#define OCPP_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

enum ocpp_rc {
	OCPP_OK = 0,
	OCPP_EINVAL = -1,   /* input refused; struct ocpp_error says why */
	OCPP_ENOMEM = -2,   /* allocation failed */
	OCPP_EFULL = -3,    /* a bounded queue is full */
	OCPP_ENOENT = -4,   /* no such call, id or action */
	OCPP_EIGNORED = -5, /* frame ignored as the spec asks (unknown message type) */
};

enum ocpp_error_code {
#define X(name, wire, desc) OCPP_ERR_##name,
#include "errors.def"
#undef X
	OCPP_ERR_COUNT
};

#define OCPP_ERROR_MSG_MAX 200

/* An OCPP error: the CALLERROR code and a human message naming the field and value at fault. */
struct ocpp_error {
	enum ocpp_error_code code;
	char message[OCPP_ERROR_MSG_MAX];
};

/* Name of a return code ("invalid input"); never NULL. */
const char *ocpp_strerror(int rc);
/* Spec spelling of a CALLERROR code ("OccurenceConstraintViolation"); never NULL. */
const char *ocpp_error_code_name(enum ocpp_error_code code);
/* The spec's description of a CALLERROR code. */
const char *ocpp_error_code_description(enum ocpp_error_code code);
/* Looks a received code name up; unknown names give OCPP_ERR_GenericError. */
enum ocpp_error_code ocpp_error_code_from_name(const char *name);
/* True for the codes that may be sent in a CALLERROR (not the local Timeout/Cancelled). */
bool ocpp_error_code_is_wire(enum ocpp_error_code code);

/* Sets err (when not NULL) to code and a printf-formatted message; returns OCPP_EINVAL. */
int ocpp_error_set(struct ocpp_error *err, enum ocpp_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Puts "prefix" in front of err->message (used to build field paths while unwinding). */
void ocpp_error_prefix(struct ocpp_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
