/* evse_display.h — what the front shows (003 §7.1): the AREA1 text rotation (V, A, Hz, kWH, Min), error
 * codes and upgrade messages, and the LED belt, AREA2 indicators and RFID corners for a station state.
 * Pure functions of their input and the time. */
#ifndef EVSE_DISPLAY_H
#define EVSE_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_hal.h"
#include "evse_state.h"

#define EVSE_DISPLAY_MS 3000 /* each value of the display rotation stays this long */

struct evse_display_input {
	enum evse_state state;
	bool meter_ok;
	const struct evse_meter *meter;
	bool session; /* a session is running: current, energy and minutes join the rotation */
	double session_kwh;
	uint32_t session_minutes;
	uint32_t trips;      /* latched protections */
	const char *message; /* shown instead of everything else ("100 UP"), or NULL */
	bool ev_connected;
	bool networked; /* an OCPP backend is configured (WiFi client mode) */
	bool online;    /* ... and connected */
};

/* The AREA1 text at now_ms (rotating every EVSE_DISPLAY_MS). */
void evse_display_text(const struct evse_display_input *in, uint64_t now_ms, char *out, size_t cap);
void evse_display_leds(const struct evse_display_input *in, struct evse_leds *out);

#endif
