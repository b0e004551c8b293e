/* csms_api_live.c — Live updates (Server-Sent Events).
 * NEEDSWORK: a placeholder table while the routes are being written. */
#include "csms_api.h"

static void not_yet(struct csms_http_req *r)
{
	csms_http_respond_error(r, 501, "not_implemented", "not implemented yet");
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/live-placeholder", CSMS_ROLE_ADMIN, 0, not_yet,
     "Live updates (Server-Sent Events) (placeholder)"},
};
CSMS_ROUTE_TABLE(csms_routes_live, "live", routes);
