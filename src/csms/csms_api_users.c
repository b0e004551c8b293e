/* csms_api_users.c — Charge users and their cards.
 * NEEDSWORK: a placeholder table while the routes are being written. */
#include "csms_api.h"

static void not_yet(struct csms_http_req *r)
{
	csms_http_respond_error(r, 501, "not_implemented", "not implemented yet");
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/users-placeholder", CSMS_ROLE_ADMIN, 0, not_yet,
     "Charge users and their cards (placeholder)"},
};
CSMS_ROUTE_TABLE(csms_routes_users, "users", routes);
