/* fuzz_api_body.c — libFuzzer target: a REST request body through the API's JSON reader and its field
 * validators (strings with UTF-8 and length rules, integers with bounds, booleans, RFC 3339 times), as every
 * route uses them. Each refusal must be one 400 answer; an accepted string must be valid text of the length
 * asked for. Then the same body as an operation's request (csms_api_send_op: parsed and decoded into the
 * action's struct on the api side) to a registered station that is not connected: one answer, 409 (or 400 for
 * an action name the central system does not send). Input: the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csms_api.h"
#include "csms_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(struct csms_http_req *r, bool bad)
{
	if (bad != r->resp_ready || (bad && r->status != 400))
		abort(); /* refused exactly when answered, and with 400 */
	free(r->resp);
	r->resp = NULL;
	r->resp_ready = false;
}

static void fuzz_operation(const uint8_t *data, size_t size)
{
	static const char *const actions[] = {"Reset",
	                                      "ChangeConfiguration",
	                                      "SendLocalList",
	                                      "RemoteStartTransaction",
	                                      "SetChargingProfile",
	                                      "BootNotification",
	                                      "NoSuchAction"};
	static struct csms app;
	struct csms_http_req r;
	if (!app.reg &&
	    (!(app.reg = csms_registry_new()) || !csms_registry_add(app.reg, "CP-1", CSMS_STATION_ACCEPTED, NULL)))
		abort();
	memset(&r, 0, sizeof(r));
	r.app = &app;
	r.upload_fd = -1;
	const char *action = actions[size ? data[0] % (sizeof(actions) / sizeof(actions[0])) : 0];
	csms_api_send_op(&r, "CP-1", action, (const char *)data, size);
	bool cs_action = strcmp(action, "BootNotification") != 0 && strcmp(action, "NoSuchAction") != 0;
	if (!r.resp_ready || r.status != (cs_action ? 409 : 400) || r.op)
		abort(); /* answered once, at once, and nothing was queued */
	free(r.resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_operation(data, size);

	struct csms_http_req r;
	memset(&r, 0, sizeof(r));
	r.upload_fd = -1;
	r.body = malloc(size + 1);
	if (!r.body)
		return 0;
	memcpy(r.body, data, size);
	r.body[size] = '\0';
	r.body_len = size;
	cJSON *body = csms_api_body(&r);
	if (!body) {
		check_answer(&r, true);
		free(r.body);
		return 0;
	}
	static const char *const names[] = {"name", "surname", "email", "idTag", "description", "password"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool bad = false;
		const char *v = csms_api_str(&r, body, names[i], i % 2 == 0, 20, &bad);
		if (v && (bad || strlen(v) > 80))
			abort(); /* 20 characters of UTF-8 are at most 80 bytes */
		check_answer(&r, bad);
	}
	bool bad = false, flag;
	long long n;
	int64_t t;
	if (csms_api_int(&r, body, "connectorId", false, 0, 100, &n, &bad) && (n < 0 || n > 100))
		abort();
	check_answer(&r, bad);
	bad = false;
	csms_api_bool(&r, body, "blocked", &flag, &bad);
	check_answer(&r, bad);
	bad = false;
	csms_api_time(&r, body, "expiry", false, &t, &bad);
	check_answer(&r, bad);
	cJSON_Delete(body);
	free(r.body);
	return 0;
}
