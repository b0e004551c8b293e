/* evse_simctl.c — the simulator control commands: a word tokenizer over a bounded copy, a table of verbs. */
#include "evse_simctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 8

static int on_off(const char *w, bool *on)
{
	if (w && strcmp(w, "on") == 0)
		*on = true;
	else if (w && strcmp(w, "off") == 0)
		*on = false;
	else
		return -1;
	return 0;
}

static int number(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

/* plug options: name=value, each with its range */
static int plug_option(const char *w, struct evse_sim_ev *ev)
{
	static const struct {
		const char *name;
		double lo, hi;
	} opts[] = {{"soc", 0, 1},    {"capacity", 1000, 200000}, {"max_a", 6, 80},
	            {"phases", 1, 3}, {"response_ms", 1, 10000},  {"cable_a", 13, 63}};
	const char *eq = strchr(w, '=');
	double v;
	if (!eq)
		return -1;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strlen(opts[i].name) != (size_t)(eq - w) || strncmp(w, opts[i].name, (size_t)(eq - w)) != 0)
			continue;
		if (number(eq + 1, opts[i].lo, opts[i].hi, &v) < 0)
			return -1;
		switch (i) {
		case 0: ev->soc = v; break;
		case 1: ev->capacity_wh = v; break;
		case 2: ev->max_current_a = v; break;
		case 3: ev->phases = (int)v; break;
		case 4: ev->response_ms = (uint32_t)v; break;
		case 5: ev->cable_a = (int)v; break;
		}
		return 0;
	}
	return -1;
}

int evse_simctl_parse(const char *line, size_t len, struct evse_simctl_cmd *cmd, char *err, size_t errcap)
{
	char buf[EVSE_SIMCTL_MAX + 1];
	char *words[MAX_WORDS];
	int n = 0;

	memset(cmd, 0, sizeof(*cmd));
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > EVSE_SIMCTL_MAX) {
		snprintf(err, errcap, "command longer than %d bytes", EVSE_SIMCTL_MAX);
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		snprintf(err, errcap, "NUL byte in command");
		return -1;
	}
	for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_WORDS) {
			snprintf(err, errcap, "too many words");
			return -1;
		}
		words[n++] = w;
	}
	if (n == 0) {
		snprintf(err, errcap, "empty command");
		return -1;
	}
	const char *verb = words[0], *arg = n > 1 ? words[1] : NULL;
	if (strcmp(verb, "plug") == 0) {
		cmd->op = SIMCTL_PLUG;
		for (int i = 1; i < n; i++) {
			if (plug_option(words[i], &cmd->ev) < 0) {
				snprintf(err, errcap, "plug: bad option \"%.40s\"", words[i]);
				return -1;
			}
		}
		return 0;
	}
	if (strcmp(verb, "unplug") == 0 && n == 1) {
		cmd->op = SIMCTL_UNPLUG;
		return 0;
	}
	if (strcmp(verb, "demand") == 0 && n == 2 && on_off(arg, &cmd->on) == 0) {
		cmd->op = SIMCTL_DEMAND;
		return 0;
	}
	if (strcmp(verb, "power") == 0 && n == 2 && on_off(arg, &cmd->on) == 0) {
		cmd->op = SIMCTL_POWER;
		return 0;
	}
	if (strcmp(verb, "tap") == 0 && n == 2) {
		if (strlen(arg) > 20) {
			snprintf(err, errcap, "tap: card uid longer than 20 characters");
			return -1;
		}
		cmd->op = SIMCTL_TAP;
		snprintf(cmd->uid, sizeof(cmd->uid), "%s", arg);
		return 0;
	}
	if (strcmp(verb, "press") == 0 && (n == 1 || (n == 2 && strcmp(arg, "long") == 0))) {
		cmd->op = SIMCTL_PRESS;
		cmd->on = n == 2;
		return 0;
	}
	if (strcmp(verb, "fault") == 0 && n == 3) {
		cmd->fault = evse_sim_fault_parse(arg);
		if (cmd->fault < 0) {
			snprintf(err, errcap, "fault: unknown fault \"%.20s\"", arg);
			return -1;
		}
		if (on_off(words[2], &cmd->on) < 0) {
			snprintf(err, errcap, "fault: expected on or off");
			return -1;
		}
		cmd->op = SIMCTL_FAULT;
		return 0;
	}
	snprintf(err, errcap, "unknown command \"%.40s\"", verb);
	return -1;
}

void evse_simctl_apply(const struct evse_simctl_cmd *cmd, struct evse_sim *sim)
{
	switch (cmd->op) {
	case SIMCTL_PLUG: evse_sim_plug(sim, &cmd->ev); break;
	case SIMCTL_UNPLUG: evse_sim_unplug(sim); break;
	case SIMCTL_DEMAND: evse_sim_ev_demand(sim, cmd->on); break;
	case SIMCTL_TAP: evse_sim_tap(sim, cmd->uid); break;
	case SIMCTL_PRESS: evse_sim_press(sim, cmd->on); break;
	case SIMCTL_FAULT: evse_sim_fault(sim, (enum evse_sim_fault)cmd->fault, cmd->on); break;
	case SIMCTL_POWER: evse_sim_power(sim, cmd->on); break;
	}
}
