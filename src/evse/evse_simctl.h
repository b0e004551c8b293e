/* evse_simctl.h — the simulator's control language, one command per line, shared by the command line
 * (`evse --sim-stdin`) and the HTTP endpoint (POST /api/sim):
 *   plug [soc=0.5] [capacity=60000] [max_a=32] [phases=1|3] [response_ms=1000] [cable_a=32]
 *   unplug | demand on|off | tap <uid> | press [long] | fault <ocp|ovp|...> on|off | power on|off
 * Parsing is separate from applying so that the parser can be fuzzed on its own. */
#ifndef EVSE_SIMCTL_H
#define EVSE_SIMCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "evse_sim.h"

enum evse_simctl_op { SIMCTL_PLUG, SIMCTL_UNPLUG, SIMCTL_DEMAND, SIMCTL_TAP, SIMCTL_PRESS, SIMCTL_FAULT, SIMCTL_POWER };

#define EVSE_SIMCTL_MAX 256 /* longest command line */

struct evse_simctl_cmd {
	enum evse_simctl_op op;
	bool on;               /* DEMAND, FAULT, POWER; PRESS: long */
	int fault;             /* FAULT: enum evse_sim_fault */
	char uid[21];          /* TAP */
	struct evse_sim_ev ev; /* PLUG */
};

/* Parses one command (len bytes, no NUL needed). 0, or -1 with a message in err. */
int evse_simctl_parse(const char *line, size_t len, struct evse_simctl_cmd *cmd, char *err, size_t errcap);
void evse_simctl_apply(const struct evse_simctl_cmd *cmd, struct evse_sim *sim);

#endif
