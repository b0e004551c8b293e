/* csms_registry.c — a chained hash table of stations keyed by chargeBoxId (FNV-1a), grown by doubling. */
#include "csms_registry.h"

#include <stdlib.h>
#include <string.h>

struct csms_registry {
	struct csms_station **buckets;
	size_t n_buckets;
	size_t count;
};

static const char *const state_names[] = {"pending", "accepted", "rejected"};

const char *csms_station_state_name(enum csms_station_state state)
{
	return (unsigned)state < 3 ? state_names[state] : "?";
}

int csms_station_state_parse(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

bool csms_station_id_is_valid(const char *id)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++, n++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '/' || *p == '?' || *p == '#' || *p == '%')
			return false;
	return n >= 1 && n <= CSMS_ID_MAX;
}

static uint64_t hash_id(const char *id)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	return h;
}

struct csms_registry *csms_registry_new(void)
{
	struct csms_registry *reg = calloc(1, sizeof(*reg));
	if (!reg)
		return NULL;
	reg->n_buckets = 1024;
	reg->buckets = calloc(reg->n_buckets, sizeof(*reg->buckets));
	if (!reg->buckets) {
		free(reg);
		return NULL;
	}
	return reg;
}

void csms_registry_free(struct csms_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n_buckets; i++) {
		struct csms_station *s = reg->buckets[i];
		while (s) {
			struct csms_station *next = s->hnext;
			free(s->password_hash);
			free(s);
			s = next;
		}
	}
	free(reg->buckets);
	free(reg);
}

struct csms_station *csms_registry_find(struct csms_registry *reg, const char *id)
{
	for (struct csms_station *s = reg->buckets[hash_id(id) & (reg->n_buckets - 1)]; s; s = s->hnext)
		if (strcmp(s->id, id) == 0)
			return s;
	return NULL;
}

static void grow(struct csms_registry *reg)
{
	size_t n = reg->n_buckets * 2;
	struct csms_station **b = calloc(n, sizeof(*b));
	if (!b)
		return; /* keep the longer chains */
	for (size_t i = 0; i < reg->n_buckets; i++) {
		struct csms_station *s = reg->buckets[i];
		while (s) {
			struct csms_station *next = s->hnext;
			size_t k = hash_id(s->id) & (n - 1);
			s->hnext = b[k];
			b[k] = s;
			s = next;
		}
	}
	free(reg->buckets);
	reg->buckets = b;
	reg->n_buckets = n;
}

int csms_station_set_password_hash(struct csms_station *s, const char *hash)
{
	char *copy = NULL;
	if (hash && !(copy = strdup(hash)))
		return -1;
	free(s->password_hash);
	s->password_hash = copy;
	return 0;
}

struct csms_station *csms_registry_add(struct csms_registry *reg, const char *id, enum csms_station_state state,
                                       const char *password_hash)
{
	struct csms_station *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	memcpy(s->id, id, strnlen(id, CSMS_ID_MAX));
	s->state = state;
	if (csms_station_set_password_hash(s, password_hash) < 0) {
		free(s);
		return NULL;
	}
	if (reg->count >= reg->n_buckets)
		grow(reg);
	size_t k = hash_id(s->id) & (reg->n_buckets - 1);
	s->hnext = reg->buckets[k];
	reg->buckets[k] = s;
	reg->count++;
	return s;
}

size_t csms_registry_count(const struct csms_registry *reg)
{
	return reg->count;
}

void csms_registry_each(struct csms_registry *reg, void (*fn)(struct csms_station *s, void *ctx), void *ctx)
{
	for (size_t i = 0; i < reg->n_buckets; i++)
		for (struct csms_station *s = reg->buckets[i]; s; s = s->hnext)
			fn(s, ctx);
}
