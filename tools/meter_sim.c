/* meter_sim.c — a grid meter for tests and demos: a Modbus TCP (or RTU) server (libmodbus) answering with
 * the register map of an Eastron SDM630 or SDM120, whose values come from a household load (the synthetic
 * profile, or a constant) and a recorded PV day played on a fast clock, plus the EV's current, which the
 * caller feeds (closed loop). Commands on stdin, one a line (see usage()).
 *
 *   meter_sim [--host 127.0.0.1] [--port 5020] [--rtu DEVICE [--baud 9600] [--parity N]] [--slave 1]
 *             [--model sdm630|sdm120] [--pv FILE] [--speed 60] [--start 08:00] [--pv-slave 2]
 * --pv-slave: over TCP a second unit id answers as an SDM on the PV feed (the production as export).
 * --evse-port: the EV's current is read from the station's GET /api/status every 250 ms (else: stdin "ev"). */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <modbus.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "dpm_profile.h"

#define VOLTS      230.0
#define N_REGS     0x200
#define PV_REG     0x0100 /* the production as a float (for a custom map "pv@256") */
#define MAX_CLIENT 8

struct sim {
	int phases;
	double speed, start_s;
	struct timespec t0;
	struct dpm_pv_day pv;
	bool have_pv_file;
	double house_const_w; /* < 0: the synthetic profile */
	double pv_const_w;    /* < 0: the file (or none) */
	double ev_a[3];
	int pv_slave;  /* TCP: a second unit id answering as the PV feed's meter, 0: none */
	int evse_port; /* the station's web port on 127.0.0.1: its EV current is read from /api/status, 0: stdin */
	bool silent, nan, negative;
	double imp_wh, exp_wh, last_t;
	unsigned long answered, dropped;
};

static void usage(void)
{
	fprintf(stderr,
	        "usage: meter_sim [--host H] [--port N] [--rtu DEVICE [--baud B] [--parity N|E|O]] [--slave ID]\n"
	        "                 [--model sdm630|sdm120] [--pv FILE] [--speed X] [--start HH:MM] [--pv-slave ID]\n"
	        "                 [--evse-port N]   (the EV's current read from the station's /api/status)\n"
	        "stdin: house W | house synthetic | pv W | pv file | ev A [A2 A3] | silent on|off | nan on|off |\n"
	        "       negative on|off | time HH:MM | status | quit\n");
}

static double mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double sim_time(const struct sim *s)
{
	double real = mono_s() - ((double)s->t0.tv_sec + (double)s->t0.tv_nsec / 1e9);
	return fmod(s->start_s + real * s->speed, DPM_DAY_S);
}

static double house_w(const struct sim *s, double t)
{
	return s->house_const_w >= 0 ? s->house_const_w : dpm_house_w(t);
}

static double pv_w(const struct sim *s, double t)
{
	if (s->pv_const_w >= 0)
		return s->pv_const_w;
	return s->have_pv_file ? dpm_pv_at(&s->pv, t) : 0.0;
}

/* A float into two registers, high word first (the SDM's order; libmodbus' own helpers differ between
 * versions in the byte order within a register). */
static void set_f32(float f, uint16_t *dest)
{
	uint32_t u;
	memcpy(&u, &f, sizeof(u));
	dest[0] = (uint16_t)(u >> 16);
	dest[1] = (uint16_t)(u & 0xffff);
}

/* Writes the meter's registers for now. */
static void update(struct sim *s, modbus_mapping_t *mb)
{
	double t = sim_time(s), house = house_w(s, t), pv = pv_w(s, t), total = 0.0;
	uint16_t *in = mb->tab_input_registers;
	for (int p = 0; p < 3; p++) {
		double w = 0.0, a = 0.0, v = 0.0;
		if (p < s->phases) {
			w = (house - pv) / s->phases + s->ev_a[p] * VOLTS;
			a = fabs(w) / VOLTS;
			v = VOLTS;
		}
		if (p == 0 && s->nan)
			a = NAN;
		if (p == 0 && s->negative)
			a = -5.0;
		set_f32((float)v, in + 0x0000 + 2 * p);
		set_f32((float)a, in + 0x0006 + 2 * p);
		set_f32((float)w, in + 0x000C + 2 * p);
		total += w;
	}
	/* energies at the real rate of the simulated clock */
	double dt = t - s->last_t;
	if (dt > 0 && dt < 600) {
		if (total > 0)
			s->imp_wh += total * dt / 3600.0;
		else
			s->exp_wh -= total * dt / 3600.0;
	}
	s->last_t = t;
	set_f32((float)total, in + 0x0034);
	set_f32((float)(s->imp_wh / 1000.0), in + 0x0048);
	set_f32((float)(s->exp_wh / 1000.0), in + 0x004A);
	set_f32((float)pv, in + PV_REG);
	memcpy(mb->tab_registers, in, N_REGS * sizeof(uint16_t));
}

static bool on_off(const char *v, bool *out)
{
	if (strcmp(v, "on") == 0)
		*out = true;
	else if (strcmp(v, "off") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* One command line; false on quit. */
static bool command(struct sim *s, char *line)
{
	char verb[16] = "", arg[64] = "";
	double a[3] = {0, 0, 0};
	int h, m;
	line[strcspn(line, "\r\n")] = '\0';
	if (sscanf(line, "%15s %63s", verb, arg) < 1)
		return true;
	if (strcmp(verb, "quit") == 0)
		return false;
	bool ok = true;
	if (strcmp(verb, "house") == 0) {
		s->house_const_w = strcmp(arg, "synthetic") == 0 ? -1.0 : strtod(arg, NULL);
	} else if (strcmp(verb, "pv") == 0) {
		s->pv_const_w = strcmp(arg, "file") == 0 ? -1.0 : strtod(arg, NULL);
	} else if (strcmp(verb, "ev") == 0) {
		int n = sscanf(line + 2, "%lf %lf %lf", &a[0], &a[1], &a[2]);
		ok = n >= 1;
		for (int p = 0; ok && p < 3; p++)
			s->ev_a[p] = p < n ? a[p] : (n == 1 && p < s->phases ? a[0] : 0.0);
	} else if (strcmp(verb, "silent") == 0) {
		ok = on_off(arg, &s->silent);
	} else if (strcmp(verb, "nan") == 0) {
		ok = on_off(arg, &s->nan);
	} else if (strcmp(verb, "negative") == 0) {
		ok = on_off(arg, &s->negative);
	} else if (strcmp(verb, "time") == 0 && sscanf(arg, "%d:%d", &h, &m) == 2) {
		clock_gettime(CLOCK_MONOTONIC, &s->t0);
		s->start_s = h * 3600.0 + m * 60.0;
	} else if (strcmp(verb, "status") != 0) {
		ok = false;
	}
	if (!ok) {
		printf("error \"%s\"\n", line);
	} else {
		double t = sim_time(s);
		printf("ok t=%02d:%02d house=%.0f pv=%.0f ev=%.1f,%.1f,%.1f answered=%lu dropped=%lu\n",
		       (int)(t / 3600), (int)fmod(t / 60, 60), house_w(s, t), pv_w(s, t), s->ev_a[0], s->ev_a[1],
		       s->ev_a[2], s->answered, s->dropped);
	}
	fflush(stdout);
	return true;
}

/* Closes the loop by itself: the station's output current (GET /api/status on 127.0.0.1:evse_port) becomes
 * the EV's current on the station's phases. A station that does not answer leaves the last value. */
static void poll_evse(struct sim *s)
{
	char req[128], buf[8192];
	size_t len = 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->evse_port)};
	struct timeval tv = {0, 200000};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int n = snprintf(req, sizeof(req), "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || send(fd, req, (size_t)n, 0) != n)
		goto out;
	for (ssize_t r; len < sizeof(buf) - 1 && (r = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) > 0;)
		len += (size_t)r;
	buf[len] = '\0';
	char *body = strstr(buf, "\r\n\r\n");
	cJSON *j = body ? cJSON_Parse(body + 4) : NULL;
	cJSON *cur = cJSON_GetObjectItem(j, "outputCurrent");
	if (cJSON_IsNumber(cur))
		for (int p = 0; p < 3; p++)
			s->ev_a[p] = p < s->phases ? cur->valuedouble : 0.0;
	cJSON_Delete(j);
out:
	close(fd);
}

/* The PV feed's meter: the production as export on the station's phases. */
static void update_pv(struct sim *s, modbus_mapping_t *mb)
{
	double pv = pv_w(s, sim_time(s));
	uint16_t *in = mb->tab_input_registers;
	for (int p = 0; p < 3; p++) {
		double w = p < s->phases ? -pv / s->phases : 0.0;
		set_f32(p < s->phases ? (float)VOLTS : 0.0f, in + 2 * p);
		set_f32((float)(fabs(w) / VOLTS), in + 0x0006 + 2 * p);
		set_f32((float)w, in + 0x000C + 2 * p);
	}
	memcpy(mb->tab_registers, in, N_REGS * sizeof(uint16_t));
}

/* Answers (or, silent, drops) one request on the context's current socket: -1 when the peer is gone. */
static int serve_one(struct sim *s, modbus_t *ctx, modbus_mapping_t *mb, modbus_mapping_t *mb_pv)
{
	uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
	int rc = modbus_receive(ctx, query);
	if (rc > 0) {
		if (s->silent) {
			s->dropped++;
			return 0;
		}
		int unit = query[modbus_get_header_length(ctx) - 1];
		if (s->pv_slave && unit == s->pv_slave) {
			update_pv(s, mb_pv);
			modbus_reply(ctx, query, rc, mb_pv);
			s->answered++;
			return 0;
		}
		update(s, mb);
		modbus_reply(ctx, query, rc, mb);
		s->answered++;
		return 0;
	}
	return rc == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sim s = {.phases = 3, .speed = 1.0, .start_s = 8 * 3600.0, .house_const_w = -1.0, .pv_const_w = -1.0};
	const char *host = "127.0.0.1", *rtu = NULL, *pv_file = NULL, *model = "sdm630";
	int port = 5020, baud = 9600, slave = 1, rc = 1;
	char parity = 'N', err[300];

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			usage();
			return 2;
		}
		i++;
		if (strcmp(o, "--host") == 0)
			host = v;
		else if (strcmp(o, "--port") == 0)
			port = (int)strtol(v, NULL, 10);
		else if (strcmp(o, "--rtu") == 0)
			rtu = v;
		else if (strcmp(o, "--baud") == 0)
			baud = (int)strtol(v, NULL, 10);
		else if (strcmp(o, "--parity") == 0)
			parity = v[0];
		else if (strcmp(o, "--slave") == 0)
			slave = (int)strtol(v, NULL, 10);
		else if (strcmp(o, "--pv-slave") == 0)
			s.pv_slave = (int)strtol(v, NULL, 10);
		else if (strcmp(o, "--evse-port") == 0)
			s.evse_port = (int)strtol(v, NULL, 10);
		else if (strcmp(o, "--model") == 0)
			model = v;
		else if (strcmp(o, "--pv") == 0)
			pv_file = v;
		else if (strcmp(o, "--speed") == 0)
			s.speed = strtod(v, NULL);
		else if (strcmp(o, "--start") == 0) {
			int h, m;
			if (sscanf(v, "%d:%d", &h, &m) != 2) {
				usage();
				return 2;
			}
			s.start_s = h * 3600.0 + m * 60.0;
		} else {
			usage();
			return 2;
		}
	}
	if (strcmp(model, "sdm120") == 0)
		s.phases = 1;
	else if (strcmp(model, "sdm630") != 0) {
		fprintf(stderr, "meter_sim: model \"%s\" is not sdm630 or sdm120\n", model);
		return 2;
	}
	if (pv_file) {
		if (dpm_pv_load(pv_file, &s.pv, err, sizeof(err)) < 0) {
			fprintf(stderr, "meter_sim: %s\n", err);
			return 2;
		}
		s.have_pv_file = true;
	}
	clock_gettime(CLOCK_MONOTONIC, &s.t0);
	s.last_t = s.start_s;

	modbus_t *ctx = rtu ? modbus_new_rtu(rtu, baud, parity, 8, 1) : modbus_new_tcp(host, port);
	modbus_mapping_t *mb = modbus_mapping_new(0, 0, N_REGS, N_REGS);
	modbus_mapping_t *mb_pv = modbus_mapping_new(0, 0, N_REGS, N_REGS);
	if (!ctx || !mb || !mb_pv) {
		fprintf(stderr, "meter_sim: %s\n", modbus_strerror(errno));
		goto out;
	}
	modbus_set_slave(ctx, slave);
	int listen_fd = -1, clients[MAX_CLIENT], n_clients = 0;
	double last_poll = 0.0;
	if (rtu) {
		if (modbus_connect(ctx) < 0) {
			fprintf(stderr, "meter_sim: %s: %s\n", rtu, modbus_strerror(errno));
			goto out;
		}
		printf("ready rtu %s\n", rtu);
	} else {
		listen_fd = modbus_tcp_listen(ctx, MAX_CLIENT);
		if (listen_fd < 0) {
			fprintf(stderr, "meter_sim: %s:%d: %s\n", host, port, modbus_strerror(errno));
			goto out;
		}
		printf("ready tcp %s:%d\n", host, port);
	}
	fflush(stdout);
	for (;;) {
		fd_set rd;
		int maxfd = 0;
		FD_ZERO(&rd);
		FD_SET(0, &rd);
		if (rtu) {
			FD_SET(modbus_get_socket(ctx), &rd);
			maxfd = modbus_get_socket(ctx);
		} else {
			FD_SET(listen_fd, &rd);
			maxfd = listen_fd;
			for (int i = 0; i < n_clients; i++) {
				FD_SET(clients[i], &rd);
				maxfd = clients[i] > maxfd ? clients[i] : maxfd;
			}
		}
		struct timeval tv = {0, 250000};
		int ready = select(maxfd + 1, &rd, NULL, NULL, s.evse_port ? &tv : NULL);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (s.evse_port && mono_s() - last_poll >= 0.25) {
			last_poll = mono_s();
			poll_evse(&s);
		}
		if (ready == 0)
			continue;
		if (FD_ISSET(0, &rd)) {
			char line[256];
			if (!fgets(line, sizeof(line), stdin) || !command(&s, line)) {
				rc = 0;
				break;
			}
		}
		if (rtu) {
			if (FD_ISSET(modbus_get_socket(ctx), &rd))
				serve_one(&s, ctx, mb, mb_pv);
			continue;
		}
		if (FD_ISSET(listen_fd, &rd)) {
			int fd = modbus_tcp_accept(ctx, &listen_fd);
			if (fd >= 0 && n_clients < MAX_CLIENT)
				clients[n_clients++] = fd;
			else if (fd >= 0)
				close(fd);
		}
		for (int i = 0; i < n_clients; i++) {
			if (!FD_ISSET(clients[i], &rd))
				continue;
			modbus_set_socket(ctx, clients[i]);
			if (serve_one(&s, ctx, mb, mb_pv) < 0) {
				close(clients[i]);
				clients[i--] = clients[--n_clients];
			}
		}
	}
	for (int i = 0; i < n_clients; i++)
		close(clients[i]);
	if (listen_fd >= 0)
		close(listen_fd);
out:
	if (mb)
		modbus_mapping_free(mb);
	if (mb_pv)
		modbus_mapping_free(mb_pv);
	if (ctx) {
		modbus_set_socket(ctx, -1);
		modbus_free(ctx);
	}
	dpm_pv_free(&s.pv);
	return rc;
}
