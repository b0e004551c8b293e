/* ocpp_frame.h — OCPP-J framing: parse a WebSocket text message into CALL / CALLRESULT / CALLERROR and
 * build those frames as text. Frame errors map to CALLERROR codes as docs/ocpp.md says. */
#ifndef OCPP_FRAME_H
#define OCPP_FRAME_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ocpp_error.h"
#include "ocpp_schema.h"

enum ocpp_message_type {
	OCPP_CALL = 2,
	OCPP_CALLRESULT = 3,
	OCPP_CALLERROR = 4,
};

#define OCPP_ID_MAX 36 /* a message id is a string of at most 36 characters */

/* A parsed frame. Every pointer borrows from root, which the frame owns: release it with
 * ocpp_frame_release(). */
struct ocpp_frame {
	enum ocpp_message_type type;
	char id[OCPP_ID_MAX + 1];      /* "" when it could not be read */
	const char *action;            /* CALL: action name as received */
	const cJSON *payload;          /* CALL, CALLRESULT: the payload; CALLERROR: errorDetails */
	const char *error_code;        /* CALLERROR */
	const char *error_description; /* CALLERROR */
	cJSON *root;
};

/* Parses buf[0..len) (need not be NUL-terminated). Returns 0 on success; OCPP_EIGNORED for a message
 * type number that OCPP-J does not define (no reply is due; err says so); OCPP_EINVAL with err set for a bad frame,
 * in which case f->id holds the message id when it could be read. lim may be NULL for the defaults.
 * Always call ocpp_frame_release() afterwards. */
int ocpp_frame_parse(struct ocpp_frame *f, const char *buf, size_t len, const struct ocpp_limits *lim,
                     struct ocpp_error *err);
void ocpp_frame_release(struct ocpp_frame *f);

/* Builders: return NUL-terminated text the caller frees with free(), or NULL when out of memory.
 * payload may be NULL for {}; details NULL gives the empty errorDetails {}. */
char *ocpp_frame_call(const char *id, const char *action, const cJSON *payload);
char *ocpp_frame_result(const char *id, const cJSON *payload);
char *ocpp_frame_error(const char *id, enum ocpp_error_code code, const char *description, const cJSON *details);

#endif
