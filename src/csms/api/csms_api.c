/* csms_api.c — the REST API's front door: joins the resource modules' route tables, matches a request,
 * works out who is asking (session cookie, API token or the local admin token), applies the route's
 * roles and the CSRF rule, then runs the handler. */
#include "csms_api.h"

#include <libwebsockets.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "wl_log.h"

const struct csms_route_table *const csms_route_tables[] = {
    &csms_routes_meta,    &csms_routes_auth,  &csms_routes_operators, &csms_routes_stations,
    &csms_routes_control, &csms_routes_home,  &csms_routes_users,     &csms_routes_lists,
    &csms_routes_tx,      &csms_routes_views, &csms_routes_maint,     &csms_routes_live,
};
const size_t csms_route_tables_n = sizeof(csms_route_tables) / sizeof(csms_route_tables[0]);

bool csms_route_allows(const struct csms_route *rt, const struct csms_principal *who)
{
	if (rt->roles & CSMS_PUBLIC)
		return true;
	return who->role && (rt->roles & CSMS_ROLES_ALL & who->role);
}

/* Matches a pattern such as "api/v1/stations/{id}/events" against a path; {name} captures one segment. */
static bool match(const char *pattern, const char *path, char params[][128])
{
	int np = 0;
	while (*pattern || *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			const char *slash = strchr(path, '/');
			size_t n = slash ? (size_t)(slash - path) : strlen(path);
			if (!close || n == 0 || n >= 128 || np >= CSMS_API_MAX_PARAMS)
				return false;
			memcpy(params[np], path, n);
			params[np++][n] = '\0';
			path += n;
			pattern = close + 1;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	return true;
}

/* The value of one cookie from the Cookie header. */
static bool cookie_value(struct lws *wsi, const char *name, char *out, size_t outlen)
{
	char hdr[1024];
	size_t n = strlen(name);
	if (lws_hdr_copy(wsi, hdr, sizeof(hdr), WSI_TOKEN_HTTP_COOKIE) <= 0)
		return false;
	for (char *p = hdr; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			p += n + 1;
			size_t len = strcspn(p, ";");
			if (len >= outlen)
				return false;
			memcpy(out, p, len);
			out[len] = '\0';
			return true;
		}
		p = strchr(p, ';');
	}
	return false;
}

static void identify(struct csms_http_req *r)
{
	char hdr[160], cookie[CSMS_TOKEN_LEN + 8];
	struct csms_principal *who = &r->who;
	memset(who, 0, sizeof(*who));
	if (lws_hdr_copy(r->wsi, hdr, sizeof(hdr), WSI_TOKEN_HTTP_AUTHORIZATION) > 0) {
		if (strncmp(hdr, "Bearer ", 7) != 0) {
			who->presented_invalid = true;
			return;
		}
		const char *tok = hdr + 7;
		size_t n = strlen(tok), m = strlen(r->app->admin_token);
		if (n == m && sodium_memcmp(tok, r->app->admin_token, m) == 0) {
			who->role = CSMS_ROLE_ADMIN; /* the local command line: whoever can read the data folder */
			snprintf(who->username, sizeof(who->username), "(local admin token)");
			snprintf(who->language, sizeof(who->language), "en");
			return;
		}
		csms_principal_from_bearer(r->app, tok, who);
		return;
	}
	if (cookie_value(r->wsi, CSMS_SESSION_COOKIE, cookie, sizeof(cookie)))
		csms_principal_from_cookie(r->app, cookie, who);
}

static bool csrf_ok(struct csms_http_req *r)
{
	char hdr[80];
	if (lws_hdr_custom_copy(r->wsi, hdr, sizeof(hdr), "x-csrf-token:", 13) <= 0)
		return false;
	size_t n = strlen(hdr), m = strlen(r->who.csrf);
	return m && n == m && sodium_memcmp(hdr, r->who.csrf, m) == 0;
}

int csms_api_route(struct csms_http_req *r)
{
	const char *path = r->path[0] == '/' ? r->path + 1 : r->path;
	bool path_known = false;
	for (size_t t = 0; t < csms_route_tables_n; t++) {
		const struct csms_route_table *tab = csms_route_tables[t];
		for (size_t i = 0; i < tab->n; i++) {
			const struct csms_route *rt = &tab->routes[i];
			if (!match(rt->pattern, path, r->params))
				continue;
			path_known = true;
			if (rt->method != r->method)
				continue;
			if (r->wsi && (!(rt->roles & CSMS_PUBLIC) || rt->method != CSMS_HTTP_GET))
				identify(r); /* without a connection (tests, fuzzing) r->who is as the caller set it */
			if (!csms_route_allows(rt, &r->who)) {
				if (!(rt->roles & (CSMS_PUBLIC | CSMS_ROLES_ALL)))
					csms_http_fail(r, CSMS_ERR_FORBIDDEN, "this route has no access rule: refused");
				else if (!r->who.role)
					csms_http_fail(
					    r, CSMS_ERR_UNAUTHORIZED, "%s",
					    r->who.presented_invalid
					        ? "the session or token is expired, revoked or unknown: log in again"
					        : "log in first (session cookie or Authorization: Bearer token)");
				else {
					char msg[200];
					snprintf(msg, sizeof(msg), "the role %s may not do this",
					         csms_role_name(r->who.role));
					csms_http_fail(r, CSMS_ERR_FORBIDDEN, "%s", msg);
				}
				return -1;
			}
			if (r->who.must_change_password && !(rt->roles & CSMS_PUBLIC) &&
			    !(rt->flags & CSMS_ROUTE_PW_CHANGE_OK)) {
				csms_http_fail(r, CSMS_ERR_PASSWORD_CHANGE_REQUIRED,
				               "your password was reset: change it first (PUT /api/v1/auth/password)");
				return -1;
			}
			if (r->who.by_cookie && r->method != CSMS_HTTP_GET && !(rt->flags & CSMS_ROUTE_NO_CSRF) &&
			    !csrf_ok(r)) {
				csms_http_fail(r, CSMS_ERR_CSRF,
				               "a state change from a browser session needs the X-CSRF-Token header "
				               "given at login");
				return -1;
			}
			r->route = rt;
			r->hooks = tab->hooks;
			return 0;
		}
	}
	if (path_known)
		csms_http_fail(r, CSMS_ERR_METHOD, "this method is not allowed here");
	else
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such route");
	return -1;
}

void csms_api_dispatch(struct csms_http_req *r)
{
	if (r->route)
		r->route->fn(r);
}

void csms_api_release(struct csms_http_req *r)
{
	if (r->pending) {
		r->pending->req = NULL;
		r->pending = NULL;
	}
	if (r->bg) {
		struct csms_api_bg *job = r->bg;
		job->req = NULL;
		job->bg.cancelled = true;
		r->bg = NULL;
	}
	if (r->on_release) {
		r->on_release(r);
		r->on_release = NULL;
	}
	if (r->hooks && r->hooks->upload_abort)
		r->hooks->upload_abort(r);
}
