/* csms_schema.c — the migrations. Timestamps are integer milliseconds since the Unix epoch (UTC). */
#include "csms_schema.h"

#include <stdio.h>

static const char *const migrations[] = {
    /* 1: the first release */
    "CREATE TABLE station ("
    "  id TEXT PRIMARY KEY," /* chargeBoxId */
    "  name TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL DEFAULT 'accepted'," /* pending (to be configured) | accepted | rejected */
    "  password_hash TEXT,"                     /* security profile 1: salt$hash, NULL = none */
    "  vendor TEXT, model TEXT, serial TEXT, box_serial TEXT, firmware TEXT, iccid TEXT, imsi TEXT,"
    "  meter_type TEXT, meter_serial TEXT,"
    "  last_boot INTEGER, last_heartbeat INTEGER, last_connect INTEGER, last_disconnect INTEGER,"
    "  connected INTEGER NOT NULL DEFAULT 0, remote_addr TEXT,"
    "  firmware_status TEXT, diagnostics_status TEXT,"
    "  local_list_version INTEGER NOT NULL DEFAULT 0, local_list_name TEXT,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE connector ("
    "  station_id TEXT NOT NULL REFERENCES station(id) ON DELETE CASCADE,"
    "  connector_id INTEGER NOT NULL," /* 0 = the station itself */
    "  type TEXT, phases INTEGER, max_current REAL, description TEXT NOT NULL DEFAULT '',"
    "  status TEXT, error_code TEXT, info TEXT, vendor_id TEXT, vendor_error_code TEXT,"
    "  status_time INTEGER, updated INTEGER,"
    "  PRIMARY KEY (station_id, connector_id));"
    "CREATE TABLE connector_status (" /* every StatusNotification: the status history */
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, connector_id INTEGER NOT NULL,"
    "  status TEXT NOT NULL, error_code TEXT NOT NULL, info TEXT, vendor_id TEXT, vendor_error_code TEXT,"
    "  ts INTEGER, received INTEGER NOT NULL);"
    "CREATE INDEX connector_status_by_station ON connector_status (station_id, connector_id, id);"
    "CREATE TABLE id_tag ("
    "  id_tag TEXT PRIMARY KEY," /* normalised: upper case, padded with zeros to 14 */
    "  parent_id_tag TEXT, description TEXT NOT NULL DEFAULT '',"
    "  valid_from INTEGER, expiry INTEGER, blocked INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE txn ("
    "  id INTEGER PRIMARY KEY," /* the OCPP transactionId */
    "  station_id TEXT NOT NULL, connector_id INTEGER NOT NULL, id_tag TEXT NOT NULL,"
    "  start_ts INTEGER NOT NULL, meter_start INTEGER NOT NULL, reservation_id INTEGER,"
    "  start_status TEXT NOT NULL," /* the idTagInfo status we answered */
    "  stop_ts INTEGER, meter_stop INTEGER, stop_reason TEXT, stop_id_tag TEXT,"
    "  flags INTEGER NOT NULL DEFAULT 0," /* 1: meterStop < meterStart; 2: stopped by a later start */
    "  received_start INTEGER NOT NULL, received_stop INTEGER);"
    "CREATE UNIQUE INDEX txn_replay ON txn (station_id, connector_id, id_tag, start_ts, meter_start);"
    "CREATE INDEX txn_by_start ON txn (start_ts);"
    "CREATE INDEX txn_open ON txn (station_id, connector_id) WHERE stop_ts IS NULL;"
    "CREATE INDEX txn_open_tag ON txn (id_tag) WHERE stop_ts IS NULL;"
    "CREATE TABLE orphan_stop (" /* StopTransaction for a transaction we never saw */
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, transaction_id INTEGER NOT NULL,"
    "  id_tag TEXT, stop_ts INTEGER NOT NULL, meter_stop INTEGER NOT NULL, stop_reason TEXT,"
    "  received INTEGER NOT NULL,"
    "  UNIQUE (station_id, transaction_id, stop_ts, meter_stop));"
    "CREATE TABLE meter_value (" /* one OCPP MeterValue: a timestamp and its samples */
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, connector_id INTEGER NOT NULL,"
    "  txn_id INTEGER, ts INTEGER NOT NULL, source TEXT NOT NULL," /* MeterValues | StopTransaction */
    "  sampled TEXT NOT NULL);"                                    /* JSON array of sampledValue, as sent */
    "CREATE INDEX meter_value_by_txn ON meter_value (txn_id, ts) WHERE txn_id IS NOT NULL;"
    "CREATE TABLE reservation ("
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, connector_id INTEGER NOT NULL,"
    "  id_tag TEXT NOT NULL, parent_id_tag TEXT, expiry INTEGER NOT NULL,"
    "  status TEXT NOT NULL," /* requested | accepted | refused | cancelled | used | expired */
    "  txn_id INTEGER, created INTEGER NOT NULL);"
    "CREATE TABLE charging_profile ("
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, connector_id INTEGER NOT NULL,"
    "  profile_id INTEGER NOT NULL, stack_level INTEGER NOT NULL, purpose TEXT NOT NULL,"
    "  profile TEXT NOT NULL, status TEXT NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE firmware ("
    "  name TEXT PRIMARY KEY, size INTEGER NOT NULL, md5 TEXT NOT NULL, uploaded INTEGER NOT NULL);"
    "CREATE TABLE operation (" /* every CS -> CP call and how it ended */
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, action TEXT NOT NULL, request TEXT NOT NULL,"
    "  status TEXT NOT NULL," /* result | error | timeout | cancelled */
    "  response TEXT, error TEXT, requested INTEGER NOT NULL, finished INTEGER NOT NULL);"
    "CREATE INDEX operation_by_station ON operation (station_id, id);"
    "CREATE TABLE message (" /* the OCPP message log */
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, ts INTEGER NOT NULL,"
    "  dir TEXT NOT NULL," /* in | out */
    "  text TEXT NOT NULL);"
    "CREATE INDEX message_by_station ON message (station_id, id);"
    "CREATE TABLE event (" /* boot, connect, disconnect, status, fault, security... */
    "  id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  connector_id INTEGER, detail TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX event_by_station ON event (station_id, id);",

    /* 2: operators and the MMS resources (REST API). One block per area. */

    /* accounts, sessions, API tokens */
    "CREATE TABLE operator ("
    "  id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  name TEXT NOT NULL, surname TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '',"
    "  language TEXT NOT NULL DEFAULT 'en',"
    "  role TEXT NOT NULL,"          /* administrator | local_manager | maintenance_technician */
    "  password_hash TEXT NOT NULL," /* libsodium crypto_pwhash_str (Argon2id) */
    "  must_change_password INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL, updated INTEGER NOT NULL, last_login INTEGER);"
    "CREATE TABLE session ("
    "  token_hash TEXT PRIMARY KEY," /* BLAKE2b of the cookie value: a stolen database opens no session */
    "  operator_id INTEGER NOT NULL REFERENCES operator(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL, address TEXT);"
    "CREATE INDEX session_by_operator ON session (operator_id);"
    "CREATE TABLE api_token ("
    "  id INTEGER PRIMARY KEY, operator_id INTEGER NOT NULL REFERENCES operator(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,"
    "  created INTEGER NOT NULL, last_used INTEGER, revoked INTEGER);"

    /* charge users and cards (the cards are id_tag rows) */
    "CREATE TABLE charge_user ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, surname TEXT NOT NULL, tax_code TEXT NOT NULL,"
    "  email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '',"
    "  notes TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, updated INTEGER NOT NULL);"
    "CREATE INDEX charge_user_by_surname ON charge_user (surname COLLATE NOCASE, name COLLATE NOCASE);"
    "ALTER TABLE id_tag ADD COLUMN user_id INTEGER REFERENCES charge_user(id);"
    "ALTER TABLE id_tag ADD COLUMN updated INTEGER;"
    "CREATE INDEX id_tag_by_user ON id_tag (user_id);"
    "CREATE TABLE card_change (" /* every change of a card, for differential local list updates */
    "  seq INTEGER PRIMARY KEY, id_tag TEXT NOT NULL, ts INTEGER NOT NULL);"
    "CREATE INDEX card_change_by_tag ON card_change (id_tag, seq);"
    "CREATE INDEX id_tag_by_valid_from ON id_tag (valid_from);"
    /* Every change that matters to a local list (a card added, removed, blocked, re-dated, re-parented) is
     * a card_change row, written by the same statement whoever writes (REST, PUT /idtags, scripts). */
    "CREATE TRIGGER id_tag_added AFTER INSERT ON id_tag BEGIN "
    "  INSERT INTO card_change (id_tag, ts) VALUES (new.id_tag, "
    "    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)); END;"
    "CREATE TRIGGER id_tag_removed AFTER DELETE ON id_tag BEGIN "
    "  INSERT INTO card_change (id_tag, ts) VALUES (old.id_tag, "
    "    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)); END;"
    "CREATE TRIGGER id_tag_changed AFTER UPDATE OF parent_id_tag, valid_from, expiry, blocked ON id_tag "
    "  WHEN old.parent_id_tag IS NOT new.parent_id_tag OR old.valid_from IS NOT new.valid_from "
    "    OR old.expiry IS NOT new.expiry OR old.blocked IS NOT new.blocked BEGIN "
    "  INSERT INTO card_change (id_tag, ts) VALUES (new.id_tag, "
    "    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)); END;"

    /* card lists (named local authorisation lists with versions) */
    "CREATE TABLE card_list ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, description TEXT NOT NULL DEFAULT '',"
    "  version INTEGER NOT NULL DEFAULT 1, created INTEGER NOT NULL, updated INTEGER NOT NULL);"
    "CREATE TABLE card_list_item ("
    "  list_id INTEGER NOT NULL REFERENCES card_list(id) ON DELETE CASCADE, id_tag TEXT NOT NULL,"
    "  PRIMARY KEY (list_id, id_tag)) WITHOUT ROWID;"
    "CREATE INDEX card_list_item_by_tag ON card_list_item (id_tag);"
    "ALTER TABLE station ADD COLUMN local_list_id INTEGER;" /* NULL: the default list (every card) */
    "ALTER TABLE station ADD COLUMN local_list_seq INTEGER NOT NULL DEFAULT 0;" /* card_change.seq sent */
    "CREATE INDEX station_by_local_list ON station (local_list_id) WHERE local_list_id IS NOT NULL;"

    /* transactions: searches by time range read the index only */
    "CREATE INDEX txn_search ON txn (start_ts, station_id, connector_id, id_tag, meter_start, meter_stop, stop_ts);"
    "CREATE INDEX txn_by_tag ON txn (id_tag, start_ts);"
    "CREATE INDEX txn_by_socket ON txn (station_id, connector_id, start_ts);"
    "ALTER TABLE txn ADD COLUMN charge_ms INTEGER;" /* charge duration, set at the stop (csms_txrow.c) */

    /* socket views and groups */
    "CREATE TABLE socket_view ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, is_default INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE socket_group ("
    "  id INTEGER PRIMARY KEY, view_id INTEGER NOT NULL REFERENCES socket_view(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, unassigned INTEGER NOT NULL DEFAULT 0," /* 1: the group that cannot be deleted */
    "  UNIQUE (view_id, name));"
    "CREATE TABLE socket_group_member (" /* a socket is in at most one group of a view; none = Unassigned */
    "  view_id INTEGER NOT NULL REFERENCES socket_view(id) ON DELETE CASCADE,"
    "  station_id TEXT NOT NULL, connector_id INTEGER NOT NULL,"
    /* after the key's columns: SQLite 3.40's integrity_check wrongly reports NULL in a WITHOUT ROWID
     * table's NOT NULL column placed before them, and a backup that fails it is refused */
    "  group_id INTEGER NOT NULL REFERENCES socket_group(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (view_id, station_id, connector_id)) WITHOUT ROWID;"
    "CREATE INDEX socket_group_member_by_group ON socket_group_member (group_id);"

    /* maintenance */
    "CREATE TABLE backup ("
    "  name TEXT PRIMARY KEY, size INTEGER NOT NULL, created INTEGER NOT NULL, kind TEXT NOT NULL," /* manual|daily */
    "  operator_id INTEGER, copied_to TEXT);",

    /* 3: what the card-list sync read from a station (GetConfiguration): LocalAuthListMaxLength and
     * SendLocalListMaxLength; NULL not read yet, 0 not reported */
    "ALTER TABLE station ADD COLUMN local_list_max INTEGER; ALTER TABLE station ADD COLUMN send_list_max INTEGER;",

    /* 4: the message log has its own database, msglog.db (csms_msglog.c), which copied these rows over before
     * this runs: no billing commit writes a diagnostic frame any more */
    "DROP TABLE IF EXISTS message;",

    /* 5: one index fewer on txn, the one a StartTransaction wrote on a page of its socket's own: the replay
     * key, its columns reordered, also serves the socket's history (it was txn_by_socket). (txn_by_start stays:
     * it is appended at its end, one page a commit, and a page of a time range in (start_ts, id) order reads
     * it without sorting — txn_search, led by start_ts too, must sort by id: 9x slower in make bench-api.) */
    "DROP INDEX IF EXISTS txn_replay; DROP INDEX IF EXISTS txn_by_socket;"
    "CREATE UNIQUE INDEX txn_replay ON txn (station_id, connector_id, start_ts, id_tag, meter_start);"
    "CREATE INDEX IF NOT EXISTS txn_by_start ON txn (start_ts);",
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int csms_schema_latest(void)
{
	return N_MIGRATIONS;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int csms_schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
	return csms_schema_migrate_to(db, N_MIGRATIONS, err, errlen);
}

int csms_schema_migrate_to(sqlite3 *db, int version, char *err, size_t errlen)
{
	int v = user_version(db);

	if (v < 0) {
		snprintf(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (v > N_MIGRATIONS) {
		snprintf(err, errlen, "the database has schema version %d, newer than this csms (%d): upgrade csms", v,
		         N_MIGRATIONS);
		return -1;
	}
	for (; v < version && v < N_MIGRATIONS; v++) {
		char *msg = NULL;
		char bump[64];
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, bump, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "migration to schema version %d failed: %s", v + 1,
			         msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}
