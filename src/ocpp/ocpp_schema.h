/* ocpp_schema.h — descriptors of OCPP message types (generated into ocpp_types.c from the official
 * schemas) and the one generic decoder/validator and encoder that walks them. */
#ifndef OCPP_SCHEMA_H
#define OCPP_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "ocpp_arena.h"
#include "ocpp_error.h"

enum ocpp_kind {
	OCPP_K_INT,  /* JSON integer -> int64_t (|x| <= 2^53) */
	OCPP_K_DEC,  /* JSON number -> double */
	OCPP_K_BOOL, /* JSON boolean -> bool */
	OCPP_K_STR,  /* JSON string -> const char * (maxLength in code points, 0 = unbounded) */
	OCPP_K_TIME, /* RFC 3339 date-time string -> const char * */
	OCPP_K_URI,  /* URI string -> const char * */
	OCPP_K_ENUM, /* JSON string from a fixed list -> C enum */
	OCPP_K_OBJ,  /* JSON object -> pointer to struct */
};

#define OCPP_F_REQUIRED 1u
#define OCPP_F_ARRAY    2u

struct ocpp_enum {
	const char *name;
	unsigned count;
	const char *const *values;
};

struct ocpp_field {
	const char *json;    /* property name */
	unsigned char kind;  /* enum ocpp_kind */
	unsigned char flags; /* OCPP_F_* */
	unsigned short max_len;
	unsigned short min_items;
	double multiple_of; /* OCPP_K_DEC, 0 = none */
	size_t off;         /* the value, or the array pointer */
	size_t has_off;     /* optional scalar: its bool has_x (may be offset 0); unused otherwise */
	size_t count_off;   /* array: its size_t n_x */
	const struct ocpp_enum *enm;
	const struct ocpp_type *obj;
};

struct ocpp_type {
	const char *name;
	size_t size;
	unsigned nfields;
	const struct ocpp_field *fields;
};

/* Limits on what comes from the network. Zero fields take the defaults below. */
struct ocpp_limits {
	size_t max_frame;   /* bytes of one WebSocket message */
	unsigned max_depth; /* JSON nesting */
	unsigned max_array; /* elements of one array */
	size_t max_string;  /* bytes of a string the schema leaves unbounded */
};
#define OCPP_DEFAULT_MAX_FRAME  (64u * 1024u)
#define OCPP_DEFAULT_MAX_DEPTH  16u
#define OCPP_DEFAULT_MAX_ARRAY  1000u
#define OCPP_DEFAULT_MAX_STRING (32u * 1024u)

/* Fills the zero fields of lim with the defaults. */
void ocpp_limits_normalize(struct ocpp_limits *lim);

/* A decoded message: data points at a struct of the type, all of it owned by arena. */
struct ocpp_payload {
	const struct ocpp_type *type;
	void *data;
	struct ocpp_arena arena;
};

/* Validates json against type and decodes it into out (release with ocpp_payload_release, also on
 * failure). lim may be NULL for the defaults. On failure returns OCPP_EINVAL and err names the CALLERROR
 * code and the field ("MeterValuesReq.meterValue[0].sampledValue[2].unit: ..."). */
int ocpp_decode(const struct ocpp_type *type, const cJSON *json, const struct ocpp_limits *lim,
                struct ocpp_payload *out, struct ocpp_error *err);
void ocpp_payload_release(struct ocpp_payload *p);

/* Validates data (a struct of type) and returns it as a new cJSON object the caller frees with
 * cJSON_Delete; NULL with err set when a field breaks the schema or memory runs out. */
cJSON *ocpp_encode(const struct ocpp_type *type, const void *data, struct ocpp_error *err);

/* Name of an enum value, or NULL when out of range. */
const char *ocpp_enum_name(const struct ocpp_enum *e, int value);
/* Value of an enum name, or -1 when it is not one of the names. */
int ocpp_enum_value(const struct ocpp_enum *e, const char *name);

#endif
