/* evse_display.c — the display rotation and the LED tables of 003 §7.1.2 and §7.1.3. */
#include "evse_display.h"

#include <stdio.h>

#include "evse_protect.h"

enum item { ITEM_VOLT, ITEM_AMP, ITEM_HZ, ITEM_KWH, ITEM_MIN };

/* Idle: voltage and frequency; with a session: the five values of the manual's table, in its order. */
static const enum item idle_rotation[] = {ITEM_VOLT, ITEM_HZ};
static const enum item session_rotation[] = {ITEM_VOLT, ITEM_AMP, ITEM_HZ, ITEM_KWH, ITEM_MIN};

static double max_current(const struct evse_meter *m)
{
	double a = 0.0;
	for (int p = 0; p < EVSE_PHASES; p++)
		if (m->current_a[p] > a)
			a = m->current_a[p];
	return a;
}

static void show_item(const struct evse_display_input *in, enum item it, char *out, size_t cap)
{
	const struct evse_meter *m = in->meter;
	switch (it) {
	case ITEM_VOLT: snprintf(out, cap, "%3.0f.0 V", in->meter_ok ? m->voltage_v[0] : 0.0); break;
	case ITEM_AMP: snprintf(out, cap, "%4.1f A", in->meter_ok ? max_current(m) : 0.0); break;
	case ITEM_HZ: snprintf(out, cap, "%4.1f Hz", in->meter_ok ? m->frequency_hz : 0.0); break;
	case ITEM_KWH: snprintf(out, cap, "%4.1f kWH", in->session_kwh); break;
	case ITEM_MIN: snprintf(out, cap, "%3u Min", (unsigned)(in->session_minutes % 1000u)); break;
	}
}

void evse_display_text(const struct evse_display_input *in, uint64_t now_ms, char *out, size_t cap)
{
	uint64_t slot = now_ms / EVSE_DISPLAY_MS;

	if (in->message) {
		snprintf(out, cap, "%s", in->message);
		return;
	}
	if (in->trips) {
		/* every latched code in turn, in table order */
		int codes[EVSE_PROT_COUNT], n = 0;
		for (int p = 0; p < EVSE_PROT_COUNT; p++)
			if (in->trips >> p & 1u)
				codes[n++] = p;
		snprintf(out, cap, "%s", evse_protect_display((enum evse_protection)codes[slot % (unsigned)n]));
		return;
	}
	if (in->state == EVSE_STATE_SELFTEST) {
		snprintf(out, cap, "8888");
		return;
	}
	if (in->session)
		show_item(in, session_rotation[slot % 5u], out, cap);
	else
		show_item(in, idle_rotation[slot % 2u], out, cap);
}

/* The belt per state (003 §7.1.1 "LED Belt"). */
static const struct evse_led belt[EVSE_STATE_COUNT] = {
    [EVSE_STATE_SELFTEST] = {EVSE_LED_WHITE, EVSE_BLINK_NONE},
    [EVSE_STATE_AVAILABLE] = {EVSE_LED_GREEN, EVSE_BLINK_SLOW},
    [EVSE_STATE_PREPARING] = {EVSE_LED_BLUE, EVSE_BLINK_NONE},
    [EVSE_STATE_CHARGING] = {EVSE_LED_BLUE, EVSE_BLINK_SLOW},
    [EVSE_STATE_SUSPENDED_EV] = {EVSE_LED_BLUE, EVSE_BLINK_FAST},
    [EVSE_STATE_SUSPENDED_EVSE] = {EVSE_LED_BLUE, EVSE_BLINK_FAST},
    /* NEEDSWORK: the manual has no row for a finished session or an unavailable station; the belt
     * shows stand-by (the station is on) and off respectively. */
    [EVSE_STATE_FINISHING] = {EVSE_LED_GREEN, EVSE_BLINK_SLOW},
    /* NEEDSWORK: no row for a reserved connector either; blinking fast green tells it from stand-by */
    [EVSE_STATE_RESERVED] = {EVSE_LED_GREEN, EVSE_BLINK_FAST},
    [EVSE_STATE_UNAVAILABLE] = {EVSE_LED_OFF, EVSE_BLINK_NONE},
    [EVSE_STATE_FAULTED] = {EVSE_LED_RED, EVSE_BLINK_NONE},
};

/* AREA2 "Charging process": steady white charging, blinking white suspended, off otherwise. */
static const struct evse_led charging_led[EVSE_STATE_COUNT] = {
    [EVSE_STATE_CHARGING] = {EVSE_LED_WHITE, EVSE_BLINK_NONE},
    [EVSE_STATE_SUSPENDED_EV] = {EVSE_LED_WHITE, EVSE_BLINK_SLOW},
    [EVSE_STATE_SUSPENDED_EVSE] = {EVSE_LED_WHITE, EVSE_BLINK_SLOW},
};

void evse_display_leds(const struct evse_display_input *in, struct evse_leds *out)
{
	enum evse_state s = (unsigned)in->state < EVSE_STATE_COUNT ? in->state : EVSE_STATE_FAULTED;

	out->belt = in->trips ? belt[EVSE_STATE_FAULTED] : belt[s];
	/* WiFi: AP mode steady blue (standalone); client mode steady green offline, blinking green online */
	if (!in->networked)
		out->wifi = (struct evse_led){EVSE_LED_BLUE, EVSE_BLINK_NONE};
	else
		out->wifi = (struct evse_led){EVSE_LED_GREEN, in->online ? EVSE_BLINK_SLOW : EVSE_BLINK_NONE};
	out->plug = in->ev_connected ? (struct evse_led){EVSE_LED_WHITE, EVSE_BLINK_NONE}
	                             : (struct evse_led){EVSE_LED_OFF, EVSE_BLINK_NONE};
	out->charging = charging_led[s];
	out->fault = in->trips ? (struct evse_led){EVSE_LED_RED, EVSE_BLINK_NONE}
	                       : (struct evse_led){EVSE_LED_OFF, EVSE_BLINK_NONE};
	/* 003 §9: the tap area lights up when the charger is connected to the vehicle */
	out->rfid_corners = in->ev_connected && !in->trips;
}
