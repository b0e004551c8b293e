/* evse_gridmeter.h — the external grid meter of dynamic power management as data: register maps (one row per
 * quantity: address, register table, type, scale, word order) of the known models (Eastron SDM120, SDM630)
 * and the installer's "custom" map from the config file, and the decoding of register words into a
 * reading. Pure: the Modbus I/O is evse_gridmeter_io.c. */
#ifndef EVSE_GRIDMETER_H
#define EVSE_GRIDMETER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_dpm.h"

/* X(id, name in a custom map) */
#define EVSE_GM_QUANTITIES(X)                                                                                          \
	X(V1, "v1")                                                                                                    \
	X(V2, "v2")                                                                                                    \
	X(V3, "v3")                                                                                                    \
	X(I1, "i1")                                                                                                    \
	X(I2, "i2")                                                                                                    \
	X(I3, "i3")                                                                                                    \
	X(P1, "p1")                                                                                                    \
	X(P2, "p2")                                                                                                    \
	X(P3, "p3")                                                                                                    \
	X(IMPORT, "imp") /* imported energy, Wh after scaling */                                                       \
	X(EXPORT, "exp") /* exported energy, Wh after scaling */                                                       \
	X(PV, "pv")      /* production, W (a hybrid inverter or a PV meter on the same address) */

enum evse_gm_quantity {
#define X(id, name) EVSE_GM_##id,
	EVSE_GM_QUANTITIES(X)
#undef X
	    EVSE_GM_QUANTITY_COUNT
};

/* X(id, name, registers) */
#define EVSE_GM_TYPES(X)                                                                                               \
	X(F32, "f32", 2)                                                                                               \
	X(I32, "i32", 2)                                                                                               \
	X(U32, "u32", 2)                                                                                               \
	X(I16, "i16", 1)                                                                                               \
	X(U16, "u16", 1)

enum evse_gm_type {
#define X(id, name, regs) EVSE_GM_##id,
	EVSE_GM_TYPES(X)
#undef X
	    EVSE_GM_TYPE_COUNT
};

enum evse_gm_table { EVSE_GM_INPUT, EVSE_GM_HOLDING }; /* Modbus function 04 / 03 */

struct evse_gm_reg {
	enum evse_gm_quantity q;
	uint16_t addr; /* register address, 0-based as on the wire */
	enum evse_gm_type type;
	double scale;   /* raw value × scale = V, A, W or Wh */
	bool low_first; /* 32-bit values: the low word comes first */
	enum evse_gm_table table;
};

#define EVSE_GM_MAX_REGS 16
#define EVSE_GM_MAP_TEXT 512 /* the longest custom map text */

struct evse_gm_map {
	char name[16];
	size_t n;
	struct evse_gm_reg regs[EVSE_GM_MAX_REGS];
};

/* The map of a known model ("sdm120", "sdm630", any case), or NULL. */
const struct evse_gm_map *evse_gm_model(const char *name);
/* The known models' names, comma-separated, for messages and help. */
const char *evse_gm_model_names(void);

/* Parses a custom map: entries "quantity@address[:type[:scale[:order[:table]]]]" separated by spaces or
 * commas, e.g. "i1@6:f32 p1@12:f32 imp@72:f32:1000". type f32 (default), i32, u32, i16, u16; order hl (high
 * word first, default) or lh; table in (input registers, default) or hold. At most 16 entries, each quantity
 * once. 0, or -1 with the reason in err ("entry 2 \"i1@x\": bad address"). */
int evse_gm_map_parse(struct evse_gm_map *m, const char *text, size_t len, char *err, size_t errcap);

/* Checks that the map gives current and power of each of the station's phases: 0 or -1 with err. */
int evse_gm_map_check(const struct evse_gm_map *m, int phases, char *err, size_t errcap);

/* Number of registers a row spans (1 or 2). */
unsigned evse_gm_reg_words(const struct evse_gm_reg *r);

/* The value of one row from its words (w[0] first on the wire). */
double evse_gm_decode(const struct evse_gm_reg *r, const uint16_t w[2]);

/* A reading from the words of every row (words[i] for m->regs[i]); voltages missing from the map are
 * left 0 (the control then uses the nominal voltage), energies go to imp_wh / exp_wh when not NULL. */
void evse_gm_fill(const struct evse_gm_map *m, const uint16_t (*words)[2], struct evse_dpm_reading *r, double *imp_wh,
                  double *exp_wh);

#endif
