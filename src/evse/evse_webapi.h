/* evse_webapi.h — the local web app's JSON API: a route table (method, path, who may call it, body kind)
 * over the station: status, setup/login, settings, local cards (read a tapped card, write it to a slot),
 * history (JSON and CSV), fault report, driver actions (authorise a session, stop it, schedule a start)
 * and the simulator's control. Transport-free: evse_net hands over a struct evse_http_req and sends the
 * struct evse_http_resp back. Errors are {"error":{"code":"...","message":"..."}}. */
#ifndef EVSE_WEBAPI_H
#define EVSE_WEBAPI_H

#include <stdbool.h>
#include <stdint.h>

#include "evse_http.h"
#include "evse_station.h"
#include "evse_webauth.h"

#define EVSE_CARD_READ_MS 30000 /* POST /api/cards/read waits this long for a tap */

struct evse_webapi;

/* The station and cfg must outlive it; cfg is the running configuration that settings change. The setup
 * code file goes next to the database. NULL with err. */
struct evse_webapi *evse_webapi_new(struct evse_station *st, struct evse_config *cfg, char *err, size_t errcap);
void evse_webapi_free(struct evse_webapi *w);

/* True for the paths the API answers (everything under /api/ except the event stream). */
bool evse_webapi_owns(const char *path);

/* Answers one request at now_ms (monotonic). rs->body is malloc'd: the caller frees it. When
 * rs->wait_card is set, nothing is to be sent yet: call evse_webapi_card_poll() until it answers. */
void evse_webapi_handle(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now_ms,
                        struct evse_http_resp *rs);

/* The answer to a waiting card read: 1 with rs filled (the UID, or 408 after EVSE_CARD_READ_MS), 0 still
 * waiting. */
int evse_webapi_card_poll(struct evse_webapi *w, uint64_t now_ms, struct evse_http_resp *rs);
/* The browser that waited for a card went away. */
void evse_webapi_card_cancel(struct evse_webapi *w);

/* The authorisation state (for evse_http_is_admin() in other endpoints). */
struct evse_webauth *evse_webapi_auth(struct evse_webapi *w);

#endif
