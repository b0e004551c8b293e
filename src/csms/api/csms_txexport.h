/* csms_txexport.h — transaction exports written on the background worker: the rows of a search (or one
 * transaction with its measurements) streamed from a SQLite cursor into a real Excel file (libxlsxwriter in
 * constant_memory mode: one row in memory at a time) or into CSV. */
#ifndef CSMS_TXEXPORT_H
#define CSMS_TXEXPORT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "csms_txquery.h"

enum csms_txexport_format { CSMS_TXEXPORT_XLSX, CSMS_TXEXPORT_CSV };

#define CSMS_TXEXPORT_MISSING  (-2)     /* one_id: no such transaction */
#define CSMS_TXEXPORT_MAX_ROWS 1048000L /* an Excel sheet holds 1,048,576 rows */

struct csms_txexport {
	enum csms_txexport_format format;
	const struct csms_txq *q; /* the search (list export) */
	const char *order;        /* its ORDER BY (from the sort whitelist, with a tie-break) */
	int64_t one_id;           /* > 0: this transaction and its measurements instead */
	const char *path;         /* the file to write */
	const char *tmpdir;       /* libxlsxwriter's temporary files */
	int64_t now_ms;
	const bool *cancelled; /* polled: stop early when the asker has left */
};

/* Returns 0 (rows written in *rows), CSMS_TXEXPORT_MISSING, or -1 with a message in err. The file is removed
 * on failure. */
int csms_txexport_write(sqlite3 *db, const struct csms_txexport *x, long long *rows, char *err, size_t errlen);

#endif
