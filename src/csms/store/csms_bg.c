/* csms_bg.c — the background worker: a queue, one thread with a read-only connection, a done queue. */
#include "csms_bg.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "wl_log.h"

struct csms_bg {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	struct csms_bg_job *in_head, *in_tail, *done_head, *done_tail;
	csms_bg_notify_fn *notify;
	void *ctx;
	sqlite3 *db;
};

static void *run(void *arg)
{
	struct csms_bg *bg = arg;
	prctl(PR_SET_NAME, "csms-bg");
	pthread_mutex_lock(&bg->lock);
	for (;;) {
		while (!bg->in_head && !bg->stopping)
			pthread_cond_wait(&bg->wake, &bg->lock);
		struct csms_bg_job *job = bg->in_head;
		if (!job)
			break; /* stopping and nothing left */
		bg->in_head = job->next;
		if (!bg->in_head)
			bg->in_tail = NULL;
		pthread_mutex_unlock(&bg->lock);
		job->next = NULL;
		job->rc = job->exec(job, bg->db);
		pthread_mutex_lock(&bg->lock);
		if (bg->done_tail)
			bg->done_tail->next = job;
		else
			bg->done_head = job;
		bg->done_tail = job;
		if (bg->notify)
			bg->notify(bg->ctx);
	}
	pthread_mutex_unlock(&bg->lock);
	return NULL;
}

struct csms_bg *csms_bg_start(const char *db_path, csms_bg_notify_fn *notify, void *ctx)
{
	struct csms_bg *bg = calloc(1, sizeof(*bg));
	if (!bg)
		return NULL;
	pthread_mutex_init(&bg->lock, NULL);
	pthread_cond_init(&bg->wake, NULL);
	bg->notify = notify;
	bg->ctx = ctx;
	if (sqlite3_open_v2(db_path, &bg->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		WL_ERROR("bg", "cannot open %s for reading", db_path);
		sqlite3_close(bg->db);
		bg->db = NULL;
	} else {
		sqlite3_busy_timeout(bg->db, 5000);
	}
	if (pthread_create(&bg->thread, NULL, run, bg) != 0) {
		sqlite3_close(bg->db);
		free(bg);
		return NULL;
	}
	return bg;
}

void csms_bg_submit(struct csms_bg *bg, struct csms_bg_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&bg->lock);
	if (bg->in_tail)
		bg->in_tail->next = job;
	else
		bg->in_head = job;
	bg->in_tail = job;
	pthread_cond_signal(&bg->wake);
	pthread_mutex_unlock(&bg->lock);
}

unsigned csms_bg_finish(struct csms_bg *bg)
{
	unsigned n = 0;
	pthread_mutex_lock(&bg->lock);
	struct csms_bg_job *job = bg->done_head;
	bg->done_head = bg->done_tail = NULL;
	pthread_mutex_unlock(&bg->lock);
	while (job) {
		struct csms_bg_job *next = job->next;
		job->done(job);
		job = next;
		n++;
	}
	return n;
}

void csms_bg_stop(struct csms_bg *bg)
{
	if (!bg)
		return;
	pthread_mutex_lock(&bg->lock);
	bg->stopping = true;
	pthread_cond_signal(&bg->wake);
	pthread_mutex_unlock(&bg->lock);
	pthread_join(bg->thread, NULL);
	csms_bg_finish(bg);
	sqlite3_close(bg->db);
	pthread_mutex_destroy(&bg->lock);
	pthread_cond_destroy(&bg->wake);
	free(bg);
}
