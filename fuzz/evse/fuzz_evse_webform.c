/* fuzz_evse_webform.c — every request-body parser of the local web app on arbitrary bytes: setup, login, a
 * card, a session start, a schedule, the settings (parsed, then applied to a configuration and an in-memory
 * store, so that any accepted change is also checked end to end), and the query-string reader. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evse_settings.h"
#include "evse_webform.h"
#include "wl_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct evse_store *st;
	static struct evse_config cfg;
	static struct evse_settings_change chg;
	char err[300], code[EVSE_SETUP_CODE_MAX], pw[EVSE_PASSWORD_MAX + 1], uid[EVSE_CARD_UID_MAX], restart[200];
	const char *body = (const char *)data;
	int slot;
	int64_t at;
	long v;

	wl_log_set_level(WL_LOG_ERROR);
	if (!st)
		st = evse_store_open(":memory:", err, sizeof(err));
	(void)evse_webform_setup(body, size, code, pw, err, sizeof(err));
	(void)evse_webform_login(body, size, pw, err, sizeof(err));
	(void)evse_webform_card(body, size, uid, err, sizeof(err));
	(void)evse_webform_session_start(body, size, 3, &slot, uid, err, sizeof(err));
	(void)evse_webform_schedule(body, size, 1900000000000LL, &at, err, sizeof(err));
	evse_config_defaults(&cfg);
	if (evse_settings_parse(body, size, &chg, err, sizeof(err)) == 0)
		(void)evse_settings_apply(st, &cfg, &chg, false, restart, sizeof(restart), err, sizeof(err));
	/* the query reader wants a NUL-terminated string */
	char q[512];
	size_t n = size < sizeof(q) - 1 ? size : sizeof(q) - 1;
	memcpy(q, data, n);
	q[n] = '\0';
	(void)evse_webform_query_int(q, "limit", 1, 100, &v, err, sizeof(err));
	(void)evse_webform_query_int(q, "before", 1, 0x7fffffffL, &v, err, sizeof(err));
	char md5[40];
	(void)evse_webform_query_str(q, "md5", md5, sizeof(md5), err, sizeof(err));
	return 0;
}
