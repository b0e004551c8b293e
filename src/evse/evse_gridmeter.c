/* evse_gridmeter.c — register maps of the grid meter: the known models as tables, the custom map parser,
 * and the decoding of register words. */
#include "evse_gridmeter.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const quantity_names[] = {
#define X(id, name) name,
    EVSE_GM_QUANTITIES(X)
#undef X
};

static const struct {
	const char *name;
	unsigned words;
} types[] = {
#define X(id, name, regs) {name, regs},
    EVSE_GM_TYPES(X)
#undef X
};

/* Eastron SDM120 / SDM630 (Modbus protocol documents): input registers, IEEE 754 float, high word first;
 * power is signed (+ import, − export), energies in kWh. */
#define SDM(q, a)                                                                                                      \
	{                                                                                                              \
		EVSE_GM_##q, a, EVSE_GM_F32, 1.0, false, EVSE_GM_INPUT                                                 \
	}
#define SDM_KWH(q, a)                                                                                                  \
	{                                                                                                              \
		EVSE_GM_##q, a, EVSE_GM_F32, 1000.0, false, EVSE_GM_INPUT                                              \
	}

static const struct evse_gm_map models[] = {
    {"sdm120",
     5,
     {SDM(V1, 0x0000), SDM(I1, 0x0006), SDM(P1, 0x000C), SDM_KWH(IMPORT, 0x0048), SDM_KWH(EXPORT, 0x004A)}},
    {"sdm630",
     11,
     {SDM(V1, 0x0000), SDM(V2, 0x0002), SDM(V3, 0x0004), SDM(I1, 0x0006), SDM(I2, 0x0008), SDM(I3, 0x000A),
      SDM(P1, 0x000C), SDM(P2, 0x000E), SDM(P3, 0x0010), SDM_KWH(IMPORT, 0x0048), SDM_KWH(EXPORT, 0x004A)}},
};
#define N_MODELS (sizeof(models) / sizeof(models[0]))

const struct evse_gm_map *evse_gm_model(const char *name)
{
	for (size_t i = 0; i < N_MODELS; i++)
		if (strcasecmp(name, models[i].name) == 0)
			return &models[i];
	return NULL;
}

const char *evse_gm_model_names(void)
{
	return "sdm120, sdm630, custom";
}

unsigned evse_gm_reg_words(const struct evse_gm_reg *r)
{
	return (unsigned)r->type < EVSE_GM_TYPE_COUNT ? types[r->type].words : 2;
}

static int lookup(const char *const *names, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], s, len) == 0)
			return (int)i;
	return -1;
}

/* One entry "q@addr[:type[:scale[:order[:table]]]]" (len bytes, no separators inside). */
static int parse_entry(struct evse_gm_reg *r, const char *s, size_t len, char *why, size_t whycap)
{
	char buf[96];
	char *field[6];
	size_t nf = 0;

	if (len >= sizeof(buf)) {
		snprintf(why, whycap, "too long");
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *at = strchr(buf, '@');
	if (!at) {
		snprintf(why, whycap, "no '@' between quantity and address");
		return -1;
	}
	*at = '\0';
	int q = lookup(quantity_names, EVSE_GM_QUANTITY_COUNT, buf, strlen(buf));
	if (q < 0) {
		snprintf(why, whycap, "unknown quantity");
		return -1;
	}
	for (char *p = at + 1; nf < 6;) {
		field[nf++] = p;
		char *c = strchr(p, ':');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	if (nf > 5) {
		snprintf(why, whycap, "too many fields");
		return -1;
	}
	*r = (struct evse_gm_reg){(enum evse_gm_quantity)q, 0, EVSE_GM_F32, 1.0, false, EVSE_GM_INPUT};

	char *end;
	errno = 0;
	unsigned long addr = strtoul(field[0], &end, 0);
	if (errno || end == field[0] || *end || field[0][0] == '-' || addr > 65534) {
		snprintf(why, whycap, "bad address");
		return -1;
	}
	r->addr = (uint16_t)addr;
	if (nf > 1) {
		static const char *const type_names[] = {"f32", "i32", "u32", "i16", "u16"};
		int t = lookup(type_names, EVSE_GM_TYPE_COUNT, field[1], strlen(field[1]));
		if (t < 0) {
			snprintf(why, whycap, "type is not f32, i32, u32, i16 or u16");
			return -1;
		}
		r->type = (enum evse_gm_type)t;
	}
	if (nf > 2) {
		errno = 0;
		double sc = strtod(field[2], &end);
		if (errno || end == field[2] || *end || !isfinite(sc) || sc == 0.0 || fabs(sc) > 1e6 ||
		    fabs(sc) < 1e-6) {
			snprintf(why, whycap, "bad scale");
			return -1;
		}
		r->scale = sc;
	}
	if (nf > 3) {
		if (strcasecmp(field[3], "hl") == 0) {
			r->low_first = false;
		} else if (strcasecmp(field[3], "lh") == 0) {
			r->low_first = true;
		} else {
			snprintf(why, whycap, "word order is not hl or lh");
			return -1;
		}
	}
	if (nf > 4) {
		if (strcasecmp(field[4], "in") == 0) {
			r->table = EVSE_GM_INPUT;
		} else if (strcasecmp(field[4], "hold") == 0) {
			r->table = EVSE_GM_HOLDING;
		} else {
			snprintf(why, whycap, "table is not in or hold");
			return -1;
		}
	}
	return 0;
}

int evse_gm_map_parse(struct evse_gm_map *m, const char *text, size_t len, char *err, size_t errcap)
{
	size_t i = 0;
	int entry = 0;

	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "custom");
	if (len > EVSE_GM_MAP_TEXT) {
		snprintf(err, errcap, "meter map: %zu characters, at most %d", len, EVSE_GM_MAP_TEXT);
		return -1;
	}
	while (i < len) {
		while (i < len && (text[i] == ' ' || text[i] == ',' || text[i] == '\t'))
			i++;
		if (i >= len)
			break;
		size_t start = i;
		while (i < len && text[i] != ' ' && text[i] != ',' && text[i] != '\t')
			i++;
		entry++;
		char why[64];
		struct evse_gm_reg r;
		if (m->n >= EVSE_GM_MAX_REGS) {
			snprintf(err, errcap, "meter map: more than %d entries", EVSE_GM_MAX_REGS);
			return -1;
		}
		if (parse_entry(&r, text + start, i - start, why, sizeof(why)) < 0) {
			snprintf(err, errcap, "meter map: entry %d \"%.*s\": %s", entry,
			         (int)(i - start > 40 ? 40 : i - start), text + start, why);
			return -1;
		}
		for (size_t k = 0; k < m->n; k++) {
			if (m->regs[k].q == r.q) {
				snprintf(err, errcap, "meter map: entry %d: %s given twice", entry,
				         quantity_names[r.q]);
				return -1;
			}
		}
		m->regs[m->n++] = r;
	}
	if (m->n == 0) {
		snprintf(err, errcap, "meter map: empty");
		return -1;
	}
	return 0;
}

int evse_gm_map_check(const struct evse_gm_map *m, int phases, char *err, size_t errcap)
{
	for (int p = 0; p < phases && p < 3; p++) {
		enum evse_gm_quantity need[2] = {(enum evse_gm_quantity)(EVSE_GM_I1 + p),
		                                 (enum evse_gm_quantity)(EVSE_GM_P1 + p)};
		for (int k = 0; k < 2; k++) {
			bool found = false;
			for (size_t i = 0; i < m->n; i++)
				found = found || m->regs[i].q == need[k];
			if (!found) {
				snprintf(err, errcap, "meter map \"%s\": no %s for a %d-phase station", m->name,
				         quantity_names[need[k]], phases);
				return -1;
			}
		}
	}
	return 0;
}

double evse_gm_decode(const struct evse_gm_reg *r, const uint16_t w[2])
{
	uint32_t hi = r->low_first ? w[1] : w[0], lo = r->low_first ? w[0] : w[1];
	uint32_t u32 = hi << 16 | lo;
	double v;

	switch (r->type) {
	case EVSE_GM_F32: {
		float f;
		memcpy(&f, &u32, sizeof(f));
		v = (double)f;
		break;
	}
	case EVSE_GM_I32: v = (double)(int32_t)u32; break;
	case EVSE_GM_U32: v = (double)u32; break;
	case EVSE_GM_I16: v = (double)(int16_t)w[0]; break;
	default: v = (double)w[0]; break;
	}
	return v * r->scale;
}

void evse_gm_fill(const struct evse_gm_map *m, const uint16_t (*words)[2], struct evse_dpm_reading *r, double *imp_wh,
                  double *exp_wh)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < m->n; i++) {
		const struct evse_gm_reg *g = &m->regs[i];
		double v = evse_gm_decode(g, words[i]);
		switch (g->q) {
		case EVSE_GM_V1:
		case EVSE_GM_V2:
		case EVSE_GM_V3: r->volts[g->q - EVSE_GM_V1] = v; break;
		case EVSE_GM_I1:
		case EVSE_GM_I2:
		case EVSE_GM_I3: r->amps[g->q - EVSE_GM_I1] = v; break;
		case EVSE_GM_P1:
		case EVSE_GM_P2:
		case EVSE_GM_P3: r->watts[g->q - EVSE_GM_P1] = v; break;
		case EVSE_GM_IMPORT:
			if (imp_wh)
				*imp_wh = v;
			break;
		case EVSE_GM_EXPORT:
			if (exp_wh)
				*exp_wh = v;
			break;
		case EVSE_GM_PV:
			r->has_pv = true;
			r->pv_w = v;
			break;
		default: break;
		}
	}
}
