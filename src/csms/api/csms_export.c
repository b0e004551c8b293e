/* csms_export.c — a statement's rows into a CSV or .xlsx file, streamed (see csms_export.h). */
#include "csms_export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <sodium.h>

#include "csms_cards.h"
#include "ocpp_text.h"

static const struct {
	const char *name, *ctype, *ext;
} formats[] = {
    [CSMS_EXPORT_CSV] = {"csv", "text/csv; charset=utf-8", "csv"},
    [CSMS_EXPORT_XLSX] = {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
};

int csms_export_format_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(name, formats[i].name) == 0)
			return (int)i;
	return -1;
}

const char *csms_export_content_type(enum csms_export_format f)
{
	return formats[f].ctype;
}

const char *csms_export_extension(enum csms_export_format f)
{
	return formats[f].ext;
}

int csms_export_path(const char *data_dir, const char *stem, enum csms_export_format f, char *out, size_t outlen)
{
	char dir[300];
	unsigned char rnd[8];
	char hex[17];
	if ((size_t)snprintf(dir, sizeof(dir), "%s/exports", data_dir) >= sizeof(dir))
		return -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	return (size_t)snprintf(out, outlen, "%s/%s-%s.%s", dir, stem, hex, formats[f].ext) < outlen ? 0 : -1;
}

/* The text of one cell as CSV shows it. */
static const char *cell_text(sqlite3_stmt *st, int i, enum csms_export_type type, char *buf, size_t buflen)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return "";
	switch (type) {
	case CSMS_EXPORT_TIME: ocpp_time_format(sqlite3_column_int64(st, i), buf, buflen); return buf;
	case CSMS_EXPORT_BOOL: return sqlite3_column_int(st, i) ? "yes" : "no";
	case CSMS_EXPORT_INT: snprintf(buf, buflen, "%lld", (long long)sqlite3_column_int64(st, i)); return buf;
	default: return (const char *)sqlite3_column_text(st, i);
	}
}

static long write_csv(sqlite3_stmt *st, const struct csms_export_col *cols, size_t ncols, FILE *f,
                      const volatile bool *cancelled, char *err, size_t errlen)
{
	enum { LINE_MAX_BYTES = 64 * 1024 };
	char *line = malloc(LINE_MAX_BYTES);
	char cell[48];
	long rows = 0;
	size_t pos = 0;
	int rc;
	if (!line) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			line[pos++] = ',';
		csms_cards_csv_field(cols[i].header, line, LINE_MAX_BYTES, &pos);
	}
	fprintf(f, "%s\r\n", line);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cancelled && *cancelled) {
			snprintf(err, errlen, "cancelled");
			rows = -1;
			goto out;
		}
		pos = 0;
		line[0] = '\0';
		for (size_t i = 0; i < ncols; i++) {
			if (i && pos + 1 < LINE_MAX_BYTES)
				line[pos++] = ',';
			if (!csms_cards_csv_field(cell_text(st, (int)i, cols[i].type, cell, sizeof(cell)), line,
			                          LINE_MAX_BYTES, &pos)) {
				snprintf(err, errlen, "row %ld is longer than %d bytes", rows + 1, LINE_MAX_BYTES);
				rows = -1;
				goto out;
			}
		}
		if (fprintf(f, "%s\r\n", line) < 0) {
			snprintf(err, errlen, "cannot write: %s", strerror(errno));
			rows = -1;
			goto out;
		}
		rows++;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "cannot read: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
		rows = -1;
	}
out:
	free(line);
	return rows;
}

static long write_xlsx(sqlite3_stmt *st, const struct csms_export_col *cols, size_t ncols, const char *path,
                       const char *sheet, const volatile bool *cancelled, char *err, size_t errlen)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	long rows = 0;
	int rc;
	if (!wb) {
		snprintf(err, errlen, "cannot create the workbook");
		return -1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	lxw_format *bold = workbook_add_format(wb), *when = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_num_format(when, "yyyy-mm-dd hh:mm:ss");
	for (size_t i = 0; i < ncols; i++) {
		worksheet_write_string(ws, 0, (lxw_col_t)i, cols[i].header, bold);
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, cols[i].type == CSMS_EXPORT_TIME ? 20 : 16, NULL);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lxw_row_t row = (lxw_row_t)(rows + 1);
		if (cancelled && *cancelled) {
			snprintf(err, errlen, "cancelled");
			rows = -1;
			break;
		}
		if (row >= LXW_ROW_MAX) {
			snprintf(err, errlen, "more than %u rows: an Excel sheet cannot hold them", LXW_ROW_MAX - 1);
			rows = -1;
			break;
		}
		for (size_t i = 0; i < ncols; i++) {
			lxw_col_t c = (lxw_col_t)i;
			if (sqlite3_column_type(st, (int)i) == SQLITE_NULL)
				continue;
			switch (cols[i].type) {
			case CSMS_EXPORT_INT:
				worksheet_write_number(ws, row, c, (double)sqlite3_column_int64(st, (int)i), NULL);
				break;
			case CSMS_EXPORT_TIME: {
				/* Excel serial date: days since 1899-12-30, UTC */
				double days = (double)sqlite3_column_int64(st, (int)i) / 86400000.0 + 25569.0;
				worksheet_write_number(ws, row, c, days, when);
				break;
			}
			case CSMS_EXPORT_BOOL:
				worksheet_write_boolean(ws, row, c, sqlite3_column_int(st, (int)i), NULL);
				break;
			default:
				/* a string cell: text such as "=1+1" stays text, never a formula */
				worksheet_write_string(ws, row, c, (const char *)sqlite3_column_text(st, (int)i), NULL);
			}
		}
		rows++;
	}
	if (rows >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		snprintf(err, errlen, "cannot read: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
		rows = -1;
	}
	lxw_error e = workbook_close(wb);
	if (rows >= 0 && e != LXW_NO_ERROR) {
		snprintf(err, errlen, "cannot write the workbook: %s", lxw_strerror(e));
		rows = -1;
	}
	return rows;
}

long csms_export_write(sqlite3_stmt *st, const struct csms_export_col *cols, size_t ncols, enum csms_export_format f,
                       const char *path, const char *sheet, const volatile bool *cancelled, char *err, size_t errlen)
{
	long rows;
	if (f == CSMS_EXPORT_XLSX) {
		rows = write_xlsx(st, cols, ncols, path, sheet, cancelled, err, errlen);
	} else {
		FILE *out = fopen(path, "wx");
		if (!out) {
			snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
			return -1;
		}
		rows = write_csv(st, cols, ncols, out, cancelled, err, errlen);
		if (fclose(out) != 0 && rows >= 0) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			rows = -1;
		}
	}
	if (rows < 0)
		unlink(path);
	return rows;
}
