/* fuzz_redact.c — libFuzzer target: an OCPP-J frame through the message log's redaction. A frame that
 * comes back changed must be JSON that no longer holds a secret value; the secret test itself must never
 * read past the frame. Input: the frame text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csms_redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1); /* not terminated: the redaction must keep to its length */
	size_t n = 0;
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	char *out = csms_redact_frame(copy, size, &n);
	if (out) {
		cJSON *root = cJSON_Parse(out);
		if (!root || n != strlen(out))
			abort();
		/* redacting again finds nothing more to replace */
		cJSON *payload = cJSON_GetArrayItem(root, cJSON_GetArrayItem(root, 0)->valueint == 2 ? 3 : 2);
		if (csms_redact_payload(payload) != 0 && !strstr(out, CSMS_REDACTED))
			abort();
		cJSON_Delete(root);
		free(out);
	}
	free(copy);
	return 0;
}
