/* ocpp_error.c — names and descriptions of return codes and OCPP-J error codes (from errors.def). */
#include "ocpp_error.h"

#include <stdio.h>
#include <string.h>

#include "ocpp_text.h"

static const struct {
	const char *name;
	bool wire;
	const char *description;
} codes[OCPP_ERR_COUNT] = {
#define X(name, wire, desc) [OCPP_ERR_##name] = {#name, wire, desc},
#include "errors.def"
#undef X
};

const char *ocpp_strerror(int rc)
{
	switch (rc) {
	case OCPP_OK: return "success";
	case OCPP_EINVAL: return "invalid input";
	case OCPP_ENOMEM: return "out of memory";
	case OCPP_EFULL: return "queue full";
	case OCPP_ENOENT: return "not found";
	case OCPP_EIGNORED: return "ignored";
	default: return "unknown error";
	}
}

const char *ocpp_error_code_name(enum ocpp_error_code code)
{
	if ((unsigned)code >= OCPP_ERR_COUNT)
		return "GenericError";
	return codes[code].name;
}

const char *ocpp_error_code_description(enum ocpp_error_code code)
{
	if ((unsigned)code >= OCPP_ERR_COUNT)
		return codes[OCPP_ERR_GenericError].description;
	return codes[code].description;
}

enum ocpp_error_code ocpp_error_code_from_name(const char *name)
{
	for (unsigned i = 0; name && i < OCPP_ERR_COUNT; i++)
		if (codes[i].wire && strcmp(codes[i].name, name) == 0)
			return (enum ocpp_error_code)i;
	return OCPP_ERR_GenericError;
}

bool ocpp_error_code_is_wire(enum ocpp_error_code code)
{
	return (unsigned)code < OCPP_ERR_COUNT && codes[code].wire;
}

int ocpp_error_set(struct ocpp_error *err, enum ocpp_error_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return OCPP_EINVAL;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	ocpp_utf8_sanitize(err->message);
	return OCPP_EINVAL;
}

void ocpp_error_prefix(struct ocpp_error *err, const char *fmt, ...)
{
	char head[64];
	size_t h, keep;
	va_list ap;
	int n;

	if (!err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	h = strlen(head);
	if (h >= sizeof(err->message))
		h = sizeof(err->message) - 1;
	keep = strnlen(err->message, sizeof(err->message) - 1);
	if (keep > sizeof(err->message) - 1 - h)
		keep = sizeof(err->message) - 1 - h;
	memmove(err->message + h, err->message, keep);
	memcpy(err->message, head, h);
	err->message[h + keep] = '\0';
	ocpp_utf8_sanitize(err->message);
}
