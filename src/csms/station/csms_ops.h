/* csms_ops.h — the operations engine: every CS -> CP action goes through csms_op_start(), which takes
 * the action and its request as the library's typed struct (src/ocpp/ocpp_types.h), validates it against the
 * schema, queues it on the station's session (one outstanding
 * CALL at a time, the rest waiting, each with a timeout: see ocpp_rpc), records how it ended in the
 * operation table with its side effects (local list version, reservations, charging profiles), and
 * reports the outcome to whoever asked. It speaks in its own error codes: what an HTTP client is answered is
 * decided by the api room (csms_apiutil.c). */
#ifndef CSMS_OPS_H
#define CSMS_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "csms.h"
#include "csms_registry.h"
#include "csms_store.h"
#include "ocpp.h"

enum csms_op_status {
	CSMS_OP_RESULT,    /* the station answered CALLRESULT: response holds it */
	CSMS_OP_ERROR,     /* CALLERROR, or a response that broke the schema: error says which */
	CSMS_OP_TIMEOUT,   /* no answer within --call-timeout */
	CSMS_OP_CANCELLED, /* the station disconnected first */
};

/* Why csms_op_start() refused an operation: its negative return values. */
enum csms_op_error {
	CSMS_OP_E_ACTION = -1,        /* not an action the central system sends */
	CSMS_OP_E_NO_STATION = -2,    /* the station is not registered */
	CSMS_OP_E_NOT_CONNECTED = -3, /* the station has no attached session (csms_station_is_connected) */
	CSMS_OP_E_INVALID = -4,       /* the request breaks the action's schema */
	CSMS_OP_E_BUSY = -5,          /* too many operations already wait for this station */
	CSMS_OP_E_NO_MEMORY = -6,
};
#define CSMS_OP_E_COUNT 7 /* 0 and the six codes above, by their absolute value */
/* "action", "no_station", "not_connected", "invalid", "busy", "no_memory"; "ok" for 0; "?" otherwise */
const char *csms_op_error_name(int rc);

struct csms_op;
/* Called on the event-loop thread when the operation ends; op is freed after the callback returns. */
typedef void csms_op_done_fn(struct csms_op *op, void *ctx);

struct csms_op {
	struct csms *app;
	struct csms_station *station;
	enum ocpp_action action;
	int64_t requested; /* wall ms */
	char *request;     /* JSON text as sent, owned */
	enum csms_op_status status;
	char *response; /* CALLRESULT payload as JSON text, owned (RESULT only) */
	char error_code[32];
	char error[256];
	csms_op_done_fn *done; /* NULL when nobody waits any more */
	void *ctx;
};

/* Starts action on the station's live session; req is the action's request struct (e.g. struct
 * ocpp_reset_req for OCPP_Reset), read during the call only (the caller keeps owning it). Returns 0 with the
 * operation in *out (freed by the engine after done() ran), or an enum csms_op_error with a message naming
 * the station, action or field in err. */
int csms_op_start(struct csms *app, const char *station_id, enum ocpp_action action, const void *req,
                  csms_op_done_fn *done, void *ctx, struct csms_op **out, char *err, size_t errlen);
/* The asker is gone: the operation goes on and is recorded, nobody is told. */
void csms_op_detach(struct csms_op *op);

const char *csms_op_status_name(enum csms_op_status s);

#endif
