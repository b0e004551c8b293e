/* fuzz_txquery.c — libFuzzer target: the transaction search filters (csms_txquery.c) and the measurement parser
 * (csms_meter.c). Input: byte 0 even -> query arguments "name=value&name=value..." parsed; when accepted, the
 * SQL built from them must prepare and run against the real schema in memory. Byte 0 odd -> the rest is a
 * stored sampledValue array: series, energy register (fast scanner == cJSON) and charge duration. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_meter.h"
#include "csms_schema.h"
#include "csms_txquery.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[200];
	(void)argc;
	(void)argv;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || csms_schema_migrate(db, err, sizeof(err)) < 0 ||
	    sqlite3_exec(db,
	                 "INSERT INTO station (id, name, created) VALUES ('A', 'x', 0);"
	                 "INSERT INTO txn (station_id, connector_id, id_tag, start_ts, meter_start, start_status, "
	                 "received_start) VALUES ('A', 1, 'T', 5, 0, 'Accepted', 0);",
	                 NULL, NULL, NULL) != SQLITE_OK)
		abort();
	return 0;
}

static bool get(void *ctx, const char *name, char *out, size_t outlen)
{
	const char *s = ctx;
	size_t n = strlen(name);
	while (s && *s) {
		const char *amp = strchr(s, '&');
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		if (len > n && strncmp(s, name, n) == 0 && s[n] == '=') {
			size_t v = len - n - 1;
			if (v >= outlen)
				v = outlen - 1; /* as lws: truncated to the buffer */
			memcpy(out, s + n + 1, v);
			out[v] = '\0';
			return true;
		}
		s = amp ? amp + 1 : NULL;
	}
	return false;
}

static void fuzz_query(const char *text)
{
	struct csms_txq q;
	char err[200], where[1600], sql[2000];
	sqlite3_stmt *st;
	if (csms_txq_parse(&q, get, (void *)text, 1763683200000LL, err, sizeof(err)) < 0) {
		if (!strchr(err, ':'))
			abort(); /* every refusal names its field */
		return;
	}
	if (q.to <= q.from)
		abort();
	q.group_unassigned = q.group & 1;
	if (csms_txq_from_where(&q, where, sizeof(where)) < 0)
		abort();
	snprintf(sql, sizeof(sql), "SELECT count(*) %s", where);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		abort();
	csms_txq_bind(&q, st);
	if (sqlite3_step(st) != SQLITE_ROW)
		abort();
	sqlite3_finalize(st);
}

static void fuzz_meter(const char *text)
{
	struct csms_meter_set *set = csms_meter_set_new();
	struct csms_meter_charge c = {0};
	double wh;
	if (!set)
		return;
	csms_meter_set_add(set, 1000, text);
	csms_meter_set_add(set, 2000, text);
	cJSON_Delete(csms_meter_set_json(set));
	csms_meter_set_free(set);
	/* the fast scanner of the csms's own shape must agree with cJSON */
	double slow = 0;
	bool a = csms_meter_energy_wh(text, &wh), b = csms_meter__energy_slow(text, &slow);
	if (a != b || (a && wh != slow && !(wh != wh && slow != slow)))
		abort();
	csms_meter_charge_add(&c, 0, text);
	csms_meter_charge_add(&c, 1000, text);
	if (c.charge_ms < 0 || c.charge_ms > 1000)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (data[0] & 1)
		fuzz_meter(buf);
	else
		fuzz_query(buf);
	free(buf);
	return 0;
}
