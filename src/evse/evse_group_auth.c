/* evse_group_auth.c — the Master's check of a Satellite's Basic credentials (evse_group_auth.h). */
#include "evse_group_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define GAUTH_OPS 1
#define GAUTH_MEM (8u * 1024 * 1024)

_Static_assert(EVSE_GAUTH_HASH_MAX >= crypto_pwhash_STRBYTES, "EVSE_GAUTH_HASH_MAX too small");

int evse_gauth_parse_basic(const char *header, char *user, size_t ucap, char *pw, size_t pcap)
{
	unsigned char dec[3 * 256 / 4 + 4];
	size_t n = 0;
	int rc = -1;
	if (!header || strncmp(header, "Basic ", 6) != 0)
		return -1;
	const char *b64 = header + 6;
	while (*b64 == ' ')
		b64++;
	size_t len = strlen(b64);
	if (len == 0 || len > 256 ||
	    sodium_base642bin(dec, sizeof(dec) - 1, b64, len, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	dec[n] = '\0';
	const unsigned char *colon = memchr(dec, ':', n);
	if (!colon || memchr(dec, '\0', n))
		goto out;
	size_t ul = (size_t)(colon - dec), pl = n - ul - 1;
	if (ul >= ucap || pl >= pcap)
		goto out;
	memcpy(user, dec, ul);
	user[ul] = '\0';
	memcpy(pw, colon + 1, pl);
	pw[pl] = '\0';
	rc = 0;
out:
	sodium_memzero(dec, sizeof(dec));
	return rc;
}

int evse_gauth_check_password(const char *pw, char *err, size_t errcap)
{
	size_t n = strlen(pw);
	if (n < EVSE_GAUTH_PW_MIN || n > EVSE_GAUTH_PW_MAX) {
		snprintf(err, errcap, "a Satellite's password is %d..%d characters, this one has %zu",
		         EVSE_GAUTH_PW_MIN, EVSE_GAUTH_PW_MAX, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (pw[i] < 0x21 || pw[i] > 0x7e) {
			snprintf(err, errcap,
			         "a Satellite's password is printable ASCII without spaces (character %zu)", i + 1);
			return -1;
		}
	return 0;
}

int evse_gauth_hash(const char *pw, char out[EVSE_GAUTH_HASH_MAX])
{
	return crypto_pwhash_str(out, pw, strlen(pw), GAUTH_OPS, GAUTH_MEM) == 0 ? 0 : -1;
}

const char *evse_gauth_result_text(enum evse_gauth_result r)
{
	static const char *const text[] = {
	    [EVSE_GAUTH_OPEN] = "no password (loopback)",
	    [EVSE_GAUTH_OK] = "password accepted",
	    [EVSE_GAUTH_MISSING] = "no credentials given",
	    [EVSE_GAUTH_WRONG] = "wrong id or password",
	    [EVSE_GAUTH_NOT_SET] = "no password is set for it on the Master (evse group-passwd)",
	};
	return (size_t)r < sizeof(text) / sizeof(text[0]) ? text[r] : "?";
}

enum evse_gauth_result evse_gauth_check(const char *id, const char *hash, bool required, const char *header)
{
	char user[64], pw[EVSE_GAUTH_PW_MAX + 2];
	enum evse_gauth_result r;
	if (!hash || !hash[0])
		return required ? EVSE_GAUTH_NOT_SET : EVSE_GAUTH_OPEN;
	if (!header)
		return EVSE_GAUTH_MISSING;
	if (evse_gauth_parse_basic(header, user, sizeof(user), pw, sizeof(pw)) < 0)
		return EVSE_GAUTH_WRONG;
	r = strcmp(user, id) == 0 && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? EVSE_GAUTH_OK
	                                                                                 : EVSE_GAUTH_WRONG;
	sodium_memzero(pw, sizeof(pw));
	return r;
}

bool evse_gauth_loopback_only(int family, const char *addr)
{
	if (!addr || !addr[0])
		return false; /* every address */
	(void)family;
	return strncmp(addr, "127.", 4) == 0 || strncmp(addr, "::ffff:127.", 11) == 0 || strcmp(addr, "::1") == 0;
}

static uint64_t key_of(const char *addr)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a; 0 is kept for a free slot */
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h ? h : 1;
}

bool evse_gauth_blocked(const struct evse_gauth_throttle *t, const char *addr, uint64_t now_ms)
{
	uint64_t k = key_of(addr);
	for (int i = 0; i < EVSE_GAUTH_SLOTS; i++)
		if (t->slot[i].key == k)
			return now_ms - t->slot[i].window_ms < EVSE_GAUTH_WINDOW &&
			       t->slot[i].fails >= EVSE_GAUTH_FAILS;
	return false;
}

void evse_gauth_failed(struct evse_gauth_throttle *t, const char *addr, uint64_t now_ms)
{
	uint64_t k = key_of(addr);
	int at = -1, oldest = 0;
	for (int i = 0; i < EVSE_GAUTH_SLOTS && at < 0; i++)
		if (t->slot[i].key == k)
			at = i;
	if (at < 0) {
		for (int i = 0; i < EVSE_GAUTH_SLOTS; i++) {
			if (!t->slot[i].key) {
				oldest = i;
				break;
			}
			if (t->slot[i].window_ms < t->slot[oldest].window_ms)
				oldest = i;
		}
		at = oldest;
		t->slot[at].key = k;
		t->slot[at].window_ms = now_ms;
		t->slot[at].fails = 0;
	}
	if (now_ms - t->slot[at].window_ms >= EVSE_GAUTH_WINDOW) {
		t->slot[at].window_ms = now_ms;
		t->slot[at].fails = 0;
	}
	t->slot[at].fails++;
}

bool evse_gauth_take_check(struct evse_gauth_throttle *t, uint64_t now_ms)
{
	if (t->check_second != now_ms / 1000) {
		t->check_second = now_ms / 1000;
		t->checks = 0;
	}
	if (t->checks >= EVSE_GAUTH_CHECKS_PER_S)
		return false;
	t->checks++;
	return true;
}
