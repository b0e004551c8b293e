/* wl_idtag.c — id tags as both programs keep them: upper case, padded with '0' to 14. */
#include "wl_idtag.h"

#include <ctype.h>
#include <string.h>

void wl_idtag_key(const char *id_tag, char out[WL_IDTAG_KEY_MAX])
{
	size_t n = 0;
	for (; id_tag[n] && n < WL_IDTAG_KEY_MAX - 1; n++)
		out[n] = (char)toupper((unsigned char)id_tag[n]);
	for (; n < WL_IDTAG_PADDED; n++)
		out[n] = '0';
	out[n] = '\0';
}

bool wl_idtag_same(const char *a, const char *b)
{
	char ka[WL_IDTAG_KEY_MAX], kb[WL_IDTAG_KEY_MAX];
	wl_idtag_key(a, ka);
	wl_idtag_key(b, kb);
	return strcmp(ka, kb) == 0;
}
