/* fuzz_web.c — libFuzzer target: the browser UI's request paths (csms_web_path) and a socket's fields
 * (csms_socket_form_parse, the JSON of PUT .../connectors/{c} and of a registration's sockets).
 * A path accepted must map inside the web root: no "..", no "//", no dot segment, a known type; a socket
 * spec refused must be exactly one 400 answer, one accepted must hold only the values allowed.
 * Input: a path line, then the JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csms_api.h"
#include "csms_socket_form.h"
#include "csms_web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *path)
{
	char out[512];
	const char *ctype = NULL;
	int rc = csms_web_path("/root", path, out, sizeof(out), &ctype);
	if (rc != 0)
		return;
	if (strncmp(out, "/root/", 6) != 0 || strstr(out, "/..") || strstr(out, "//") || strstr(out, "/.") || !ctype)
		abort();
}

static void check_spec(const char *json, size_t len)
{
	struct csms_http_req r;
	struct csms_socket_spec sp;
	memset(&r, 0, sizeof(r));
	memset(&sp, 0, sizeof(sp));
	r.upload_fd = -1;
	cJSON *obj = cJSON_ParseWithLength(json, len);
	if (!obj)
		return;
	bool ok = csms_socket_form_parse(&r, obj, true, &sp);
	if (ok == r.resp_ready || (!ok && r.status != 400))
		abort(); /* refused exactly when answered, with 400 */
	if (ok && (sp.connector < 1 || sp.connector > 100 || (sp.phases != 0 && sp.phases != 1 && sp.phases != 3) ||
	           sp.max_current < 0 || sp.max_current > 1000 || strlen(sp.description) > 400))
		abort();
	free(r.resp);
	cJSON_Delete(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - data) : size;
	char *path = malloc(plen + 1);
	if (!path)
		return 0;
	memcpy(path, data, plen);
	path[plen] = '\0';
	check_path(path);
	free(path);
	if (nl)
		check_spec((const char *)nl + 1, size - plen - 1);
	return 0;
}
