/* ocpp_tool.c — a command-line window on the OCPP library: decodes, validates and re-encodes payloads given as
 * JSON lines on stdin (used by tests/schema/cross_check.js), or parses raw OCPP-J frames (`ocpp-tool frame`). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ocpp.h"

#define LINE_MAX_BYTES (1024u * 1024u) /* longest input line; longer ones are refused, not truncated */

/* A line of stdin in a buffer of fixed capacity, allocated once. */
struct line_reader {
	char *buf;
	size_t len;
	bool too_long; /* the line had more than LINE_MAX_BYTES bytes; the rest of it was skipped */
};

/* Reads the next line without its newline. Returns false at end of input (with no line). */
static bool read_line(struct line_reader *r, FILE *in)
{
	int c = EOF;
	bool any = false;

	r->len = 0;
	r->too_long = false;
	while ((c = getc(in)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (r->len < LINE_MAX_BYTES)
			r->buf[r->len++] = (char)c;
		else
			r->too_long = true;
	}
	if (r->len && r->buf[r->len - 1] == '\r')
		r->len--;
	r->buf[r->len] = '\0';
	return any;
}

/* Prints obj as one line and frees it. Falls back to a fixed line when printing runs out of memory. */
static void emit(cJSON *obj)
{
	char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;

	if (text)
		puts(text);
	else
		puts("{\"ok\":false,\"code\":\"InternalError\",\"message\":\"out of memory\"}");
	free(text);
	cJSON_Delete(obj);
}

static void emit_error(const char *code, const char *message)
{
	cJSON *out = cJSON_CreateObject();

	if (out) {
		cJSON_AddBoolToObject(out, "ok", 0);
		cJSON_AddStringToObject(out, "code", code);
		cJSON_AddStringToObject(out, "message", message);
	}
	emit(out);
}

/* Parses a whole buffer as one JSON value; NULL when it is not exactly that. */
static cJSON *parse_json(const char *buf, size_t len)
{
	const char *end = NULL;
	cJSON *json = cJSON_ParseWithLengthOpts(buf, len, &end, 0);

	if (!json)
		return NULL;
	while (end && end < buf + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end != buf + len) {
		cJSON_Delete(json);
		return NULL;
	}
	return json;
}

/* The message type of schema "Action.req" / "Action.conf", or NULL when OCPP 1.6 has no such schema. */
static const struct ocpp_type *schema_type(const char *schema)
{
	char action[64];
	const char *dot = strrchr(schema, '.');
	size_t n;
	int a;

	if (!dot || (n = (size_t)(dot - schema)) >= sizeof(action))
		return NULL;
	memcpy(action, schema, n);
	action[n] = '\0';
	if ((a = ocpp_action_lookup(action)) < 0)
		return NULL;
	if (strcmp(dot, ".req") == 0)
		return ocpp_actions[a].req;
	if (strcmp(dot, ".conf") == 0)
		return ocpp_actions[a].conf;
	return NULL;
}

/* One line {"schema":"X.req","payload":{...}}: decode, then re-encode what was decoded. */
static void check_payload(const char *buf, size_t len)
{
	struct ocpp_payload payload;
	struct ocpp_error err = {0};
	const struct ocpp_type *type;
	const cJSON *schema, *body;
	cJSON *in, *encoded, *out;

	if (!(in = parse_json(buf, len))) {
		emit_error("FormationViolation", "line is not JSON");
		return;
	}
	schema = cJSON_GetObjectItemCaseSensitive(in, "schema");
	body = cJSON_GetObjectItemCaseSensitive(in, "payload");
	if (!cJSON_IsString(schema) || !body) {
		emit_error("FormationViolation", "line needs a \"schema\" string and a \"payload\"");
		goto out_in;
	}
	if (!(type = schema_type(schema->valuestring))) {
		emit_error("NotImplemented", "no such schema");
		goto out_in;
	}
	if (ocpp_decode(type, body, NULL, &payload, &err)) {
		emit_error(ocpp_error_code_name(err.code), err.message);
		goto out_payload;
	}
	if (!(encoded = ocpp_encode(type, payload.data, &err))) {
		emit_error(ocpp_error_code_name(err.code), err.message);
		goto out_payload;
	}
	if (!(out = cJSON_CreateObject())) {
		cJSON_Delete(encoded);
		emit(NULL);
		goto out_payload;
	}
	cJSON_AddBoolToObject(out, "ok", 1);
	cJSON_AddItemToObject(out, "json", encoded);
	emit(out);
out_payload:
	ocpp_payload_release(&payload);
out_in:
	cJSON_Delete(in);
}

/* One raw line: an OCPP-J frame. Prints its parts, or the CALLERROR code it earns. */
static void check_frame(const char *buf, size_t len)
{
	struct ocpp_frame frame;
	struct ocpp_error err = {0};
	cJSON *out;
	int rc = ocpp_frame_parse(&frame, buf, len, NULL, &err);

	if (rc == OCPP_EIGNORED) {
		emit_error("Ignored", "unknown message type: no reply is due");
		goto out_frame;
	}
	if (rc) {
		if ((out = cJSON_CreateObject())) {
			cJSON_AddBoolToObject(out, "ok", 0);
			cJSON_AddStringToObject(out, "code", ocpp_error_code_name(err.code));
			cJSON_AddStringToObject(out, "message", err.message);
			cJSON_AddStringToObject(out, "id", frame.id);
		}
		emit(out);
		goto out_frame;
	}
	if ((out = cJSON_CreateObject())) {
		cJSON_AddBoolToObject(out, "ok", 1);
		cJSON_AddNumberToObject(out, "type", frame.type);
		cJSON_AddStringToObject(out, "id", frame.id);
		if (frame.action)
			cJSON_AddStringToObject(out, "action", frame.action);
		if (frame.error_code) {
			cJSON_AddStringToObject(out, "errorCode", frame.error_code);
			cJSON_AddStringToObject(out, "errorDescription", frame.error_description);
		}
		if (frame.payload)
			cJSON_AddItemToObject(out, "payload", cJSON_Duplicate(frame.payload, 1));
	}
	emit(out);
out_frame:
	ocpp_frame_release(&frame);
}

int main(int argc, char **argv)
{
	void (*check)(const char *, size_t) = check_payload;
	struct line_reader r = {0};

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "frame") != 0)) {
		fprintf(stderr,
		        "usage: %s [frame] < lines\n"
		        "  reads {\"schema\":\"Action.req\",\"payload\":{...}} lines (or raw OCPP-J frames with\n"
		        "  `frame`) and prints one JSON result line for each\n",
		        argv[0]);
		return 2;
	}
	if (argc == 2)
		check = check_frame;
	if (!(r.buf = malloc(LINE_MAX_BYTES + 1))) {
		fprintf(stderr, "ocpp-tool: out of memory\n");
		return 1;
	}
	while (read_line(&r, stdin)) {
		if (r.too_long)
			emit_error("FormationViolation", "line longer than 1 MiB");
		else
			check(r.buf, r.len);
		fflush(stdout);
	}
	free(r.buf);
	return 0;
}
