/* csms_stexport.h — the station table of the MMS manual (figure 8.1) as an Excel or CSV file:
 * GET /api/v1/stations?format=xlsx|csv with the list's filters (q, state). Written on the background
 * worker by csms_export (row by row), served as an attachment, then removed. */
#ifndef CSMS_STEXPORT_H
#define CSMS_STEXPORT_H

struct csms_http_req;

/* Answers r with the file; format "csv" or "xlsx" (400 otherwise), q and state as the list takes them
 * (NULL: none). */
void csms_stations_export(struct csms_http_req *r, const char *format, const char *q, const char *state);

#endif
