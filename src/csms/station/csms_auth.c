/* csms_auth.c — salted BLAKE2b station password hashes and the failed-login throttle. */
#include "csms_auth.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_LEN       16
#define HASH_LEN       32
#define THROTTLE_SLOTS 4096
#define WINDOW_MS      60000u

int csms_auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

bool csms_password_is_valid(const char *pw)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++, n++)
		if (*p < 0x21 || *p > 0x7e)
			return false;
	return n >= CSMS_PASSWORD_MIN && n <= CSMS_PASSWORD_MAX;
}

static void hash_with(const unsigned char salt[SALT_LEN], const char *pw, unsigned char out[HASH_LEN])
{
	crypto_generichash(out, HASH_LEN, (const unsigned char *)pw, strlen(pw), salt, SALT_LEN);
}

int csms_password_hash(const char *pw, char *out, size_t outlen)
{
	unsigned char salt[SALT_LEN], h[HASH_LEN];
	char salt_hex[2 * SALT_LEN + 1], h_hex[2 * HASH_LEN + 1];

	randombytes_buf(salt, sizeof(salt));
	hash_with(salt, pw, h);
	sodium_bin2hex(salt_hex, sizeof(salt_hex), salt, sizeof(salt));
	sodium_bin2hex(h_hex, sizeof(h_hex), h, sizeof(h));
	int n = snprintf(out, outlen, "b2$%s$%s", salt_hex, h_hex);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

bool csms_password_verify(const char *stored, const char *pw)
{
	static const unsigned char dummy_salt[SALT_LEN];
	unsigned char salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	size_t n;
	bool parsed = stored && strncmp(stored, "b2$", 3) == 0 &&
	              strlen(stored) == 3 + 2 * SALT_LEN + 1 + 2 * HASH_LEN &&
	              sodium_hex2bin(salt, SALT_LEN, stored + 3, 2 * SALT_LEN, NULL, &n, NULL) == 0 && n == SALT_LEN &&
	              stored[3 + 2 * SALT_LEN] == '$' &&
	              sodium_hex2bin(want, HASH_LEN, stored + 4 + 2 * SALT_LEN, 2 * HASH_LEN, NULL, &n, NULL) == 0 &&
	              n == HASH_LEN;

	/* the same work whether or not the station exists, so ids cannot be probed by timing */
	hash_with(parsed ? salt : dummy_salt, pw, got);
	if (!parsed)
		return false;
	return sodium_memcmp(got, want, HASH_LEN) == 0;
}

struct slot {
	uint64_t hash;
	uint64_t window_start;
	unsigned failures;
	unsigned pending; /* attempts begun and not yet ended: they count against the limit */
};

struct csms_throttle {
	unsigned limit;
	uint64_t window;
	struct slot slots[THROTTLE_SLOTS];
};

static uint64_t key_hash(const char *key)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h | 1; /* 0 marks a free slot */
}

struct csms_throttle *csms_throttle_new_window(unsigned limit, uint64_t window_ms)
{
	struct csms_throttle *t = calloc(1, sizeof(*t));
	if (t) {
		t->limit = limit;
		t->window = window_ms;
	}
	return t;
}

struct csms_throttle *csms_throttle_new(unsigned limit)
{
	return csms_throttle_new_window(limit, WINDOW_MS);
}

void csms_throttle_free(struct csms_throttle *t)
{
	free(t);
}

#define WAYS 4 /* a key may sit in one of 4 slots: a busy slot does not push a new key out */

static bool slot_is_active(const struct csms_throttle *t, const struct slot *s, uint64_t now)
{
	return s->hash && (s->pending || now - s->window_start < t->window);
}

static struct slot *lookup(struct csms_throttle *t, const char *key, bool create, uint64_t now)
{
	uint64_t h = key_hash(key);
	struct slot *ways = &t->slots[(size_t)(h % (THROTTLE_SLOTS / WAYS)) * WAYS];
	struct slot *victim = NULL;

	for (size_t i = 0; i < WAYS; i++) {
		struct slot *s = &ways[i];
		if (s->hash == h)
			return s;
		/* the victim: a free or expired slot, else the one with the oldest window */
		if (!victim || (slot_is_active(t, victim, now) &&
		                (!slot_is_active(t, s, now) || s->window_start < victim->window_start)))
			victim = s;
	}
	if (!create)
		return NULL;
	/* with all ways busy an attacker needs 4 colliding keys to push a block out */
	*victim = (struct slot){h, now, 0, 0};
	return victim;
}

static unsigned failures_now(const struct csms_throttle *t, const struct slot *s, uint64_t now)
{
	return now - s->window_start < t->window ? s->failures : 0;
}

bool csms_throttle_is_blocked(struct csms_throttle *t, const char *key, uint64_t now_ms)
{
	struct slot *s = lookup(t, key, false, now_ms);
	return s && failures_now(t, s, now_ms) + s->pending >= t->limit;
}

static void add_failure(struct csms_throttle *t, struct slot *s, uint64_t now_ms)
{
	if (now_ms - s->window_start >= t->window) {
		s->window_start = now_ms;
		s->failures = 0;
	}
	s->failures++;
}

void csms_throttle_fail(struct csms_throttle *t, const char *key, uint64_t now_ms)
{
	add_failure(t, lookup(t, key, true, now_ms), now_ms);
}

void csms_throttle_begin(struct csms_throttle *t, const char *key, uint64_t now_ms)
{
	lookup(t, key, true, now_ms)->pending++;
}

void csms_throttle_end(struct csms_throttle *t, const char *key, bool failed, uint64_t now_ms)
{
	struct slot *s = lookup(t, key, failed, now_ms);
	if (!s)
		return;
	if (s->pending) /* 0 when the slot was taken by another key meanwhile */
		s->pending--;
	if (failed)
		add_failure(t, s, now_ms);
}

void csms_throttle_addr_key(const char *addr, char *out, size_t cap)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];
	static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (inet_pton(AF_INET6, addr, a) != 1 || memcmp(a, v4_mapped, sizeof(v4_mapped)) == 0) {
		snprintf(out, cap, "%s", addr);
		return;
	}
	memset(a + 8, 0, 8); /* the interface identifier */
	if (!inet_ntop(AF_INET6, a, text, sizeof(text))) {
		snprintf(out, cap, "%s", addr);
		return;
	}
	snprintf(out, cap, "%s/64", text);
}
