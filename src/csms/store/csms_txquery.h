/* csms_txquery.h — the filters of a transaction search (GET /api/v1/transactions and its exports): parsed
 * from query arguments into a struct, then turned into one parameterised FROM ... WHERE clause. Pure: no
 * database, no HTTP (the caller passes a getter for the arguments), so it is unit-tested and fuzzed.
 *
 * Time ranges are in the csms machine's local time (TZ): today from 00:00, the week from Monday 00:00, the
 * month from the 1st 00:00, each up to the same boundary of the next day/week/month. */
#ifndef CSMS_TXQUERY_H
#define CSMS_TXQUERY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CSMS_TXQ_TEXT_MAX 100

enum csms_txq_status { CSMS_TXQ_ANY, CSMS_TXQ_OPEN, CSMS_TXQ_CLOSED };

struct csms_txq {
	int64_t from, to;                  /* start_ts in [from, to), ms since the epoch */
	char q[CSMS_TXQ_TEXT_MAX * 4 + 1]; /* socket name text: station name or id, socket description ("" none) */
	char station[49];                  /* station id ("" any) */
	int connector;                     /* 0: any */
	char id_tag[21];                   /* normalised card ("" any) */
	int64_t user;                      /* charge user id (0 any) */
	int64_t view, group;               /* socket view and group (0 any); group needs view */
	bool group_unassigned;             /* set by the caller: group is its view's "Unassigned sockets" */
	enum csms_txq_status status;
};

/* Gives the value of query argument name into out (NUL-terminated); false when absent. */
typedef bool csms_txq_get_fn(void *ctx, const char *name, char *out, size_t outlen);

/* Fills q from the arguments range | from+to, q, station, connector, idTag, user, view, group, status.
 * Returns 0, or -1 with a message naming the argument in err. */
int csms_txq_parse(struct csms_txq *q, csms_txq_get_fn *get, void *ctx, int64_t now_ms, char *err, size_t errlen);

/* The bounds of "today", "week" (from Monday) or "month" around now_ms, local time. -1: unknown name. */
int csms_txq_range(const char *name, int64_t now_ms, int64_t *from, int64_t *to);

/* "FROM txn t <joins the filters need> WHERE ..." into out, with ? placeholders; the transaction is `t`, its
 * card `c` (id_tag) when joined. The socket-name text matches the station id or name, the socket description or
 * the name "<station name or id> #<n>" of the sockets known (connector rows). -1 when out is too small. */
int csms_txq_from_where(const struct csms_txq *q, char *out, size_t outlen);

/* Binds the placeholders of csms_txq_from_where(): they are numbered ?1..?9 (fixed slots), so the caller's own
 * start at ?CSMS_TXQ_NEXT_PARAM. */
#define CSMS_TXQ_NEXT_PARAM 10
void csms_txq_bind(const struct csms_txq *q, sqlite3_stmt *st);

#endif
