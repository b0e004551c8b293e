/* evse_fw.c — the firmware update state machine (one setter, logged), its parsers and the installation
 * step shared by the OCPP download and the local upload. */
#include "evse_fw.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evse_config.h"
#include "evse_xfer.h"
#include "ocpp_schema.h"
#include "wl_log.h"

#define MOD "fw"

#define FW_STATES(X)                                                                                                   \
	X(IDLE)                                                                                                        \
	X(WAIT_RETRIEVE) /* until retrieveDate */                                                                      \
	X(FETCH_MD5)     /* the sidecar is on its way */                                                               \
	X(DOWNLOADING)   /* the image is on its way */                                                                 \
	X(RETRY_WAIT)    /* after a failed attempt */                                                                  \
	X(WAIT_TX)       /* downloaded: installing waits for the session to end */                                     \
	X(RESTART)       /* installed: restart after EVSE_FW_RESTART_MS */

enum fw_state {
#define X(s) FW_##s,
	FW_STATES(X)
#undef X
};

static const char *const state_names[] = {
#define X(s) #s,
    FW_STATES(X)
#undef X
};

struct evse_fw {
	char dir[EVSE_STR_MAX + 16]; /* <state dir>/firmware */
	char model[32];
	int64_t max_bytes;
	struct evse_store *st;
	struct evse_fw_events ev;
	enum fw_state state;
	uint64_t now;
	/* the OCPP update under way */
	char location[EVSE_STR_MAX * 2];
	char md5[33]; /* expected */
	bool md5_from_url;
	int64_t retrieve_wall;
	int attempts_left, retry_s;
	uint64_t retry_at, restart_at;
	struct evse_xfer *xfer;
	bool just_installed;
};

static const char *const code_texts[] = {"100 UP", "E01 UP", "E02 UP", "E03 UP", "E04 UP"};
static const char *const code_names[] = {"100", "E01", "E02", "E03", "E04"};

const char *evse_fw_code_text(enum evse_fw_code c)
{
	return (unsigned)c < 5 ? code_texts[c] : "?";
}

const char *evse_fw_code_name(enum evse_fw_code c)
{
	return (unsigned)c < 5 ? code_names[c] : "?";
}

static void set_state(struct evse_fw *fw, enum fw_state to)
{
	if (fw->state != to)
		WL_INFO(MOD, "%s -> %s", state_names[fw->state], state_names[to]);
	fw->state = to;
}

static void notify(struct evse_fw *fw, enum ocpp_firmware_status s)
{
	if (fw->ev.status)
		fw->ev.status(fw->ev.ctx, s);
}

static void show(struct evse_fw *fw, enum evse_fw_code c)
{
	if (fw->ev.show)
		fw->ev.show(fw->ev.ctx, evse_fw_code_text(c),
		            c == EVSE_FW_OK ? EVSE_FW_RESTART_MS + 2000 : EVSE_FW_MESSAGE_MS);
}

static int path_in(const struct evse_fw *fw, const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", fw->dir, name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* ---- parsers ---- */

static bool is_hex32(const char *s, size_t len)
{
	if (len < 32)
		return false;
	for (size_t i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static void lower32(const char *s, char out[33])
{
	for (size_t i = 0; i < 32; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[32] = '\0';
}

int evse_fw_parse_md5(const char *text, size_t len, char out[33])
{
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	if (!is_hex32(text + i, len - i))
		return -1;
	/* the digest ends there: 33 hex digits is not an MD5 */
	if (len - i > 32 && !(text[i + 32] == ' ' || text[i + 32] == '\t' || text[i + 32] == '\r' ||
	                      text[i + 32] == '\n' || text[i + 32] == '*'))
		return -1;
	lower32(text + i, out);
	return 0;
}

int evse_fw_md5_from_url(const char *url, char out[33])
{
	const char *q = strchr(url, '?');
	if (!q)
		return 0;
	for (const char *p = q + 1; *p;) {
		size_t len = strcspn(p, "&#");
		if (len >= 4 && strncmp(p, "md5=", 4) == 0) {
			if (len != 36 || !is_hex32(p + 4, 32))
				return -1;
			lower32(p + 4, out);
			return 1;
		}
		if (p[len] != '&')
			break;
		p += len + 1;
	}
	return 0;
}

/* One space-free token of at most cap-1 printable characters. */
static const char *token(const char *p, const char *end, char *out, size_t cap)
{
	size_t n = 0;
	while (p < end && *p != ' ' && *p != '\n') {
		if (n + 1 >= cap || (unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return NULL;
		out[n++] = *p++;
	}
	out[n] = '\0';
	return n ? p : NULL;
}

int evse_fw_parse_header(const char *buf, size_t len, char *model, size_t model_cap, char *version, size_t version_cap)
{
	if (len < 5 || memcmp(buf, "WLFW ", 5) != 0)
		return 0;
	const char *end = buf + (len > 256 ? 256 : len);
	const char *p = token(buf + 5, end, model, model_cap);
	if (!p || p >= end || *p != ' ')
		return -1;
	p = token(p + 1, end, version, version_cap);
	if (!p || p >= end || *p != '\n')
		return -1;
	return 1;
}

void evse_fw_version_from_url(const char *url, char *out, size_t cap)
{
	size_t end = strcspn(url, "?#");
	size_t start = end;
	while (start > 0 && url[start - 1] != '/')
		start--;
	size_t n = end - start;
	if (n > 4 && strncmp(url + end - 4, ".bin", 4) == 0)
		n -= 4;
	if (n == 0) {
		snprintf(out, cap, "unknown");
		return;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(out, url + start, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++) /* a version is printable ASCII */
		if ((unsigned char)out[i] < 0x21 || (unsigned char)out[i] > 0x7e)
			out[i] = '_';
}

/* ---- installation ---- */

/* Checks the image at path against md5 (expected) and this charger, moves it to installed.bin and records
 * version (from the header, else fallback). */
static enum evse_fw_code install(struct evse_fw *fw, const char *path, const char *expected, const char *actual,
                                 const char *fallback_version, char *msg, size_t msgcap)
{
	char head[256], model[32], version[EVSE_FW_VERSION_MAX], dest[EVSE_STR_MAX + 48];
	struct stat sb;
	if (strcmp(expected, actual) != 0) {
		snprintf(msg, msgcap, "MD5 %s, expected %s", actual, expected);
		return EVSE_FW_E02;
	}
	if (stat(path, &sb) < 0 || sb.st_size == 0) {
		snprintf(msg, msgcap, "the image is empty");
		return EVSE_FW_E04;
	}
	if (sb.st_size > fw->max_bytes) {
		snprintf(msg, msgcap, "the image has %lld bytes, at most %lld", (long long)sb.st_size,
		         (long long)fw->max_bytes);
		return EVSE_FW_E04;
	}
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(head, 1, sizeof(head), f) : 0;
	if (f)
		fclose(f);
	snprintf(version, sizeof(version), "%s", fallback_version);
	int h = evse_fw_parse_header(head, n, model, sizeof(model), version, sizeof(version));
	if (h < 0 || (h == 1 && strcmp(model, fw->model) != 0)) {
		snprintf(msg, msgcap, h < 0 ? "the image header is malformed" : "the image is for model \"%s\"", model);
		return EVSE_FW_E04;
	}
	if (path_in(fw, "installed.bin", dest, sizeof(dest)) < 0 || rename(path, dest) < 0) {
		snprintf(msg, msgcap, "cannot write %s: %s", dest, strerror(errno));
		return EVSE_FW_E01;
	}
	evse_store_begin(fw->st);
	evse_store_set(fw->st, "firmware.version", version);
	evse_store_set(fw->st, "firmware.just_installed", "1");
	if (evse_store_commit(fw->st) < 0) {
		snprintf(msg, msgcap, "cannot record version %s", version);
		return EVSE_FW_E01;
	}
	snprintf(msg, msgcap, "version %s installed", version);
	return EVSE_FW_OK;
}

static void installed(struct evse_fw *fw)
{
	show(fw, EVSE_FW_OK);
	fw->restart_at = fw->now + EVSE_FW_RESTART_MS;
	set_state(fw, FW_RESTART);
}

/* ---- the OCPP download ---- */

static void fail(struct evse_fw *fw, enum ocpp_firmware_status s, enum evse_fw_code c, const char *why)
{
	WL_WARN(MOD, "%s (%s): %s", ocpp_enum_name(&ocpp_enum_firmware_status, (int)s), evse_fw_code_text(c), why);
	notify(fw, s);
	show(fw, c);
	set_state(fw, FW_IDLE);
}

static void start_attempt(struct evse_fw *fw)
{
	char path[EVSE_STR_MAX + 48], url[sizeof(fw->location) + 8], err[160];
	bool sidecar = !fw->md5_from_url;
	fw->attempts_left--;
	if (sidecar) {
		size_t base = strcspn(fw->location, "?#");
		snprintf(url, sizeof(url), "%.*s.md5%s", (int)base, fw->location, fw->location + base);
	}
	if (path_in(fw, sidecar ? "download.md5" : "download.bin", path, sizeof(path)) < 0)
		goto out_fail;
	fw->xfer = evse_xfer_start(EVSE_XFER_GET, sidecar ? url : fw->location, path, sidecar ? 4096 : fw->max_bytes,
	                           NULL, err, sizeof(err));
	if (!fw->xfer)
		goto out_fail;
	set_state(fw, sidecar ? FW_FETCH_MD5 : FW_DOWNLOADING);
	return;
out_fail:
	fail(fw, OCPP_FIRMWARE_STATUS_DOWNLOAD_FAILED, EVSE_FW_E01, "cannot start the download");
}

static void attempt_failed(struct evse_fw *fw, const struct evse_xfer_result *r)
{
	WL_WARN(MOD, "download of %s failed: %s", fw->location, r->err);
	if (r->too_big) {
		fail(fw, OCPP_FIRMWARE_STATUS_DOWNLOAD_FAILED, EVSE_FW_E04, r->err);
		return;
	}
	if (fw->attempts_left > 0) {
		fw->retry_at = fw->now + (uint64_t)fw->retry_s * 1000u;
		set_state(fw, FW_RETRY_WAIT);
		return;
	}
	fail(fw, OCPP_FIRMWARE_STATUS_DOWNLOAD_FAILED, EVSE_FW_E03, r->err);
}

/* A transfer ended: the sidecar (then the image) or the image. */
static void transfer_done(struct evse_fw *fw, const struct evse_xfer_result *r)
{
	char path[EVSE_STR_MAX + 48], text[4097];
	if (!r->ok) {
		attempt_failed(fw, r);
		return;
	}
	if (fw->state == FW_FETCH_MD5) {
		size_t n = 0;
		FILE *f = path_in(fw, "download.md5", path, sizeof(path)) == 0 ? fopen(path, "rb") : NULL;
		if (f) {
			n = fread(text, 1, sizeof(text) - 1, f);
			fclose(f);
			remove(path);
		}
		if (evse_fw_parse_md5(text, n, fw->md5) < 0) {
			fail(fw, OCPP_FIRMWARE_STATUS_DOWNLOAD_FAILED, EVSE_FW_E02, "the .md5 file has no MD5 digest");
			return;
		}
		fw->attempts_left++; /* the image is part of the same attempt */
		fw->md5_from_url = true;
		start_attempt(fw);
		return;
	}
	WL_INFO(MOD, "downloaded %lld bytes, MD5 %s", (long long)r->bytes, r->md5);
	notify(fw, OCPP_FIRMWARE_STATUS_DOWNLOADED);
	set_state(fw, FW_WAIT_TX); /* the MD5 is checked at installation, on what is on disk then */
}

static void install_downloaded(struct evse_fw *fw)
{
	char path[EVSE_STR_MAX + 48], actual[33] = "", version[EVSE_FW_VERSION_MAX], msg[200];
	notify(fw, OCPP_FIRMWARE_STATUS_INSTALLING);
	evse_fw_version_from_url(fw->location, version, sizeof(version));
	if (path_in(fw, "download.bin", path, sizeof(path)) < 0 || evse_xfer_md5_file(path, actual) < 0) {
		fail(fw, OCPP_FIRMWARE_STATUS_INSTALLATION_FAILED, EVSE_FW_E01, "the downloaded image is gone");
		return;
	}
	enum evse_fw_code c = install(fw, path, fw->md5, actual, version, msg, sizeof(msg));
	if (c != EVSE_FW_OK) {
		remove(path);
		fail(fw, OCPP_FIRMWARE_STATUS_INSTALLATION_FAILED, c, msg);
		return;
	}
	WL_INFO(MOD, "%s: restarting", msg);
	installed(fw); /* Installed is reported after the restart, with the new version in the boot */
}

void evse_fw_tick(struct evse_fw *fw, uint64_t now_ms, int64_t now_wall)
{
	struct evse_xfer_result r;
	fw->now = now_ms;
	switch (fw->state) {
	case FW_WAIT_RETRIEVE:
		if (now_wall >= fw->retrieve_wall) {
			notify(fw, OCPP_FIRMWARE_STATUS_DOWNLOADING);
			start_attempt(fw);
		}
		break;
	case FW_RETRY_WAIT:
		if (now_ms >= fw->retry_at)
			start_attempt(fw);
		break;
	case FW_FETCH_MD5:
	case FW_DOWNLOADING:
		if (!evse_xfer_done(fw->xfer, &r))
			break;
		evse_xfer_free(fw->xfer);
		fw->xfer = NULL;
		transfer_done(fw, &r);
		break;
	case FW_WAIT_TX:
		if (!fw->ev.busy || !fw->ev.busy(fw->ev.ctx))
			install_downloaded(fw);
		break;
	case FW_IDLE:
	case FW_RESTART: break;
	}
}

int evse_fw_update(struct evse_fw *fw, const char *location, int64_t retrieve_wall, int retries, int retry_s,
                   uint64_t now_ms)
{
	fw->now = now_ms;
	if (fw->state != FW_IDLE) {
		WL_WARN(MOD, "an update is under way: %s ignored", location);
		return -1;
	}
	snprintf(fw->location, sizeof(fw->location), "%s", location);
	int m = evse_fw_md5_from_url(location, fw->md5);
	fw->md5_from_url = m == 1;
	if (m < 0)
		WL_WARN(MOD, "%s: the md5= parameter is malformed: the .md5 file is used", location);
	fw->retrieve_wall = retrieve_wall;
	fw->attempts_left = 1 + (retries > 0 ? (retries > 10 ? 10 : retries) : 0);
	fw->retry_s = retry_s > 0 ? retry_s : 30;
	mkdir(fw->dir, 0755);
	WL_INFO(MOD, "update from %s (%d attempt(s))", location, fw->attempts_left);
	set_state(fw, FW_WAIT_RETRIEVE);
	return 0;
}

enum evse_fw_code evse_fw_install_local(struct evse_fw *fw, const char *path, const char *md5hex, uint64_t now_ms,
                                        char *msg, size_t msgcap)
{
	char expected[33], actual[33], version[EVSE_FW_VERSION_MAX];
	fw->now = now_ms;
	if (fw->state != FW_IDLE) {
		snprintf(msg, msgcap, "an update is under way");
		return EVSE_FW_E01;
	}
	if (fw->ev.busy && fw->ev.busy(fw->ev.ctx)) {
		snprintf(msg, msgcap, "a charging session is running");
		return EVSE_FW_E01;
	}
	if (!md5hex || strlen(md5hex) != 32 || evse_fw_parse_md5(md5hex, 32, expected) < 0) {
		snprintf(msg, msgcap, "the MD5 is not 32 hex digits");
		return EVSE_FW_E02;
	}
	if (evse_xfer_md5_file(path, actual) < 0) {
		snprintf(msg, msgcap, "the uploaded image cannot be read");
		return EVSE_FW_E01;
	}
	mkdir(fw->dir, 0755);
	snprintf(version, sizeof(version), "local-%.8s", actual);
	enum evse_fw_code c = install(fw, path, expected, actual, version, msg, msgcap);
	if (c == EVSE_FW_OK) {
		WL_INFO(MOD, "local upload: %s: restarting", msg);
		installed(fw);
	} else {
		WL_WARN(MOD, "local upload refused (%s): %s", evse_fw_code_text(c), msg);
		show(fw, c);
	}
	return c;
}

enum ocpp_firmware_status evse_fw_status(const struct evse_fw *fw)
{
	switch (fw->state) {
	case FW_FETCH_MD5:
	case FW_DOWNLOADING:
	case FW_RETRY_WAIT: return OCPP_FIRMWARE_STATUS_DOWNLOADING;
	case FW_WAIT_TX: return OCPP_FIRMWARE_STATUS_DOWNLOADED;
	case FW_RESTART: return OCPP_FIRMWARE_STATUS_INSTALLING;
	default: return OCPP_FIRMWARE_STATUS_IDLE;
	}
}

bool evse_fw_restart_due(const struct evse_fw *fw, uint64_t now_ms)
{
	return fw->state == FW_RESTART && now_ms >= fw->restart_at;
}

bool evse_fw_take_installed(struct evse_fw *fw)
{
	bool was = fw->just_installed;
	fw->just_installed = false;
	return was;
}

struct evse_fw *evse_fw_new(const char *dir, const char *model, int64_t max_bytes, struct evse_store *st,
                            const struct evse_fw_events *ev)
{
	char v[4] = "";
	struct evse_fw *fw = calloc(1, sizeof(*fw));
	if (!fw)
		return NULL;
	snprintf(fw->dir, sizeof(fw->dir), "%s", dir);
	snprintf(fw->model, sizeof(fw->model), "%s", model);
	fw->max_bytes = max_bytes;
	fw->st = st;
	if (ev)
		fw->ev = *ev;
	if (evse_store_get(st, "firmware.just_installed", v, sizeof(v)) == 1 && strcmp(v, "1") == 0) {
		fw->just_installed = true;
		evse_store_set(st, "firmware.just_installed", "");
	}
	return fw;
}

void evse_fw_free(struct evse_fw *fw)
{
	if (!fw)
		return;
	evse_xfer_free(fw->xfer);
	free(fw);
}
