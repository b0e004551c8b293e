/* ocpp_text.h — checks on text from the network: UTF-8, RFC 3339 date-times, URIs.
 * Pure functions on caller-owned buffers; nothing is allocated. */
#ifndef OCPP_TEXT_H
#define OCPP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when buf[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool ocpp_utf8_is_valid(const char *buf, size_t len);
/* Replaces, in place, every byte of s that is not part of a well-formed UTF-8 sequence with '?' (used on
 * messages that quote truncated network text, so what we send stays valid UTF-8). */
void ocpp_utf8_sanitize(char *s);
/* Number of code points in a NUL-terminated UTF-8 string (what a JSON schema maxLength counts). */
size_t ocpp_utf8_length(const char *s);
/* Parses an RFC 3339 date-time ("2026-11-20T10:00:00.5Z", "...+01:00"); on success stores the UTC
 * time in milliseconds since the epoch in *ms (when not NULL) and returns true. Lower-case t/z,
 * a space separator and offsets without a colon are accepted, as the OCPP schema validators do. */
bool ocpp_time_parse(const char *s, int64_t *ms);
/* Formats UTC milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (at least 25 bytes). */
void ocpp_time_format(int64_t ms, char *out, size_t size);
/* True for an absolute URI: a scheme, a colon, then no whitespace or control characters. */
bool ocpp_uri_is_valid(const char *s);

#endif
