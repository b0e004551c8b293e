/* fuzz_rpc.c — libFuzzer target for the RPC bookkeeping: the input is a sequence of frames separated by
 * newlines, received by a central-system connection that also makes calls and ticks its clock. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_heartbeat(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct ocpp_heartbeat_conf conf = {.current_time = "2026-11-20T10:00:00Z"};

	(void)ctx;
	ocpp_rpc_reply(rpc, in->id, &conf, NULL);
}

static void on_boot(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	(void)ctx;
	(void)rpc;
	(void)in; /* answered later, or never: the rpc must cope */
}

static void on_outcome(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out)
{
	(void)ctx;
	(void)rpc;
	(void)out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ocpp_call_fn *const handlers[OCPP_ACTION_COUNT] = {
	    [OCPP_Heartbeat] = on_heartbeat,
	    [OCPP_BootNotification] = on_boot,
	};
	struct ocpp_rpc_config cfg = {.role = OCPP_ROLE_CS,
	                              .limits = {.max_frame = 4096},
	                              .call_timeout_ms = 5,
	                              .max_queue = 3,
	                              .id_seed = 1,
	                              .handlers = handlers,
	                              .on_outcome = on_outcome};
	struct ocpp_reset_req reset = {.type = OCPP_RESET_TYPE_SOFT};
	struct ocpp_rpc *rpc = ocpp_rpc_new(&cfg);
	const char *p = (const char *)data, *end = p + size;
	uint64_t now = 0;
	char *out;

	if (!rpc)
		return 0;
	ocpp_rpc_call(rpc, OCPP_Reset, &reset, NULL, now, NULL);
	ocpp_rpc_call(rpc, OCPP_ClearCache, &(struct ocpp_clear_cache_req){0}, NULL, now, NULL);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ocpp_rpc_receive(rpc, p, len, now, NULL);
		now += 2;
		ocpp_rpc_tick(rpc, now);
		while ((out = ocpp_rpc_take_output(rpc, NULL)))
			free(out);
		p += len + 1;
	}
	ocpp_rpc_free(rpc);
	return 0;
}
