/* evse_webapi.h — the local web app's JSON API: a route table (method, path, who may call it, body kind)
 * over the station: status, setup/login, settings, local cards (read a tapped card, write it to a slot),
 * history (JSON and CSV), fault report, driver actions (authorise a session, stop it, schedule a start),
 * the firmware upload and the simulator's control. Transport-free: evse_net hands over a struct evse_http_req and sends
 * the struct evse_http_resp back. Errors are {"error":{"code":"...","message":"..."}}. */
#ifndef EVSE_WEBAPI_H
#define EVSE_WEBAPI_H

#include <stdbool.h>
#include <stdint.h>

#include "evse_http.h"
#include "evse_station.h"
#include "evse_webauth.h"

#define EVSE_CARD_READ_MS 30000 /* POST /api/cards/read waits this long for a tap */
#define EVSE_WEB_JOBS     5 /* answers made off the event loop at once: the password hashes and one Excel download */

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

/* An upload: the body of an upload route (POST /api/firmware?md5=<32 hex>, the image, up to fw_max_kb) is
 * not read into the 4 KiB body but streamed to a file. Ask this once the request line and headers are
 * there (rq without a body; content_length -1 when the header is missing):
 *   0  not an upload route: read the body as usual;
 *   1  write the body to path (its folder is made here), at most *max_bytes of it: count the rest and drop
 *      it. The caller owns the file: it removes what is left of it once the request is answered;
 *  -1  refused at once (no session, no CSRF token, Content-Length 0 or above the limit): rs holds the answer
 *      (rs->body malloc'd), to send once the body has been read and dropped.
 * At the end of the body hand the request to evse_webapi_handle() with body_file (NULL when writing
 * failed) and body_len (every byte received) set. */
int evse_webapi_upload_begin(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now_ms,
                             int64_t content_length, char *path, size_t cap, int64_t *max_bytes,
                             struct evse_http_resp *rs);

/* The answer to a waiting card read: 1 with rs filled (the UID, or 408 after EVSE_CARD_READ_MS), 0 still
 * waiting. */
int evse_webapi_card_poll(struct evse_webapi *w, uint64_t now_ms, struct evse_http_resp *rs);
/* The browser that waited for a card went away. */
void evse_webapi_card_cancel(struct evse_webapi *w);

/* The answer to a setup or login whose password was hashing (rs->wait_job): 1 with *job and rs filled (the
 * caller frees rs->body), 0 none is finished. */
int evse_webapi_job_poll(struct evse_webapi *w, uint64_t now_ms, unsigned *job, struct evse_http_resp *rs);

/* The Master's group (NULL: not a Master): the Local Management System's routes /api/group... are offered
 * only with one; without, they answer 404 like any unknown path. */
struct evse_group;
void evse_webapi_set_group(struct evse_webapi *w, struct evse_group *g);

/* The authorisation state (evse_http_is_admin() for requests outside the route table). */
struct evse_webauth *evse_webapi_auth(struct evse_webapi *w);

#endif
