/* fuzz_cards.c — libFuzzer target: the card list bodies' id tag arrays (csms_cards_parse_tags) from arbitrary
 * JSON, and the LIKE pattern and CSV field writers from arbitrary text. Nothing may crash or overrun; every
 * tag accepted is normalised (valid, 14..20 characters, upper case), and the outputs stay in their buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csms_cards.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[200], like[64], csv[64];
	char(*tags)[CSMS_IDTAG_MAX + 1];
	size_t pos = 0;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	cJSON *root = cJSON_ParseWithLength(text, size);
	if (root) {
		long n = csms_cards_parse_tags(root, "idTags", 100, &tags, err, sizeof(err));
		for (long i = 0; i < n; i++) {
			size_t len = strlen(tags[i]);
			if (len < 14 || len > CSMS_IDTAG_MAX || !csms_cards_tag_is_valid(tags[i]))
				abort();
			for (size_t k = 0; k < len; k++)
				if (tags[i][k] >= 'a' && tags[i][k] <= 'z')
					abort();
		}
		if (n >= 0)
			free(tags);
		cJSON_Delete(root);
	}
	if (csms_cards_like_contains(text, like, sizeof(like)) && strlen(like) >= sizeof(like))
		abort();
	if (csms_cards_csv_field(text, csv, sizeof(csv), &pos) && (pos >= sizeof(csv) || strlen(csv) != pos))
		abort();
	free(text);
	return 0;
}
