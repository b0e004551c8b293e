/* csms_txexport.c — Excel and CSV exports of transactions, streamed from a cursor (see the header). */
#define _DEFAULT_SOURCE /* struct tm: tm_gmtoff */
#include "csms_txexport.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csms_db.h"
#include "csms_txrow.h"
#include "ocpp_text.h"

static const char *const COLUMNS[] = {"Transaction", "Socket",   "Station",         "Connector",
                                      "Charge user", "Card",     "Terminated by",   "Start",
                                      "End",         "Duration", "Charge duration", "Energy (Wh)"};
#define NCOLS ((int)(sizeof(COLUMNS) / sizeof(COLUMNS[0])))
static const char *const MCOLUMNS[] = {"Time", "Measurand", "Phase", "Location", "Unit", "Value"};
#define NMCOLS ((int)(sizeof(MCOLUMNS) / sizeof(MCOLUMNS[0])))

/* ---- the two writers behind one small interface ---- */

struct out {
	enum csms_txexport_format format;
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date, *dur;
	lxw_row_t row;
	int col;
	bool failed;
};

static void csv_sep(struct out *o)
{
	if (o->col++)
		fputc(',', o->csv);
}

/* RFC 4180 quoting; a cell that a spreadsheet would run as a formula gets a leading ' (OWASP CSV injection). */
static void csv_text(struct out *o, const char *s)
{
	csv_sep(o);
	if (!s)
		return;
	fputc('"', o->csv);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
		fputc('\'', o->csv);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', o->csv);
		fputc(*s, o->csv);
	}
	fputc('"', o->csv);
}

static void cell_text(struct out *o, const char *s)
{
	if (o->format == CSMS_TXEXPORT_CSV) {
		csv_text(o, s);
		return;
	}
	if (s && *s && worksheet_write_string(o->ws, o->row, (lxw_col_t)o->col, s, NULL) != LXW_NO_ERROR)
		o->failed = true;
	o->col++;
}

static void cell_text_bold(struct out *o, const char *s)
{
	if (o->format == CSMS_TXEXPORT_CSV) {
		csv_text(o, s);
		return;
	}
	if (worksheet_write_string(o->ws, o->row, (lxw_col_t)o->col, s, o->bold) != LXW_NO_ERROR)
		o->failed = true;
	o->col++;
}

static void cell_num(struct out *o, double v, bool has)
{
	if (o->format == CSMS_TXEXPORT_CSV) {
		csv_sep(o);
		if (has)
			fprintf(o->csv, "%.15g", v);
		return;
	}
	if (has && worksheet_write_number(o->ws, o->row, (lxw_col_t)o->col, v, NULL) != LXW_NO_ERROR)
		o->failed = true;
	o->col++;
}

/* A time: Excel date in the csms's local time (Excel dates have no zone); CSV: RFC 3339 UTC. */
static void cell_time(struct out *o, int64_t ms, bool has)
{
	if (o->format == CSMS_TXEXPORT_CSV) {
		char t[40];
		csv_sep(o);
		if (has) {
			ocpp_time_format(ms, t, sizeof(t));
			fputs(t, o->csv);
		}
		return;
	}
	if (has) {
		time_t s = (time_t)(ms / 1000);
		struct tm tm;
		long off = localtime_r(&s, &tm) ? tm.tm_gmtoff : 0;
		if (worksheet_write_unixtime(o->ws, o->row, (lxw_col_t)o->col, (int64_t)s + off, o->date) !=
		    LXW_NO_ERROR)
			o->failed = true;
	}
	o->col++;
}

/* A duration: Excel [h]:mm:ss; CSV: seconds. */
static void cell_duration(struct out *o, int64_t ms, bool has)
{
	if (o->format == CSMS_TXEXPORT_CSV) {
		cell_num(o, (double)(ms / 1000), has);
		return;
	}
	if (has && worksheet_write_number(o->ws, o->row, (lxw_col_t)o->col, (double)(ms / 1000) / 86400.0, o->dur) !=
	               LXW_NO_ERROR)
		o->failed = true;
	o->col++;
}

static void end_row(struct out *o)
{
	if (o->format == CSMS_TXEXPORT_CSV)
		fputs("\r\n", o->csv);
	o->row++;
	o->col = 0;
}

static int open_out(struct out *o, const struct csms_txexport *x, const char *sheet)
{
	memset(o, 0, sizeof(*o));
	o->format = x->format;
	if (x->format == CSMS_TXEXPORT_CSV) {
		o->csv = fopen(x->path, "wbx");
		return o->csv ? 0 : -1;
	}
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)x->tmpdir, .use_zip64 = LXW_TRUE};
	if (!(o->wb = workbook_new_opt(x->path, &opt)) || !(o->ws = workbook_add_worksheet(o->wb, sheet)))
		return -1;
	o->bold = workbook_add_format(o->wb);
	format_set_bold(o->bold);
	o->date = workbook_add_format(o->wb);
	format_set_num_format(o->date, "yyyy-mm-dd hh:mm:ss");
	o->dur = workbook_add_format(o->wb);
	format_set_num_format(o->dur, "[h]:mm:ss");
	return 0;
}

static void header(struct out *o, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		cell_text_bold(o, names[i]);
	end_row(o);
	if (o->format == CSMS_TXEXPORT_XLSX) {
		worksheet_freeze_panes(o->ws, 1, 0);
		for (int i = 0; i < n; i++)
			worksheet_set_column(o->ws, (lxw_col_t)i, (lxw_col_t)i, i == 1 || i == 4 || i == 6 ? 28 : 18,
			                     NULL);
	}
}

static int close_out(struct out *o)
{
	int rc = o->failed ? -1 : 0;
	if (o->csv && (fclose(o->csv) != 0 || rc < 0))
		rc = -1;
	if (o->wb && workbook_close(o->wb) != LXW_NO_ERROR)
		rc = -1;
	o->csv = NULL;
	o->wb = NULL;
	return rc;
}

static void tx_cells(struct out *o, const struct csms_txrow *row)
{
	char by[120];
	csms_txrow_terminated_by(row, by, sizeof(by));
	cell_num(o, (double)row->id, true);
	cell_text(o, row->socket);
	cell_text(o, row->station);
	cell_num(o, row->connector, true);
	cell_text(o, row->user);
	cell_text(o, row->id_tag);
	cell_text(o, by);
	cell_time(o, row->start, true);
	cell_time(o, row->stop, !row->open);
	cell_duration(o, row->duration_ms, true);
	cell_duration(o, row->charge_ms, row->has_charge);
	cell_num(o, (double)row->energy_wh, row->has_energy);
	end_row(o);
}

/* ---- a search: every matching row, then a total row ---- */

struct search_ctx {
	const struct csms_txexport *x;
	struct out *o;
	long long *rows, energy;
	char *err;
	size_t errlen;
};

static int export_row(const struct csms_txrow *row, void *ctx)
{
	struct search_ctx *c = ctx;
	if (*c->rows >= CSMS_TXEXPORT_MAX_ROWS) {
		snprintf(c->err, c->errlen, "more than %ld transactions: narrow the search", CSMS_TXEXPORT_MAX_ROWS);
		return -1;
	}
	if ((*c->rows & 1023) == 0 && c->x->cancelled && *c->x->cancelled) {
		snprintf(c->err, c->errlen, "cancelled");
		return -1;
	}
	tx_cells(c->o, row);
	if (row->has_energy && !row->open && row->energy_wh > 0)
		c->energy += row->energy_wh;
	(*c->rows)++;
	return 0;
}

static int write_search(sqlite3 *db, const struct csms_txexport *x, struct out *o, long long *rows, char *err,
                        size_t errlen)
{
	struct search_ctx c = {x, o, rows, 0, err, errlen};
	header(o, COLUMNS, NCOLS);
	if (csms_txrow_search(db, x->q, x->order, -1, 0, x->now_ms, export_row, &c, err, errlen) != 0)
		return -1;
	long long energy = c.energy;
	/* the total row: the number of transactions and the sum of energy (a formula with its value) */
	cell_text_bold(o, "Total");
	cell_num(o, (double)*rows, true);
	for (int i = 2; i < NCOLS - 1; i++)
		cell_text(o, NULL);
	if (o->format == CSMS_TXEXPORT_XLSX && *rows > 0) {
		char f[64];
		snprintf(f, sizeof(f), "=SUM(L2:L%lld)", *rows + 1);
		if (worksheet_write_formula_num(o->ws, o->row, NCOLS - 1, f, o->bold, (double)energy) != LXW_NO_ERROR)
			o->failed = true;
		o->col++;
	} else {
		cell_num(o, (double)energy, true);
	}
	end_row(o);
	return 0;
}

/* ---- one transaction: its row, then its measurements (one sample per row) ---- */

static void measurement_rows(struct out *o, int64_t ts, const char *sampled)
{
	cJSON *arr = cJSON_Parse(sampled);
	const cJSON *v;
	cJSON_ArrayForEach(v, arr)
	{
		const char *f[5];
		static const char *const names[] = {"measurand", "phase", "location", "unit", "value"};
		for (int i = 0; i < 5; i++) {
			const cJSON *it = cJSON_GetObjectItemCaseSensitive(v, names[i]);
			f[i] = cJSON_IsString(it) ? it->valuestring : NULL;
		}
		char *end = NULL;
		double d = f[4] ? strtod(f[4], &end) : 0;
		cell_time(o, ts, true);
		cell_text(o, f[0] ? f[0] : "Energy.Active.Import.Register");
		cell_text(o, f[1]);
		cell_text(o, f[2]);
		cell_text(o, f[3] ? f[3] : (!f[0] || strncmp(f[0], "Energy", 6) == 0 ? "Wh" : NULL));
		if (f[4] && end && !*end && *f[4])
			cell_num(o, d, true);
		else
			cell_text(o, f[4]);
		end_row(o);
	}
	cJSON_Delete(arr);
}

struct one_ctx {
	struct out *o;
	long long *rows;
};

static int one_row(const struct csms_txrow *row, const struct csms_txrow_more *m, void *ctx)
{
	struct one_ctx *c = ctx;
	(void)m;
	header(c->o, COLUMNS, NCOLS);
	tx_cells(c->o, row);
	*c->rows = 1;
	return 0;
}

static int one_sample(int64_t ts, const char *sampled, void *ctx)
{
	struct out *o = ctx;
	if (o->row >= CSMS_TXEXPORT_MAX_ROWS)
		return 1;
	measurement_rows(o, ts, sampled);
	return 0;
}

static int write_one(sqlite3 *db, const struct csms_txexport *x, struct out *o, long long *rows, char *err,
                     size_t errlen)
{
	struct one_ctx c = {o, rows};
	int rc = csms_txrow_one(db, x->one_id, x->now_ms, false, one_row, &c, err, errlen);
	if (rc == CSMS_DB_MISSING)
		return CSMS_TXEXPORT_MISSING;
	if (rc < 0)
		return -1;
	if (o->format == CSMS_TXEXPORT_CSV) {
		end_row(o);
	} else if (!(o->ws = workbook_add_worksheet(o->wb, "Measurements"))) {
		snprintf(err, errlen, "cannot add the measurements sheet");
		return -1;
	} else {
		o->row = 0;
	}
	header(o, MCOLUMNS, NMCOLS);
	return csms_txrow_samples(db, x->one_id, -1, one_sample, o, err, errlen) < 0 ? -1 : 0;
}

int csms_txexport_write(sqlite3 *db, const struct csms_txexport *x, long long *rows, char *err, size_t errlen)
{
	struct out o;
	*rows = 0;
	if (!db) {
		snprintf(err, errlen, "the worker has no database connection");
		return -1;
	}
	if (open_out(&o, x, x->one_id ? "Transaction" : "Transactions") < 0) {
		snprintf(err, errlen, "cannot create %s", x->path);
		close_out(&o);
		unlink(x->path);
		return -1;
	}
	/* one read transaction: the rows and their meter values come from the same snapshot */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	int rc = x->one_id ? write_one(db, x, &o, rows, err, errlen) : write_search(db, x, &o, rows, err, errlen);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (close_out(&o) < 0 && rc == 0) {
		snprintf(err, errlen, "cannot write %s", x->path);
		rc = -1;
	}
	if (rc < 0)
		unlink(x->path);
	return rc;
}
