/* evse_gridmeter_io.c — the grid meter's Modbus reads (libmodbus, TCP or RTU) on a worker thread; the latest
 * result waits under a mutex for the control loop. */
#include "evse_gridmeter_io.h"

#include <errno.h>
#include <modbus.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wl_log.h"

#define MOD        "gridmeter"
#define MAX_SPAN   100 /* registers read in one request when the map's rows are close together */
#define RESULT_OK  1
#define RESULT_ERR -1

struct evse_gm_io {
	struct evse_gm_link link;
	struct evse_gm_map map;
	modbus_t *ctx;
	bool connected;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	/* the latest result, under lock */
	int result; /* 0: taken */
	struct evse_dpm_reading reading;
	char why[96];
};

static modbus_t *new_ctx(const struct evse_gm_link *l)
{
	modbus_t *ctx;
	if (l->host[0]) {
		char port[8];
		snprintf(port, sizeof(port), "%d", l->port);
		ctx = modbus_new_tcp_pi(l->host, port);
	} else {
		ctx = modbus_new_rtu(l->device, l->baud, l->parity, 8, 1);
	}
	if (!ctx)
		return NULL;
	modbus_set_slave(ctx, l->slave);
	modbus_set_response_timeout(ctx, (uint32_t)(l->timeout_ms / 1000), (uint32_t)(l->timeout_ms % 1000) * 1000u);
	return ctx;
}

/* Reads count registers of table at addr into out: 0 or -1 (errno set by libmodbus). */
static int read_regs(struct evse_gm_io *io, enum evse_gm_table t, int addr, int count, uint16_t *out)
{
	int n = t == EVSE_GM_INPUT ? modbus_read_input_registers(io->ctx, addr, count, out)
	                           : modbus_read_registers(io->ctx, addr, count, out);
	return n == count ? 0 : -1;
}

/* One reading of every row: the rows of a table in one request when they lie within MAX_SPAN registers,
 * else one request per row. 0, or -1 with why. */
static int read_map(struct evse_gm_io *io, uint16_t (*words)[2], char *why, size_t whycap)
{
	const struct evse_gm_map *m = &io->map;
	for (int t = EVSE_GM_INPUT; t <= EVSE_GM_HOLDING; t++) {
		int lo = 65536, hi = -1;
		for (size_t i = 0; i < m->n; i++) {
			const struct evse_gm_reg *r = &m->regs[i];
			if ((int)r->table != t)
				continue;
			int end = r->addr + (int)evse_gm_reg_words(r);
			lo = r->addr < lo ? r->addr : lo;
			hi = end > hi ? end : hi;
		}
		if (hi < 0)
			continue;
		if (hi - lo <= MAX_SPAN) {
			uint16_t block[MAX_SPAN];
			if (read_regs(io, (enum evse_gm_table)t, lo, hi - lo, block) < 0)
				goto out_error;
			for (size_t i = 0; i < m->n; i++) {
				const struct evse_gm_reg *r = &m->regs[i];
				if ((int)r->table != t)
					continue;
				words[i][0] = block[r->addr - lo];
				words[i][1] = evse_gm_reg_words(r) > 1 ? block[r->addr - lo + 1] : 0;
			}
			continue;
		}
		for (size_t i = 0; i < m->n; i++) {
			const struct evse_gm_reg *r = &m->regs[i];
			if ((int)r->table != t)
				continue;
			words[i][1] = 0;
			if (read_regs(io, (enum evse_gm_table)t, r->addr, (int)evse_gm_reg_words(r), words[i]) < 0)
				goto out_error;
		}
	}
	return 0;
out_error:
	snprintf(why, whycap, "%s", errno == ETIMEDOUT ? "timeout" : modbus_strerror(errno));
	return -1;
}

static void publish(struct evse_gm_io *io, int result, const struct evse_dpm_reading *r, const char *why)
{
	pthread_mutex_lock(&io->lock);
	io->result = result;
	if (r)
		io->reading = *r;
	snprintf(io->why, sizeof(io->why), "%s", why ? why : "");
	pthread_mutex_unlock(&io->lock);
}

/* The PV meter: the same map on its own unit id; it only feeds the figures, so a failure leaves has_pv false
 * instead of failing the reading. */
static void read_pv(struct evse_gm_io *io, struct evse_dpm_reading *r)
{
	char why[96];
	uint16_t words[EVSE_GM_MAX_REGS][2];
	struct evse_dpm_reading pv;

	modbus_set_slave(io->ctx, io->link.pv_slave);
	int rc = read_map(io, words, why, sizeof(why));
	modbus_set_slave(io->ctx, io->link.slave);
	if (rc < 0) {
		WL_DEBUG(MOD, "pv meter (slave %d): %s", io->link.pv_slave, why);
		return;
	}
	evse_gm_fill(&io->map, (const uint16_t(*)[2])words, &pv, NULL, NULL);
	double w = 0.0;
	for (int p = 0; p < EVSE_DPM_PHASES; p++)
		w += pv.watts[p];
	r->has_pv = true;
	r->pv_w = w < 0 ? -w : w;
}

static void poll_once(struct evse_gm_io *io)
{
	char why[96];
	uint16_t words[EVSE_GM_MAX_REGS][2];
	struct evse_dpm_reading r;

	if (!io->connected) {
		if (modbus_connect(io->ctx) < 0) {
			snprintf(why, sizeof(why), "connect: %s", modbus_strerror(errno));
			publish(io, RESULT_ERR, NULL, why);
			return;
		}
		io->connected = true;
	}
	if (read_map(io, words, why, sizeof(why)) < 0) {
		publish(io, RESULT_ERR, NULL, why);
		/* a TCP connection after an error may carry a late answer: start afresh; a serial line drops
		 * what is left of the frame */
		if (io->link.host[0]) {
			modbus_close(io->ctx);
			io->connected = false;
		} else {
			modbus_flush(io->ctx);
		}
		return;
	}
	evse_gm_fill(&io->map, (const uint16_t(*)[2])words, &r, NULL, NULL);
	if (io->link.pv_slave > 0)
		read_pv(io, &r);
	publish(io, RESULT_OK, &r, NULL);
}

static void *worker(void *arg)
{
	struct evse_gm_io *io = arg;
	pthread_mutex_lock(&io->lock);
	while (!io->stop) {
		pthread_mutex_unlock(&io->lock);
		poll_once(io);
		pthread_mutex_lock(&io->lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += io->link.poll_ms / 1000;
		until.tv_nsec += (long)(io->link.poll_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!io->stop && pthread_cond_timedwait(&io->wake, &io->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&io->lock);
	return NULL;
}

struct evse_gm_io *evse_gm_io_start(const struct evse_gm_link *link, const struct evse_gm_map *m, char *err,
                                    size_t errcap)
{
	struct evse_gm_io *io = calloc(1, sizeof(*io));
	if (!io) {
		snprintf(err, errcap, "grid meter: out of memory");
		return NULL;
	}
	io->link = *link;
	io->map = *m;
	io->ctx = new_ctx(link);
	if (!io->ctx) {
		snprintf(err, errcap, "grid meter: %s: %s", link->host[0] ? link->host : link->device,
		         modbus_strerror(errno));
		goto out_free;
	}
	pthread_mutex_init(&io->lock, NULL);
	pthread_cond_init(&io->wake, NULL);
	if (pthread_create(&io->thread, NULL, worker, io) != 0) {
		snprintf(err, errcap, "grid meter: no thread");
		goto out_ctx;
	}
	WL_INFO(MOD, "reading %s (slave %d) on %s%s%s every %d ms", m->name, link->slave,
	        link->host[0] ? "tcp " : "rtu ", link->host[0] ? link->host : link->device, "", link->poll_ms);
	return io;
out_ctx:
	pthread_cond_destroy(&io->wake);
	pthread_mutex_destroy(&io->lock);
	modbus_free(io->ctx);
out_free:
	free(io);
	return NULL;
}

void evse_gm_io_stop(struct evse_gm_io *io)
{
	if (!io)
		return;
	pthread_mutex_lock(&io->lock);
	io->stop = true;
	pthread_cond_signal(&io->wake);
	pthread_mutex_unlock(&io->lock);
	pthread_join(io->thread, NULL);
	if (io->connected)
		modbus_close(io->ctx);
	modbus_free(io->ctx);
	pthread_cond_destroy(&io->wake);
	pthread_mutex_destroy(&io->lock);
	free(io);
}

int evse_gm_io_take(struct evse_gm_io *io, struct evse_dpm_reading *r, char *why, size_t whycap)
{
	pthread_mutex_lock(&io->lock);
	int res = io->result;
	if (res == RESULT_OK)
		*r = io->reading;
	else if (res == RESULT_ERR)
		snprintf(why, whycap, "%s", io->why);
	io->result = 0;
	pthread_mutex_unlock(&io->lock);
	return res;
}
