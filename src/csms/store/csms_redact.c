/* csms_redact.c — replaces the values of secret configuration keys with "***". */
#include "csms_redact.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* write-only keys of the OCPP 1.6 security whitepaper (section "Configuration keys") */
static const char *const secret_keys[] = {"AuthorizationKey"};

int csms_redact_is_secret_key(const char *key)
{
	for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++)
		if (key && strcasecmp(key, secret_keys[i]) == 0)
			return 1;
	return 0;
}

/* {key, value}: value replaced when key is secret */
static int redact_pair(cJSON *o)
{
	cJSON *key = cJSON_GetObjectItemCaseSensitive(o, "key");
	cJSON *value = cJSON_GetObjectItemCaseSensitive(o, "value");
	if (!cJSON_IsString(key) || !value || !csms_redact_is_secret_key(key->valuestring))
		return 0;
	cJSON_ReplaceItemInObjectCaseSensitive(o, "value", cJSON_CreateString(CSMS_REDACTED));
	return 1;
}

int csms_redact_payload(cJSON *payload)
{
	int n = 0;
	if (!cJSON_IsObject(payload))
		return 0;
	n += redact_pair(payload);
	cJSON *list = cJSON_GetObjectItemCaseSensitive(payload, "configurationKey"), *it;
	if (!cJSON_IsArray(list))
		return n;
	cJSON_ArrayForEach(it, list)
	{
		if (cJSON_IsObject(it))
			n += redact_pair(it);
	}
	return n;
}

/* Could the frame hold a secret key? Its name in any case, or a \u escape that could spell it. Every frame
 * in and out passes here: one comparison a byte (the keys start with a letter, compared without case by its
 * 0x20 bit) before the name; strncasecmp at every position was a tenth of the event loop's time under
 * MeterValues. */
static bool may_hold_secret(const char *text, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\\' && text[i + 1] == 'u')
			return true;
		for (size_t k = 0; k < sizeof(secret_keys) / sizeof(secret_keys[0]); k++) {
			if ((c | 0x20) != ((unsigned char)secret_keys[k][0] | 0x20))
				continue;
			size_t kl = strlen(secret_keys[k]);
			if (i + kl <= len && strncasecmp(text + i, secret_keys[k], kl) == 0)
				return true;
		}
	}
	return false;
}

char *csms_redact_frame(const char *text, size_t len, size_t *out_len)
{
	char *out = NULL;
	cJSON *root;

	if (!may_hold_secret(text, len) || !(root = cJSON_ParseWithLength(text, len)))
		return NULL;
	/* [2, id, action, payload] | [3, id, payload] | [4, id, code, text, details] */
	cJSON *type = cJSON_GetArrayItem(root, 0);
	int at = cJSON_IsNumber(type) && type->valueint == 2 ? 3 : cJSON_IsNumber(type) && type->valueint == 3 ? 2 : -1;
	if (cJSON_IsArray(root) && at > 0 && csms_redact_payload(cJSON_GetArrayItem(root, at)) > 0 &&
	    (out = cJSON_PrintUnformatted(root)))
		*out_len = strlen(out);
	cJSON_Delete(root);
	return out;
}
