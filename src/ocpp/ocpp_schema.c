/* ocpp_schema.c — the table-driven validator/decoder (cJSON -> struct) and encoder (struct -> cJSON).
 * Error mapping (docs/ocpp.md): unknown or duplicate property, payload not an object -> FormationViolation;
 * missing required field, too few or too many array items -> OccurenceConstraintViolation; wrong JSON type
 * -> TypeConstraintViolation; bad enum value, too long string, bad date-time or URI, out-of-range or
 * not-a-multiple number -> PropertyConstraintViolation. */
#include "ocpp_schema.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ocpp_text.h"

#define MAX_SAFE_INT    9007199254740992.0 /* 2^53: every integer up to it is exact in a double */
#define CJSON_EXACT_INT (INT64_C(1) << 52) /* cJSON 1.7 prints integers below 2^52 exactly, not all above */

struct decoder {
	const struct ocpp_limits *lim;
	struct ocpp_arena *arena;
	struct ocpp_error *err;
};

void ocpp_limits_normalize(struct ocpp_limits *lim)
{
	if (!lim->max_frame)
		lim->max_frame = OCPP_DEFAULT_MAX_FRAME;
	if (!lim->max_depth)
		lim->max_depth = OCPP_DEFAULT_MAX_DEPTH;
	if (!lim->max_array)
		lim->max_array = OCPP_DEFAULT_MAX_ARRAY;
	if (!lim->max_string)
		lim->max_string = OCPP_DEFAULT_MAX_STRING;
}

const char *ocpp_enum_name(const struct ocpp_enum *e, int value)
{
	if (value < 0 || (unsigned)value >= e->count)
		return NULL;
	return e->values[value];
}

int ocpp_enum_value(const struct ocpp_enum *e, const char *name)
{
	for (unsigned i = 0; i < e->count; i++)
		if (e->values[i][0] == name[0] && strcmp(e->values[i], name) == 0)
			return (int)i;
	return -1;
}

static size_t elem_size(const struct ocpp_field *f)
{
	switch (f->kind) {
	case OCPP_K_INT: return sizeof(int64_t);
	case OCPP_K_DEC: return sizeof(double);
	case OCPP_K_BOOL: return sizeof(bool);
	case OCPP_K_ENUM: return sizeof(int);
	case OCPP_K_OBJ: return f->obj->size; /* arrays of objects are arrays of structs */
	default: return sizeof(void *);
	}
}

/* True when f has a bool has_x: every optional scalar does, and its offset may be 0 (the struct's first
 * member), so has_off == 0 cannot mean "none". */
static bool has_flag(const struct ocpp_field *f)
{
	return !(f->flags & (OCPP_F_REQUIRED | OCPP_F_ARRAY)) &&
	       (f->kind == OCPP_K_INT || f->kind == OCPP_K_DEC || f->kind == OCPP_K_BOOL || f->kind == OCPP_K_ENUM);
}

static bool is_multiple(double d, double m)
{
	double q = d / m;

	return fabs(round(q) - q) < 1e-6;
}

/* Checks a string value of len bytes against its field: length, format, unbounded-size limit. A schema
 * maxLength counts code points, which only need counting when there are more bytes than the limit. */
static int check_string(const struct ocpp_field *f, const char *s, size_t len, size_t max_string,
                        struct ocpp_error *err)
{
	if (f->max_len && len > f->max_len && ocpp_utf8_length(s) > f->max_len)
		return ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation,
		                      ": string of %zu characters is longer than %u", ocpp_utf8_length(s), f->max_len);
	if (!f->max_len && max_string && len > max_string)
		return ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation,
		                      ": string of %zu bytes is longer than the limit of %zu", len, max_string);
	if (f->kind == OCPP_K_TIME && !ocpp_time_parse(s, NULL))
		return ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation,
		                      ": \"%.40s\" is not an RFC 3339 date-time", s);
	if (f->kind == OCPP_K_URI && !ocpp_uri_is_valid(s))
		return ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation, ": \"%.40s\" is not a URI", s);
	return 0;
}

static int decode_object(struct decoder *d, const struct ocpp_type *t, const cJSON *json, void *dst);

/* Decodes one scalar or object value of field f into dst. */
static int decode_value(struct decoder *d, const struct ocpp_field *f, const cJSON *v, void *dst)
{
	double n;
	size_t len;
	int e;

	switch (f->kind) {
	case OCPP_K_INT:
		n = cJSON_IsNumber(v) ? v->valuedouble : 0.5;
		if (n != floor(n))
			return ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected an integer");
		if (!(fabs(n) <= MAX_SAFE_INT))
			return ocpp_error_set(d->err, OCPP_ERR_PropertyConstraintViolation, ": integer %g out of range",
			                      n);
		*(int64_t *)dst = (int64_t)n;
		return 0;
	case OCPP_K_DEC:
		if (!cJSON_IsNumber(v))
			return ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected a number");
		n = v->valuedouble;
		if (!isfinite(n))
			return ocpp_error_set(d->err, OCPP_ERR_PropertyConstraintViolation, ": number out of range");
		if (f->multiple_of > 0 && !is_multiple(n, f->multiple_of))
			return ocpp_error_set(d->err, OCPP_ERR_PropertyConstraintViolation,
			                      ": %g is not a multiple of %g", n, f->multiple_of);
		*(double *)dst = n;
		return 0;
	case OCPP_K_BOOL:
		if (!cJSON_IsBool(v))
			return ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected a boolean");
		*(bool *)dst = cJSON_IsTrue(v);
		return 0;
	case OCPP_K_STR:
	case OCPP_K_TIME:
	case OCPP_K_URI:
		if (!cJSON_IsString(v))
			return ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected a string");
		len = strlen(v->valuestring);
		if (check_string(f, v->valuestring, len, d->lim->max_string, d->err))
			return OCPP_EINVAL;
		if (!(*(char **)dst = ocpp_arena_strndup(d->arena, v->valuestring, len)))
			return OCPP_ENOMEM;
		return 0;
	case OCPP_K_ENUM:
		if (!cJSON_IsString(v))
			return ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected a string");
		if ((e = ocpp_enum_value(f->enm, v->valuestring)) < 0)
			return ocpp_error_set(d->err, OCPP_ERR_PropertyConstraintViolation, ": \"%.40s\" is not a %s",
			                      v->valuestring, f->enm->name);
		*(int *)dst = e;
		return 0;
	case OCPP_K_OBJ:
		if (!cJSON_IsObject(v))
			return ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected an object");
		if (!(*(void **)dst = ocpp_arena_alloc(d->arena, f->obj->size)))
			return OCPP_ENOMEM;
		return decode_object(d, f->obj, v, *(void **)dst);
	}
	return ocpp_error_set(d->err, OCPP_ERR_InternalError, ": bad field kind");
}

static int decode_array(struct decoder *d, const struct ocpp_field *f, const cJSON *v, void *dst)
{
	size_t n = 0, size = elem_size(f), i = 0;
	const cJSON *item;
	unsigned char *elems;
	int rc;

	if (!cJSON_IsArray(v))
		return ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected an array");
	cJSON_ArrayForEach(item, v) n++;
	if (n < f->min_items)
		return ocpp_error_set(d->err, OCPP_ERR_OccurenceConstraintViolation,
		                      ": %zu items, at least %u required", n, f->min_items);
	if (n > d->lim->max_array)
		return ocpp_error_set(d->err, OCPP_ERR_OccurenceConstraintViolation,
		                      ": %zu items, more than the limit of %u", n, d->lim->max_array);
	if (!(elems = ocpp_arena_alloc(d->arena, n ? n * size : 1)))
		return OCPP_ENOMEM;
	cJSON_ArrayForEach(item, v)
	{
		if (f->kind != OCPP_K_OBJ)
			rc = decode_value(d, f, item, elems + i * size);
		else if (cJSON_IsObject(item))
			rc = decode_object(d, f->obj, item, elems + i * size);
		else
			rc = ocpp_error_set(d->err, OCPP_ERR_TypeConstraintViolation, ": expected an object");
		if (rc) {
			ocpp_error_prefix(d->err, "[%zu]", i);
			return rc;
		}
		i++;
	}
	*(void **)((unsigned char *)dst + f->off) = elems;
	*(size_t *)((unsigned char *)dst + f->count_off) = n;
	return 0;
}

/* Index of the field named name, trying hint first (properties usually come in schema order);
 * t->nfields when there is none. */
static unsigned find_field(const struct ocpp_type *t, const char *name, unsigned hint)
{
	for (unsigned k = 0; k < t->nfields; k++) {
		unsigned i = (hint + k) % t->nfields;

		if (strcmp(t->fields[i].json, name) == 0)
			return i;
	}
	return t->nfields;
}

static int decode_object(struct decoder *d, const struct ocpp_type *t, const cJSON *json, void *dst)
{
	uint64_t seen = 0;
	const cJSON *child;
	unsigned next = 0;
	int rc;

	cJSON_ArrayForEach(child, json)
	{
		const struct ocpp_field *f = NULL;
		unsigned i = find_field(t, child->string, next);

		if (i < t->nfields) {
			f = &t->fields[i];
			next = i + 1;
		}
		if (!f)
			return ocpp_error_set(d->err, OCPP_ERR_FormationViolation, ".%.40s: unknown property",
			                      child->string);
		if (seen & (UINT64_C(1) << i))
			return ocpp_error_set(d->err, OCPP_ERR_FormationViolation, ".%.40s: duplicate property",
			                      child->string);
		seen |= UINT64_C(1) << i;
		if (f->flags & OCPP_F_ARRAY)
			rc = decode_array(d, f, child, dst);
		else
			rc = decode_value(d, f, child, (unsigned char *)dst + f->off);
		if (rc) {
			ocpp_error_prefix(d->err, ".%s", f->json);
			return rc;
		}
		if (has_flag(f))
			*(bool *)((unsigned char *)dst + f->has_off) = true;
	}
	for (unsigned i = 0; i < t->nfields; i++)
		if ((t->fields[i].flags & OCPP_F_REQUIRED) && !(seen & (UINT64_C(1) << i)))
			return ocpp_error_set(d->err, OCPP_ERR_OccurenceConstraintViolation,
			                      ".%s: required property missing", t->fields[i].json);
	return 0;
}

int ocpp_decode(const struct ocpp_type *type, const cJSON *json, const struct ocpp_limits *lim,
                struct ocpp_payload *out, struct ocpp_error *err)
{
	struct ocpp_limits defaults = {0};
	struct decoder d = {lim ? lim : &defaults, &out->arena, err};
	int rc;

	ocpp_limits_normalize(&defaults);
	out->type = type;
	out->data = NULL;
	ocpp_arena_init(&out->arena);
	if (!cJSON_IsObject(json))
		return ocpp_error_set(err, OCPP_ERR_FormationViolation, "%s: payload is not a JSON object", type->name);
	if (!(out->data = ocpp_arena_alloc(&out->arena, type->size)))
		goto fail_nomem;
	rc = decode_object(&d, type, json, out->data);
	if (rc == OCPP_ENOMEM)
		goto fail_nomem;
	if (rc) {
		ocpp_error_prefix(err, "%s", type->name);
		return rc;
	}
	return 0;

fail_nomem:
	ocpp_error_set(err, OCPP_ERR_InternalError, "%s: out of memory", type->name);
	return OCPP_ENOMEM;
}

void ocpp_payload_release(struct ocpp_payload *p)
{
	ocpp_arena_release(&p->arena);
	p->data = NULL;
}

/* ---- encoding ---- */

static cJSON *encode_object(const struct ocpp_type *t, const void *src, struct ocpp_error *err);

static cJSON *encode_value(const struct ocpp_field *f, const void *src, struct ocpp_error *err)
{
	char digits[24];
	const char *s;
	int64_t i;
	double n;
	int e;

	switch (f->kind) {
	case OCPP_K_INT:
		i = *(const int64_t *)src;
		if (i > (INT64_C(1) << 53) || i < -(INT64_C(1) << 53)) {
			ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation, ": integer out of range");
			return NULL;
		}
		if (i < CJSON_EXACT_INT && i > -CJSON_EXACT_INT)
			return cJSON_CreateNumber((double)i);
		/* cJSON's printer rounds these to 15 digits when the error is within its relative tolerance
		 * (9007199254740991 comes out as 9007199254740990): give them as their exact digits. */
		snprintf(digits, sizeof(digits), "%" PRId64, i);
		return cJSON_CreateRaw(digits);
	case OCPP_K_DEC:
		n = *(const double *)src;
		if (!isfinite(n) || (f->multiple_of > 0 && !is_multiple(n, f->multiple_of))) {
			ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation, ": %g is not allowed", n);
			return NULL;
		}
		return cJSON_CreateNumber(n);
	case OCPP_K_BOOL: return cJSON_CreateBool(*(const bool *)src);
	case OCPP_K_STR:
	case OCPP_K_TIME:
	case OCPP_K_URI:
		s = *(const char *const *)src;
		if (!s || !ocpp_utf8_is_valid(s, strlen(s))) {
			ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation, ": %s string",
			               s ? "invalid UTF-8" : "NULL");
			return NULL;
		}
		if (check_string(f, s, strlen(s), 0, err))
			return NULL;
		return cJSON_CreateString(s);
	case OCPP_K_ENUM:
		e = *(const int *)src;
		if (!(s = ocpp_enum_name(f->enm, e))) {
			ocpp_error_set(err, OCPP_ERR_PropertyConstraintViolation, ": %d is not a %s", e, f->enm->name);
			return NULL;
		}
		return cJSON_CreateString(s);
	case OCPP_K_OBJ:
		if (!*(void *const *)src) {
			ocpp_error_set(err, OCPP_ERR_OccurenceConstraintViolation, ": NULL object");
			return NULL;
		}
		return encode_object(f->obj, *(void *const *)src, err);
	}
	ocpp_error_set(err, OCPP_ERR_InternalError, ": bad field kind");
	return NULL;
}

static cJSON *encode_array(const struct ocpp_field *f, const unsigned char *src, struct ocpp_error *err)
{
	const unsigned char *elems = *(void *const *)(src + f->off);
	size_t n = *(const size_t *)(src + f->count_off), size = elem_size(f);
	cJSON *arr, *item;

	if (n < f->min_items) {
		ocpp_error_set(err, OCPP_ERR_OccurenceConstraintViolation, ": %zu items, at least %u required", n,
		               f->min_items);
		return NULL;
	}
	if (!(arr = cJSON_CreateArray()))
		goto fail_nomem;
	for (size_t i = 0; i < n; i++) {
		item = f->kind == OCPP_K_OBJ ? encode_object(f->obj, elems + i * size, err)
		                             : encode_value(f, elems + i * size, err);
		if (!item) {
			ocpp_error_prefix(err, "[%zu]", i);
			goto out_arr;
		}
		cJSON_AddItemToArray(arr, item);
	}
	return arr;

out_arr:
	cJSON_Delete(arr);
	return NULL;
fail_nomem:
	ocpp_error_set(err, OCPP_ERR_InternalError, ": out of memory");
	return NULL;
}

/* True when the optional field f is present in src. */
static bool field_is_present(const struct ocpp_field *f, const unsigned char *src)
{
	if ((f->flags & OCPP_F_ARRAY) || f->kind == OCPP_K_STR || f->kind == OCPP_K_TIME || f->kind == OCPP_K_URI ||
	    f->kind == OCPP_K_OBJ)
		return *(void *const *)(src + f->off) != NULL;
	return !has_flag(f) || *(const bool *)(src + f->has_off);
}

static cJSON *encode_object(const struct ocpp_type *t, const void *src, struct ocpp_error *err)
{
	const unsigned char *base = src;
	cJSON *obj = cJSON_CreateObject(), *v;

	if (!obj) {
		ocpp_error_set(err, OCPP_ERR_InternalError, ": out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < t->nfields; i++) {
		const struct ocpp_field *f = &t->fields[i];

		if (!field_is_present(f, base)) {
			if (!(f->flags & OCPP_F_REQUIRED))
				continue;
			ocpp_error_set(err, OCPP_ERR_OccurenceConstraintViolation, ".%s: required property missing",
			               f->json);
			goto out_obj;
		}
		v = (f->flags & OCPP_F_ARRAY) ? encode_array(f, base, err) : encode_value(f, base + f->off, err);
		if (!v) {
			ocpp_error_prefix(err, ".%s", f->json);
			goto out_obj;
		}
		cJSON_AddItemToObject(obj, f->json, v);
	}
	return obj;

out_obj:
	cJSON_Delete(obj);
	return NULL;
}

cJSON *ocpp_encode(const struct ocpp_type *type, const void *data, struct ocpp_error *err)
{
	cJSON *obj = encode_object(type, data, err);

	if (!obj)
		ocpp_error_prefix(err, "%s", type->name);
	return obj;
}
