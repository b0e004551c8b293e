/* test_rpc.c — ocpp_rpc: incoming CALLs reach their handlers or are refused with the right CALLERROR;
 * outgoing CALLs get unique ids, go out one at a time, and end in exactly one outcome (result, error,
 * timeout or cancel). Frames are fed in as text and taken out as text, as a connection would. */
#include "test_util.h"

#define MAX_RECORDS 64

struct record {
	enum ocpp_action action;
	void *cookie;
	enum ocpp_outcome_kind kind;
	enum ocpp_error_code code;
	char message[OCPP_ERROR_MSG_MAX];
	char *json; /* the request (handler) or conf (outcome) re-encoded, or NULL */
};

struct harness {
	struct ocpp_rpc *rpc;
	/* incoming CALLs seen by the handler */
	int ncalls;
	struct record calls[MAX_RECORDS];
	char last_id[OCPP_ID_MAX + 1];
	const void *reply_now; /* when set, the handler answers at once with this conf */
	/* outcomes of our CALLs */
	int nouts;
	struct record outs[MAX_RECORDS];
	/* when set, the outcome callback queues this request as a new call of chain_action */
	const void *chain_req;
	enum ocpp_action chain_action;
};

static char *encode_text(const struct ocpp_type *type, const void *data)
{
	struct ocpp_error err;
	cJSON *j = ocpp_encode(type, data, &err);
	char *text;

	if (!j)
		fail_msg("%s does not encode: %s", type->name, err.message);
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return text;
}

static void on_call(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct harness *h = ctx;
	struct record *r = &h->calls[h->ncalls++];
	struct ocpp_error err;

	assert_true(h->ncalls <= MAX_RECORDS);
	assert_ptr_equal(rpc, h->rpc);
	r->action = in->action;
	r->json = encode_text(ocpp_actions[in->action].req, in->req);
	snprintf(h->last_id, sizeof(h->last_id), "%s", in->id);
	if (h->reply_now)
		assert_int_equal(ocpp_rpc_reply(rpc, in->id, h->reply_now, &err), OCPP_OK);
}

static void on_outcome(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out)
{
	struct harness *h = ctx;
	struct record *r = &h->outs[h->nouts++];
	struct ocpp_error err;

	assert_true(h->nouts <= MAX_RECORDS);
	r->action = out->action;
	r->cookie = out->cookie;
	r->kind = out->kind;
	if (out->kind == OCPP_OUTCOME_RESULT) {
		r->json = encode_text(ocpp_actions[out->action].conf, out->conf);
	} else {
		r->code = out->error.code;
		snprintf(r->message, sizeof(r->message), "%s", out->error.message);
	}
	if (h->chain_req) {
		const void *req = h->chain_req;

		h->chain_req = NULL;
		assert_int_equal(ocpp_rpc_call(rpc, h->chain_action, req, NULL, 0, &err), OCPP_OK);
	}
}

/* Handler tables: a central system handling everything charge points send, and a charge point. */
static ocpp_call_fn *const cs_handlers[OCPP_ACTION_COUNT] = {
    [OCPP_Authorize] = on_call,
    [OCPP_BootNotification] = on_call,
    [OCPP_DataTransfer] = on_call,
    [OCPP_Heartbeat] = on_call,
    [OCPP_MeterValues] = on_call,
    [OCPP_StartTransaction] = on_call,
    [OCPP_StatusNotification] = on_call,
    [OCPP_StopTransaction] = on_call,
    [OCPP_RemoteStartTransaction] = on_call, /* never sent to a central system: must stay unused */
};
static ocpp_call_fn *const cp_handlers[OCPP_ACTION_COUNT] = {
    [OCPP_RemoteStartTransaction] = on_call,
    [OCPP_Reset] = on_call,
    [OCPP_DataTransfer] = on_call,
};

static struct harness *harness_new(struct ocpp_rpc_config cfg)
{
	struct harness *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	cfg.on_outcome = on_outcome;
	cfg.ctx = h;
	h->rpc = ocpp_rpc_new(&cfg);
	assert_non_null(h->rpc);
	return h;
}

static struct harness *cs_new(void)
{
	return harness_new((struct ocpp_rpc_config){.role = OCPP_ROLE_CS, .handlers = cs_handlers});
}

static struct harness *cp_new(void)
{
	return harness_new(
	    (struct ocpp_rpc_config){.role = OCPP_ROLE_CP, .handlers = cp_handlers, .call_timeout_ms = 1000});
}

static void harness_free(struct harness *h)
{
	ocpp_rpc_free(h->rpc);
	for (int i = 0; i < h->ncalls; i++)
		free(h->calls[i].json);
	for (int i = 0; i < h->nouts; i++)
		free(h->outs[i].json);
	free(h);
}

/* Feeds a frame written with single quotes (each ' becomes "); returns ocpp_rpc_receive's result. */
static int feed(struct harness *h, const char *text, uint64_t now)
{
	size_t len = strlen(text);
	char *frame = malloc(len ? len : 1); /* no NUL: the receiver must not need one */
	struct ocpp_error err;
	int rc;

	assert_non_null(frame);
	for (size_t i = 0; i < len; i++)
		frame[i] = text[i] == '\'' ? '"' : text[i];
	rc = ocpp_rpc_receive(h->rpc, frame, len, now, &err);
	free(frame);
	return rc;
}

/* Takes the next output frame and checks it equals the JSON text want (single quotes allowed). */
static void expect_output(struct harness *h, const char *want)
{
	size_t len = 0;
	char *text = ocpp_rpc_take_output(h->rpc, &len);

	if (!text)
		fail_msg("no output; expected %s", want);
	assert_int_equal(len, strlen(text));
	tu_assert_same_json_text(text, want);
	free(text);
}

/* Takes the next output frame, checks it is a CALLERROR with id and code, and returns nothing. */
static void expect_callerror(struct harness *h, const char *id, enum ocpp_error_code code, const char *needle)
{
	char *text = ocpp_rpc_take_output(h->rpc, NULL);
	cJSON *j;

	if (!text)
		fail_msg("no output; expected CALLERROR %s", ocpp_error_code_name(code));
	j = tu_parse(text);
	assert_int_equal(cJSON_GetArraySize(j), 5);
	assert_int_equal(cJSON_GetArrayItem(j, 0)->valueint, OCPP_CALLERROR);
	assert_string_equal(cJSON_GetArrayItem(j, 1)->valuestring, id);
	assert_string_equal(cJSON_GetArrayItem(j, 2)->valuestring, ocpp_error_code_name(code));
	if (needle && !strstr(cJSON_GetArrayItem(j, 3)->valuestring, needle))
		fail_msg("description \"%s\" lacks \"%s\"", cJSON_GetArrayItem(j, 3)->valuestring, needle);
	tu_assert_json_text(cJSON_GetArrayItem(j, 4), "{}");
	cJSON_Delete(j);
	free(text);
}

/* Takes the next output frame, checks it is a CALL of action with payload want; copies its id. */
static void expect_call(struct harness *h, const char *action, const char *want, char id[OCPP_ID_MAX + 1])
{
	char *text = ocpp_rpc_take_output(h->rpc, NULL);
	cJSON *j;

	if (!text)
		fail_msg("no output; expected CALL %s", action);
	j = tu_parse(text);
	assert_int_equal(cJSON_GetArraySize(j), 4);
	assert_int_equal(cJSON_GetArrayItem(j, 0)->valueint, OCPP_CALL);
	assert_true(cJSON_IsString(cJSON_GetArrayItem(j, 1)));
	snprintf(id, OCPP_ID_MAX + 1, "%s", cJSON_GetArrayItem(j, 1)->valuestring);
	assert_string_equal(cJSON_GetArrayItem(j, 2)->valuestring, action);
	if (want)
		tu_assert_json_text(cJSON_GetArrayItem(j, 3), want);
	cJSON_Delete(j);
	free(text);
}

static void expect_no_output(struct harness *h)
{
	char *text = ocpp_rpc_take_output(h->rpc, NULL);

	if (text) {
		print_error("unexpected output %s\n", text);
		free(text);
		fail();
	}
	assert_false(ocpp_rpc_has_output(h->rpc));
}

/* Feeds [3,id,payload] (payload in single quotes). */
static int answer(struct harness *h, const char *id, const char *payload, uint64_t now)
{
	char frame[512];

	snprintf(frame, sizeof(frame), "[3,'%s',%s]", id, payload);
	return feed(h, frame, now);
}

static const struct ocpp_boot_notification_req boot_req = {.charge_point_vendor = "Wattline",
                                                           .charge_point_model = "WL-22"};
static const struct ocpp_heartbeat_req hb_req = {0};
#define BOOT_JSON "{'chargePointVendor':'Wattline','chargePointModel':'WL-22'}"
#define BOOT_CONF "{'status':'Accepted','currentTime':'2026-11-20T10:00:00Z','interval':300}"
#define HB_CONF   "{'currentTime':'2026-11-20T10:00:00Z'}"

/* ---- incoming CALLs ---- */

static void valid_call_reaches_its_handler_and_reply_sends_callresult(void **state)
{
	struct harness *h = cs_new();
	struct ocpp_boot_notification_conf conf = {OCPP_REGISTRATION_STATUS_ACCEPTED, "2026-11-20T10:00:00Z", 300};
	struct ocpp_error err;

	(void)state;
	assert_int_equal(feed(h, "[2,'19223201','BootNotification'," BOOT_JSON "]", 0), OCPP_OK);
	assert_int_equal(h->ncalls, 1);
	assert_int_equal(h->calls[0].action, OCPP_BootNotification);
	tu_assert_same_json_text(h->calls[0].json, BOOT_JSON);
	assert_string_equal(h->last_id, "19223201");
	expect_no_output(h); /* nothing is sent until the handler answers */
	assert_int_equal(ocpp_rpc_reply(h->rpc, "19223201", &conf, &err), OCPP_OK);
	expect_output(h, "[3,'19223201'," BOOT_CONF "]");
	expect_no_output(h);
	/* a second answer to the same call is refused */
	assert_int_equal(ocpp_rpc_reply(h->rpc, "19223201", &conf, &err), OCPP_ENOENT);
	expect_no_output(h);
	harness_free(h);
}

static void unknown_action_gets_not_implemented(void **state)
{
	struct harness *h = cs_new();

	(void)state;
	assert_int_equal(feed(h, "[2,'x1','SetDisplayMessage',{}]", 0), OCPP_EINVAL);
	expect_callerror(h, "x1", OCPP_ERR_NotImplemented, "SetDisplayMessage");
	assert_int_equal(feed(h, "[2,'x2','heartbeat',{}]", 0), OCPP_EINVAL); /* names are case-sensitive */
	expect_callerror(h, "x2", OCPP_ERR_NotImplemented, NULL);
	assert_int_equal(h->ncalls, 0);
	harness_free(h);
}

static void action_only_the_other_role_receives_gets_not_supported(void **state)
{
	struct harness *cs = cs_new(), *cp = cp_new();

	(void)state;
	/* the CS table even has a handler for it: direction is checked first */
	assert_int_equal(feed(cs, "[2,'r1','RemoteStartTransaction',{'idTag':'A1'}]", 0), OCPP_EINVAL);
	expect_callerror(cs, "r1", OCPP_ERR_NotSupported, "RemoteStartTransaction");
	assert_int_equal(feed(cp, "[2,'b1','BootNotification'," BOOT_JSON "]", 0), OCPP_EINVAL);
	expect_callerror(cp, "b1", OCPP_ERR_NotSupported, NULL);
	assert_int_equal(cs->ncalls + cp->ncalls, 0);
	harness_free(cs);
	harness_free(cp);
}

static void action_without_handler_gets_not_supported(void **state)
{
	struct harness *h = cs_new(), *none = harness_new((struct ocpp_rpc_config){.role = OCPP_ROLE_CS});

	(void)state;
	/* the CS table has no FirmwareStatusNotification handler */
	assert_int_equal(feed(h, "[2,'f1','FirmwareStatusNotification',{'status':'Idle'}]", 0), OCPP_EINVAL);
	expect_callerror(h, "f1", OCPP_ERR_NotSupported, "FirmwareStatusNotification");
	/* and with no table at all, nothing is supported */
	assert_int_equal(feed(none, "[2,'h1','Heartbeat',{}]", 0), OCPP_EINVAL);
	expect_callerror(none, "h1", OCPP_ERR_NotSupported, NULL);
	assert_int_equal(h->ncalls + none->ncalls, 0);
	harness_free(h);
	harness_free(none);
}

static void invalid_payload_gets_callerror_with_its_mapped_code(void **state)
{
	static const struct {
		const char *frame;
		enum ocpp_error_code code;
		const char *needle;
	} cases[] = {
	    {"[2,'p1','BootNotification',{'chargePointVendor':'W'}]", OCPP_ERR_OccurenceConstraintViolation,
	     "BootNotificationReq.chargePointModel"},
	    {"[2,'p2','BootNotification',{'chargePointVendor':'W','chargePointModel':'M','x':1}]",
	     OCPP_ERR_FormationViolation, "BootNotificationReq.x"},
	    {"[2,'p3','BootNotification',[]]", OCPP_ERR_FormationViolation, "not a JSON object"},
	    {"[2,'p4','StatusNotification',{'connectorId':'1','errorCode':'NoError','status':'Available'}]",
	     OCPP_ERR_TypeConstraintViolation, "StatusNotificationReq.connectorId"},
	    {"[2,'p5','StatusNotification',{'connectorId':1,'errorCode':'NoError','status':'Asleep'}]",
	     OCPP_ERR_PropertyConstraintViolation, "StatusNotificationReq.status"},
	    {"[2,'p6','MeterValues',{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z',"
	     "'sampledValue':[{'value':'1'},{'value':'2','unit':'Joule'}]}]}]",
	     OCPP_ERR_PropertyConstraintViolation, "meterValue[0].sampledValue[1].unit"},
	    {"[2,'p7','Authorize',{'idTag':'123456789012345678901'}]", OCPP_ERR_PropertyConstraintViolation,
	     "AuthorizeReq.idTag"},
	};
	struct harness *h = cs_new();
	char id[8];

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(cases); i++) {
		assert_int_equal(feed(h, cases[i].frame, 0), OCPP_EINVAL);
		snprintf(id, sizeof(id), "p%zu", i + 1);
		expect_callerror(h, id, cases[i].code, cases[i].needle);
	}
	assert_int_equal(h->ncalls, 0);
	expect_no_output(h);
	harness_free(h);
}

static void duplicate_incoming_id_is_refused_while_the_first_is_handled(void **state)
{
	struct harness *h = cs_new();
	struct ocpp_heartbeat_conf conf = {"2026-11-20T10:00:00Z"};
	struct ocpp_error err;

	(void)state;
	assert_int_equal(feed(h, "[2,'dup','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(feed(h, "[2,'dup','Heartbeat',{}]", 0), OCPP_EINVAL);
	expect_callerror(h, "dup", OCPP_ERR_ProtocolError, "dup");
	assert_int_equal(h->ncalls, 1);
	/* the first call can still be answered */
	assert_int_equal(ocpp_rpc_reply(h->rpc, "dup", &conf, &err), OCPP_OK);
	expect_output(h, "[3,'dup'," HB_CONF "]");
	/* once answered, the id may be used again */
	assert_int_equal(feed(h, "[2,'dup','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(h->ncalls, 2);
	harness_free(h);
}

static void too_many_calls_in_progress_get_generic_error(void **state)
{
	struct harness *h =
	    harness_new((struct ocpp_rpc_config){.role = OCPP_ROLE_CS, .handlers = cs_handlers, .max_incoming = 2});
	struct ocpp_heartbeat_conf conf = {"2026-11-20T10:00:00Z"};
	struct ocpp_error err;

	(void)state;
	assert_int_equal(feed(h, "[2,'a','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(feed(h, "[2,'b','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(feed(h, "[2,'c','Heartbeat',{}]", 0), OCPP_EINVAL);
	expect_callerror(h, "c", OCPP_ERR_GenericError, NULL);
	assert_int_equal(ocpp_rpc_reply(h->rpc, "a", &conf, &err), OCPP_OK);
	expect_output(h, "[3,'a'," HB_CONF "]");
	assert_int_equal(feed(h, "[2,'c','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(h->ncalls, 3);
	harness_free(h);
}

static void output_is_bounded_and_overflow_is_reported(void **state)
{
	struct harness *h = harness_new((struct ocpp_rpc_config){
	    .role = OCPP_ROLE_CS, .handlers = cs_handlers, .max_incoming = 1, .max_output = 4096});
	char frame[64];
	size_t len;
	char *text;

	(void)state;
	/* a peer that pipelines calls and never reads: every refusal is a CALLERROR in the output */
	assert_int_equal(feed(h, "[2,'a','Heartbeat',{}]", 0), OCPP_OK);
	for (int i = 0; i < 1000 && !ocpp_rpc_overflowed(h->rpc); i++) {
		snprintf(frame, sizeof(frame), "[2,'x%d','Heartbeat',{}]", i);
		feed(h, frame, 0);
		assert_true(ocpp_rpc_output_bytes(h->rpc) <= 4096);
	}
	assert_true(ocpp_rpc_overflowed(h->rpc));
	assert_true(ocpp_rpc_output_bytes(h->rpc) > 4096 - 200);
	/* taking output gives the bytes back */
	size_t before = ocpp_rpc_output_bytes(h->rpc);
	assert_non_null(text = ocpp_rpc_take_output(h->rpc, &len));
	assert_int_equal(ocpp_rpc_output_bytes(h->rpc), before - len);
	free(text);
	while ((text = ocpp_rpc_take_output(h->rpc, NULL)))
		free(text);
	assert_int_equal(ocpp_rpc_output_bytes(h->rpc), 0);
	harness_free(h);
}

static void unreadable_frame_gets_callerror_with_id_minus_1(void **state)
{
	struct harness *h = harness_new((struct ocpp_rpc_config){.role = OCPP_ROLE_CS, .limits = {.max_frame = 40}});

	(void)state;
	assert_int_equal(feed(h, "this is not JSON", 0), OCPP_EINVAL);
	expect_callerror(h, "-1", OCPP_ERR_FormationViolation, NULL);
	assert_int_equal(feed(h, "{'not':'an array'}", 0), OCPP_EINVAL);
	expect_callerror(h, "-1", OCPP_ERR_FormationViolation, NULL);
	assert_int_equal(feed(h, "[2,'a','Heartbeat',{}] trailing", 0), OCPP_EINVAL);
	expect_callerror(h, "-1", OCPP_ERR_FormationViolation, NULL);
	/* over the size limit: not even parsed */
	assert_int_equal(feed(h, "[2,'a','Authorize',{'idTag':'0123456789'}]", 0), OCPP_EINVAL);
	expect_callerror(h, "-1", OCPP_ERR_FormationViolation, NULL);
	/* the caller need not ask why */
	assert_int_equal(ocpp_rpc_receive(h->rpc, "nope", 4, 0, NULL), OCPP_EINVAL);
	expect_callerror(h, "-1", OCPP_ERR_FormationViolation, NULL);
	expect_no_output(h);
	harness_free(h);
}

static void bad_call_frame_with_readable_id_gets_callerror_with_that_id(void **state)
{
	struct harness *h = cs_new();

	(void)state;
	assert_int_equal(feed(h, "[2,'short','Heartbeat']", 0), OCPP_EINVAL);
	expect_callerror(h, "short", OCPP_ERR_ProtocolError, NULL);
	assert_int_equal(feed(h, "[2,17,'Heartbeat',{}]", 0), OCPP_EINVAL);
	expect_callerror(h, "-1", OCPP_ERR_ProtocolError, NULL);
	harness_free(h);
}

static void unknown_message_type_produces_no_output(void **state)
{
	struct harness *h = cs_new();

	(void)state;
	assert_int_equal(feed(h, "[5,'a','Heartbeat',{}]", 0), OCPP_EIGNORED);
	assert_int_equal(feed(h, "[7,'a',{}]", 0), OCPP_EIGNORED);
	assert_int_equal(ocpp_rpc_receive(h->rpc, "[6]", 3, 0, NULL), OCPP_EIGNORED);
	expect_no_output(h);
	assert_int_equal(h->ncalls + h->nouts, 0);
	harness_free(h);
}

static void bad_answer_frames_are_not_answered(void **state)
{
	struct harness *h = cs_new();

	(void)state;
	assert_int_equal(feed(h, "[3,'a']", 0), OCPP_EINVAL);
	assert_int_equal(feed(h, "[4,'a','GenericError','x']", 0), OCPP_EINVAL);
	assert_int_equal(feed(h, "[4,'a','GenericError',7,{}]", 0), OCPP_EINVAL);
	expect_no_output(h);
	harness_free(h);
}

static void reply_that_breaks_the_schema_sends_internal_error(void **state)
{
	struct harness *h = cs_new();
	struct ocpp_boot_notification_conf bad = {OCPP_REGISTRATION_STATUS_ACCEPTED, NULL, 300};
	struct ocpp_error err;

	(void)state;
	assert_int_equal(feed(h, "[2,'b1','BootNotification'," BOOT_JSON "]", 0), OCPP_OK);
	assert_int_equal(ocpp_rpc_reply(h->rpc, "b1", &bad, &err), OCPP_EINVAL);
	assert_int_equal(err.code, OCPP_ERR_OccurenceConstraintViolation);
	expect_callerror(h, "b1", OCPP_ERR_InternalError, NULL);
	assert_int_equal(ocpp_rpc_reply(h->rpc, "b1", &bad, &err), OCPP_ENOENT);
	harness_free(h);
}

static void reply_error_sends_callerror_with_a_wire_code(void **state)
{
	struct harness *h = cs_new();

	(void)state;
	assert_int_equal(feed(h, "[2,'a','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(feed(h, "[2,'b','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(ocpp_rpc_reply_error(h->rpc, "a", OCPP_ERR_SecurityError, "not on this port"), OCPP_OK);
	expect_output(h, "[4,'a','SecurityError','not on this port',{}]");
	/* local outcomes are not sent as such */
	assert_int_equal(ocpp_rpc_reply_error(h->rpc, "b", OCPP_ERR_Timeout, "slow"), OCPP_OK);
	expect_output(h, "[4,'b','GenericError','slow',{}]");
	assert_int_equal(ocpp_rpc_reply_error(h->rpc, "zzz", OCPP_ERR_GenericError, "x"), OCPP_ENOENT);
	expect_no_output(h);
	harness_free(h);
}

/* Also: a handler may answer before it returns. */
static void charge_point_handles_central_system_calls(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_remote_start_transaction_conf conf = {OCPP_GENERIC_STATUS_ACCEPTED};

	(void)state;
	h->reply_now = &conf;
	assert_int_equal(feed(h, "[2,'rs','RemoteStartTransaction',{'connectorId':2,'idTag':'04E91C5A2B3F80'}]", 0),
	                 OCPP_OK);
	tu_assert_same_json_text(h->calls[0].json, "{'connectorId':2,'idTag':'04E91C5A2B3F80'}");
	expect_output(h, "[3,'rs',{'status':'Accepted'}]");
	harness_free(h);
}

/* ---- outgoing CALLs ---- */

static void outgoing_ids_start_at_the_seed_and_are_unique(void **state)
{
	struct harness *h = harness_new((struct ocpp_rpc_config){.role = OCPP_ROLE_CP, .id_seed = 1795168800000});
	struct ocpp_error err;
	char ids[40][OCPP_ID_MAX + 1];

	(void)state;
	for (int i = 0; i < 40; i++)
		assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, NULL, 0, &err), OCPP_OK);
	for (int i = 0; i < 40; i++) {
		expect_call(h, "Heartbeat", "{}", ids[i]);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(ids[i], ids[k]);
		assert_int_equal(answer(h, ids[i], HB_CONF, 0), OCPP_OK);
	}
	assert_string_equal(ids[0], "1795168800000");
	assert_int_equal(h->nouts, 40);
	harness_free(h);
}

static void second_call_waits_until_the_first_is_answered(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_error err;
	char first[OCPP_ID_MAX + 1], second[OCPP_ID_MAX + 1];

	(void)state;
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_BootNotification, &boot_req, NULL, 0, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, NULL, 0, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_pending(h->rpc), 2);
	assert_true(ocpp_rpc_has_output(h->rpc));
	expect_call(h, "BootNotification", BOOT_JSON, first);
	expect_no_output(h); /* the heartbeat is queued, not sent */
	assert_int_equal(answer(h, first, BOOT_CONF, 10), OCPP_OK);
	expect_call(h, "Heartbeat", "{}", second);
	assert_string_not_equal(first, second);
	assert_int_equal(ocpp_rpc_pending(h->rpc), 1);
	harness_free(h);
}

static void callresult_delivers_decoded_conf_and_cookie(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_error err;
	int cookie;
	char id[OCPP_ID_MAX + 1];

	(void)state;
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_BootNotification, &boot_req, &cookie, 0, &err), OCPP_OK);
	expect_call(h, "BootNotification", NULL, id);
	assert_int_equal(h->nouts, 0);
	assert_int_equal(answer(h, id, BOOT_CONF, 5), OCPP_OK);
	assert_int_equal(h->nouts, 1);
	assert_int_equal(h->outs[0].kind, OCPP_OUTCOME_RESULT);
	assert_int_equal(h->outs[0].action, OCPP_BootNotification);
	assert_ptr_equal(h->outs[0].cookie, &cookie);
	tu_assert_same_json_text(h->outs[0].json, BOOT_CONF);
	assert_int_equal(ocpp_rpc_pending(h->rpc), 0);
	assert_int_equal(ocpp_rpc_next_deadline(h->rpc), UINT64_MAX);
	expect_no_output(h);
	harness_free(h);
}

static void callerror_is_delivered_as_error_outcome_with_its_code(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_error err;
	char id[OCPP_ID_MAX + 1], frame[128];
	int cookie;

	(void)state;
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, &cookie, 0, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, NULL, 0, &err), OCPP_OK);
	expect_call(h, "Heartbeat", NULL, id);
	snprintf(frame, sizeof(frame), "[4,'%s','OccurenceConstraintViolation','idTag missing',{'x':1}]", id);
	assert_int_equal(feed(h, frame, 0), OCPP_OK);
	assert_int_equal(h->nouts, 1);
	assert_int_equal(h->outs[0].kind, OCPP_OUTCOME_ERROR);
	assert_int_equal(h->outs[0].code, OCPP_ERR_OccurenceConstraintViolation);
	assert_string_equal(h->outs[0].message, "idTag missing");
	assert_ptr_equal(h->outs[0].cookie, &cookie);
	/* the next call goes out; an unknown code name arrives as GenericError */
	expect_call(h, "Heartbeat", NULL, id);
	snprintf(frame, sizeof(frame), "[4,'%s','Overheated','',{}]", id);
	assert_int_equal(feed(h, frame, 0), OCPP_OK);
	assert_int_equal(h->outs[1].code, OCPP_ERR_GenericError);
	expect_no_output(h);
	harness_free(h);
}

static void timeout_gives_timeout_outcome_then_sends_the_next_call(void **state)
{
	struct harness *h = cp_new(); /* call_timeout_ms = 1000 */
	struct ocpp_error err;
	char first[OCPP_ID_MAX + 1], second[OCPP_ID_MAX + 1];
	int c1, c2;

	(void)state;
	assert_int_equal(ocpp_rpc_next_deadline(h->rpc), UINT64_MAX);
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, &c1, 5000, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_BootNotification, &boot_req, &c2, 5500, &err), OCPP_OK);
	expect_call(h, "Heartbeat", NULL, first);
	assert_int_equal(ocpp_rpc_next_deadline(h->rpc), 6000);
	ocpp_rpc_tick(h->rpc, 5999);
	assert_int_equal(h->nouts, 0);
	expect_no_output(h);
	ocpp_rpc_tick(h->rpc, 6000);
	assert_int_equal(h->nouts, 1);
	assert_int_equal(h->outs[0].kind, OCPP_OUTCOME_ERROR);
	assert_int_equal(h->outs[0].code, OCPP_ERR_Timeout);
	assert_ptr_equal(h->outs[0].cookie, &c1);
	expect_call(h, "BootNotification", NULL, second);
	assert_int_equal(ocpp_rpc_next_deadline(h->rpc), 7000);
	/* the late answer to the first call is ignored */
	assert_int_equal(answer(h, first, HB_CONF, 6100), OCPP_EINVAL);
	assert_int_equal(h->nouts, 1);
	assert_int_equal(answer(h, second, BOOT_CONF, 6200), OCPP_OK);
	assert_int_equal(h->outs[1].kind, OCPP_OUTCOME_RESULT);
	assert_ptr_equal(h->outs[1].cookie, &c2);
	harness_free(h);
}

static void answer_with_unknown_id_is_ignored(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_error err;
	char id[OCPP_ID_MAX + 1];

	(void)state;
	assert_int_equal(answer(h, "nobody", HB_CONF, 0), OCPP_EINVAL); /* nothing outstanding */
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, NULL, 0, &err), OCPP_OK);
	expect_call(h, "Heartbeat", NULL, id);
	assert_int_equal(answer(h, "nobody", HB_CONF, 0), OCPP_EINVAL);
	assert_int_equal(feed(h, "[4,'nobody','GenericError','',{}]", 0), OCPP_EINVAL);
	assert_int_equal(h->nouts, 0);
	expect_no_output(h);
	assert_int_equal(ocpp_rpc_pending(h->rpc), 1); /* still waiting for the real answer */
	assert_int_equal(answer(h, id, HB_CONF, 0), OCPP_OK);
	assert_int_equal(h->nouts, 1);
	harness_free(h);
}

static void invalid_response_payload_gives_error_outcome(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_error err;
	char id[OCPP_ID_MAX + 1];

	(void)state;
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_BootNotification, &boot_req, NULL, 0, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, NULL, 0, &err), OCPP_OK);
	expect_call(h, "BootNotification", NULL, id);
	assert_int_equal(
	    answer(h, id, "{'status':'Accepted','currentTime':'2026-11-20T10:00:00Z','interval':'300'}", 0),
	    OCPP_EINVAL);
	assert_int_equal(h->nouts, 1);
	assert_int_equal(h->outs[0].kind, OCPP_OUTCOME_ERROR);
	assert_int_equal(h->outs[0].code, OCPP_ERR_TypeConstraintViolation);
	assert_non_null(strstr(h->outs[0].message, "BootNotificationConf.interval"));
	expect_call(h, "Heartbeat", NULL, id); /* the queue moves on */
	assert_int_equal(answer(h, id, "[]", 0), OCPP_EINVAL);
	assert_int_equal(h->outs[1].code, OCPP_ERR_FormationViolation);
	expect_no_output(h); /* a bad answer is not answered */
	harness_free(h);
}

static void full_queue_refuses_calls(void **state)
{
	struct harness *h = harness_new((struct ocpp_rpc_config){.role = OCPP_ROLE_CP, .max_queue = 2});
	struct ocpp_error err;

	(void)state;
	for (int i = 0; i < 3; i++) /* one outstanding, two waiting */
		assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, NULL, 0, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, NULL, 0, &err), OCPP_EFULL);
	assert_int_equal(ocpp_rpc_pending(h->rpc), 3);
	harness_free(h);
}

static void invalid_request_is_refused_and_nothing_is_queued(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_boot_notification_req bad = {.charge_point_vendor = "Wattline"};
	struct ocpp_error err;

	(void)state;
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_BootNotification, &bad, NULL, 0, &err), OCPP_EINVAL);
	assert_int_equal(err.code, OCPP_ERR_OccurenceConstraintViolation);
	assert_non_null(strstr(err.message, "chargePointModel"));
	assert_int_equal(ocpp_rpc_pending(h->rpc), 0);
	expect_no_output(h);
	assert_int_equal(h->nouts, 0);
	harness_free(h);
}

static void free_cancels_pending_calls(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_error err;
	int cookies[3];
	struct record outs[3];

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Heartbeat, &hb_req, &cookies[i], 0, &err), OCPP_OK);
	/* outputs left unsent are freed too */
	ocpp_rpc_free(h->rpc);
	h->rpc = NULL;
	assert_int_equal(h->nouts, 3);
	memcpy(outs, h->outs, sizeof(outs));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(outs[i].kind, OCPP_OUTCOME_ERROR);
		assert_int_equal(outs[i].code, OCPP_ERR_Cancelled);
		assert_ptr_equal(outs[i].cookie, &cookies[i]); /* outstanding first, then in queue order */
	}
	free(h);
	ocpp_rpc_free(NULL); /* harmless */
}

static void roles_may_only_send_their_own_actions(void **state)
{
	struct harness *cp = cp_new(), *cs = cs_new();
	struct ocpp_reset_req reset = {OCPP_RESET_TYPE_SOFT};
	struct ocpp_data_transfer_req dt = {.vendor_id = "com.wattline"};
	struct ocpp_error err;
	char id[OCPP_ID_MAX + 1];

	(void)state;
	assert_int_equal(ocpp_rpc_call(cp->rpc, OCPP_Reset, &reset, NULL, 0, &err), OCPP_ENOENT);
	assert_int_equal(ocpp_rpc_call(cs->rpc, OCPP_BootNotification, &boot_req, NULL, 0, &err), OCPP_ENOENT);
	assert_int_equal(ocpp_rpc_call(cp->rpc, OCPP_ACTION_COUNT, &reset, NULL, 0, &err), OCPP_ENOENT);
	assert_int_equal(ocpp_rpc_pending(cp->rpc) + ocpp_rpc_pending(cs->rpc), 0);
	expect_no_output(cp);
	expect_no_output(cs);
	/* DataTransfer goes both ways */
	assert_int_equal(ocpp_rpc_call(cp->rpc, OCPP_DataTransfer, &dt, NULL, 0, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_call(cs->rpc, OCPP_DataTransfer, &dt, NULL, 0, &err), OCPP_OK);
	assert_int_equal(ocpp_rpc_next_deadline(cs->rpc), 30000); /* the default call timeout */
	assert_int_equal(ocpp_rpc_call(cs->rpc, OCPP_Reset, &reset, NULL, 0, &err), OCPP_OK);
	expect_call(cp, "DataTransfer", "{'vendorId':'com.wattline'}", id);
	expect_call(cs, "DataTransfer", NULL, id);
	harness_free(cp);
	harness_free(cs);
}

static void outcome_callback_may_queue_the_next_call(void **state)
{
	struct harness *h = cp_new();
	struct ocpp_error err;
	char id[OCPP_ID_MAX + 1];

	(void)state;
	h->chain_req = &hb_req;
	h->chain_action = OCPP_Heartbeat;
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_BootNotification, &boot_req, NULL, 0, &err), OCPP_OK);
	expect_call(h, "BootNotification", NULL, id);
	assert_int_equal(answer(h, id, BOOT_CONF, 0), OCPP_OK);
	expect_call(h, "Heartbeat", "{}", id);
	expect_no_output(h);
	assert_int_equal(ocpp_rpc_pending(h->rpc), 1);
	harness_free(h);
}

static void calls_and_answers_interleave_on_one_connection(void **state)
{
	struct harness *h = cs_new();
	struct ocpp_reset_req reset = {OCPP_RESET_TYPE_HARD};
	struct ocpp_heartbeat_conf conf = {"2026-11-20T10:00:00Z"};
	struct ocpp_error err;
	char id[OCPP_ID_MAX + 1];

	(void)state;
	assert_int_equal(ocpp_rpc_call(h->rpc, OCPP_Reset, &reset, NULL, 0, &err), OCPP_OK);
	expect_call(h, "Reset", "{'type':'Hard'}", id);
	/* the peer sends its own call before answering ours: our id space and theirs are separate */
	assert_int_equal(feed(h, "[2,'1','Heartbeat',{}]", 0), OCPP_OK);
	assert_int_equal(ocpp_rpc_reply(h->rpc, "1", &conf, &err), OCPP_OK);
	expect_output(h, "[3,'1'," HB_CONF "]");
	assert_int_equal(answer(h, id, "{'status':'Accepted'}", 0), OCPP_OK);
	assert_int_equal(h->nouts, 1);
	assert_int_equal(h->outs[0].kind, OCPP_OUTCOME_RESULT);
	tu_assert_same_json_text(h->outs[0].json, "{'status':'Accepted'}");
	harness_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_call_reaches_its_handler_and_reply_sends_callresult),
	    cmocka_unit_test(unknown_action_gets_not_implemented),
	    cmocka_unit_test(action_only_the_other_role_receives_gets_not_supported),
	    cmocka_unit_test(action_without_handler_gets_not_supported),
	    cmocka_unit_test(invalid_payload_gets_callerror_with_its_mapped_code),
	    cmocka_unit_test(duplicate_incoming_id_is_refused_while_the_first_is_handled),
	    cmocka_unit_test(too_many_calls_in_progress_get_generic_error),
	    cmocka_unit_test(output_is_bounded_and_overflow_is_reported),
	    cmocka_unit_test(unreadable_frame_gets_callerror_with_id_minus_1),
	    cmocka_unit_test(bad_call_frame_with_readable_id_gets_callerror_with_that_id),
	    cmocka_unit_test(unknown_message_type_produces_no_output),
	    cmocka_unit_test(bad_answer_frames_are_not_answered),
	    cmocka_unit_test(reply_that_breaks_the_schema_sends_internal_error),
	    cmocka_unit_test(reply_error_sends_callerror_with_a_wire_code),
	    cmocka_unit_test(charge_point_handles_central_system_calls),
	    cmocka_unit_test(outgoing_ids_start_at_the_seed_and_are_unique),
	    cmocka_unit_test(second_call_waits_until_the_first_is_answered),
	    cmocka_unit_test(callresult_delivers_decoded_conf_and_cookie),
	    cmocka_unit_test(callerror_is_delivered_as_error_outcome_with_its_code),
	    cmocka_unit_test(timeout_gives_timeout_outcome_then_sends_the_next_call),
	    cmocka_unit_test(answer_with_unknown_id_is_ignored),
	    cmocka_unit_test(invalid_response_payload_gives_error_outcome),
	    cmocka_unit_test(full_queue_refuses_calls),
	    cmocka_unit_test(invalid_request_is_refused_and_nothing_is_queued),
	    cmocka_unit_test(free_cancels_pending_calls),
	    cmocka_unit_test(roles_may_only_send_their_own_actions),
	    cmocka_unit_test(outcome_callback_may_queue_the_next_call),
	    cmocka_unit_test(calls_and_answers_interleave_on_one_connection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
