/* ocpp_frame.c — OCPP-J frame parser and builders over cJSON, with UTF-8, size and depth limits
 * checked on the raw text before cJSON sees it. */
#include "ocpp_frame.h"

#include <math.h>
#include <string.h>

#include "ocpp_json.h"
#include "ocpp_text.h"

/* Elements each message type must have. */
static const int frame_length[] = {[OCPP_CALL] = 4, [OCPP_CALLRESULT] = 3, [OCPP_CALLERROR] = 5};

static bool is_whitespace_only(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return false;
	return true;
}

/* True when arrays/objects nest more than max levels below node (cJSON itself stops at 1000 levels while
 * parsing). */
static bool is_too_deep(const cJSON *node, unsigned max)
{
	for (const cJSON *c = node->child; c; c = c->next)
		if ((cJSON_IsArray(c) || cJSON_IsObject(c)) && (!max || is_too_deep(c, max - 1)))
			return true;
	return false;
}

/* Checks the raw text before it is parsed: size and UTF-8. */
static int check_raw(const char *buf, size_t len, const struct ocpp_limits *lim, struct ocpp_error *err)
{
	if (len > lim->max_frame)
		return ocpp_error_set(err, OCPP_ERR_FormationViolation, "frame of %zu bytes exceeds the limit of %zu",
		                      len, lim->max_frame);
	if (!ocpp_utf8_is_valid(buf, len))
		return ocpp_error_set(err, OCPP_ERR_FormationViolation, "frame is not valid UTF-8");
	return 0;
}

int ocpp_frame_parse(struct ocpp_frame *f, const char *buf, size_t len, const struct ocpp_limits *lim,
                     struct ocpp_error *err)
{
	struct ocpp_limits defaults = {0};
	const char *end = NULL;
	const cJSON *type, *id, *el;
	double t;
	int count;

	memset(f, 0, sizeof(*f));
	if (lim)
		defaults = *lim;
	ocpp_limits_normalize(&defaults);
	if (check_raw(buf, len, &defaults, err))
		return OCPP_EINVAL;
	f->root = ocpp_json_parse(buf, len, &end);
	if (!f->root || !end || !is_whitespace_only(end, buf + len))
		return ocpp_error_set(err, OCPP_ERR_FormationViolation, "frame is not JSON");
	if (!cJSON_IsArray(f->root))
		return ocpp_error_set(err, OCPP_ERR_FormationViolation, "frame is not a JSON array");
	if (is_too_deep(f->root, defaults.max_depth - 1))
		return ocpp_error_set(err, OCPP_ERR_FormationViolation, "JSON nesting deeper than the limit of %u",
		                      defaults.max_depth);
	type = cJSON_GetArrayItem(f->root, 0);
	t = cJSON_IsNumber(type) ? type->valuedouble : 0.5;
	if (t != floor(t))
		return ocpp_error_set(err, OCPP_ERR_FormationViolation,
		                      "frame does not start with a message type number");
	if (t != OCPP_CALL && t != OCPP_CALLRESULT && t != OCPP_CALLERROR) {
		/* ignored, as OCPP-J says; the text tells the caller's log why */
		ocpp_error_set(err, OCPP_ERR_ProtocolError, "unknown message type %.0f: frame ignored", t);
		return OCPP_EIGNORED;
	}
	f->type = (enum ocpp_message_type)t;
	id = type->next;
	if (!cJSON_IsString(id) || !id->valuestring[0] || ocpp_utf8_length(id->valuestring) > OCPP_ID_MAX)
		return ocpp_error_set(err, OCPP_ERR_ProtocolError, "message id is not a string of 1..%d characters",
		                      OCPP_ID_MAX);
	if (strlen(id->valuestring) > OCPP_ID_MAX) /* multi-byte id: fits in characters, not in our buffer */
		return ocpp_error_set(err, OCPP_ERR_ProtocolError, "message id longer than %d bytes", OCPP_ID_MAX);
	memcpy(f->id, id->valuestring, strlen(id->valuestring) + 1);
	count = cJSON_GetArraySize(f->root);
	if (count != frame_length[f->type])
		return ocpp_error_set(err, OCPP_ERR_ProtocolError, "message type %d needs %d elements, got %d", f->type,
		                      frame_length[f->type], count);
	el = id->next;
	switch (f->type) {
	case OCPP_CALL:
		if (!cJSON_IsString(el))
			return ocpp_error_set(err, OCPP_ERR_FormationViolation, "action is not a string");
		f->action = el->valuestring;
		f->payload = el->next;
		break;
	case OCPP_CALLRESULT: f->payload = el; break;
	case OCPP_CALLERROR:
		if (!cJSON_IsString(el) || !cJSON_IsString(el->next) || !cJSON_IsObject(el->next->next))
			return ocpp_error_set(
			    err, OCPP_ERR_FormationViolation,
			    "CALLERROR needs a code string, a description string and a details object");
		f->error_code = el->valuestring;
		f->error_description = el->next->valuestring;
		f->payload = el->next->next;
		break;
	}
	return 0;
}

void ocpp_frame_release(struct ocpp_frame *f)
{
	ocpp_json_delete(f->root);
	memset(f, 0, sizeof(*f));
}

/* Builds [type, id, ...rest] where rest items are borrowed (referenced, not copied). */
static char *build(int type, const char *id, cJSON *items[], int n)
{
	cJSON *arr = cJSON_CreateArray();
	char *text = NULL;

	if (!arr)
		goto out;
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(type));
	cJSON_AddItemToArray(arr, cJSON_CreateString(id));
	for (int i = 0; i < n; i++)
		if (!items[i] || !cJSON_AddItemToArray(arr, items[i])) {
			while (i < n) /* the items not added are still ours */
				cJSON_Delete(items[i++]);
			goto out_arr;
		}
	if (cJSON_GetArraySize(arr) == n + 2)
		text = cJSON_PrintUnformatted(arr);
out_arr:
	cJSON_Delete(arr);
	return text;
out:
	for (int i = 0; i < n; i++)
		cJSON_Delete(items[i]);
	return NULL;
}

/* A reference to payload, or a fresh {} when payload is NULL. */
static cJSON *payload_ref(const cJSON *payload)
{
	return payload ? cJSON_CreateObjectReference(payload->child) : cJSON_CreateObject();
}

char *ocpp_frame_call(const char *id, const char *action, const cJSON *payload)
{
	cJSON *items[] = {cJSON_CreateString(action), payload_ref(payload)};

	return build(OCPP_CALL, id, items, 2);
}

char *ocpp_frame_result(const char *id, const cJSON *payload)
{
	cJSON *items[] = {payload_ref(payload)};

	return build(OCPP_CALLRESULT, id, items, 1);
}

char *ocpp_frame_error(const char *id, enum ocpp_error_code code, const char *description, const cJSON *details)
{
	cJSON *items[] = {cJSON_CreateString(ocpp_error_code_name(code)),
	                  cJSON_CreateString(description ? description : ""), payload_ref(details)};

	return build(OCPP_CALLERROR, id, items, 3);
}
