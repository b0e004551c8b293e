/* evse_gridmeter_io.h — reads the grid meter over Modbus TCP or RTU (libmodbus) on a worker thread, so that
 * the control loop never waits on the bus: the thread polls every poll_ms and keeps the latest result; the
 * loop takes it with evse_gm_io_take(). */
#ifndef EVSE_GRIDMETER_IO_H
#define EVSE_GRIDMETER_IO_H

#include <stddef.h>
#include <stdint.h>

#include "evse_gridmeter.h"

struct evse_gm_link {
	char host[64];    /* Modbus TCP when not empty */
	int port;         /* TCP port (502) */
	char device[128]; /* Modbus RTU serial device when host is empty ("/dev/ttyUSB0") */
	int baud;         /* RTU: 1200..115200 */
	char parity;      /* RTU: 'N', 'E' or 'O' */
	int slave;        /* unit id 1..247 */
	int pv_slave;     /* a second meter of the same model on the PV feed (its |power| is the production), 0: none */
	int poll_ms;      /* between two reads */
	int timeout_ms;   /* the meter's answer must come within this */
};

struct evse_gm_io;

/* Starts the worker for map m (copied) on link. NULL with the reason in err (a bad serial device name is
 * found at the first read instead: the meter may come later). Stop with evse_gm_io_stop(). */
struct evse_gm_io *evse_gm_io_start(const struct evse_gm_link *link, const struct evse_gm_map *m, char *err,
                                    size_t errcap);
/* Stops the worker (waits for it) and frees io. NULL is fine. */
void evse_gm_io_stop(struct evse_gm_io *io);

/* The result since the last take: 1 a reading (r filled), 0 nothing new, -1 a failed
 * read (the reason in why: "timeout", "crc error", "connection refused"). */
int evse_gm_io_take(struct evse_gm_io *io, struct evse_dpm_reading *r, char *why, size_t whycap);

#endif
