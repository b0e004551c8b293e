/* csms_sync.c — keeps stations' default local lists in step with the cards, and sends card lists on an
 * operator's request (see csms_sync.h for the rules). */
#include "csms_sync.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csms_card_db.h"
#include "csms_conn.h"
#include "csms_idtag.h"
#include "csms_journal.h"
#include "csms_list_db.h"
#include "csms_ops.h"
#include "csms_station_db.h"
#include "ocpp_text.h"
#include "wl_clock.h"
#include "wl_log.h"

#define BUCKETS        4096
#define DRAIN_PER_TICK 300  /* stations looked at per tick (and per kick) */
#define SWEEP_EVERY_S  60   /* every station looked at again: retries, missed changes */
#define ACTIVATE_EVERY 60   /* cards whose activation date passed become card changes */
#define DIFF_MAX_SPAN  5000 /* further behind than this many changes: a Full list instead */
#define RETRY_MIN_MS   5000
#define RETRY_MAX_MS   300000

struct send;

struct entry {
	struct entry *hnext;
	struct csms_station *st;
	bool queued, unsupported, check_boot;
	bool need_full;
	bool asking;      /* GetConfiguration of its list limits in flight */
	bool asked;       /* asked since it booted (not again, whatever it answered) */
	int64_t too_long; /* the card_change seq at which the list was too long for it (0: none) */
	unsigned failures;
	uint64_t retry_at;   /* monotonic ms: after a failure, looked at again by a sweep from then on */
	uint64_t not_before; /* monotonic ms: a station that just booted waits in the queue until then */
	struct send *cur;    /* the send in flight */
	struct send *next;   /* an operator's send waiting for cur */
};

struct send {
	struct csms *app;
	struct entry *e;
	int64_t list_id; /* 0: the default list */
	char list_name[256];
	int64_t version;                 /* listVersion (default: the card_change.seq it brings the station to) */
	int64_t from_seq;                /* differential: changes after this seq */
	bool diff;                       /* a differential update (else Full) */
	bool first_done;                 /* a Full's first chunk was Accepted: the rest go as Differentials */
	char cursor[CSMS_IDTAG_MAX + 1]; /* keyset: the last id tag sent */
	bool more;
	unsigned chunk;        /* entries per message: ours, or fewer when the station says so */
	csms_sync_sent_fn *cb; /* an operator's send; NULL for the automatic sync */
	void *ctx;
};

struct csms_sync {
	struct entry *buckets[BUCKETS];
	struct entry **queue; /* ring */
	size_t qcap, qhead, qlen;
	int64_t target;          /* the newest card_change.seq seen */
	int64_t activated_until; /* ms: cards activated up to here are already card changes */
	bool resweep;
	unsigned ticks;
	unsigned chunk;
	unsigned started;  /* automatic sends started this tick (at most --list-sync-rate) */
	unsigned inflight; /* automatic sends not yet over (at most 5 x --list-sync-rate) */
};

unsigned csms_sync_chunk_size(long max_frame)
{
	long n = max_frame / 160; /* an entry with expiry and parent is at most ~130 bytes */
	return n < 1 ? 1 : n > 500 ? 500 : (unsigned)n;
}

static int64_t read_target(struct csms *app)
{
	int64_t v = 0;
	return csms_card_db_last_change(app->rdb, &v) < 0 ? -1 : v;
}

static struct csms_sync *sync_of(struct csms *app)
{
	if (!app->sync) {
		struct csms_sync *y = calloc(1, sizeof(*y));
		if (!y)
			return NULL;
		y->chunk = csms_sync_chunk_size(app->cfg.max_frame);
		y->target = read_target(app);
		y->activated_until = (int64_t)wl_wall_ms();
		app->sync = y;
	}
	return app->sync;
}

void csms_sync_free(struct csms_sync *y)
{
	if (!y)
		return;
	for (size_t b = 0; b < BUCKETS; b++) {
		for (struct entry *e = y->buckets[b], *n; e; e = n) {
			n = e->hnext;
			free(e->next); /* its asker was told by the shutdown's cancellations, or is gone */
			free(e);
		}
	}
	free(y->queue);
	free(y);
}

static struct entry *entry_of(struct csms_sync *y, struct csms_station *st)
{
	size_t b = ((uintptr_t)st >> 4) % BUCKETS;
	for (struct entry *e = y->buckets[b]; e; e = e->hnext)
		if (e->st == st)
			return e;
	struct entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->st = st;
	e->hnext = y->buckets[b];
	y->buckets[b] = e;
	return e;
}

bool csms_sync_is_unsupported(struct csms *app, const struct csms_station *st)
{
	struct csms_sync *y = app->sync;
	if (!y)
		return false;
	size_t b = ((uintptr_t)st >> 4) % BUCKETS;
	for (struct entry *e = y->buckets[b]; e; e = e->hnext)
		if (e->st == st)
			return e->unsupported;
	return false;
}

static void enqueue(struct csms_sync *y, struct entry *e)
{
	if (e->queued)
		return;
	if (y->qlen == y->qcap) {
		size_t cap = y->qcap ? y->qcap * 2 : 1024;
		struct entry **q = malloc(cap * sizeof(*q));
		if (!q)
			return;
		for (size_t i = 0; i < y->qlen; i++)
			q[i] = y->queue[(y->qhead + i) % y->qcap];
		free(y->queue);
		y->queue = q;
		y->qcap = cap;
		y->qhead = 0;
	}
	y->queue[(y->qhead + y->qlen++) % y->qcap] = e;
	e->queued = true;
}

static struct entry *dequeue(struct csms_sync *y)
{
	if (!y->qlen)
		return NULL;
	struct entry *e = y->queue[y->qhead];
	y->qhead = (y->qhead + 1) % y->qcap;
	y->qlen--;
	e->queued = false;
	return e;
}

static void push_station(struct csms_station *st, void *ctx)
{
	struct csms_sync *y = ctx;
	if (st->state != CSMS_STATION_ACCEPTED || !csms_station_is_connected(st))
		return;
	struct entry *e = entry_of(y, st);
	if (e)
		enqueue(y, e);
}

/* Every connected, Accepted station into the queue (pointers only: the work is done by drain). */
static void sweep(struct csms *app, struct csms_sync *y)
{
	y->resweep = false;
	csms_registry_each(app->reg, push_station, y);
}

static bool is_online(const struct csms_station *st)
{
	return st->state == CSMS_STATION_ACCEPTED && csms_station_is_connected(st);
}

/* ---- building and sending one chunk ---- */

/* One localAuthorizationList entry and the text it points to (the rows' strings live only during the read). */
struct chunk_entry {
	struct ocpp_authorization_data data;
	struct ocpp_id_tag_info info;
	char id_tag[CSMS_IDTAG_MAX + 1], parent[CSMS_IDTAG_MAX + 1], expiry[40];
};

/* A card as the list holds it: removed (no idTagInfo: the station asks the csms) when deleted or not yet
 * valid, else its state, expiry and parent. */
static void fill_entry(struct chunk_entry *ce, const struct csms_card_entry *e, int64_t now)
{
	static const enum ocpp_authorization_status status[] = {[CSMS_CARD_ACTIVE] = OCPP_AUTHORIZATION_STATUS_ACCEPTED,
	                                                        [CSMS_CARD_BLOCKED] = OCPP_AUTHORIZATION_STATUS_BLOCKED,
	                                                        [CSMS_CARD_EXPIRED] =
	                                                            OCPP_AUTHORIZATION_STATUS_EXPIRED};
	bool has_from = e->valid_from != CSMS_DB_NO_TIME, has_exp = e->expiry != CSMS_DB_NO_TIME;
	enum csms_card_state cs =
	    csms_cards_state(now, has_from, has_from ? e->valid_from : 0, has_exp, has_exp ? e->expiry : 0, e->blocked);

	snprintf(ce->id_tag, sizeof(ce->id_tag), "%s", e->id_tag);
	ce->data.id_tag = ce->id_tag;
	ce->data.id_tag_info = NULL;
	if (!e->exists || cs == CSMS_CARD_NOT_YET_VALID)
		return;
	ce->info = (struct ocpp_id_tag_info){.status = status[cs]};
	if (has_exp) {
		ocpp_time_format(e->expiry, ce->expiry, sizeof(ce->expiry));
		ce->info.expiry_date = ce->expiry;
	}
	if (e->parent_id_tag) {
		snprintf(ce->parent, sizeof(ce->parent), "%s", e->parent_id_tag);
		ce->info.parent_id_tag = ce->parent;
	}
	ce->data.id_tag_info = &ce->info;
}

/* The next chunk of a send: the request and the entries it points to (free with chunk_release). */
struct chunk {
	struct ocpp_send_local_list_req req;
	struct chunk_entry *entries;
	struct ocpp_authorization_data *list;
};

struct chunk_ctx {
	struct send *sd;
	struct chunk *ch;
	unsigned n, chunk;
	int64_t now;
};

static int add_entry(const struct csms_card_entry *e, void *ctx)
{
	struct chunk_ctx *c = ctx;
	if (c->n == c->chunk) { /* the one after the chunk: more to come */
		c->sd->more = true;
		return -1;
	}
	fill_entry(&c->ch->entries[c->n], e, c->now);
	snprintf(c->sd->cursor, sizeof(c->sd->cursor), "%s", e->id_tag);
	c->n++;
	return 0;
}

static void chunk_release(struct chunk *ch)
{
	free(ch->entries);
	free(ch->list);
}

/* Reads the next chunk of a send into ch: 0, or -1 on a read error or out of memory. */
static int build_chunk(struct send *sd, unsigned chunk, struct chunk *ch)
{
	struct csms *app = sd->app;
	int64_t now = (int64_t)wl_wall_ms();
	char after[sizeof(sd->cursor)];
	snprintf(after, sizeof(after), "%s", sd->cursor);
	struct csms_card_entries q = {sd->diff, sd->from_seq, sd->version, sd->list_id, now, after, (long)chunk + 1};
	memset(ch, 0, sizeof(*ch));
	ch->entries = calloc(chunk ? chunk : 1, sizeof(*ch->entries));
	ch->list = calloc(chunk ? chunk : 1, sizeof(*ch->list));
	if (!ch->entries || !ch->list)
		goto fail;
	struct chunk_ctx c = {sd, ch, 0, chunk, now};
	sd->more = false;
	if (csms_card_db_entries(app->rdb, &q, add_entry, &c) < 0 && !sd->more)
		goto fail;
	for (unsigned i = 0; i < c.n; i++)
		ch->list[i] = ch->entries[i].data;
	ch->req = (struct ocpp_send_local_list_req){
	    .list_version = sd->version,
	    .n_local_authorization_list = c.n,
	    .local_authorization_list = ch->list,
	    .update_type = sd->diff || sd->first_done ? OCPP_UPDATE_TYPE_DIFFERENTIAL : OCPP_UPDATE_TYPE_FULL};
	return 0;
fail:
	chunk_release(ch);
	return -1;
}

static void finish(struct send *sd, const char *outcome, const char *detail);
static void on_answer(struct csms_op *op, void *ctx);

static void send_chunk(struct send *sd)
{
	struct csms_op *op;
	struct chunk ch;
	char err[256];
	if (build_chunk(sd, sd->chunk, &ch) < 0) {
		finish(sd, "error", "cannot read the cards");
		return;
	}
	int rc =
	    csms_op_start(sd->app, sd->e->st->id, OCPP_SendLocalList, &ch.req, on_answer, sd, &op, err, sizeof(err));
	chunk_release(&ch);
	if (rc < 0)
		finish(sd, rc == CSMS_OP_E_NOT_CONNECTED || rc == CSMS_OP_E_NO_STATION ? "offline" : "error", err);
}

static const char *answer_status(const struct csms_op *op, char *buf, size_t buflen)
{
	cJSON *o = op->response ? cJSON_Parse(op->response) : NULL;
	cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "status");
	snprintf(buf, buflen, "%s", cJSON_IsString(st) ? st->valuestring : "Failed");
	cJSON_Delete(o);
	return buf;
}

static void on_answer(struct csms_op *op, void *ctx)
{
	struct send *sd = ctx;
	char status[32];
	switch (op->status) {
	case CSMS_OP_RESULT:
		answer_status(op, status, sizeof(status));
		if (strcmp(status, "Accepted") == 0 && sd->more) {
			sd->first_done = true;
			send_chunk(sd);
			return;
		}
		finish(sd, status, "");
		return;
	case CSMS_OP_ERROR:
		if (strcmp(op->error_code, "NotImplemented") == 0 || strcmp(op->error_code, "NotSupported") == 0)
			finish(sd, "NotSupported", op->error);
		else
			finish(sd, "error", op->error);
		return;
	case CSMS_OP_TIMEOUT: finish(sd, "timeout", "no answer from the station"); return;
	default: finish(sd, "offline", "the station disconnected"); return;
	}
}

/* ---- recording an accepted list, then telling the asker ---- */

struct record_job {
	struct csms_job job;
	struct send *sd;
	char outcome[32];
};

static int exec_record(struct csms_store *st, struct csms_job *job)
{
	struct send *sd = ((struct record_job *)job)->sd;
	sqlite3 *db = csms_store_db(st);
	int rc;
	if (sd->list_id)
		rc = csms_station_db_set_named_list(db, sd->e->st->id, sd->list_id, sd->list_name);
	else /* an operator puts the default list back; the automatic sync never overrides a named list */
		rc = csms_station_db_set_default_list(db, sd->e->st->id, sd->version, sd->cb != NULL);
	return rc < 0 ? -1 : 0;
}

static void start_send(struct send *sd);

/* The send is over: the entry is free for the next one. */
static void release(struct send *sd, const char *outcome, const char *detail)
{
	struct entry *e = sd->e;
	struct csms *app = sd->app;
	struct csms_sync *y = app->sync;
	uint64_t now = wl_mono_ms();
	bool accepted = strcmp(outcome, "Accepted") == 0;

	e->cur = NULL;
	if (!sd->cb && y && y->inflight)
		y->inflight--;
	if (accepted) {
		e->failures = 0;
		e->retry_at = 0;
		if (!sd->list_id)
			e->need_full = false;
	} else if (strcmp(outcome, "NotSupported") == 0) {
		if (!e->unsupported)
			WL_WARN("sync",
			        "station \"%s\" does not support local list management: not retried until it boots",
			        e->st->id);
		e->unsupported = true;
	} else {
		unsigned shift = e->failures < 6 ? e->failures : 6;
		uint64_t wait = (uint64_t)RETRY_MIN_MS << shift;
		e->failures++;
		e->retry_at = now + (wait > RETRY_MAX_MS ? RETRY_MAX_MS : wait);
		if (strcmp(outcome, "VersionMismatch") == 0 || strcmp(outcome, "Failed") == 0)
			e->need_full = true;
		WL_INFO("sync", "station \"%s\": %s list v%lld: %s%s%s", e->st->id, sd->diff ? "differential" : "full",
		        (long long)sd->version, outcome, detail[0] ? ": " : "", detail);
	}
	if (sd->cb)
		sd->cb(sd->ctx, e->st, outcome, detail);
	free(sd);
	if (e->next) {
		struct send *n = e->next;
		e->next = NULL;
		start_send(n);
	} else if (y) {
		enqueue(y, e); /* still behind? the drain will see */
	}
}

static void done_record(struct csms_job *job)
{
	struct record_job *j = (struct record_job *)job;
	if (job->rc < 0)
		WL_ERROR("sync", "station \"%s\": cannot record its local list", j->sd->e->st->id);
	release(j->sd, job->rc < 0 ? "error" : j->outcome, job->rc < 0 ? "cannot record the list" : "");
	free(j);
}

static void finish(struct send *sd, const char *outcome, const char *detail)
{
	if (strcmp(outcome, "Accepted") == 0) {
		struct record_job *j = calloc(1, sizeof(*j));
		if (j) {
			j->job.exec = exec_record;
			j->job.done = done_record;
			j->sd = sd;
			snprintf(j->outcome, sizeof(j->outcome), "%s", outcome);
			csms_store_submit(sd->app->store, &j->job);
			return;
		}
		outcome = "error";
		detail = "out of memory";
	}
	release(sd, outcome, detail);
}

static void start_send(struct send *sd)
{
	sd->e->cur = sd;
	if (!is_online(sd->e->st)) {
		finish(sd, "offline", "the station is not connected");
		return;
	}
	WL_DEBUG("sync", "station \"%s\": %s list %lld v%lld", sd->e->st->id, sd->diff ? "differential" : "full",
	         (long long)sd->list_id, (long long)sd->version);
	send_chunk(sd);
}

/* ---- the automatic sync ---- */

/* What the sync knows of a station, from the database. */
static bool read_station_list(struct csms *app, const struct csms_station *st, struct csms_station_list_state *out)
{
	return csms_station_db_list_state(app->rdb, st->id, out) == 0;
}

/* Cards a Full default list holds now. */
static int64_t default_list_length(struct csms *app)
{
	int64_t n = -1;
	return csms_card_db_count_valid(app->rdb, (int64_t)wl_wall_ms(), &n) < 0 ? -1 : n;
}

/* ---- reading a station's list limits (GetConfiguration), kept in the station row ---- */

struct limits_job {
	struct csms_job job;
	struct csms *app;
	struct csms_station *st;
	int64_t list_max, send_max;
};

static int exec_limits(struct csms_store *st, struct csms_job *job)
{
	struct limits_job *l = (struct limits_job *)job;
	return csms_station_db_set_list_limits(csms_store_db(st), l->st->id, l->list_max, l->send_max) < 0 ? -1 : 0;
}

static void done_limits(struct csms_job *job)
{
	struct limits_job *l = (struct limits_job *)job;
	struct csms_sync *y = l->app->sync;
	struct entry *e = y ? entry_of(y, l->st) : NULL;
	if (e) {
		e->asking = false;
		enqueue(y, e); /* now its list, within its limits */
	}
	free(l);
}

static int64_t config_value(cJSON *keys, const char *name)
{
	cJSON *it;
	cJSON_ArrayForEach(it, keys)
	{
		cJSON *k = cJSON_GetObjectItemCaseSensitive(it, "key"),
		      *v = cJSON_GetObjectItemCaseSensitive(it, "value");
		if (cJSON_IsString(k) && strcasecmp(k->valuestring, name) == 0 && cJSON_IsString(v)) {
			char *end;
			long long n = strtoll(v->valuestring, &end, 10);
			return end != v->valuestring && *end == '\0' && n > 0 ? n : 0;
		}
	}
	return 0;
}

static void on_limits(struct csms_op *op, void *ctx)
{
	struct limits_job *l = ctx;
	cJSON *o = op->status == CSMS_OP_RESULT && op->response ? cJSON_Parse(op->response) : NULL;
	cJSON *keys = cJSON_GetObjectItemCaseSensitive(o, "configurationKey");
	l->list_max = config_value(keys, "LocalAuthListMaxLength");
	l->send_max = config_value(keys, "SendLocalListMaxLength");
	cJSON_Delete(o);
	if (op->status == CSMS_OP_RESULT) {
		csms_store_submit(l->app->store, &l->job); /* 0: not reported, not asked again */
		return;
	}
	done_limits(&l->job); /* no answer: asked again after its next boot */
}

static void ask_limits(struct csms *app, struct entry *e)
{
	static const char *keys[] = {"LocalAuthListMaxLength", "SendLocalListMaxLength"};
	static const struct ocpp_get_configuration_req req = {.n_key = 2, .key = keys};
	struct limits_job *l = calloc(1, sizeof(*l));
	struct csms_op *op;
	char err[256];
	if (!l)
		return;
	l->job.exec = exec_limits;
	l->job.done = done_limits;
	l->job.single = true;
	l->app = app;
	l->st = e->st;
	e->asking = e->asked = true;
	if (csms_op_start(app, e->st->id, OCPP_GetConfiguration, &req, on_limits, l, &op, err, sizeof(err)) < 0) {
		e->asking = false;
		free(l);
	}
}

enum verdict { DONE, LATER, STOP };

static enum verdict consider(struct csms *app, struct csms_sync *y, struct entry *e, uint64_t now)
{
	struct csms_station_list_state sl;
	unsigned rate = (unsigned)app->cfg.list_sync_rate;
	if (e->cur || e->asking || e->unsupported || !is_online(e->st))
		return DONE;
	if (e->not_before > now)
		return LATER; /* just booted: its answers and its own messages first */
	if (e->retry_at > now) {
		return DONE; /* the periodic sweep looks again */
	}
	if (e->too_long && e->too_long == y->target)
		return DONE; /* nothing changed since its list was too long for it */
	if (y->started >= rate || y->inflight >= 5 * rate)
		return STOP; /* spread over the next ticks: a reconnect storm must not become a list storm */
	if (!read_station_list(app, e->st, &sl) || !sl.on_default)
		return DONE;
	if (e->check_boot) {
		e->check_boot = false;
		if (sl.seq < y->target)
			e->need_full = true;
	}
	if (sl.seq >= y->target && !e->need_full)
		return DONE;
	if (y->target == 0 && sl.seq == 0)
		return DONE;
	if (!sl.limits_known && !e->asked) {
		y->started++; /* a GetConfiguration first: how long a list it holds, how much a message */
		ask_limits(app, e);
		return DONE;
	}
	bool diff = !e->need_full && sl.seq > 0 && y->target - sl.seq <= DIFF_MAX_SPAN;
	int64_t cards = diff || !sl.list_max ? 0 : default_list_length(app);
	if (cards > sl.list_max) {
		e->too_long = y->target;
		WL_WARN("sync", "station \"%s\": %lld cards, its LocalAuthListMaxLength is %lld: list not sent",
		        e->st->id, (long long)cards, (long long)sl.list_max);
		csms_journal_event(app, e->st->id, "security", -1,
		                   "card list of %lld cards not sent: longer than its LocalAuthListMaxLength (%lld)",
		                   (long long)cards, (long long)sl.list_max);
		return DONE;
	}
	struct send *sd = calloc(1, sizeof(*sd));
	if (!sd)
		return DONE;
	sd->app = app;
	sd->e = e;
	sd->version = y->target > 0 ? y->target : 1;
	sd->from_seq = sl.seq;
	sd->diff = diff;
	sd->chunk = sl.send_max > 0 && sl.send_max < y->chunk ? (unsigned)sl.send_max : y->chunk;
	e->too_long = 0;
	y->started++;
	y->inflight++;
	start_send(sd);
	return DONE;
}

static void drain(struct csms *app, struct csms_sync *y, unsigned budget)
{
	uint64_t now = wl_mono_ms();
	struct entry *e;
	while (budget-- && (e = dequeue(y))) {
		enum verdict v = consider(app, y, e, now);
		if (v != DONE)
			enqueue(y, e);
		if (v == STOP)
			break;
	}
}

/* New card changes? Then every station is looked at (once the previous sweep is through). */
static void notice_changes(struct csms *app, struct csms_sync *y)
{
	int64_t t = read_target(app);
	if (t > y->target) {
		y->target = t;
		if (y->qlen)
			y->resweep = true;
		else
			sweep(app, y);
	}
}

void csms_sync_cards_changed(struct csms *app)
{
	struct csms_sync *y = sync_of(app);
	if (!y)
		return;
	notice_changes(app, y);
	drain(app, y, DRAIN_PER_TICK);
}

void csms_sync_station_ready(struct csms *app, struct csms_station *st)
{
	struct csms_sync *y = sync_of(app);
	struct entry *e = y ? entry_of(y, st) : NULL;
	if (!e)
		return;
	e->unsupported = false; /* new firmware may support it */
	e->check_boot = true;
	e->failures = 0;
	e->retry_at = 0;
	e->not_before = wl_mono_ms() + (uint64_t)app->cfg.list_sync_delay * 1000u;
	e->asked = false;
	e->too_long = 0;
	enqueue(y, e); /* the tick's drain sends it, lazily and rate-limited */
}

/* Cards whose activation date has passed become card changes (the lists left them out until then). */
static int exec_activate(struct csms_store *st, struct csms_job *job)
{
	int64_t *range = (int64_t *)(job + 1);
	return csms_card_db_activate(csms_store_db(st), range[0], range[1]) < 0 ? -1 : 0;
}

static void activate(struct csms *app, struct csms_sync *y)
{
	struct csms_job *job = calloc(1, sizeof(*job) + 2 * sizeof(int64_t));
	if (!job)
		return;
	int64_t *range = (int64_t *)(job + 1);
	range[0] = y->activated_until;
	range[1] = (int64_t)wl_wall_ms();
	y->activated_until = range[1];
	job->exec = exec_activate;
	job->single = true;
	csms_store_submit(app->store, job); /* done NULL: freed by the store; the next tick notices */
}

void csms_sync_tick(struct csms *app)
{
	struct csms_sync *y = sync_of(app);
	if (!y)
		return;
	y->ticks++;
	y->started = 0;
	notice_changes(app, y);
	if (y->ticks % ACTIVATE_EVERY == 0)
		activate(app, y);
	if (!y->qlen && (y->resweep || y->ticks % SWEEP_EVERY_S == 0))
		sweep(app, y);
	drain(app, y, DRAIN_PER_TICK);
}

/* The name and version of the list a send carries. */
static int list_name_version(const struct csms_card_list *l, void *ctx)
{
	struct send *sd = ctx;
	snprintf(sd->list_name, sizeof(sd->list_name), "%s", l->name ? l->name : "");
	sd->version = l->version;
	return 0;
}

int csms_sync_send(struct csms *app, struct csms_station *st, int64_t list_id, csms_sync_sent_fn *cb, void *ctx,
                   char *err, size_t errlen)
{
	struct csms_sync *y = sync_of(app);
	struct entry *e = y ? entry_of(y, st) : NULL;
	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (e->next) {
		snprintf(err, errlen, "another list is waiting to be sent to this station");
		return -1;
	}
	struct send *sd = calloc(1, sizeof(*sd));
	if (!sd) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sd->app = app;
	sd->e = e;
	sd->list_id = list_id;
	sd->cb = cb;
	sd->ctx = ctx;
	struct csms_station_list_state sl;
	sd->chunk = read_station_list(app, st, &sl) && sl.send_max > 0 && sl.send_max < y->chunk ? (unsigned)sl.send_max
	                                                                                         : y->chunk;
	if (list_id) {
		if (csms_list_db_get(app->rdb, list_id, list_name_version, sd) == CSMS_DB_ERROR) {
			free(sd);
			snprintf(err, errlen, "cannot read the card list");
			return -1;
		}
		if (!sd->version) {
			free(sd);
			snprintf(err, errlen, "no such card list");
			return -1;
		}
	} else {
		notice_changes(app, y);
		sd->version = y->target > 0 ? y->target : 1;
	}
	if (e->cur)
		e->next = sd; /* behind the automatic send in flight */
	else
		start_send(sd);
	return 0;
}
