/* evse_hal.h — the hardware layer of one charging point: every sensor and actuator the charging logic
 * touches, as a table of functions over an opaque backend (the simulator today, a board driver later).
 * The logic never reads a clock or a device directly: it calls these and is fed time by its owner. */
#ifndef EVSE_HAL_H
#define EVSE_HAL_H

#include <stdbool.h>
#include <stddef.h>

/* Control pilot states of IEC 61851-1 (the EV side of the pilot circuit, read at the +V plateau). */
enum evse_cp {
	EVSE_CP_A,       /* +12 V: no EV */
	EVSE_CP_B,       /* +9 V: EV connected, not ready */
	EVSE_CP_C,       /* +6 V: EV ready, no ventilation needed */
	EVSE_CP_D,       /* +3 V: EV ready, ventilation needed */
	EVSE_CP_E,       /* 0 V: pilot shorted to PE, or EVSE without supply */
	EVSE_CP_F,       /* -12 V: EVSE not available */
	EVSE_CP_INVALID, /* a voltage inside no band, or the EV diode missing */
};
#define EVSE_CP_COUNT 7

/* PWM duty that the EVSE drives: 100 % is a steady +12 V (state x1: no current offered), 0 % a steady
 * -12 V (state F), anything between 5 and 97 % is an offer (IEC 61851-1 table A.7, 5 % = digital). */
#define EVSE_DUTY_OFF  100.0
#define EVSE_DUTY_STOP 0.0

#define EVSE_PHASES 3

/* The internal meter, per phase (index 0 = L1). energy_wh is the register, monotonic. */
struct evse_meter {
	double voltage_v[EVSE_PHASES];
	double current_a[EVSE_PHASES];
	double power_w[EVSE_PHASES];
	double frequency_hz;
	double energy_wh;
};

struct evse_temps {
	double relay_c;
	double plug_c; /* socket outlet or tethered plug holder */
	double ambient_c;
};

struct evse_leakage {
	double dc_ma;     /* DC residual current (6 mA RDC-DD) */
	bool rcd_tripped; /* the AC residual current device */
};

/* Contactor feedback bits: relay 1 switches L1+L2, relay 2 switches L3+N (display codes R12 / R3N). */
#define EVSE_RELAY_12 0x1u
#define EVSE_RELAY_3N 0x2u

enum evse_led_color { EVSE_LED_OFF, EVSE_LED_WHITE, EVSE_LED_GREEN, EVSE_LED_BLUE, EVSE_LED_RED };
enum evse_led_blink { EVSE_BLINK_NONE, EVSE_BLINK_SLOW, EVSE_BLINK_FAST };

struct evse_led {
	enum evse_led_color color;
	enum evse_led_blink blink;
};

/* The lights of 003 §7.1: the belt all around, the four AREA2 indicators, the RFID corner lights. */
struct evse_leds {
	struct evse_led belt;
	struct evse_led wifi;
	struct evse_led plug;
	struct evse_led charging;
	struct evse_led fault;
	bool rfid_corners;
};

/* Every call is non-blocking and cheap: the backend caches readings and refreshes them itself. */
struct evse_hal_ops {
	/* The pilot state and the measured plateau voltage. */
	enum evse_cp (*cp_read)(void *hw, double *volts);
	void (*cp_set_duty)(void *hw, double duty_pct);
	/* Proximity pilot: the cable's current capacity in A (13, 20, 32, 63); 0 = no cable or an
	 * unreliable reading. Tethered stations (case C) report their fixed cable. */
	int (*pp_read)(void *hw);
	void (*contactor_set)(void *hw, bool closed);
	unsigned (*contactor_feedback)(void *hw); /* EVSE_RELAY_* bits of the relays that are closed */
	void (*lock_set)(void *hw, bool locked);
	bool (*lock_feedback)(void *hw); /* true when the lock reports locked */
	/* Copies a presented card's UID into uid (NUL-terminated, cap bytes) and returns 1; 0 when none. */
	int (*rfid_poll)(void *hw, char *uid, size_t cap);
	/* 0, or a negative value when the meter does not answer (display MET). */
	int (*meter_read)(void *hw, struct evse_meter *m);
	void (*temps_read)(void *hw, struct evse_temps *t);
	void (*leakage_read)(void *hw, struct evse_leakage *l);
	void (*fan_set)(void *hw, bool on);
	bool (*fan_spinning)(void *hw);
	bool (*pe_ok)(void *hw);         /* protective earth continuity */
	bool (*remote_enable)(void *hw); /* the remote enable contact: false blocks charging */
	void (*display_show)(void *hw, const char *text);
	void (*leds_set)(void *hw, const struct evse_leds *leds);
	void (*beep)(void *hw, unsigned count); /* one: card accepted; two: card refused */
	/* Button presses since the last call; *long_press set when one was held for 3 s or more. */
	unsigned (*button_poll)(void *hw, bool *long_press);
};

struct evse_hal {
	const struct evse_hal_ops *ops;
	void *hw;
};

const char *evse_cp_name(enum evse_cp cp); /* "A".."F", "invalid" */

#endif
