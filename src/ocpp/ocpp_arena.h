/* ocpp_arena.h — a bump allocator for decoded messages: many small allocations, one release.
 * Memory handed out is zeroed, 8-byte aligned and lives until ocpp_arena_release(). */
#ifndef OCPP_ARENA_H
#define OCPP_ARENA_H

#include <stddef.h>

struct ocpp_arena_chunk;

struct ocpp_arena {
	struct ocpp_arena_chunk *head; /* newest chunk first */
	size_t total;                  /* bytes allocated from the system, for limits */
};

void ocpp_arena_init(struct ocpp_arena *a);
/* Returns zeroed memory owned by the arena, or NULL when out of memory. */
void *ocpp_arena_alloc(struct ocpp_arena *a, size_t size);
/* Copies len bytes of s plus a NUL into the arena. */
char *ocpp_arena_strndup(struct ocpp_arena *a, const char *s, size_t len);
/* Frees every chunk; the arena is empty and reusable afterwards. */
void ocpp_arena_release(struct ocpp_arena *a);

#endif
