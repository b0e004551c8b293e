/* evse_webapi_int.h — what the web API's route files share (evse_webapi.c: the station's routes; evse_lms_api.c:
 * the Master's Local Management System): the API's state, the route table's row, the answer helpers. Not for
 * other modules. */
#ifndef EVSE_WEBAPI_INT_H
#define EVSE_WEBAPI_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_http.h"
#include "evse_station.h"
#include "evse_webauth.h"

struct evse_group;

struct evse_webapi {
	struct evse_station *st;
	struct evse_config *cfg;
	struct evse_webauth *auth;
	bool reading;
	uint64_t read_until;
	unsigned uploads;               /* numbers the upload files, so that two uploads at once do not share one */
	struct evse_group *group;       /* group_role master: the Local Management System's routes; NULL elsewhere */
	struct evse_lms_export *export; /* an Excel download being made (evse_lms_api.c), NULL none */
};

enum access { PUBLIC, ADMIN };
enum body_kind { NO_BODY, JSON_BODY, TEXT_BODY, FILE_BODY /* streamed to a file: evse_webapi_upload_begin */ };

typedef void handler_fn(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                        const char *tail);

struct route {
	enum evse_http_method method;
	const char *path; /* ending in '/': a prefix, the rest (one segment, or more when deep) is passed as tail */
	enum access access;
	enum body_kind body;
	handler_fn *fn;
	bool deep; /* a prefix whose tail may hold '/' */
};

/* The Local Management System's routes (evse_lms_api.c), offered only on a Master. */
extern const struct route evse_lms_routes[];
extern const size_t evse_lms_n_routes;

/* The Excel download is made on a thread; its answer's job number has this bit (the password hashes' do not). */
#define EVSE_LMS_EXPORT_JOB 0x80000000u
/* 1 with *job and rs filled when the download being made is done, else 0. */
int evse_lms_export_poll(struct evse_webapi *w, unsigned *job, struct evse_http_resp *rs);
/* Waits for the download being made and drops it (the API goes away). */
void evse_lms_export_cancel(struct evse_webapi *w);

/* Answers: body malloc'd (taken); j deleted; {"error":{"code","message"}} with the usual code of the status
 * when code is NULL; {"ok":true}. */
void evse_webapi__reply(struct evse_http_resp *rs, int status, const char *mime, char *body);
void evse_webapi__json(struct evse_http_resp *rs, int status, cJSON *j);
void evse_webapi__error(struct evse_http_resp *rs, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void evse_webapi__ok(struct evse_http_resp *rs);

#endif
