/* csms_auth.h — station credentials (security profile 1) and the throttle on failed logins.
 *
 * Station passwords are 16..40 characters generated for machines, not chosen by people, so they are
 * stored as a salted BLAKE2b-256 hash (libsodium crypto_generichash keyed with a random salt) rather
 * than with a deliberately slow hash: 10,000 stations reconnecting at once must not cost minutes of CPU.
 * Operators' passwords (people) use Argon2id elsewhere. */
#ifndef CSMS_AUTH_H
#define CSMS_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms_registry.h" /* CSMS_PASSWORD_HASH_LEN */

#define CSMS_PASSWORD_MIN 16
#define CSMS_PASSWORD_MAX 40

int csms_auth_init(void); /* sodium_init */

/* Is pw an acceptable station password: 16..40 printable ASCII characters. */
bool csms_password_is_valid(const char *pw);
/* Hashes pw with a fresh salt into out. 0 or -1. */
int csms_password_hash(const char *pw, char *out, size_t outlen);
/* Compares pw with a stored hash in constant time; a NULL stored hash still costs one hash. */
bool csms_password_verify(const char *stored, const char *pw);

/* A fixed-size table of recent failures per key (an address or a station id): at most `limit`
 * failures in a minute (or the window given), then every attempt is refused until it has passed. Memory is bounded:
 * old entries are overwritten. */
struct csms_throttle;
struct csms_throttle *csms_throttle_new(unsigned limit); /* a one-minute window */
struct csms_throttle *csms_throttle_new_window(unsigned limit, uint64_t window_ms);
void csms_throttle_free(struct csms_throttle *t);
bool csms_throttle_is_blocked(struct csms_throttle *t, const char *key, uint64_t now_ms);
void csms_throttle_fail(struct csms_throttle *t, const char *key, uint64_t now_ms);
/* An attempt whose outcome comes later (an Argon2id hash on the worker): from begin to end it counts against
 * the limit as a failure would, so parallel attempts cannot all pass the check made on arrival. end() with
 * failed records the failure. Every begin needs its end. */
void csms_throttle_begin(struct csms_throttle *t, const char *key, uint64_t now_ms);
/* The throttle's key for a peer address: an IPv6 address stands for its /64 (one host's whole prefix: it
 * could otherwise take a new address for each guess), written "2001:db8:1:2::/64"; an IPv4 address (also
 * when written IPv4-mapped, ::ffff:192.0.2.1) and anything else is kept as it is. */
void csms_throttle_addr_key(const char *addr, char *out, size_t cap);
void csms_throttle_end(struct csms_throttle *t, const char *key, bool failed, uint64_t now_ms);

#endif
