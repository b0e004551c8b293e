/* csms_cards.c — id tag checks, card states, id tag lists, LIKE patterns and CSV fields for the charge
 * users, cards and card lists API (see csms_cards.h). */
#include "csms_cards.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool csms_cards_tag_is_valid(const char *t)
{
	size_t n = strlen(t);
	if (n < 1 || n > CSMS_IDTAG_MAX)
		return false;
	for (; *t; t++)
		if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7e)
			return false;
	return true;
}

long csms_cards_parse_tags(const cJSON *arr, const char *field, size_t max, char (**out)[CSMS_IDTAG_MAX + 1], char *err,
                           size_t errlen)
{
	char(*tags)[CSMS_IDTAG_MAX + 1] = NULL;
	long n = 0, i = 0;
	const cJSON *v;

	*out = NULL;
	if (!cJSON_IsArray(arr)) {
		snprintf(err, errlen, "%s: must be an array of id tags", field);
		return -1;
	}
	size_t count = (size_t)cJSON_GetArraySize(arr);
	if (count > max) {
		snprintf(err, errlen, "%s: at most %zu id tags", field, max);
		return -1;
	}
	if (count && !(tags = malloc(count * sizeof(*tags)))) {
		snprintf(err, errlen, "%s: out of memory", field);
		return -1;
	}
	cJSON_ArrayForEach(v, arr)
	{
		char norm[CSMS_IDTAG_MAX + 1];
		if (!cJSON_IsString(v) || !csms_cards_tag_is_valid(v->valuestring)) {
			snprintf(err, errlen, "%s[%ld]: an id tag is 1..20 printable ASCII characters", field, i);
			free(tags);
			return -1;
		}
		csms_idtag_normalize(v->valuestring, norm);
		bool dup = false;
		for (long k = 0; k < n && !dup; k++) /* lists are small (max): quadratic is fine */
			dup = strcmp(tags[k], norm) == 0;
		if (!dup)
			memcpy(tags[n++], norm, sizeof(norm));
		i++;
	}
	*out = tags;
	return n;
}

bool csms_cards_like_contains(const char *q, char *out, size_t outlen)
{
	size_t k = 0;
	if (outlen < 3)
		return false;
	out[k++] = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\') {
			if (k + 1 >= outlen)
				return false;
			out[k++] = '\\';
		}
		if (k + 1 >= outlen)
			return false;
		out[k++] = *q;
	}
	if (k + 2 > outlen)
		return false;
	out[k++] = '%';
	out[k] = '\0';
	return true;
}

bool csms_cards_csv_field(const char *in, char *out, size_t outlen, size_t *pos)
{
	size_t k = *pos;
	bool quote = strpbrk(in, ",\"\r\n") != NULL;
	if (quote) {
		if (k + 1 >= outlen)
			return false;
		out[k++] = '"';
	}
	for (; *in; in++) {
		size_t need = (*in == '"') ? 2 : 1;
		if (k + need >= outlen)
			return false;
		if (*in == '"')
			out[k++] = '"';
		out[k++] = *in;
	}
	if (quote) {
		if (k + 1 >= outlen)
			return false;
		out[k++] = '"';
	}
	out[k] = '\0';
	*pos = k;
	return true;
}
