/* evse_station.c — the station's wiring: events of the charging point to the OCPP client and the history,
 * card decisions by operating mode, the status as JSON. */
#include "evse_station.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocpp_text.h"
#include "wl_clock.h"
#include "wl_log.h"

#define MOD "station"

static void on_state(void *ctx, enum evse_state from, enum evse_state to, int error)
{
	struct evse_station *s = ctx;
	(void)from;
	if (s->ocpp)
		evse_ocpp_on_state(s->ocpp, to, error, s->now);
}

/* A protection tripped: one line in the fault log. */
static void on_trip(void *ctx, enum evse_protection p)
{
	struct evse_station *s = ctx;
	struct evse_fault f;
	memset(&f, 0, sizeof(f));
	ocpp_time_format(evse_station_wall_ms(s), f.at, sizeof(f.at));
	snprintf(f.code, sizeof(f.code), "%s", evse_protect_display(p));
	snprintf(f.what, sizeof(f.what), "%s", evse_protect_what(p));
	evse_store_fault_add(s->store, &f);
}

static void on_session_start(void *ctx, const struct evse_session *ses)
{
	struct evse_station *s = ctx;
	s->session_start_wall = (uint64_t)evse_station_wall_ms(s);
	if (s->ocpp)
		evse_ocpp_on_session_start(s->ocpp, ses, s->now);
	if (s->lms_session)
		s->lms_session(s->lms_ctx, ses, false, NULL, ses->start_wh);
}

static void on_session_stop(void *ctx, const struct evse_session *ses, enum evse_stop_reason why, double stop_wh)
{
	struct evse_station *s = ctx;
	struct evse_history h;
	memset(&h, 0, sizeof(h));
	ocpp_time_format((int64_t)s->session_start_wall, h.start, sizeof(h.start));
	ocpp_time_format(evse_station_wall_ms(s), h.end, sizeof(h.end));
	snprintf(h.start_mode, sizeof(h.start_mode), "%s", evse_start_mode_name(ses->start_mode));
	snprintf(h.stop_mode, sizeof(h.stop_mode), "%s", evse_stop_reason_name(why));
	h.energy_wh = ses->energy_wh;
	snprintf(h.id_tag, sizeof(h.id_tag), "%s", ses->id_tag);
	evse_store_history_add(s->store, &h);
	if (s->ocpp)
		evse_ocpp_on_session_stop(s->ocpp, ses, why, stop_wh, s->now);
	if (s->lms_session)
		s->lms_session(s->lms_ctx, ses, true, evse_stop_reason_name(why), stop_wh);
}

/* PERSONAL: the cards written to the station's slots ("card.1" ...). */
static enum evse_auth personal_card(struct evse_station *s, const char *id)
{
	char key[16], v[EVSE_ID_MAX];
	for (int i = 1; i <= s->cfg->max_cards; i++) {
		snprintf(key, sizeof(key), "card.%d", i);
		if (evse_store_get(s->store, key, v, sizeof(v)) == 1 && v[0] && wl_idtag_same(v, id))
			return EVSE_AUTH_ACCEPTED;
	}
	return EVSE_AUTH_REJECTED;
}

static enum evse_auth on_authorize(void *ctx, const char *id, char *parent)
{
	struct evse_station *s = ctx;
	if (s->cfg->mode == EVSE_MODE_PERSONAL)
		return personal_card(s, id);
	int lms = s->lms_filter ? s->lms_filter(s->lms_ctx, id) : 0;
	if (lms)
		return lms > 0 ? EVSE_AUTH_ACCEPTED : EVSE_AUTH_REJECTED;
	if (s->cfg->mode == EVSE_MODE_WEB && s->ocpp)
		return evse_ocpp_authorize(s->ocpp, id, parent, s->now);
	return EVSE_AUTH_REJECTED;
}

static void on_fw_status(void *ctx, enum ocpp_firmware_status st)
{
	struct evse_station *s = ctx;
	if (s->ocpp)
		evse_ocpp_firmware_status(s->ocpp, st);
}

static bool on_fw_busy(void *ctx)
{
	struct evse_station *s = ctx;
	return evse_charge_session(s->charge)->active;
}

static void on_fw_show(void *ctx, const char *text, uint32_t ms)
{
	struct evse_station *s = ctx;
	evse_charge_show_message(s->charge, text, ms, s->now);
}

struct evse_station *evse_station_new(const struct evse_config *cfg, uint64_t now_ms, char *err, size_t errcap)
{
	struct evse_station *s = calloc(1, sizeof(*s));
	char v[16];
	if (!s) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	s->cfg = cfg;
	s->now = now_ms;
	s->store = evse_store_open(cfg->db_path, err, errcap);
	if (!s->store)
		goto out_free;
	struct evse_sim_grid grid = {.phases = cfg->phases, .tethered_a = cfg->charging_case == EVSE_CASE_C ? 32 : 0};
	s->sim = evse_sim_new(&grid, now_ms);
	if (!s->sim) {
		snprintf(err, errcap, "out of memory");
		goto out_store;
	}
	struct evse_charge_events ev = {.ctx = s,
	                                .state = on_state,
	                                .session_start = on_session_start,
	                                .session_stop = on_session_stop,
	                                .authorize = on_authorize,
	                                .trip = on_trip};
	s->charge = evse_charge_new(cfg, evse_sim_hal(s->sim), &ev, now_ms);
	if (!s->charge) {
		snprintf(err, errcap, "out of memory");
		goto out_sim;
	}
	char num[32];
	if (s->sim && evse_store_get(s->store, "clock_offset_ms", num, sizeof(num)) == 1)
		s->clock_offset_ms = strtoll(num, NULL, 10);
	if (evse_store_get(s->store, "schedule_at_ms", num, sizeof(num)) == 1)
		s->schedule_at_ms = strtoll(num, NULL, 10);
	if (evse_store_get(s->store, "available", v, sizeof(v)) == 1 && strcmp(v, "false") == 0)
		evse_charge_set_available(s->charge, false, now_ms);
	char dir[EVSE_STR_MAX + 16];
	struct evse_fw_events fev = {.ctx = s, .status = on_fw_status, .busy = on_fw_busy, .show = on_fw_show};
	if (evse_config_state_path(cfg, "firmware", dir, sizeof(dir)) < 0) {
		snprintf(err, errcap, "db: path too long");
		goto out_charge;
	}
	s->fw = evse_fw_new(dir, cfg->model, (int64_t)cfg->fw_max_kb * 1024, s->store, &fev);
	if (!s->fw) {
		snprintf(err, errcap, "out of memory");
		goto out_charge;
	}
	if (cfg->ocpp_url[0]) {
		s->ocpp = evse_ocpp_new(cfg, s->store, s->charge, NULL, now_ms);
		if (!s->ocpp) {
			snprintf(err, errcap, "out of memory");
			goto out_fw;
		}
		evse_ocpp_set_firmware(s->ocpp, s->fw);
		if (evse_fw_take_installed(s->fw))
			evse_ocpp_firmware_status(s->ocpp, OCPP_FIRMWARE_STATUS_INSTALLED);
	}
	s->dpm = evse_dpm_link_new(cfg, s->store, s->charge, s->ocpp, now_ms, err, errcap);
	if (!s->dpm)
		goto out_ocpp;
	return s;
out_ocpp:
	evse_ocpp_free(s->ocpp);
out_fw:
	evse_fw_free(s->fw);
out_charge:
	evse_charge_free(s->charge);
out_sim:
	evse_sim_free(s->sim);
out_store:
	evse_store_close(s->store);
out_free:
	free(s);
	return NULL;
}

void evse_station_free(struct evse_station *s)
{
	if (!s)
		return;
	evse_dpm_link_free(s->dpm);
	evse_ocpp_free(s->ocpp);
	evse_fw_free(s->fw);
	evse_charge_free(s->charge);
	evse_sim_free(s->sim);
	evse_store_close(s->store);
	free(s);
}

int64_t evse_station_wall_ms(const struct evse_station *s)
{
	return (int64_t)wl_wall_ms() + s->clock_offset_ms;
}

int evse_station_set_clock(struct evse_station *s, int64_t wall_ms, char *err, size_t errcap)
{
	char num[32];
	if (!s->sim) {
		struct timespec ts = {.tv_sec = (time_t)(wall_ms / 1000), .tv_nsec = (long)(wall_ms % 1000) * 1000000L};
		if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
			snprintf(err, errcap, "cannot set the clock: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	s->clock_offset_ms = wall_ms - (int64_t)wl_wall_ms();
	snprintf(num, sizeof(num), "%lld", (long long)s->clock_offset_ms);
	if (evse_store_set(s->store, "clock_offset_ms", num) < 0) {
		snprintf(err, errcap, "cannot save the clock offset");
		return -1;
	}
	WL_INFO(MOD, "simulated clock set (offset %lld ms)", (long long)s->clock_offset_ms);
	return 0;
}

int evse_station_schedule(struct evse_station *s, int64_t at_ms)
{
	char num[32];
	snprintf(num, sizeof(num), "%lld", (long long)at_ms);
	if (evse_store_set(s->store, "schedule_at_ms", num) < 0)
		return -1;
	s->schedule_at_ms = at_ms;
	if (at_ms) {
		char ts[40];
		ocpp_time_format(at_ms, ts, sizeof(ts));
		WL_INFO(MOD, "start scheduled at %s", ts);
	}
	evse_charge_set_limit(s->charge, EVSE_LIMIT_SCHEDULE, at_ms ? 0.0 : -1.0);
	return 0;
}

/* A scheduled start: 0 A until its time, then done. */
static void run_schedule(struct evse_station *s)
{
	if (!s->schedule_at_ms)
		return;
	if (evse_station_wall_ms(s) < s->schedule_at_ms) {
		evse_charge_set_limit(s->charge, EVSE_LIMIT_SCHEDULE, 0.0);
		return;
	}
	WL_INFO(MOD, "scheduled start: current offered from now");
	evse_station_schedule(s, 0);
}

/* Records how late this cycle comes after the one before (status "controlLateMs"). */
static void note_lateness(struct evse_station *s, uint64_t now_ms)
{
	if (s->tick_prev_ms && now_ms > s->tick_prev_ms + EVSE_TICK_MS) {
		uint64_t late = now_ms - s->tick_prev_ms - EVSE_TICK_MS;
		if (late > s->late_ms[0])
			s->late_ms[0] = late > UINT32_MAX ? UINT32_MAX : (uint32_t)late;
	}
	if (now_ms - s->late_window_ms >= EVSE_LATE_WINDOW_MS) {
		s->late_ms[1] = s->late_ms[0];
		s->late_ms[0] = 0;
		s->late_window_ms = now_ms;
	}
	s->tick_prev_ms = now_ms;
}

void evse_station_tick(struct evse_station *s, uint64_t now_ms)
{
	note_lateness(s, now_ms);
	s->now = now_ms;
	run_schedule(s);
	/* a Satellite without its Master offers at most group_safe_current (docs/evse.md "Master/Satellite") */
	if (s->cfg->group_role == EVSE_GROUP_SATELLITE)
		evse_charge_set_limit(s->charge, EVSE_LIMIT_GROUP,
		                      s->ocpp && evse_ocpp_online(s->ocpp) ? -1.0
		                                                           : (double)s->cfg->group_safe_current_a);
	if (s->sim)
		evse_sim_step(s->sim, now_ms);
	evse_dpm_link_tick(s->dpm, now_ms);
	evse_charge_tick(s->charge, now_ms);
	evse_fw_tick(s->fw, now_ms, (int64_t)wl_wall_ms());
	if (s->ocpp)
		evse_ocpp_tick(s->ocpp, now_ms);
}

int evse_station_restart_due(struct evse_station *s)
{
	if (evse_fw_restart_due(s->fw, s->now))
		return 1;
	return s->ocpp ? evse_ocpp_reset_due(s->ocpp) : 0;
}

int evse_station_sim_command(struct evse_station *s, const char *line, size_t len, char *err, size_t errcap)
{
	struct evse_simctl_cmd cmd;
	if (!s->sim) {
		snprintf(err, errcap, "no simulator");
		return -1;
	}
	if (evse_simctl_parse(line, len, &cmd, err, errcap) < 0)
		return -1;
	evse_simctl_apply(&cmd, s->sim);
	return 0;
}

static cJSON *led_json(const struct evse_led *l)
{
	static const char *const colors[] = {"off", "white", "green", "blue", "red"};
	static const char *const blinks[] = {"steady", "slow", "fast"};
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "color", colors[l->color]);
	cJSON_AddStringToObject(j, "blink", blinks[l->blink]);
	return j;
}

char *evse_station_status_json(struct evse_station *s)
{
	struct evse_status st;
	char ts[40];
	evse_charge_status(s->charge, s->now, &st);
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON_AddStringToObject(j, "serialNumber", s->cfg->serial);
	cJSON_AddStringToObject(j, "softwareVersion", EVSE_VERSION);
	cJSON_AddStringToObject(j, "state", evse_state_name(st.state));
	cJSON_AddStringToObject(j, "ocppStatus", evse_state_ocpp_name(st.state));
	cJSON_AddStringToObject(j, "mode", evse_mode_name(s->cfg->mode));
	cJSON_AddStringToObject(j, "cp", evse_cp_name(st.cp));
	cJSON_AddNumberToObject(j, "cpVoltage", st.cp_volts);
	cJSON_AddNumberToObject(j, "duty", st.duty_pct);
	cJSON_AddBoolToObject(j, "contactor", st.contactor);
	cJSON_AddBoolToObject(j, "locked", st.locked);
	cJSON_AddStringToObject(j, "fan", st.fan ? "Run" : "Stop");
	cJSON_AddNumberToObject(j, "gridVoltage", st.meter.voltage_v[0]);
	cJSON_AddNumberToObject(j, "gridFrequency", st.meter.frequency_hz);
	double amps = 0.0, watts = 0.0;
	for (int p = 0; p < EVSE_PHASES; p++) {
		amps = st.meter.current_a[p] > amps ? st.meter.current_a[p] : amps;
		watts += st.meter.power_w[p];
	}
	cJSON_AddNumberToObject(j, "outputCurrent", amps);
	cJSON_AddNumberToObject(j, "activePowerKw", watts / 1000.0);
	cJSON_AddNumberToObject(j, "energyWh", st.meter.energy_wh);
	cJSON_AddNumberToObject(j, "chargingMinutes", st.session_minutes);
	ocpp_time_format(evse_station_wall_ms(s) / 1000 * 1000, ts, sizeof(ts));
	cJSON_AddStringToObject(j, "systemTime", ts); /* to the second: the event stream pushes on changes */
	if (s->schedule_at_ms) {
		ocpp_time_format(s->schedule_at_ms, ts, sizeof(ts));
		cJSON_AddStringToObject(j, "scheduledStart", ts);
	} else {
		cJSON_AddNullToObject(j, "scheduledStart");
	}
	cJSON_AddNumberToObject(j, "controlLateMs", s->late_ms[0] > s->late_ms[1] ? s->late_ms[0] : s->late_ms[1]);
	cJSON_AddNumberToObject(j, "relayTemperature", st.temps.relay_c);
	cJSON_AddNumberToObject(j, "ambientTemperature", st.temps.ambient_c);
	cJSON_AddNumberToObject(j, "offeredA", st.offered_a);
	cJSON_AddNumberToObject(j, "limitA", st.limit_a);
	cJSON_AddStringToObject(j, "display", st.display);
	cJSON *errors = cJSON_AddArrayToObject(j, "errors");
	for (int p = 0; p < EVSE_PROT_COUNT; p++)
		if (st.trips >> p & 1u)
			cJSON_AddItemToArray(errors, cJSON_CreateString(evse_protect_display((enum evse_protection)p)));
	cJSON *leds = cJSON_AddObjectToObject(j, "leds");
	cJSON_AddItemToObject(leds, "belt", led_json(&st.leds.belt));
	cJSON_AddItemToObject(leds, "wifi", led_json(&st.leds.wifi));
	cJSON_AddItemToObject(leds, "plug", led_json(&st.leds.plug));
	cJSON_AddItemToObject(leds, "charging", led_json(&st.leds.charging));
	cJSON_AddItemToObject(leds, "fault", led_json(&st.leds.fault));
	cJSON_AddBoolToObject(leds, "rfidCorners", st.leds.rfid_corners);
	cJSON *ses = cJSON_AddObjectToObject(j, "session");
	cJSON_AddBoolToObject(ses, "active", st.session.active);
	cJSON_AddStringToObject(ses, "idTag", st.session.id_tag);
	cJSON_AddNumberToObject(ses, "energyWh", st.session.energy_wh);
	cJSON_AddStringToObject(ses, "startMode", st.session.active ? evse_start_mode_name(st.session.start_mode) : "");
	cJSON_AddBoolToObject(ses, "authorized", st.authorized_waiting);
	cJSON_AddBoolToObject(j, "online", s->ocpp && evse_ocpp_online(s->ocpp));
	cJSON_AddNumberToObject(j, "queued", s->ocpp ? (double)evse_ocpp_queued(s->ocpp) : 0.0);
	if (s->sim) {
		struct evse_sim_view v;
		evse_sim_view(s->sim, &v);
		cJSON *sim = cJSON_AddObjectToObject(j, "sim");
		cJSON_AddBoolToObject(sim, "plugged", v.plugged);
		cJSON_AddNumberToObject(sim, "soc", v.ev_soc);
		cJSON_AddNumberToObject(sim, "beeps", v.beeps_total);
		cJSON_AddNumberToObject(sim, "lastBeep", v.last_beep);
	}
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return text;
}

void evse_station_set_lms(struct evse_station *s, int (*filter)(void *ctx, const char *id_tag),
                          void (*session)(void *ctx, const struct evse_session *ses, bool stop, const char *reason,
                                          double stop_wh),
                          void *ctx)
{
	s->lms_filter = filter;
	s->lms_session = session;
	s->lms_ctx = ctx;
}
