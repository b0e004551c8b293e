/* csms_firmware_db.h — the owner of the firmware table: the firmware files uploaded to the csms (the
 * files themselves are in <data>/firmware/), with their size and MD5.
 * Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_FIRMWARE_DB_H
#define CSMS_FIRMWARE_DB_H

#include "csms_db.h"

struct csms_firmware {
	const char *name, *md5; /* valid during the callback only */
	int64_t size, uploaded;
};
typedef int csms_firmware_db_each_fn(const struct csms_firmware *f, void *ctx);

/* Records an upload (a file of the same name is replaced). Writer connection. */
int csms_firmware_db_put(sqlite3 *db, const char *name, int64_t size, const char *md5, int64_t now);
/* Every file by name. */
int csms_firmware_db_list(sqlite3 *db, csms_firmware_db_each_fn *each, void *ctx);
/* The MD5 of a file into out: 0, CSMS_DB_MISSING. */
int csms_firmware_db_md5(sqlite3 *db, const char *name, char *out, size_t cap);

#endif
