/* csms_export.h — writes the rows of a prepared statement to a CSV or Excel (.xlsx, libxlsxwriter in
 * constant-memory mode) file, row by row, so an export never holds its table in memory. Runs on the
 * background worker (csms_bg.h); the file goes to <data>/exports/ and is served, then removed.
 *
 * Ownership: the caller owns the statement (finalized by the caller) and the file. */
#ifndef CSMS_EXPORT_H
#define CSMS_EXPORT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

enum csms_export_type {
	CSMS_EXPORT_TEXT, /* the column as text, NULL as empty */
	CSMS_EXPORT_INT,  /* an integer, NULL as empty */
	CSMS_EXPORT_TIME, /* ms since the epoch: RFC 3339 in CSV, a date-time cell in Excel */
	CSMS_EXPORT_BOOL, /* 0/1 as "no"/"yes" */
};

struct csms_export_col {
	const char *header;
	enum csms_export_type type;
};

enum csms_export_format { CSMS_EXPORT_CSV, CSMS_EXPORT_XLSX };

/* "csv" | "xlsx" -> format; -1 when unknown. */
int csms_export_format_parse(const char *name);
const char *csms_export_content_type(enum csms_export_format f);
const char *csms_export_extension(enum csms_export_format f);

/* A new file name under <data_dir>/exports/ (the folder is made if missing): <stem>-<random>.<ext>. */
int csms_export_path(const char *data_dir, const char *stem, enum csms_export_format f, char *out, size_t outlen);

/* Steps st to the end, writing the header and one line per row (column i of the row is cols[i]). Returns
 * the number of rows, or -1 with a message in err (the file is then removed). cancelled, if set, is polled
 * between rows: the export stops when the asker has left. */
long csms_export_write(sqlite3_stmt *st, const struct csms_export_col *cols, size_t ncols, enum csms_export_format f,
                       const char *path, const char *sheet, const volatile bool *cancelled, char *err, size_t errlen);

#endif
