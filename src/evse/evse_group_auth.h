/* evse_group_auth.h — a Satellite's password on the Master (OCPP 1.6 security profile 1: HTTP Basic auth on
 * the WebSocket upgrade, user = the Satellite's id, password = its AuthorizationKey): the header's parser, the
 * hash kept in the Master's store (libsodium Argon2id), the decision, and a per-address throttle of failures.
 * No I/O and no clock of its own (time passed in). See docs/evse.md "Master/Satellite". */
#ifndef EVSE_GROUP_AUTH_H
#define EVSE_GROUP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVSE_GAUTH_PW_MIN   16 /* OCPP 1.6 security: an AuthorizationKey of 16..40 characters */
#define EVSE_GAUTH_PW_MAX   40
#define EVSE_GAUTH_HASH_MAX 128   /* crypto_pwhash_STRBYTES */
#define EVSE_GAUTH_FAILS    5     /* failures from one address in a window, then 429 until it ends */
#define EVSE_GAUTH_WINDOW   60000 /* ms */
#define EVSE_GAUTH_SLOTS    32    /* addresses followed at once (the oldest window is reused) */
/* password checks a second over every address: each is an Argon2id hash on the Master's control loop, and
 * the per-address limit alone does not bound many addresses (nor more than EVSE_GAUTH_SLOTS of them) */
#define EVSE_GAUTH_CHECKS_PER_S 8

/* "Basic base64(user:password)" into user and pw (NUL-terminated, within their caps): 0, or -1 when it is not
 * such a header or a part does not fit. The password is wiped from the decoding buffer. */
int evse_gauth_parse_basic(const char *header, char *user, size_t ucap, char *pw, size_t pcap);

/* Is pw fit to be a Satellite's password (16..40 printable ASCII characters)? 0, or -1 with the reason. */
int evse_gauth_check_password(const char *pw, char *err, size_t errcap);

/* Argon2id of pw into out (EVSE_GAUTH_HASH_MAX): 0, or -1 (out of memory). One pass and 8 MiB: the secret
 * is 16+ random characters, and the check runs on the event loop when a Satellite connects (a few ms). */
int evse_gauth_hash(const char *pw, char out[EVSE_GAUTH_HASH_MAX]);

enum evse_gauth_result {
	EVSE_GAUTH_OPEN,    /* no password set and none required (the Master listens on loopback only) */
	EVSE_GAUTH_OK,      /* the right id and password */
	EVSE_GAUTH_MISSING, /* a password is set (or required) and no Basic credentials came */
	EVSE_GAUTH_WRONG,   /* credentials that are not the Satellite's */
	EVSE_GAUTH_NOT_SET, /* required (the Master listens beyond loopback) and none is set for the Satellite */
};
const char *evse_gauth_result_text(enum evse_gauth_result r);

/* The decision for Satellite id: hash is its stored hash ("" or NULL: none), required says the Master listens
 * on more than loopback, header is the request's Authorization header (NULL: none). */
enum evse_gauth_result evse_gauth_check(const char *id, const char *hash, bool required, const char *header);

/* A Master listening on spec's resolved address (family, numeric address; "" = every address) listens on
 * loopback only (127.0.0.0/8, ::1)? */
bool evse_gauth_loopback_only(int family, const char *addr);

struct evse_gauth_throttle {
	struct {
		uint64_t key; /* a hash of the address, 0: free */
		uint64_t window_ms;
		unsigned fails;
	} slot[EVSE_GAUTH_SLOTS];
	uint64_t check_second; /* the second (now_ms / 1000) of the checks counted */
	unsigned checks;
};
/* Takes one of the EVSE_GAUTH_CHECKS_PER_S password checks of now_ms's second: false when none is left (the
 * Satellite is told to come back: 503). */
bool evse_gauth_take_check(struct evse_gauth_throttle *t, uint64_t now_ms);
/* Is addr refused at now_ms (EVSE_GAUTH_FAILS failures in its window)? */
bool evse_gauth_blocked(const struct evse_gauth_throttle *t, const char *addr, uint64_t now_ms);
/* Counts a failure of addr at now_ms. */
void evse_gauth_failed(struct evse_gauth_throttle *t, const char *addr, uint64_t now_ms);

#endif
