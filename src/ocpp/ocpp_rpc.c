/* ocpp_rpc.c — one connection's OCPP-J call bookkeeping: the outgoing queue, the outstanding call and
 * its timer, the incoming calls being handled, and the output queue. No I/O, no clock of its own. */
#include "ocpp_rpc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp_frame.h"

#define DEFAULT_TIMEOUT_MS   30000u
#define DEFAULT_MAX_QUEUE    100u
#define DEFAULT_MAX_INCOMING 4u
#define DEFAULT_MAX_OUTPUT   (1024u * 1024u)

struct out_msg {
	struct out_msg *next;
	size_t len;
	char *text;
};

struct call {
	struct call *next;
	enum ocpp_action action;
	void *cookie;
	char id[OCPP_ID_MAX + 1];
	char *text; /* the encoded CALL until it moves to the output */
};

struct incoming {
	bool busy;
	enum ocpp_action action;
	char id[OCPP_ID_MAX + 1];
};

struct ocpp_rpc {
	struct ocpp_rpc_config cfg;
	uint64_t next_id;
	struct call *outstanding; /* sent, awaiting its answer */
	uint64_t deadline;
	struct call *queue_head, *queue_tail;
	size_t queued;
	struct out_msg *out_head, *out_tail;
	size_t out_bytes;          /* text waiting in the output */
	bool overflowed;           /* a frame was dropped: the output was full */
	struct incoming *incoming; /* [cfg.max_incoming] */
};

struct ocpp_rpc *ocpp_rpc_new(const struct ocpp_rpc_config *cfg)
{
	struct ocpp_rpc *rpc = calloc(1, sizeof(*rpc));

	if (!rpc)
		return NULL;
	rpc->cfg = *cfg;
	ocpp_limits_normalize(&rpc->cfg.limits);
	if (!rpc->cfg.call_timeout_ms)
		rpc->cfg.call_timeout_ms = DEFAULT_TIMEOUT_MS;
	if (!rpc->cfg.max_queue)
		rpc->cfg.max_queue = DEFAULT_MAX_QUEUE;
	if (!rpc->cfg.max_incoming)
		rpc->cfg.max_incoming = DEFAULT_MAX_INCOMING;
	if (!rpc->cfg.max_output)
		rpc->cfg.max_output = DEFAULT_MAX_OUTPUT;
	rpc->next_id = cfg->id_seed;
	rpc->deadline = UINT64_MAX;
	rpc->incoming = calloc(rpc->cfg.max_incoming, sizeof(*rpc->incoming));
	if (!rpc->incoming) {
		free(rpc);
		return NULL;
	}
	return rpc;
}

/* Tells the owner of call how it ended and frees it. */
static void finish(struct ocpp_rpc *rpc, struct call *c, struct ocpp_outcome *out)
{
	out->action = c->action;
	out->cookie = c->cookie;
	if (rpc->cfg.on_outcome)
		rpc->cfg.on_outcome(rpc->cfg.ctx, rpc, out);
	free(c->text);
	free(c);
}

static void finish_error(struct ocpp_rpc *rpc, struct call *c, enum ocpp_error_code code, const char *msg)
{
	struct ocpp_outcome out = {.kind = OCPP_OUTCOME_ERROR};

	ocpp_error_set(&out.error, code, "%s", msg);
	finish(rpc, c, &out);
}

void ocpp_rpc_free(struct ocpp_rpc *rpc)
{
	struct call *c;
	struct out_msg *m;

	if (!rpc)
		return;
	if ((c = rpc->outstanding)) {
		rpc->outstanding = NULL;
		finish_error(rpc, c, OCPP_ERR_Cancelled, "connection closed");
	}
	while ((c = rpc->queue_head)) {
		rpc->queue_head = c->next;
		finish_error(rpc, c, OCPP_ERR_Cancelled, "connection closed");
	}
	while ((m = rpc->out_head)) {
		rpc->out_head = m->next;
		free(m->text);
		free(m);
	}
	free(rpc->incoming);
	free(rpc);
}

static int push_output(struct ocpp_rpc *rpc, char *text)
{
	size_t len;
	struct out_msg *m;

	if (!text)
		return OCPP_ENOMEM;
	len = strlen(text);
	if (rpc->out_bytes + len > rpc->cfg.max_output) {
		/* a peer that does not read what it is sent: the owner closes it (ocpp_rpc_overflowed) */
		rpc->overflowed = true;
		free(text);
		return OCPP_EFULL;
	}
	m = malloc(sizeof(*m));
	if (!m) {
		free(text);
		return OCPP_ENOMEM;
	}
	m->next = NULL;
	m->len = len;
	m->text = text;
	if (rpc->out_tail)
		rpc->out_tail->next = m;
	else
		rpc->out_head = m;
	rpc->out_tail = m;
	rpc->out_bytes += len;
	return 0;
}

/* Sends the next queued call when none is outstanding. */
static void pump(struct ocpp_rpc *rpc, uint64_t now)
{
	struct call *c;

	while (!rpc->outstanding && (c = rpc->queue_head)) {
		rpc->queue_head = c->next;
		if (!rpc->queue_head)
			rpc->queue_tail = NULL;
		rpc->queued--;
		c->next = NULL;
		int rc = push_output(rpc, c->text);
		if (rc) {
			c->text = NULL;
			finish_error(rpc, c, OCPP_ERR_InternalError,
			             rc == OCPP_EFULL ? "output full: the peer does not read" : "out of memory");
			continue;
		}
		c->text = NULL;
		rpc->outstanding = c;
		rpc->deadline = now + rpc->cfg.call_timeout_ms;
	}
}

static bool role_may_send(const struct ocpp_rpc *rpc, enum ocpp_action a)
{
	enum ocpp_direction mine = rpc->cfg.role == OCPP_ROLE_CS ? OCPP_FROM_CS : OCPP_FROM_CP;

	return (ocpp_actions[a].sent_by & mine) != 0;
}

int ocpp_rpc_call(struct ocpp_rpc *rpc, enum ocpp_action action, const void *req, void *cookie, uint64_t now_ms,
                  struct ocpp_error *err)
{
	struct call *c;
	cJSON *payload;

	if ((unsigned)action >= OCPP_ACTION_COUNT || !role_may_send(rpc, action)) {
		ocpp_error_set(err, OCPP_ERR_NotSupported, "this role does not send %s",
		               ocpp_action_name(action) ? ocpp_action_name(action) : "unknown actions");
		return OCPP_ENOENT;
	}
	if (rpc->queued >= rpc->cfg.max_queue) {
		ocpp_error_set(err, OCPP_ERR_GenericError, "call queue full (%u)", rpc->cfg.max_queue);
		return OCPP_EFULL;
	}
	if (!(payload = ocpp_encode(ocpp_actions[action].req, req, err)))
		return OCPP_EINVAL;
	if (!(c = calloc(1, sizeof(*c))))
		goto fail_payload;
	c->action = action;
	c->cookie = cookie;
	snprintf(c->id, sizeof(c->id), "%" PRIu64, rpc->next_id++);
	if (!(c->text = ocpp_frame_call(c->id, ocpp_actions[action].name, payload)))
		goto fail_call;
	cJSON_Delete(payload);
	if (rpc->queue_tail)
		rpc->queue_tail->next = c;
	else
		rpc->queue_head = c;
	rpc->queue_tail = c;
	rpc->queued++;
	pump(rpc, now_ms);
	return 0;

fail_call:
	free(c);
fail_payload:
	cJSON_Delete(payload);
	ocpp_error_set(err, OCPP_ERR_InternalError, "out of memory");
	return OCPP_ENOMEM;
}

static struct incoming *find_incoming(struct ocpp_rpc *rpc, const char *id)
{
	for (unsigned i = 0; i < rpc->cfg.max_incoming; i++)
		if (rpc->incoming[i].busy && strcmp(rpc->incoming[i].id, id) == 0)
			return &rpc->incoming[i];
	return NULL;
}

static struct incoming *free_incoming(struct ocpp_rpc *rpc)
{
	for (unsigned i = 0; i < rpc->cfg.max_incoming; i++)
		if (!rpc->incoming[i].busy)
			return &rpc->incoming[i];
	return NULL;
}

static int send_error(struct ocpp_rpc *rpc, const char *id, const struct ocpp_error *err)
{
	return push_output(rpc, ocpp_frame_error(id, err->code, err->message, NULL));
}

/* Validates an incoming CALL, refuses what must be refused, hands the rest to its handler. */
static int receive_call(struct ocpp_rpc *rpc, const struct ocpp_frame *f, struct ocpp_error *err)
{
	struct ocpp_payload p;
	struct ocpp_incoming in;
	struct incoming *slot;
	int a = ocpp_action_lookup(f->action);
	int rc;

	if (a < 0) {
		ocpp_error_set(err, OCPP_ERR_NotImplemented, "unknown action \"%.40s\"", f->action);
		goto refuse;
	}
	if (find_incoming(rpc, f->id)) {
		ocpp_error_set(err, OCPP_ERR_ProtocolError, "message id \"%s\" is already being handled", f->id);
		goto refuse;
	}
	if ((rpc->cfg.role == OCPP_ROLE_CS ? !(ocpp_actions[a].sent_by & OCPP_FROM_CP)
	                                   : !(ocpp_actions[a].sent_by & OCPP_FROM_CS)) ||
	    !rpc->cfg.handlers || !rpc->cfg.handlers[a]) {
		ocpp_error_set(err, OCPP_ERR_NotSupported, "action %s is not supported here", ocpp_actions[a].name);
		goto refuse;
	}
	if (!(slot = free_incoming(rpc))) {
		ocpp_error_set(err, OCPP_ERR_GenericError, "too many calls in progress (%u)", rpc->cfg.max_incoming);
		goto refuse;
	}
	rc = ocpp_decode(ocpp_actions[a].req, f->payload, &rpc->cfg.limits, &p, err);
	if (rc) {
		ocpp_payload_release(&p);
		goto refuse;
	}
	slot->busy = true;
	slot->action = (enum ocpp_action)a;
	memcpy(slot->id, f->id, sizeof(slot->id));
	in.action = (enum ocpp_action)a;
	in.id = slot->id;
	in.req = p.data;
	rpc->cfg.handlers[a](rpc->cfg.ctx, rpc, &in);
	ocpp_payload_release(&p);
	return 0;

refuse:
	send_error(rpc, f->id, err);
	return OCPP_EINVAL;
}

/* Matches a CALLRESULT or CALLERROR to the outstanding call. */
static int receive_answer(struct ocpp_rpc *rpc, const struct ocpp_frame *f, uint64_t now, struct ocpp_error *err)
{
	struct call *c = rpc->outstanding;
	struct ocpp_outcome out = {0};
	struct ocpp_payload p;

	if (!c || strcmp(c->id, f->id) != 0)
		return ocpp_error_set(err, OCPP_ERR_ProtocolError, "answer to unknown message id \"%s\"", f->id);
	rpc->outstanding = NULL;
	rpc->deadline = UINT64_MAX;
	if (f->type == OCPP_CALLERROR) {
		out.kind = OCPP_OUTCOME_ERROR;
		ocpp_error_set(&out.error, ocpp_error_code_from_name(f->error_code), "%s", f->error_description);
		finish(rpc, c, &out);
	} else if (ocpp_decode(ocpp_actions[c->action].conf, f->payload, &rpc->cfg.limits, &p, &out.error)) {
		out.kind = OCPP_OUTCOME_ERROR;
		*err = out.error;
		ocpp_payload_release(&p);
		finish(rpc, c, &out);
		pump(rpc, now);
		return OCPP_EINVAL;
	} else {
		out.kind = OCPP_OUTCOME_RESULT;
		out.conf = p.data;
		finish(rpc, c, &out);
		ocpp_payload_release(&p);
	}
	pump(rpc, now);
	return 0;
}

int ocpp_rpc_receive(struct ocpp_rpc *rpc, const char *buf, size_t len, uint64_t now_ms, struct ocpp_error *err)
{
	struct ocpp_frame f;
	struct ocpp_error local;
	int rc;

	if (!err)
		err = &local;
	rc = ocpp_frame_parse(&f, buf, len, &rpc->cfg.limits, err);
	if (rc == OCPP_EIGNORED)
		goto out_frame;
	if (rc) {
		/* A bad CALL gets a CALLERROR; an unreadable id is answered as "-1" (as OCPP 2.0.1 does). */
		if (f.type != OCPP_CALLRESULT && f.type != OCPP_CALLERROR)
			send_error(rpc, f.id[0] ? f.id : "-1", err);
		goto out_frame;
	}
	if (f.type == OCPP_CALL)
		rc = receive_call(rpc, &f, err);
	else
		rc = receive_answer(rpc, &f, now_ms, err);
out_frame:
	ocpp_frame_release(&f);
	return rc;
}

int ocpp_rpc_reply(struct ocpp_rpc *rpc, const char *id, const void *conf, struct ocpp_error *err)
{
	struct incoming *in = find_incoming(rpc, id);
	cJSON *payload;
	int rc;

	if (!in)
		return OCPP_ENOENT;
	in->busy = false;
	if (!(payload = ocpp_encode(ocpp_actions[in->action].conf, conf, err))) {
		push_output(rpc, ocpp_frame_error(id, OCPP_ERR_InternalError, "response could not be encoded", NULL));
		return OCPP_EINVAL;
	}
	rc = push_output(rpc, ocpp_frame_result(id, payload));
	cJSON_Delete(payload);
	return rc;
}

int ocpp_rpc_reply_error(struct ocpp_rpc *rpc, const char *id, enum ocpp_error_code code, const char *description)
{
	struct incoming *in = find_incoming(rpc, id);

	if (!in)
		return OCPP_ENOENT;
	in->busy = false;
	if (!ocpp_error_code_is_wire(code))
		code = OCPP_ERR_GenericError;
	return push_output(rpc, ocpp_frame_error(id, code, description, NULL));
}

void ocpp_rpc_tick(struct ocpp_rpc *rpc, uint64_t now_ms)
{
	struct call *c = rpc->outstanding;

	if (c && now_ms >= rpc->deadline) {
		rpc->outstanding = NULL;
		rpc->deadline = UINT64_MAX;
		finish_error(rpc, c, OCPP_ERR_Timeout, "no answer within the call timeout");
	}
	pump(rpc, now_ms);
}

uint64_t ocpp_rpc_next_deadline(const struct ocpp_rpc *rpc)
{
	return rpc->outstanding ? rpc->deadline : UINT64_MAX;
}

char *ocpp_rpc_take_output(struct ocpp_rpc *rpc, size_t *len)
{
	struct out_msg *m = rpc->out_head;
	char *text;

	if (!m)
		return NULL;
	rpc->out_head = m->next;
	if (!rpc->out_head)
		rpc->out_tail = NULL;
	text = m->text;
	if (len)
		*len = m->len;
	rpc->out_bytes -= m->len;
	free(m);
	return text;
}

size_t ocpp_rpc_output_bytes(const struct ocpp_rpc *rpc)
{
	return rpc->out_bytes;
}

bool ocpp_rpc_overflowed(const struct ocpp_rpc *rpc)
{
	return rpc->overflowed;
}

bool ocpp_rpc_has_output(const struct ocpp_rpc *rpc)
{
	return rpc->out_head != NULL;
}

size_t ocpp_rpc_pending(const struct ocpp_rpc *rpc)
{
	return rpc->queued + (rpc->outstanding != NULL);
}
