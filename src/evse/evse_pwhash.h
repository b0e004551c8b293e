/* evse_pwhash.h — Argon2id off the event loop: one worker thread and a bounded queue of jobs (verify a
 * password against its stored hash, or hash a new one). The loop submits, the worker runs one job at a time
 * (one hash's memory at a time), then calls the wake function from its thread; the loop collects the
 * results with evse_pwhash_done(). Charging control never waits for a password hash. */
#ifndef EVSE_PWHASH_H
#define EVSE_PWHASH_H

#include <stdbool.h>
#include <stddef.h>

#include "evse_webform.h"

#define EVSE_PWHASH_QUEUE   4   /* jobs waiting or running at once; more are refused */
#define EVSE_PWHASH_STR_MAX 128 /* crypto_pwhash_STRBYTES */

enum evse_pwhash_kind { EVSE_PWHASH_VERIFY, EVSE_PWHASH_HASH };

struct evse_pwhash_result {
	unsigned id;
	enum evse_pwhash_kind kind;
	bool ok;                        /* VERIFY: the password matched; HASH: the hash was made */
	char hash[EVSE_PWHASH_STR_MAX]; /* HASH: the new hash */
};

struct evse_pwhash;

/* ops and mem: Argon2id's passes and memory in bytes. NULL when out of memory. The thread starts with the
 * first job. */
struct evse_pwhash *evse_pwhash_new(unsigned long long ops, size_t mem);
/* Waits for the job running (if any) and drops the others. */
void evse_pwhash_free(struct evse_pwhash *p);

/* Called from the worker thread after each job (NULL: nobody). Safe to change at any time. */
void evse_pwhash_set_wake(struct evse_pwhash *p, void (*wake)(void *ctx), void *ctx);

/* Queues a job. password is copied (and wiped once used); hash is the stored hash for VERIFY (NULL for
 * HASH). The job's id (> 0), or 0 when the queue is full or a value is too long. */
unsigned evse_pwhash_submit(struct evse_pwhash *p, enum evse_pwhash_kind kind, const char *password, const char *hash);
/* A finished job: true with its result, false when none is finished. */
bool evse_pwhash_done(struct evse_pwhash *p, struct evse_pwhash_result *out);
/* Jobs submitted and not yet collected. */
unsigned evse_pwhash_pending(struct evse_pwhash *p);

#endif
