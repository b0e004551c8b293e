/* ocpp_json.h — parsing received JSON with cJSON into a per-thread bump arena instead of one malloc per
 * node (cJSON's allocation hooks), which is most of the cost of a received frame. */
#ifndef OCPP_JSON_H
#define OCPP_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Parses buf[0..len); *end is set to where parsing stopped. The tree lives in this thread's arena (or on
 * the heap when the arena is full): free it with ocpp_json_delete() on the same thread, never with
 * cJSON_Delete on a detached part. The arena is recycled when no tree parsed by it is alive. Trees
 * built with cJSON_Create* are unaffected: they use malloc as usual. */
cJSON *ocpp_json_parse(const char *buf, size_t len, const char **end);
void ocpp_json_delete(cJSON *root);

#endif
