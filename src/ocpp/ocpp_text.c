/* ocpp_text.c — UTF-8, JSON depth, RFC 3339 and URI checks used by the frame parser and validators. */
#include "ocpp_text.h"

#include <stdio.h>
#include <string.h>

bool ocpp_utf8_is_valid(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned need;
		uint32_t cp;
		uint64_t word;

		/* Fast path: eight ASCII bytes at a time. */
		if (len - i >= 8) {
			memcpy(&word, s + i, 8);
			if (!(word & UINT64_C(0x8080808080808080))) {
				i += 8;
				continue;
			}
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= need)
			return false;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += need + 1;
	}
	return true;
}

/* Length of the well-formed UTF-8 sequence at s (at most avail bytes), or 0 when it is not one. */
static size_t utf8_sequence_length(const char *s, size_t avail)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	return n <= avail && ocpp_utf8_is_valid(s, n) ? n : 0;
}

void ocpp_utf8_sanitize(char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		size_t n = utf8_sequence_length(s + i, len - i);

		if (n) {
			i += n;
		} else {
			s[i++] = '?';
		}
	}
}

size_t ocpp_utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Reads exactly n decimal digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), after Howard Hinnant's days_from_civil. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2u) / 5u + (unsigned)d - 1u;
	doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

bool ocpp_time_parse(const char *s, int64_t *ms)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec, frac_ms = 0, tzh = 0, tzm = 0, sign = 0;
	const char *p = s;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
		return false;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return false;
	p++;
	if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec))
		return false;
	if (h > 23 || mi > 59 || sec > 60)
		return false;
	if (*p == '.') {
		int n = 0;

		p++;
		for (; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3)
				frac_ms = frac_ms * 10 + (*p - '0');
		if (n == 0)
			return false;
		for (; n < 3; n++)
			frac_ms *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (!digits(&p, 2, &tzh))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &tzm)) /* a colon needs the minutes after it */
				return false;
		} else if (*p >= '0' && *p <= '9' && !digits(&p, 2, &tzm)) {
			return false;
		}
		if (tzh > 23 || tzm > 59)
			return false;
	} else {
		return false;
	}
	if (*p)
		return false;
	/* a leap second is the last second of a UTC day, whatever the local offset (RFC 3339 5.7) */
	if (sec == 60 && ((h * 60 + mi - sign * (tzh * 60 + tzm)) % 1440 + 1440) % 1440 != 23 * 60 + 59)
		return false;
	if (ms) {
		int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (sec > 59 ? 59 : sec);

		t -= sign * (tzh * 3600 + tzm * 60);
		*ms = t * 1000 + frac_ms;
	}
	return true;
}

void ocpp_time_format(int64_t ms, char *out, size_t size)
{
	int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int64_t z = (secs >= 0 ? secs : secs - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
	int64_t sod = secs - (secs >= 0 ? secs / 86400 : (secs - 86399) / 86400) * 86400;

	snprintf(out, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m, d, (int)(sod / 3600),
	         (int)(sod / 60 % 60), (int)(sod % 60), (int)(ms - secs * 1000));
}

bool ocpp_uri_is_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '+' ||
	       *p == '-' || *p == '.')
		p++;
	if (*p++ != ':')
		return false;
	for (; *p; p++)
		if (*p <= 0x20 || *p == 0x7F)
			return false;
	return true;
}
