/* wl_ws.c — handshake checks shared by the WebSocket servers. */
#include "wl_ws.h"

#include <libwebsockets.h>
#include <string.h>

bool wl_ws_offers_protocol(struct lws *wsi, const char *name)
{
	char list[256];
	if (lws_hdr_copy(wsi, list, sizeof(list), WSI_TOKEN_PROTOCOL) <= 0)
		return false;
	for (char *save = NULL, *tok = strtok_r(list, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
		if (strcmp(tok, name) == 0)
			return true;
	return false;
}
