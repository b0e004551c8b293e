/* csms_ops.h — the operations engine: every CS -> CP action goes through csms_op_start(), which
 * validates the request against the schema, queues it on the station's session (one outstanding
 * CALL at a time, the rest waiting, each with a timeout: see ocpp_rpc), records how it ended in the
 * operation table with its side effects (local list version, reservations, charging profiles), and
 * reports the outcome to whoever asked. */
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

/* Starts action on the station's live session with a JSON request. On failure returns a negative code
 * with a message in err and *http set to the status an API should answer (400 bad action or payload,
 * 404 unknown station, 409 not connected, 503 queue full). */
int csms_op_start(struct csms *app, const char *station_id, const char *action_name, const char *json, size_t len,
                  csms_op_done_fn *done, void *ctx, struct csms_op **out, int *http, char *err, size_t errlen);
/* The asker is gone: the operation goes on and is recorded, nobody is told. */
void csms_op_detach(struct csms_op *op);

const char *csms_op_status_name(enum csms_op_status s);

#endif
