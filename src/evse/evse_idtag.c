/* evse_idtag.c — id tags as the central system keeps them: upper case, padded with '0' to 14. */
#include "evse_idtag.h"

#include <ctype.h>
#include <string.h>

void evse_idtag_key(const char *id_tag, char out[EVSE_IDTAG_KEY_MAX])
{
	size_t n = 0;
	for (; id_tag[n] && n < EVSE_IDTAG_KEY_MAX - 1; n++)
		out[n] = (char)toupper((unsigned char)id_tag[n]);
	for (; n < EVSE_IDTAG_PADDED; n++)
		out[n] = '0';
	out[n] = '\0';
}

bool evse_idtag_same(const char *a, const char *b)
{
	char ka[EVSE_IDTAG_KEY_MAX], kb[EVSE_IDTAG_KEY_MAX];
	evse_idtag_key(a, ka);
	evse_idtag_key(b, kb);
	return strcmp(ka, kb) == 0;
}
