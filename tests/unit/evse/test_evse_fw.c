/* test_evse_fw.c — the firmware updater without a network: the parsers (sidecar, md5= parameter, image
 * header, version from a location), the installation of a local image with each result code, the
 * restart that follows, and "Installed" reported once after it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evse_fw.h"
#include "evse_xfer.h"
#include "wl_log.h"

struct ft {
	char dir[64], db[96], fwdir[96], img[128];
	struct evse_store *st;
	struct evse_fw *fw;
	bool busy;
	char shown[32];
	int statuses;
};

static bool ft_busy(void *ctx)
{
	return ((struct ft *)ctx)->busy;
}

static void ft_show(void *ctx, const char *text, uint32_t ms)
{
	(void)ms;
	snprintf(((struct ft *)ctx)->shown, sizeof(((struct ft *)ctx)->shown), "%s", text);
}

static void ft_status(void *ctx, enum ocpp_firmware_status s)
{
	(void)s;
	((struct ft *)ctx)->statuses++;
}

static void ft_open(struct ft *f)
{
	char err[160];
	f->st = evse_store_open(f->db, err, sizeof(err));
	assert_non_null(f->st);
	struct evse_fw_events ev = {.ctx = f, .busy = ft_busy, .show = ft_show, .status = ft_status};
	f->fw = evse_fw_new(f->fwdir, "WL-22", 4096, f->st, &ev);
	assert_non_null(f->fw);
}

static void ft_close(struct ft *f)
{
	evse_fw_free(f->fw);
	evse_store_close(f->st);
}

static int setup(void **state)
{
	struct ft *f = calloc(1, sizeof(*f));
	wl_log_set_level(WL_LOG_ERROR);
	snprintf(f->dir, sizeof(f->dir), "build/test-fw-%d", (int)getpid());
	mkdir(f->dir, 0755);
	snprintf(f->db, sizeof(f->db), "%s/evse.db", f->dir);
	snprintf(f->fwdir, sizeof(f->fwdir), "%s/firmware", f->dir);
	snprintf(f->img, sizeof(f->img), "%s/upload.part", f->dir);
	ft_open(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct ft *f = *state;
	char cmd[128];
	ft_close(f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Writes an image and returns its MD5. */
static void write_image(struct ft *f, const char *content, size_t len, char md5[33])
{
	FILE *o = fopen(f->img, "wb");
	assert_non_null(o);
	assert_int_equal(fwrite(content, 1, len, o), len);
	fclose(o);
	assert_int_equal(evse_xfer_md5_file(f->img, md5), 0);
}

static void test_md5_sidecar_and_parameter(void **state)
{
	(void)state;
	char m[33];
	const char *d = "d41d8cd98f00b204e9800998ecf8427e";
	assert_int_equal(evse_fw_parse_md5(d, 32, m), 0);
	assert_string_equal(m, d);
	assert_int_equal(evse_fw_parse_md5("D41D8CD98F00B204E9800998ECF8427E  wl.bin\n", 41, m), 0);
	assert_string_equal(m, d);
	assert_int_equal(evse_fw_parse_md5("  d41d8cd98f00b204e9800998ecf8427e\n", 35, m), 0);
	assert_int_equal(evse_fw_parse_md5("d41d8cd98f00b204e9800998ecf8427", 31, m), -1);   /* 31 digits */
	assert_int_equal(evse_fw_parse_md5("d41d8cd98f00b204e9800998ecf8427e0", 33, m), -1); /* 33 */
	assert_int_equal(evse_fw_parse_md5("<html>not found</html>", 22, m), -1);
	assert_int_equal(evse_fw_md5_from_url("http://h/fw.bin", m), 0);
	assert_int_equal(evse_fw_md5_from_url("http://h/fw.bin?a=1&md5=D41D8CD98F00B204E9800998ECF8427E", m), 1);
	assert_string_equal(m, d);
	assert_int_equal(evse_fw_md5_from_url("http://h/fw.bin?md5=xyz", m), -1);
	assert_int_equal(evse_fw_md5_from_url("http://h/fw.bin?xmd5=1", m), 0);
}

static void test_header_and_version(void **state)
{
	(void)state;
	char model[32], version[EVSE_FW_VERSION_MAX];
	assert_int_equal(
	    evse_fw_parse_header("WLFW WL-22 1.2.3\nrest", 21, model, sizeof(model), version, sizeof(version)), 1);
	assert_string_equal(model, "WL-22");
	assert_string_equal(version, "1.2.3");
	assert_int_equal(evse_fw_parse_header("\x7f"
	                                      "ELF",
	                                      4, model, sizeof(model), version, sizeof(version)),
	                 0);
	assert_int_equal(evse_fw_parse_header("WLFW WL-22\n", 11, model, sizeof(model), version, sizeof(version)), -1);
	assert_int_equal(evse_fw_parse_header("WLFW WL-22 1.2.3", 16, model, sizeof(model), version, sizeof(version)),
	                 -1); /* no end of line */
	evse_fw_version_from_url("http://h/firmware/wl-22-2.0.1.bin?md5=x", version, sizeof(version));
	assert_string_equal(version, "wl-22-2.0.1");
	evse_fw_version_from_url("http://h/", version, sizeof(version));
	assert_string_equal(version, "unknown");
}

static void test_local_install_codes_and_restart(void **state)
{
	struct ft *f = *state;
	char md5[33], msg[200], installed[160];
	const char img[] = "WLFW WL-22 3.0.0\nimage bytes";
	write_image(f, img, sizeof(img) - 1, md5);
	assert_int_equal(
	    evse_fw_install_local(f->fw, f->img, "0123456789abcdef0123456789abcdef", 1000, msg, sizeof(msg)),
	    EVSE_FW_E02);
	assert_string_equal(f->shown, "E02 UP");
	assert_int_equal(evse_fw_install_local(f->fw, f->img, "12", 1000, msg, sizeof(msg)), EVSE_FW_E02);
	f->busy = true; /* a session runs */
	assert_int_equal(evse_fw_install_local(f->fw, f->img, md5, 1000, msg, sizeof(msg)), EVSE_FW_E01);
	f->busy = false;
	const char wrong[] = "WLFW WL-7 3.0.0\nimage bytes"; /* for another model */
	write_image(f, wrong, sizeof(wrong) - 1, md5);
	assert_int_equal(evse_fw_install_local(f->fw, f->img, md5, 1000, msg, sizeof(msg)), EVSE_FW_E04);
	assert_string_equal(f->shown, "E04 UP");
	char big[5000];
	memset(big, 'x', sizeof(big)); /* over the 4096 bytes of this test */
	write_image(f, big, sizeof(big), md5);
	assert_int_equal(evse_fw_install_local(f->fw, f->img, md5, 1000, msg, sizeof(msg)), EVSE_FW_E04);
	write_image(f, img, sizeof(img) - 1, md5);
	assert_int_equal(evse_fw_install_local(f->fw, f->img, md5, 1000, msg, sizeof(msg)), EVSE_FW_OK);
	assert_string_equal(f->shown, "100 UP");
	snprintf(installed, sizeof(installed), "%s/installed.bin", f->fwdir);
	assert_int_equal(access(installed, R_OK), 0);
	assert_int_equal(access(f->img, F_OK), -1); /* moved */
	assert_false(evse_fw_restart_due(f->fw, 1000 + EVSE_FW_RESTART_MS - 1));
	assert_true(evse_fw_restart_due(f->fw, 1000 + EVSE_FW_RESTART_MS));
	assert_int_equal(evse_fw_status(f->fw), OCPP_FIRMWARE_STATUS_INSTALLING);
	/* an update while the restart is pending is refused */
	assert_int_equal(evse_fw_update(f->fw, "http://h/x.bin", 0, 0, 0, 1000), -1);
	char v[64];
	assert_int_equal(evse_store_get(f->st, "firmware.version", v, sizeof(v)), 1);
	assert_string_equal(v, "3.0.0");
	/* the restart: Installed is to be reported once */
	ft_close(f);
	ft_open(f);
	assert_true(evse_fw_take_installed(f->fw));
	assert_false(evse_fw_take_installed(f->fw));
	assert_int_equal(evse_fw_status(f->fw), OCPP_FIRMWARE_STATUS_IDLE);
	ft_close(f);
	ft_open(f);
	assert_false(evse_fw_take_installed(f->fw));
}

static void test_update_waits_for_retrieve_date(void **state)
{
	struct ft *f = *state;
	/* a port nobody listens on: the attempt fails fast; the retrieve date holds it back first */
	assert_int_equal(
	    evse_fw_update(f->fw, "http://127.0.0.1:1/fw.bin?md5=d41d8cd98f00b204e9800998ecf8427e", 5000, 0, 1, 0), 0);
	evse_fw_tick(f->fw, 100, 4999);
	assert_int_equal(f->statuses, 0);
	assert_int_equal(evse_fw_status(f->fw), OCPP_FIRMWARE_STATUS_IDLE);
	evse_fw_tick(f->fw, 200, 5000);
	assert_int_equal(f->statuses, 1); /* Downloading */
	assert_int_equal(evse_fw_status(f->fw), OCPP_FIRMWARE_STATUS_DOWNLOADING);
	for (int i = 0; i < 200 && f->statuses < 2; i++) {
		nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
		evse_fw_tick(f->fw, 300, 5000);
	}
	assert_int_equal(f->statuses, 2); /* DownloadFailed */
	assert_string_equal(f->shown, "E03 UP");
	assert_int_equal(evse_fw_status(f->fw), OCPP_FIRMWARE_STATUS_IDLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_md5_sidecar_and_parameter),
	    cmocka_unit_test(test_header_and_version),
	    cmocka_unit_test_setup_teardown(test_local_install_codes_and_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_waits_for_retrieve_date, setup, teardown),
	};
	return cmocka_run_group_tests_name("evse_fw", tests, NULL, NULL);
}
