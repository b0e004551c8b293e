/* csms_web.c — the browser UI's static files: path checks, content types by extension, the CSP. */
#include "csms_web.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "csms_http.h"
#include "csms_http_answer.h"

#define MAX_WEB_PATH 200

const char csms_web_headers[] =
    "content-security-policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'\r\n"
    "x-content-type-options: nosniff\r\nx-frame-options: DENY\r\nreferrer-policy: no-referrer\r\n"
    "cache-control: no-cache\r\n";

static const struct {
	const char *ext;
	const char *ctype;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
};

static const char *const not_ui[] = {"/api/", "/firmware/", "/ocpp/"};

bool csms_web_owns(const char *path)
{
	for (size_t i = 0; i < sizeof(not_ui) / sizeof(not_ui[0]); i++)
		if (strncmp(path, not_ui[i], strlen(not_ui[i])) == 0)
			return false;
	return strcmp(path, "/api") != 0;
}

/* Plain segments only: [A-Za-z0-9_-] and dots not at a segment's start, no empty segment. */
static bool plain_path(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *s = p + 1; *s;) {
		if (*s == '/' || *s == '.')
			return false; /* empty segment, dot file, "." or ".." */
		for (; *s && *s != '/'; s++) {
			unsigned char c = (unsigned char)*s;
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
			      c == '-' || c == '.'))
				return false;
		}
		if (*s == '/')
			s++;
		if (!*s && s[-1] == '/')
			return false; /* a directory */
	}
	return true;
}

int csms_web_path(const char *root, const char *path, char *out, size_t cap, const char **ctype)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	size_t n = strlen(path);
	if (n > MAX_WEB_PATH || !plain_path(path))
		return -1;
	*ctype = NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && strcmp(path + n - e, types[i].ext) == 0)
			*ctype = types[i].ctype;
	}
	if (!*ctype)
		return -2;
	int len = snprintf(out, cap, "%s%s", root, path);
	return len < 0 || (size_t)len >= cap ? -1 : 0;
}

void csms_web_serve(struct csms_http_req *r)
{
	char file[512];
	const char *ctype;
	struct stat sb;
	if (r->method != CSMS_HTTP_GET) {
		csms_http_fail(r, CSMS_ERR_METHOD, "this method is not allowed here");
		return;
	}
	int rc = csms_web_path(r->app->cfg.web_root, r->path, file, sizeof(file), &ctype);
	if (rc == -1) {
		csms_http_fail(r, CSMS_ERR_BAD_PATH, "the path is not a plain file name");
		return;
	}
	if (rc < 0 || stat(file, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such page");
		return;
	}
	csms_http_serve_static(r, file, ctype, csms_web_headers);
}
