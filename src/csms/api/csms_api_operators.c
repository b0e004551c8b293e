/* csms_api_operators.c — operators: list, create within the role limits of the MMS manual (an
 * Administrator creates any role, a Local Manager only Local Managers, a Maintenance Technician none),
 * edit, delete, reset a password; the optional confirmation e-mail. */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_mail.h"
#include "csms_operator.h"
#include "csms_operator_db.h"
#include "wl_clock.h"
#include "wl_log.h"

static void add_text(cJSON *o, const char *name, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static int operator_row(const struct csms_operator_row *op, void *out)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)op->id);
	add_text(o, "username", op->username);
	add_text(o, "name", op->name);
	add_text(o, "surname", op->surname);
	add_text(o, "email", op->email);
	add_text(o, "phone", op->phone);
	add_text(o, "language", op->language);
	add_text(o, "role", op->role);
	csms_api_add_ms(o, "created", op->created);
	csms_api_add_ms(o, "updated", op->updated);
	csms_api_add_ms(o, "lastLogin", op->last_login);
	cJSON_AddBoolToObject(o, "mustChangePassword", op->must_change_password);
	*(cJSON **)out = o;
	return 0;
}

/* The operator as JSON (read connection), NULL if there is none. */
static cJSON *operator_json(struct csms *app, int64_t id)
{
	cJSON *o = NULL;
	csms_operator_db_get(app->rdb, id, operator_row, &o);
	return o;
}

/* May who manage an operator of this role? (create, edit, delete, reset) */
static bool may_manage(const struct csms_principal *who, unsigned target_role)
{
	if (who->role == CSMS_ROLE_ADMIN)
		return true;
	return who->role == CSMS_ROLE_MANAGER && target_role == CSMS_ROLE_MANAGER;
}

/* The role of an operator (read connection): 0 when there is no such operator (answered 404). */
static unsigned target_role(struct csms_http_req *r, int64_t id)
{
	char name[32];
	unsigned role = csms_operator_db_role(r->app->rdb, id, name, sizeof(name)) == 0 ? csms_role_parse(name) : 0;
	if (!role)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such operator");
	return role;
}

static bool refuse_role(struct csms_http_req *r, unsigned role)
{
	if (may_manage(&r->who, role))
		return false;
	char msg[200];
	snprintf(msg, sizeof(msg), "a %s may not manage a %s", csms_role_name(r->who.role), csms_role_name(role));
	csms_http_fail(r, CSMS_ERR_FORBIDDEN, "%s", msg);
	return true;
}

/* ---- list, get ---- */

/* Which operators who may read: an Administrator all, a Local Manager only Local Managers (the ones they
 * may manage). NULL: all, else the one role. */
static const char *readable_role(const struct csms_principal *who)
{
	return who->role == CSMS_ROLE_ADMIN ? NULL : csms_role_name(CSMS_ROLE_MANAGER);
}

static int add_operator(const struct csms_operator_row *op, void *items)
{
	cJSON *o;
	operator_row(op, &o);
	cJSON_AddItemToArray(items, o);
	return 0;
}

static void get_operators(struct csms_http_req *r)
{
	struct csms_api_page pg;
	long long total;
	if (csms_api_paging(r, csms_operator_db_sorts, "username", &pg) < 0)
		return;
	struct csms_db_page dp = {pg.limit, pg.offset, pg.order};
	cJSON *items = cJSON_CreateArray();
	if (csms_operator_db_list(r->app->rdb, readable_role(&r->who), &dp, add_operator, items, &total) < 0) {
		cJSON_Delete(items);
		csms_api_db_error(r);
		return;
	}
	csms_http_respond_json(r, 200, csms_api_list_reply(items, total, &pg));
}

static void get_operator(struct csms_http_req *r)
{
	int64_t id;
	unsigned role;
	/* a Local Manager reads only Local Managers, as for editing */
	if (!csms_api_id_param(r, 0, "an operator id", &id) || !(role = target_role(r, id)) || refuse_role(r, role))
		return;
	cJSON *o = operator_json(r->app, id);
	if (!o)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such operator");
	else
		csms_http_respond_json(r, 200, o);
}

/* ---- create ---- */

struct create_job {
	struct csms_api_bg base;
	bool first_admin;
	char f[8][256]; /* username, name, surname, email, phone, language, role, password */
	char hash[CSMS_OPERATOR_HASH_LEN];
};
enum { F_USER, F_NAME, F_SURNAME, F_EMAIL, F_PHONE, F_LANG, F_ROLE, F_PW };

static int exec_hash(struct csms_bg_job *bg, sqlite3 *db)
{
	struct create_job *j = (struct create_job *)bg;
	(void)db;
	int rc = csms_operator_hash(j->f[F_PW], j->hash);
	sodium_memzero(j->f[F_PW], sizeof(j->f[F_PW]));
	return rc;
}

static int exec_insert(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	struct create_job *c = j->data;
	struct csms_operator_new o = {c->f[F_USER],  c->f[F_NAME], c->f[F_SURNAME], c->f[F_EMAIL],
	                              c->f[F_PHONE], c->f[F_LANG], c->f[F_ROLE],    c->hash};
	return csms_api_db_rc(
	    csms_operator_db_insert(csms_store_db(st), &o, c->first_admin, (int64_t)wl_wall_ms(), &j->out_id));
}

struct mail_job {
	struct csms_bg_job bg;
	struct csms_config cfg;
	char to[256], subject[200], text[1200];
};

static int exec_mail(struct csms_bg_job *bg, sqlite3 *db)
{
	struct mail_job *m = (struct mail_job *)bg;
	char err[200];
	(void)db;
	if (csms_mail_send(&m->cfg, m->to, m->subject, m->text, err, sizeof(err)) < 0) {
		WL_WARN("mail", "confirmation to %s not sent: %s (the account exists all the same)", m->to, err);
		return -1;
	}
	WL_INFO("mail", "confirmation sent to %s", m->to);
	return 0;
}

static void done_mail(struct csms_bg_job *bg)
{
	free(bg);
}

static bool queue_confirmation(struct csms *app, const struct create_job *c)
{
	if (!csms_mail_is_configured(&app->cfg))
		return false;
	struct mail_job *m = calloc(1, sizeof(*m));
	if (!m)
		return false;
	m->cfg = app->cfg;
	bool it = strcmp(c->f[F_LANG], "it") == 0;
	snprintf(m->to, sizeof(m->to), "%s", c->f[F_EMAIL]);
	snprintf(m->subject, sizeof(m->subject), "%s", it ? "Wattline: account creato" : "Wattline: your account");
	snprintf(m->text, sizeof(m->text),
	         it ? "Gentile %s %s,\n\nè stato creato il suo account Wattline \"%s\" (ruolo %s).\n%s%s\n"
	            : "Dear %s %s,\n\nyour Wattline account \"%s\" (role %s) has been created.\n%s%s\n",
	         c->f[F_NAME], c->f[F_SURNAME], c->f[F_USER], c->f[F_ROLE],
	         app->cfg.public_url[0] ? (it ? "Accesso: " : "Log in at: ") : "", app->cfg.public_url);
	m->bg.exec = exec_mail;
	m->bg.done = done_mail;
	csms_bg_submit(app->bg, &m->bg);
	return true;
}

static void after_insert(struct csms_api_job *j)
{
	struct create_job *c = j->data;
	struct csms *app = j->req ? j->req->app : NULL;
	if (!app)
		return;
	if (c->first_admin) {
		csms_setup_code_burn(app);
		WL_INFO("auth", "first Administrator \"%s\" created: the setup code is no longer valid", c->f[F_USER]);
	} else {
		WL_INFO("auth", "operator \"%s\" (%s) created by \"%s\"", c->f[F_USER], c->f[F_ROLE],
		        j->req->who.username);
	}
	cJSON_Delete(j->reply);
	j->reply = operator_json(app, j->out_id);
	if (j->reply)
		cJSON_AddBoolToObject(j->reply, "emailQueued", queue_confirmation(app, c));
}

static void done_hash(struct csms_bg_job *bg)
{
	struct create_job *c = (struct create_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&c->base);
	if (!r) {
		free(c);
		return;
	}
	if (bg->rc < 0) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "cannot hash the password");
		free(c);
		return;
	}
	struct csms_api_job *j = csms_api_job(r, exec_insert, 201, NULL);
	if (!j) {
		free(c);
		return;
	}
	j->data = c;
	j->after = after_insert;
	j->conflict = c->first_admin ? CSMS_ERR_ALREADY_SET_UP : CSMS_ERR_EXISTS;
	j->conflict_msg = c->first_admin ? "the first Administrator exists: log in" : "this username is taken";
	csms_store_submit(r->app->store, &j->job);
}

static bool username_ok(const char *u)
{
	size_t n = strlen(u);
	if (n < 3 || n > 64)
		return false;
	for (; *u; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') || *u == '.' ||
		      *u == '_' || *u == '-' || *u == '@'))
			return false;
	return true;
}

void csms_api_operator_create(struct csms_http_req *r, cJSON *body, bool first_admin)
{
	static const char *const names[] = {"username", "name",     "surname", "email",
	                                    "phone",    "language", "role",    "password"};
	static const size_t max[] = {64, 100, 100, 254, 40, 7, 32, CSMS_OPERATOR_PW_MAX};
	static const bool required[] = {true, true, true, true, false, false, true, true};
	const char *v[8];
	bool bad = false;
	char why[120];
	for (int i = 0; i < 8; i++)
		v[i] = csms_api_str(r, body, names[i], required[i] && !(first_admin && i == F_ROLE), max[i], &bad);
	if (bad)
		return;
	unsigned role = first_admin ? CSMS_ROLE_ADMIN : csms_role_parse(v[F_ROLE]);
	if (!username_ok(v[F_USER])) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "username: 3..64 of A-Z a-z 0-9 . _ - @");
	} else if (!strchr(v[F_EMAIL], '@')) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "email: is not an e-mail address");
	} else if (v[F_LANG] && !csms_language_is_valid(v[F_LANG])) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "language: must be one of en, it");
	} else if (!role) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD,
		               "role: must be administrator, local_manager or maintenance_technician");
	} else if (!first_admin && refuse_role(r, role)) {
		/* answered */
	} else if (!csms_operator_password_ok(v[F_PW], v[F_USER], why, sizeof(why))) {
		csms_http_fail(r, CSMS_ERR_WEAK_PASSWORD, "%s", why);
	} else {
		struct create_job *c = calloc(1, sizeof(*c));
		if (!c) {
			csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
			return;
		}
		c->first_admin = first_admin;
		for (int i = 0; i < 8; i++)
			snprintf(c->f[i], sizeof(c->f[i]), "%s", v[i] ? v[i] : "");
		snprintf(c->f[F_ROLE], sizeof(c->f[F_ROLE]), "%s", csms_role_name(role));
		if (!c->f[F_LANG][0])
			snprintf(c->f[F_LANG], sizeof(c->f[F_LANG]), "en");
		csms_api_bg_submit(r, &c->base, exec_hash, done_hash);
	}
}

static void post_operator(struct csms_http_req *r)
{
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	csms_api_operator_create(r, body, false);
	cJSON_Delete(body);
}

/* ---- edit ---- */

/* An edit (text: NULL unchanged) or a delete of operator id. */
struct operator_job {
	struct csms_api_job base;
	int64_t id;
	const char *text[CSMS_OPERATOR_NTEXT];
	char buf[CSMS_OPERATOR_NTEXT][1017]; /* 254 characters of UTF-8 at most */
};

static int exec_update(struct csms_store *st, struct csms_job *job)
{
	struct operator_job *j = (struct operator_job *)job;
	return csms_api_db_rc(csms_operator_db_update(csms_store_db(st), j->id, j->text, (int64_t)wl_wall_ms()));
}

static void after_update(struct csms_api_job *job)
{
	if (!job->req)
		return;
	cJSON_Delete(job->reply);
	job->reply = operator_json(job->req->app, ((struct operator_job *)job)->id);
}

static void put_operator(struct csms_http_req *r)
{
	static const char *const names[] = {"name", "surname", "email", "phone", "language", "role"};
	static const size_t max[] = {100, 100, 254, 40, 7, 32};
	const char *v[6];
	bool bad = false;
	int64_t id;
	unsigned role;
	if (!csms_api_id_param(r, 0, "an operator id", &id) || !(role = target_role(r, id)) || refuse_role(r, role))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	for (int i = 0; i < 6; i++)
		v[i] = csms_api_str(r, body, names[i], false, max[i], &bad);
	unsigned new_role = v[5] ? csms_role_parse(v[5]) : role;
	if (bad) {
	} else if (v[2] && !strchr(v[2], '@')) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "email: is not an e-mail address");
	} else if (v[4] && !csms_language_is_valid(v[4])) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "language: must be one of en, it");
	} else if (!new_role) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD,
		               "role: must be administrator, local_manager or maintenance_technician");
	} else if (!refuse_role(r, new_role)) {
		struct operator_job *j = csms_api_job_sized(r, sizeof(*j), exec_update, 200, NULL);
		if (j) {
			for (int i = 0; i < 6; i++) /* the fields are in the order of enum csms_operator_text */
				if (v[i]) {
					snprintf(j->buf[i], sizeof(j->buf[i]), "%s",
					         i == CSMS_OPERATOR_ROLE ? csms_role_name(new_role) : v[i]);
					j->text[i] = j->buf[i];
				}
			j->id = id;
			j->base.after = after_update;
			j->base.missing_msg = "no such operator";
			j->base.conflict = CSMS_ERR_LAST_ADMINISTRATOR;
			j->base.conflict_msg = "the last Administrator cannot lose the role";
			csms_store_submit(r->app->store, &j->base.job);
		}
	}
	cJSON_Delete(body);
}

/* ---- delete ---- */

static int exec_delete(struct csms_store *st, struct csms_job *job)
{
	struct operator_job *j = (struct operator_job *)job;
	return csms_api_db_rc(csms_operator_db_delete(csms_store_db(st), j->id));
}

static void delete_operator(struct csms_http_req *r)
{
	int64_t id;
	unsigned role;
	if (!csms_api_id_param(r, 0, "an operator id", &id) || !(role = target_role(r, id)) || refuse_role(r, role))
		return;
	if (id == r->who.operator_id) {
		csms_http_fail(r, CSMS_ERR_SELF, "an operator cannot delete their own account");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct operator_job *j = csms_api_job_sized(r, sizeof(*j), exec_delete, 200, o);
	if (j) {
		j->id = id;
		j->base.conflict = CSMS_ERR_LAST_ADMINISTRATOR;
		j->base.conflict_msg = "the last Administrator cannot be deleted";
		csms_store_submit(r->app->store, &j->base.job);
	}
}

/* ---- reset a password: a given one, or a generated one shown once; it must be changed at next login ---- */

/* A reset: the new hash is the create job's (data). */
struct reset_job {
	struct csms_api_job base;
	int64_t id;
};

static int exec_reset(struct csms_store *st, struct csms_job *job)
{
	struct reset_job *j = (struct reset_job *)job;
	struct create_job *c = j->base.data;
	int rc = csms_operator_db_set_password(csms_store_db(st), j->id, c->hash, true, (int64_t)wl_wall_ms());
	if (rc < 0)
		return csms_api_db_rc(rc);
	return csms_operator_end_credentials(st, j->id, NULL); /* their sessions and API tokens end */
}

static void done_reset_hash(struct csms_bg_job *bg)
{
	struct create_job *c = (struct create_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&c->base);
	if (!r || bg->rc < 0) {
		if (r)
			csms_http_fail(r, CSMS_ERR_INTERNAL, "cannot hash the password");
		free(c);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	if (c->f[F_NAME][0]) /* generated: shown once */
		cJSON_AddStringToObject(o, "temporaryPassword", c->f[F_NAME]);
	cJSON_AddBoolToObject(o, "mustChangePassword", 1);
	sodium_memzero(c->f[F_NAME], sizeof(c->f[F_NAME]));
	struct reset_job *j = csms_api_job_sized(r, sizeof(*j), exec_reset, 200, o);
	if (!j) {
		free(c);
		return;
	}
	j->base.data = c;
	j->id = c->base.bg.rc == 0 ? strtoll(c->f[F_USER], NULL, 10) : 0;
	j->base.missing_msg = "no such operator";
	csms_store_submit(r->app->store, &j->base.job);
}

static void post_reset(struct csms_http_req *r)
{
	int64_t id;
	unsigned role;
	bool bad = false;
	char why[120];
	if (!csms_api_id_param(r, 0, "an operator id", &id) || !(role = target_role(r, id)) || refuse_role(r, role))
		return;
	cJSON *body = r->body ? csms_api_body(r) : cJSON_CreateObject();
	if (!body)
		return;
	const char *pw = csms_api_str(r, body, "password", false, CSMS_OPERATOR_PW_MAX, &bad);
	if (!bad && pw && !csms_operator_password_ok(pw, NULL, why, sizeof(why))) {
		csms_http_fail(r, CSMS_ERR_WEAK_PASSWORD, "%s", why);
		bad = true;
	}
	if (!bad) {
		struct create_job *c = calloc(1, sizeof(*c));
		if (!c) {
			csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		} else {
			snprintf(c->f[F_USER], sizeof(c->f[F_USER]), "%lld", (long long)id);
			if (pw) {
				snprintf(c->f[F_PW], sizeof(c->f[F_PW]), "%s", pw);
			} else {
				unsigned char raw[12];
				randombytes_buf(raw, sizeof(raw));
				sodium_bin2base64(c->f[F_NAME], sizeof(c->f[F_NAME]), raw, sizeof(raw),
				                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
				snprintf(c->f[F_PW], sizeof(c->f[F_PW]), "%s", c->f[F_NAME]);
			}
			csms_api_bg_submit(r, &c->base, exec_hash, done_reset_hash);
		}
	}
	cJSON_Delete(body);
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/operators", CSMS_ROLE_AM, 0, get_operators,
     "Operators (paged, sortable); a Local Manager sees Local Managers only"},
    {CSMS_HTTP_POST, "api/v1/operators", CSMS_ROLE_AM, 0, post_operator,
     "Create an operator (a Local Manager creates only Local Managers); optional confirmation e-mail"},
    {CSMS_HTTP_GET, "api/v1/operators/{id}", CSMS_ROLE_AM, 0, get_operator,
     "One operator (a Local Manager: Local Managers only)"},
    {CSMS_HTTP_PUT, "api/v1/operators/{id}", CSMS_ROLE_AM, 0, put_operator, "Edit an operator"},
    {CSMS_HTTP_DELETE, "api/v1/operators/{id}", CSMS_ROLE_AM, 0, delete_operator, "Delete an operator"},
    {CSMS_HTTP_POST, "api/v1/operators/{id}/password", CSMS_ROLE_AM, 0, post_reset,
     "Reset an operator's password (given, or generated and shown once); ends their sessions and API tokens"},
};
CSMS_ROUTE_TABLE(csms_routes_operators, "operators", routes);
