/* test_api_ops.c — the typed operations boundary: csms_op_start() answers in its own error codes (the action,
 * the station, its connection, the request), and the api room alone turns them into HTTP statuses and codes;
 * a REST body is parsed and decoded on the api side (csms_api_send_op) before the engine sees a struct. */
#include "test_util.h"

#include "csms_api.h"
#include "csms_conn.h"
#include "csms_registry.h"

static void every_engine_error_has_its_http_status_and_code(void **state)
{
	(void)state;
	static const struct {
		int rc, status;
		const char *code, *name;
	} want[] = {
	    {CSMS_OP_E_ACTION, 400, "bad_request", "action"},
	    {CSMS_OP_E_NO_STATION, 404, "unknown_station", "no_station"},
	    {CSMS_OP_E_NOT_CONNECTED, 409, "not_connected", "not_connected"},
	    {CSMS_OP_E_INVALID, 400, "bad_request", "invalid"},
	    {CSMS_OP_E_BUSY, 503, "busy", "busy"},
	    {CSMS_OP_E_NO_MEMORY, 503, "busy", "no_memory"},
	};
	assert_int_equal(TU_ARRAY_SIZE(want), CSMS_OP_E_COUNT - 1); /* every code is in the table above */
	for (size_t i = 0; i < TU_ARRAY_SIZE(want); i++) {
		const struct csms_error *e = csms_error_of(csms_api_op_error(want[i].rc));
		assert_int_equal(e->status, want[i].status);
		assert_string_equal(e->code, want[i].code);
		assert_string_equal(csms_op_error_name(want[i].rc), want[i].name);
	}
	/* a code it does not know: busy, never a success */
	assert_int_equal(csms_api_op_error(-99), CSMS_ERR_BUSY);
	assert_int_equal(csms_api_op_error(0), CSMS_ERR_BUSY);
	assert_string_equal(csms_op_error_name(0), "ok");
	assert_string_equal(csms_op_error_name(-99), "?");
}

struct fixture {
	struct csms app;
	struct csms_http_req r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->app.reg = csms_registry_new();
	assert_non_null(csms_registry_add(f->app.reg, "CP-1", CSMS_STATION_ACCEPTED, NULL)); /* not connected */
	f->r.app = &f->app;
	f->r.upload_fd = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	free(f->r.resp);
	csms_registry_free(f->app.reg);
	free(f);
	return 0;
}

/* The engine, typed: an action the central system does not send, an unknown station, one not connected. */
static void the_engine_refuses_with_its_own_codes(void **state)
{
	struct fixture *f = *state;
	struct csms_op *op = (struct csms_op *)1;
	char err[200];
	struct ocpp_reset_req reset = {.type = OCPP_RESET_TYPE_SOFT};

	assert_int_equal(
	    csms_op_start(&f->app, "CP-1", OCPP_BootNotification, &reset, NULL, NULL, &op, err, sizeof(err)),
	    CSMS_OP_E_ACTION);
	assert_null(op);
	assert_non_null(strstr(err, "BootNotification"));
	assert_int_equal(csms_op_start(&f->app, "CP-9", OCPP_Reset, &reset, NULL, NULL, &op, err, sizeof(err)),
	                 CSMS_OP_E_NO_STATION);
	assert_string_equal(err, "station \"CP-9\" is not registered");
	assert_int_equal(csms_op_start(&f->app, "CP-1", OCPP_Reset, &reset, NULL, NULL, &op, err, sizeof(err)),
	                 CSMS_OP_E_NOT_CONNECTED);
	assert_string_equal(err, "station \"CP-1\" is not connected");
}

static void check_error(struct csms_http_req *r, int status, const char *code, const char *message);

/* The test's stand-in for csms_ops_on_outcome (which records through the store): frees the operation. */
static void free_op(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out)
{
	(void)ctx;
	(void)rpc;
	struct csms_op *op = out->cookie;
	free(op->request);
	free(op);
}

/* A connected station: a request that breaks its schema is invalid, a good one is queued, and past the queue's
 * bound the engine says busy. */
static void a_connected_station_gets_invalid_queued_or_busy(void **state)
{
	struct fixture *f = *state;
	struct csms_station *s = csms_registry_find(f->app.reg, "CP-1");
	struct csms_conn c = {.app = &f->app, .station = s};
	struct ocpp_rpc_config cfg = {.role = OCPP_ROLE_CS, .max_queue = 2, .on_outcome = free_op};
	struct csms_op *op;
	char err[200];
	assert_non_null(c.rpc = ocpp_rpc_new(&cfg));
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_BOOTING), 0);
	s->conn = &c;

	struct ocpp_reset_req bad = {.type = (enum ocpp_reset_type)99};
	assert_int_equal(csms_op_start(&f->app, "CP-1", OCPP_Reset, &bad, NULL, NULL, &op, err, sizeof(err)),
	                 CSMS_OP_E_INVALID);
	assert_null(op);
	assert_int_equal(csms_op_start(&f->app, "CP-1", OCPP_Reset, NULL, NULL, NULL, &op, err, sizeof(err)),
	                 CSMS_OP_E_INVALID);
	struct ocpp_reset_req soft = {.type = OCPP_RESET_TYPE_SOFT};
	int rc_ok = 0, rc_busy = 0;
	for (int i = 0; i < 5; i++) {
		int rc = csms_op_start(&f->app, "CP-1", OCPP_Reset, &soft, NULL, NULL, &op, err, sizeof(err));
		if (rc == 0) {
			rc_ok++;
			assert_non_null(op);
			assert_string_equal(op->request, "{\"type\":\"Soft\"}");
		} else {
			assert_int_equal(rc, CSMS_OP_E_BUSY);
			rc_busy++;
		}
	}
	assert_int_equal(rc_ok, 3); /* one outstanding and two waiting */
	assert_int_equal(rc_busy, 2);
	/* through the api: a body that is not JSON, one that breaks the schema */
	csms_api_send_op(&f->r, "CP-1", "Reset", "not json", 8);
	check_error(&f->r, 400, "bad_request", "the Reset request is not one JSON object");
	csms_api_send_op(&f->r, "CP-1", "Reset", "{\"type\":\"Warm\"}", 15);
	check_error(&f->r, 400, "bad_request", "type");
	ocpp_rpc_free(c.rpc); /* cancels the queued operations: free_op frees them */
	s->conn = NULL;
}

static void check_error(struct csms_http_req *r, int status, const char *code, const char *message)
{
	if (!r->resp_ready)
		fail_msg("no answer");
	assert_true(r->resp_ready);
	assert_int_equal(r->status, status);
	cJSON *o = tu_parse(r->resp);
	cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring, code);
	if (message)
		assert_non_null(strstr(cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring, message));
	cJSON_Delete(o);
	free(r->resp);
	r->resp = NULL;
	r->resp_ready = false;
}

/* Through the api: the action's name, then the station, its connection, then the body (as before the typed
 * boundary: a bad body to a station that is not connected is answered 409). */
static void the_api_answers_the_engines_refusals_in_http(void **state)
{
	struct fixture *f = *state;
	csms_api_send_op(&f->r, "CP-1", "Rest", "{}", 2);
	check_error(&f->r, 400, "bad_request", "\"Rest\" is not an action the central system sends");
	csms_api_send_op(&f->r, "CP-1", "BootNotification", "{}", 2);
	check_error(&f->r, 400, "bad_request", "not an action the central system sends");
	csms_api_send_op(&f->r, "CP-9", "Reset", "{\"type\":\"Soft\"}", 15);
	check_error(&f->r, 404, "unknown_station", "CP-9");
	csms_api_send_op(&f->r, "CP-1", "Reset", "{\"type\":\"Soft\"}", 15);
	check_error(&f->r, 409, "not_connected", "not connected");
	csms_api_send_op(&f->r, "CP-1", "Reset", "not json", 8);
	check_error(&f->r, 409, "not_connected", NULL);
	csms_api_send_op_json(&f->r, "CP-1", OCPP_Reset, cJSON_CreateObject());
	check_error(&f->r, 409, "not_connected", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_engine_error_has_its_http_status_and_code),
	    cmocka_unit_test_setup_teardown(the_engine_refuses_with_its_own_codes, setup, teardown),
	    cmocka_unit_test_setup_teardown(the_api_answers_the_engines_refusals_in_http, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_connected_station_gets_invalid_queued_or_busy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
