/* csms_api_meta.c — routes about the csms itself: health, and the OpenAPI document
 * generated from the route tables (so it can never disagree with what is served). */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_conn.h"

static void get_health(struct csms_http_req *r)
{
	struct csms_store_stats st;
	cJSON *o = cJSON_CreateObject();
	csms_store_get_stats(r->app->store, &st);
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddNumberToObject(o, "schemaVersion", csms_store_schema_version(r->app->store));
	cJSON_AddNumberToObject(o, "stations", (double)csms_registry_count(r->app->reg));
	cJSON_AddNumberToObject(o, "connections", r->app->n_conns);
	cJSON_AddNumberToObject(o, "framesIn", (double)r->app->stats.frames_in);
	cJSON_AddNumberToObject(o, "framesOut", (double)r->app->stats.frames_out);
	cJSON_AddNumberToObject(o, "framesOverBudget", (double)r->app->stats.over_budget);
	size_t queued = 0; /* frames waiting to be sent to stations */
	for (const struct csms_conn *c = r->app->conns; c; c = c->next)
		queued += c->rpc ? ocpp_rpc_output_bytes(c->rpc) : 0;
	cJSON_AddNumberToObject(o, "outputBytes", (double)queued);
	cJSON_AddNumberToObject(o, "commits", (double)st.batches);
	cJSON_AddNumberToObject(o, "committedJobs", (double)st.jobs);
	cJSON_AddNumberToObject(o, "checkpoints", (double)st.checkpoints);
	cJSON_AddBoolToObject(o, "setupNeeded", r->app->setup_code[0] != '\0');
	csms_http_respond_json(r, 200, o);
}

static cJSON *path_item(cJSON *paths, const char *pattern)
{
	char key[300];
	snprintf(key, sizeof(key), "/%s", pattern);
	cJSON *item = cJSON_GetObjectItemCaseSensitive(paths, key);
	return item ? item : cJSON_AddObjectToObject(paths, key);
}

static void add_operation(cJSON *paths, const char *tag, const struct csms_route *rt)
{
	static const char *const lower[] = {"get", "post", "put", "delete", "patch", "other"};
	cJSON *op = cJSON_AddObjectToObject(path_item(paths, rt->pattern), lower[rt->method]);
	cJSON_AddStringToObject(op, "summary", rt->summary ? rt->summary : "");
	cJSON_AddItemToObject(op, "tags", cJSON_CreateStringArray(&tag, 1));
	cJSON *params = cJSON_AddArrayToObject(op, "parameters");
	for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		char name[64];
		snprintf(name, sizeof(name), "%.*s", close ? (int)(close - p - 1) : 0, p + 1);
		cJSON *prm = cJSON_CreateObject();
		cJSON_AddStringToObject(prm, "name", name);
		cJSON_AddStringToObject(prm, "in", "path");
		cJSON_AddBoolToObject(prm, "required", 1);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(prm, "schema"), "type", "string");
		cJSON_AddItemToArray(params, prm);
	}
	cJSON *roles = cJSON_AddArrayToObject(op, "x-roles");
	if (rt->roles & CSMS_PUBLIC) {
		cJSON_AddItemToArray(roles, cJSON_CreateString("public"));
		cJSON_AddItemToObject(op, "security", cJSON_CreateArray());
	}
	for (unsigned bit = 1; bit <= CSMS_ROLE_TECH; bit <<= 1)
		if (rt->roles & bit)
			cJSON_AddItemToArray(roles, cJSON_CreateString(csms_role_name(bit)));
	cJSON_AddBoolToObject(op, "x-csrf", !(rt->flags & CSMS_ROUTE_NO_CSRF) && rt->method != CSMS_HTTP_GET);
	cJSON *resp = cJSON_AddObjectToObject(op, "responses");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(resp, "2XX"), "description", "success (JSON unless noted)");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(resp, "default"), "description",
	                        "{\"error\":{\"code\",\"message\"}}");
}

static void get_openapi(struct csms_http_req *r)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "openapi", "3.0.3");
	cJSON *info = cJSON_AddObjectToObject(doc, "info");
	cJSON_AddStringToObject(info, "title", "Wattline csms API");
	cJSON_AddStringToObject(info, "version", "1");
	cJSON_AddStringToObject(info, "description",
	                        "Every route names the roles allowed (x-roles). Browser sessions send the "
	                        "X-CSRF-Token header on state changes (x-csrf). See docs/api.md.");
	cJSON *comp = cJSON_AddObjectToObject(doc, "components");
	cJSON *schemes = cJSON_AddObjectToObject(comp, "securitySchemes");
	cJSON *cookie = cJSON_AddObjectToObject(schemes, "session");
	cJSON_AddStringToObject(cookie, "type", "apiKey");
	cJSON_AddStringToObject(cookie, "in", "cookie");
	cJSON_AddStringToObject(cookie, "name", "wl_session");
	cJSON *bearer = cJSON_AddObjectToObject(schemes, "token");
	cJSON_AddStringToObject(bearer, "type", "http");
	cJSON_AddStringToObject(bearer, "scheme", "bearer");
	cJSON *sec = cJSON_AddArrayToObject(doc, "security");
	cJSON *s1 = cJSON_CreateObject(), *s2 = cJSON_CreateObject();
	cJSON_AddItemToObject(s1, "session", cJSON_CreateArray());
	cJSON_AddItemToObject(s2, "token", cJSON_CreateArray());
	cJSON_AddItemToArray(sec, s1);
	cJSON_AddItemToArray(sec, s2);
	cJSON *paths = cJSON_AddObjectToObject(doc, "paths");
	for (size_t t = 0; t < csms_route_tables_n; t++)
		for (size_t i = 0; i < csms_route_tables[t]->n; i++)
			add_operation(paths, csms_route_tables[t]->tag, &csms_route_tables[t]->routes[i]);
	csms_http_respond_json(r, 200, doc);
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/health", CSMS_PUBLIC, 0, get_health, "Liveness, counters, whether setup is needed"},
    {CSMS_HTTP_GET, "api/v1/openapi.json", CSMS_PUBLIC, 0, get_openapi, "This API as an OpenAPI 3 document"},
};
CSMS_ROUTE_TABLE(csms_routes_meta, "meta", routes);
