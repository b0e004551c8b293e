/* fuzz_maint.c — libFuzzer target: what operators reach in the maintenance area before any file is
 * touched — a backup name from the URL (csms_backup_name_is_valid: a valid one must be a plain file name
 * in the backups folder, never a path) — and the live hub's framing of arbitrary event text.
 * Input: byte 0 picks the target; the rest is the name or the event's JSON text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_backup.h"
#include "csms_live.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_name(const char *name)
{
	if (!csms_backup_name_is_valid(name))
		return;
	size_t n = strlen(name);
	if (n >= CSMS_BACKUP_NAME_MAX || strchr(name, '/') || strstr(name, "..") || name[0] == '.' ||
	    strncmp(name, "csms-", 5) != 0 || strcmp(name + n - 3, ".db") != 0)
		abort(); /* a name we accept must stay inside the backups folder */
}

static void fuzz_live(const char *json)
{
	struct csms_live *hub = csms_live_new(NULL);
	struct csms_live_client *c = csms_live_attach(hub, NULL, "fuzz", NULL);
	const char *out;
	csms_live_publish(hub, "socket", json);
	csms_live_ping(hub);
	size_t n = csms_live_pending(c, &out);
	if (n > CSMS_LIVE_QUEUE_BYTES)
		abort();
	csms_live_consume(c, n / 2);
	csms_live_free(hub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		fuzz_live(text);
	else
		fuzz_name(text);
	free(text);
	return 0;
}
