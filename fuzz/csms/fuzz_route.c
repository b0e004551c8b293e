/* fuzz_route.c — libFuzzer target: the HTTP API's route matcher (csms_api_route on a request with no
 * connection: it answers 401/404/405 into the request or picks a route and its parameters), and the
 * small validators stations reach before any database: chargeBoxId, card id normalisation, password
 * rules and the verification of a password against an arbitrary stored hash.
 * Input: byte 0 picks the method and the role (admin, technician or nobody); then path NUL password NUL stored-hash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_api.h"
#include "csms_auth.h"
#include "csms_idtag.h"
#include "csms_registry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (csms_auth_init() < 0)
		abort();
	return 0;
}

static void fuzz_route(uint8_t mode, const char *path)
{
	struct csms_http_req r;

	memset(&r, 0, sizeof(r));
	r.upload_fd = -1;
	r.method = (enum csms_http_method)(mode % (CSMS_HTTP_OTHER + 1));
	r.who.role = mode & 0x80 ? CSMS_ROLE_ADMIN : mode & 0x40 ? CSMS_ROLE_TECH : 0;
	snprintf(r.path, sizeof(r.path), "%s", path);
	if (csms_api_route(&r) == 0) {
		if (!r.route || r.resp_ready)
			abort(); /* matched: a route and no answer yet */
		for (int i = 0; i < CSMS_API_MAX_PARAMS; i++)
			if (strnlen(r.params[i], sizeof(r.params[i])) == sizeof(r.params[i]))
				abort();
	} else if (!r.resp_ready || (r.status != 401 && r.status != 403 && r.status != 404 && r.status != 405) ||
	           (r.status == 401 && r.who.role) || (r.status == 403 && r.who.role == CSMS_ROLE_ADMIN)) {
		abort(); /* refused: answered with one of these */
	}
	free(r.resp);
}

static void fuzz_ids(const char *s)
{
	char norm[CSMS_IDTAG_MAX + 1];
	size_t n = strlen(s);

	if (csms_station_id_is_valid(s) && (n < 1 || n > CSMS_ID_MAX || strpbrk(s, "/?#% ")))
		abort();
	csms_idtag_normalize(s, norm);
	n = strlen(norm);
	if (n < 14 || n > CSMS_IDTAG_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (norm[i] >= 'a' && norm[i] <= 'z')
			abort();
}

static void fuzz_password(const char *pw, const char *stored)
{
	char h[CSMS_PASSWORD_HASH_LEN];

	csms_password_is_valid(pw);
	csms_password_verify(stored, pw);
	csms_password_verify(NULL, pw);
	if (csms_password_is_valid(pw)) {
		/* a valid password hashes and verifies; not another */
		if (csms_password_hash(pw, h, sizeof(h)) != 0 || !csms_password_verify(h, pw) ||
		    (strcmp(stored, pw) != 0 && csms_password_verify(h, stored)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* the bytes after data[0], then three NULs: path, pw and stored always end inside buf */
	char *buf = calloc(1, size + 3);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	const char *path = buf;
	const char *pw = path + strlen(path) + 1;
	const char *stored = pw + strlen(pw) + 1;

	fuzz_route(data[0], path);
	fuzz_ids(path);
	fuzz_password(pw, stored);
	free(buf);
	return 0;
}
