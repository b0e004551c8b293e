/* evse_pwhash.c — the password-hash worker: a fixed table of jobs, one thread, a mutex and a condition. */
#include "evse_pwhash.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_log.h"

#define MOD "pwhash"

_Static_assert(EVSE_PWHASH_STR_MAX >= crypto_pwhash_STRBYTES, "EVSE_PWHASH_STR_MAX too small");

enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct job {
	enum job_state state;
	unsigned id;
	unsigned long seq; /* submission order: the oldest queued job runs first */
	enum evse_pwhash_kind kind;
	char password[EVSE_PASSWORD_MAX + 1];
	char hash[EVSE_PWHASH_STR_MAX];
	bool ok;
};

struct evse_pwhash {
	unsigned long long ops;
	size_t mem;
	pthread_mutex_t lock;
	pthread_cond_t work;
	pthread_t thread;
	bool started, stopping;
	struct job jobs[EVSE_PWHASH_QUEUE];
	unsigned next_id;
	unsigned long next_seq;
	void (*wake)(void *ctx);
	void *wake_ctx;
};

/* The oldest queued job, or NULL. Under the lock. */
static struct job *next_queued(struct evse_pwhash *p)
{
	struct job *best = NULL;
	for (int i = 0; i < EVSE_PWHASH_QUEUE; i++)
		if (p->jobs[i].state == JOB_QUEUED && (!best || p->jobs[i].seq < best->seq))
			best = &p->jobs[i];
	return best;
}

static void run_job(struct evse_pwhash *p, struct job *j)
{
	if (j->kind == EVSE_PWHASH_VERIFY) {
		j->ok = crypto_pwhash_str_verify(j->hash, j->password, strlen(j->password)) == 0;
	} else {
		j->ok = crypto_pwhash_str(j->hash, j->password, strlen(j->password), p->ops, p->mem) == 0;
		if (!j->ok)
			WL_ERROR(MOD, "out of memory hashing a password");
	}
	sodium_memzero(j->password, sizeof(j->password));
}

static void *worker(void *arg)
{
	struct evse_pwhash *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct job *j = NULL;
		while (!p->stopping && !(j = next_queued(p)))
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stopping)
			break;
		j->state = JOB_RUNNING;
		/* the job is the worker's while it runs: the loop touches only JOB_FREE, QUEUED and DONE ones */
		pthread_mutex_unlock(&p->lock);
		run_job(p, j);
		pthread_mutex_lock(&p->lock);
		j->state = JOB_DONE;
		if (p->wake)
			p->wake(p->wake_ctx);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct evse_pwhash *evse_pwhash_new(unsigned long long ops, size_t mem)
{
	struct evse_pwhash *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ops = ops;
	p->mem = mem;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	return p;
}

void evse_pwhash_free(struct evse_pwhash *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	p->wake = NULL;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	if (p->started)
		pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	sodium_memzero(p->jobs, sizeof(p->jobs));
	free(p);
}

void evse_pwhash_set_wake(struct evse_pwhash *p, void (*wake)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&p->lock);
	p->wake = wake;
	p->wake_ctx = ctx;
	pthread_mutex_unlock(&p->lock);
}

unsigned evse_pwhash_submit(struct evse_pwhash *p, enum evse_pwhash_kind kind, const char *password, const char *hash)
{
	unsigned id = 0;
	if (strlen(password) > EVSE_PASSWORD_MAX || (hash && strlen(hash) >= EVSE_PWHASH_STR_MAX))
		return 0;
	pthread_mutex_lock(&p->lock);
	if (!p->started) {
		if (pthread_create(&p->thread, NULL, worker, p) != 0) {
			WL_ERROR(MOD, "cannot start the password-hash thread");
			goto out;
		}
		p->started = true;
	}
	for (int i = 0; i < EVSE_PWHASH_QUEUE; i++) {
		struct job *j = &p->jobs[i];
		if (j->state != JOB_FREE)
			continue;
		if (++p->next_id == 0)
			p->next_id = 1;
		id = p->next_id;
		*j = (struct job){.state = JOB_QUEUED, .id = id, .seq = p->next_seq++, .kind = kind};
		snprintf(j->password, sizeof(j->password), "%s", password);
		snprintf(j->hash, sizeof(j->hash), "%s", hash ? hash : "");
		pthread_cond_signal(&p->work);
		break;
	}
out:
	pthread_mutex_unlock(&p->lock);
	return id;
}

bool evse_pwhash_done(struct evse_pwhash *p, struct evse_pwhash_result *out)
{
	bool found = false;
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < EVSE_PWHASH_QUEUE && !found; i++) {
		struct job *j = &p->jobs[i];
		if (j->state != JOB_DONE)
			continue;
		*out = (struct evse_pwhash_result){.id = j->id, .kind = j->kind, .ok = j->ok};
		if (j->kind == EVSE_PWHASH_HASH)
			snprintf(out->hash, sizeof(out->hash), "%s", j->hash);
		sodium_memzero(j, sizeof(*j)); /* JOB_FREE */
		found = true;
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

unsigned evse_pwhash_pending(struct evse_pwhash *p)
{
	unsigned n = 0;
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < EVSE_PWHASH_QUEUE; i++)
		n += p->jobs[i].state != JOB_FREE;
	pthread_mutex_unlock(&p->lock);
	return n;
}
