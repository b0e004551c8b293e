/* ocpp_rpc.h — OCPP-J RPC bookkeeping for one connection, without I/O: unique outgoing ids, one
 * outstanding CALL with a bounded queue behind it, timeouts on a clock the caller passes in, matching
 * of results and errors to their calls, refusal of duplicate incoming ids, and validation of every
 * payload both ways. The caller feeds received frames in and takes frames to send out. */
#ifndef OCPP_RPC_H
#define OCPP_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_action.h"
#include "ocpp_error.h"
#include "ocpp_schema.h"

enum ocpp_role {
	OCPP_ROLE_CS, /* central system: handles actions sent by charge points */
	OCPP_ROLE_CP, /* charge point: handles actions sent by central systems */
};

struct ocpp_rpc;

/* An incoming CALL, already validated. req points at the decoded request struct and, like id, is valid
 * only during the handler call: answer now or later with ocpp_rpc_reply()/ocpp_rpc_reply_error(). */
struct ocpp_incoming {
	enum ocpp_action action;
	const char *id;
	const void *req;
};
typedef void ocpp_call_fn(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in);

enum ocpp_outcome_kind {
	OCPP_OUTCOME_RESULT, /* conf is the validated response */
	OCPP_OUTCOME_ERROR,  /* the peer answered CALLERROR, or the response broke the schema, or
	                        Timeout / Cancelled: error says which */
};

/* How one of our CALLs ended; valid only during the callback. */
struct ocpp_outcome {
	enum ocpp_action action;
	void *cookie;
	enum ocpp_outcome_kind kind;
	const void *conf;
	struct ocpp_error error;
};
typedef void ocpp_outcome_fn(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out);

struct ocpp_rpc_config {
	enum ocpp_role role;
	struct ocpp_limits limits;     /* zero fields: defaults */
	uint32_t call_timeout_ms;      /* 0: 30 s */
	unsigned max_queue;            /* outgoing CALLs waiting behind the outstanding one; 0: 100 */
	unsigned max_incoming;         /* incoming CALLs handled at once; 0: 4 */
	size_t max_output;             /* bytes of frames waiting to be sent; 0: 1 MiB. Past it frames are
	                                * dropped and ocpp_rpc_overflowed() turns true: close the peer */
	uint64_t id_seed;              /* start of outgoing ids, e.g. the clock, so reconnects differ */
	ocpp_call_fn *const *handlers; /* [OCPP_ACTION_COUNT]; NULL entry: NotSupported */
	ocpp_outcome_fn *on_outcome;
	void *ctx; /* passed to handlers and on_outcome */
};

/* Creates the state of one connection; NULL when out of memory. Free with ocpp_rpc_free(). */
struct ocpp_rpc *ocpp_rpc_new(const struct ocpp_rpc_config *cfg);
/* Cancels every pending call (outcome Cancelled) and frees everything. */
void ocpp_rpc_free(struct ocpp_rpc *rpc);

/* Queues a CALL of action with req (a struct of its request type). The request is validated and
 * encoded now: OCPP_EINVAL with err set if it breaks the schema, OCPP_EFULL when the queue is full,
 * OCPP_ENOENT when this role may not send the action. cookie comes back in the outcome. */
int ocpp_rpc_call(struct ocpp_rpc *rpc, enum ocpp_action action, const void *req, void *cookie, uint64_t now_ms,
                  struct ocpp_error *err);

/* Processes one received frame. Replies due (CALLRESULT/CALLERROR) are queued for output; handlers and
 * outcomes are called. Returns 0, or OCPP_EINVAL/OCPP_EIGNORED with err describing a bad frame (for the
 * log: the reply, if the spec wants one, is already queued). */
int ocpp_rpc_receive(struct ocpp_rpc *rpc, const char *buf, size_t len, uint64_t now_ms, struct ocpp_error *err);

/* Answers the incoming CALL id with conf (a struct of the action's response type). OCPP_ENOENT when no
 * such call is being handled, OCPP_EINVAL when conf breaks the schema (a CALLERROR InternalError is sent
 * instead). */
int ocpp_rpc_reply(struct ocpp_rpc *rpc, const char *id, const void *conf, struct ocpp_error *err);
int ocpp_rpc_reply_error(struct ocpp_rpc *rpc, const char *id, enum ocpp_error_code code, const char *description);

/* Expires the outstanding call when its time is up and moves the next queued call to the output. */
void ocpp_rpc_tick(struct ocpp_rpc *rpc, uint64_t now_ms);
/* When ocpp_rpc_tick() next has work (UINT64_MAX: none). */
uint64_t ocpp_rpc_next_deadline(const struct ocpp_rpc *rpc);

/* Takes the next frame to send (caller frees with free()), or NULL when there is none. */
char *ocpp_rpc_take_output(struct ocpp_rpc *rpc, size_t *len);
bool ocpp_rpc_has_output(const struct ocpp_rpc *rpc);
/* Bytes of frames waiting in the output (stop reading from a peer whose answers pile up). */
size_t ocpp_rpc_output_bytes(const struct ocpp_rpc *rpc);
/* Was a frame dropped because the output held cfg.max_output bytes? Then the peer must be closed: its
 * answers or calls are lost. */
bool ocpp_rpc_overflowed(const struct ocpp_rpc *rpc);

/* Number of calls outstanding plus queued. */
size_t ocpp_rpc_pending(const struct ocpp_rpc *rpc);

#endif
