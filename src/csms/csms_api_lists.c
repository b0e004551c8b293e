/* csms_api_lists.c — Card lists (local authorisation lists) and their stations.
 * NEEDSWORK: a placeholder table while the routes are being written. */
#include "csms_api.h"

static void not_yet(struct csms_http_req *r)
{
	csms_http_respond_error(r, 501, "not_implemented", "not implemented yet");
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/lists-placeholder", CSMS_ROLE_ADMIN, 0, not_yet,
     "Card lists (local authorisation lists) and their stations (placeholder)"},
};
CSMS_ROUTE_TABLE(csms_routes_lists, "lists", routes);
