/* evse_fw.h — firmware update: OCPP UpdateFirmware (download over HTTP(S) on the transfer thread at
 * retrieveDate, retries, MD5 check, install once no session runs, restart) and the local upload of the
 * web app (evse_fw_install_local), with the result codes of 003 §7.1.2 / §12 on the display:
 *
 *   100 UP  installed: the station restarts with the new version
 *   E01 UP  the image could not be written (<state dir>/firmware/installed.bin), or an upgrade is busy
 *   E02 UP  the MD5 of the image does not match the expected one, or the expected one is unreadable
 *   E03 UP  the download failed: no data for 15 s, no connection, an HTTP error (404 ...), all retries
 *   E04 UP  the image does not match this charger: empty, too large, or a Wattline header for another model
 *
 * The expected MD5 of an OCPP download comes from an "md5=<32 hex>" query parameter of the location when
 * there is one, else from the sidecar "<location>.md5" (md5sum format: the hex digest first). An image
 * may start with the header line "WLFW <model> <version>\n"; without it the version is the location's
 * file name less ".bin". "Installing" moves the image to <state dir>/firmware/installed.bin and records
 * the version in the store ("firmware.version"), which the next BootNotification reports. */
#ifndef EVSE_FW_H
#define EVSE_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_store.h"
#include "ocpp_types.h"

enum evse_fw_code { EVSE_FW_OK, EVSE_FW_E01, EVSE_FW_E02, EVSE_FW_E03, EVSE_FW_E04 };
const char *evse_fw_code_text(enum evse_fw_code c); /* "100 UP", "E01 UP", ... */
const char *evse_fw_code_name(enum evse_fw_code c); /* "100", "E01", ... */

#define EVSE_FW_MESSAGE_MS  30000 /* an error code stays on the display this long */
#define EVSE_FW_RESTART_MS  3000  /* "100 UP" is shown this long before the restart */
#define EVSE_FW_VERSION_MAX 51    /* firmwareVersion: CiString50 */

struct evse_fw_events {
	void *ctx;
	void (*status)(void *ctx, enum ocpp_firmware_status s); /* for FirmwareStatusNotification */
	bool (*busy)(void *ctx);                                /* a session runs: installing waits */
	void (*show)(void *ctx, const char *text, uint32_t ms); /* the display */
};

struct evse_fw;

/* dir: the firmware folder (<state dir>/firmware, made when needed); model: what a header must name;
 * max_bytes: the largest image. st and ev->ctx must outlive it. NULL when out of memory. */
struct evse_fw *evse_fw_new(const char *dir, const char *model, int64_t max_bytes, struct evse_store *st,
                            const struct evse_fw_events *ev);
void evse_fw_free(struct evse_fw *fw);

/* UpdateFirmware: starts at retrieve_wall (ms), 1 + retries attempts retry_s apart. -1 when an update is
 * already under way (it goes on). */
int evse_fw_update(struct evse_fw *fw, const char *location, int64_t retrieve_wall, int retries, int retry_s,
                   uint64_t now_ms);
/* The image at path (which is moved away on success) with its expected MD5: checked and installed at once.
 * The code; msg says why for a failure. A session running or an update under way: E01. */
enum evse_fw_code evse_fw_install_local(struct evse_fw *fw, const char *path, const char *md5hex, uint64_t now_ms,
                                        char *msg, size_t msgcap);
/* Control tick: transfer results, retries, installation. */
void evse_fw_tick(struct evse_fw *fw, uint64_t now_ms, int64_t now_wall);
/* What a triggered FirmwareStatusNotification says now (Idle when nothing is under way). */
enum ocpp_firmware_status evse_fw_status(const struct evse_fw *fw);
/* An image was installed: the program should restart now. */
bool evse_fw_restart_due(const struct evse_fw *fw, uint64_t now_ms);
/* True once when this run started right after an installation (report Installed after the boot). */
bool evse_fw_take_installed(struct evse_fw *fw);

/* ---- parsers (fuzzed) ---- */
/* A sidecar's text: 32 hex digits first (md5sum's "digest  name" or the digest alone). 0 with the
 * lower-case digest in out, or -1. */
int evse_fw_parse_md5(const char *text, size_t len, char out[33]);
/* "md5=<32 hex>" in the query of url: 1 (out filled), 0 none, -1 present but malformed. */
int evse_fw_md5_from_url(const char *url, char out[33]);
/* The optional image header "WLFW <model> <version>\n" in buf[0..len): 1 with model and version, 0 when
 * buf does not start with "WLFW ", -1 when it does but the line is malformed. */
int evse_fw_parse_header(const char *buf, size_t len, char *model, size_t model_cap, char *version, size_t version_cap);
/* The version a location names: its last path segment without the query and a ".bin" suffix. */
void evse_fw_version_from_url(const char *url, char *out, size_t cap);

#endif
