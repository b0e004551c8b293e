/* csms_web.h — the browser UI's static files (web/csms, or --web-root) served at / with a strict
 * Content-Security-Policy: no inline script, everything from this origin. Only known file types are
 * served, and only paths made of plain segments (no "..", no dot files, no empty segments). */
#ifndef CSMS_WEB_H
#define CSMS_WEB_H

#include <stdbool.h>
#include <stddef.h>

struct csms_http_req;

/* The headers sent with every file of the UI (each "name: value\r\n"). */
extern const char csms_web_headers[];

/* Whether a request path is the UI's (not /api/, /firmware/, /ocpp/). */
bool csms_web_owns(const char *path);

/* Maps a request path to a file under root and its content type. "/" is "/index.html".
 * Returns 0, -1 for a refused path (400), -2 for a type not served (404). */
int csms_web_path(const char *root, const char *path, char *out, size_t cap, const char **ctype);

/* Answers the request with the file (GET only: others get 405). */
void csms_web_serve(struct csms_http_req *r);

#endif
