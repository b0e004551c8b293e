/* ocpp_arena.c — chunked bump allocator; chunks grow so a typical message takes one malloc. */
#include "ocpp_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MIN_CHUNK 2048u

struct ocpp_arena_chunk {
	struct ocpp_arena_chunk *next;
	size_t used;
	size_t size;
	_Alignas(max_align_t) unsigned char data[];
};

void ocpp_arena_init(struct ocpp_arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void *ocpp_arena_alloc(struct ocpp_arena *a, size_t size)
{
	struct ocpp_arena_chunk *c = a->head;
	size_t need = (size + 7u) & ~(size_t)7u;
	void *p;

	if (need < size)
		return NULL;
	if (!c || c->size - c->used < need) {
		size_t sz = need > ARENA_MIN_CHUNK ? need : ARENA_MIN_CHUNK;

		if (c && sz < c->size * 2)
			sz = c->size * 2;
		if (sz > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->size = sz;
		a->head = c;
		a->total += sz;
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

char *ocpp_arena_strndup(struct ocpp_arena *a, const char *s, size_t len)
{
	char *d = ocpp_arena_alloc(a, len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

void ocpp_arena_release(struct ocpp_arena *a)
{
	struct ocpp_arena_chunk *c = a->head;

	while (c) {
		struct ocpp_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	ocpp_arena_init(a);
}
