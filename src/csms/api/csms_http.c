/* csms_http.c — the request's small helpers. */
#include "csms_http.h"

const char *csms_http_method_name(enum csms_http_method m)
{
	static const char *const names[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OTHER"};
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "OTHER";
}
