/* test_config.c — the csms option table: defaults, each kind of option (number, text, yes/no, choice)
 * with its bounds, refusals naming the option, INI files (and INI text) with file:line in their
 * messages, the command line (--name=value, --name value, --config, --help), and the cross-checks. */
#include "test_util.h"

#include <unistd.h>

#include "csms_config.h"
#include "wl_log.h"

static struct csms_config cfg;
static char err[400];
static char tmp_path[64];

static int setup(void **state)
{
	(void)state;
	csms_config_defaults(&cfg);
	err[0] = '\0';
	tmp_path[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (tmp_path[0])
		unlink(tmp_path);
	return 0;
}

/* Writes text to a fresh temporary file named in tmp_path (removed by teardown). */
static const char *write_tmp(const char *text)
{
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/csms-config-XXXXXX");
	int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return tmp_path;
}

static void assert_set(const char *name, const char *value)
{
	int rc = csms_config_set(&cfg, name, value, err, sizeof(err));

	if (rc)
		print_error("%s = \"%s\" refused: %s\n", name, value, err);
	assert_int_equal(rc, 0);
}

/* Asserts the option is refused with a message containing the option's name and needle. */
static void assert_refused(const char *name, const char *value, const char *needle)
{
	err[0] = '\0';
	int rc = csms_config_set(&cfg, name, value, err, sizeof(err));

	if (rc != -1 || !strstr(err, name) || (needle && !strstr(err, needle)))
		print_error("%s = \"%s\": want a refusal naming it with \"%s\", got %d: %s\n", name, value,
		            needle ? needle : "", rc, err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, name));
	if (needle)
		assert_non_null(strstr(err, needle));
}

/* Parses a NULL-terminated argument list (argv[0] is the program). */
static int parse(const char **args, int *pos, int npos, int *n_pos)
{
	int argc = 0;
	int dummy_pos[1], dummy_n;

	while (args[argc])
		argc++;
	err[0] = '\0';
	return csms_config_parse_args(&cfg, argc, (char **)args, 1, pos ? pos : dummy_pos, pos ? npos : 0,
	                              n_pos ? n_pos : &dummy_n, err, sizeof(err));
}

/* ---- defaults ---- */

static void defaults_are_the_documented_ones(void **state)
{
	(void)state;
	assert_int_equal(cfg.port, 8080);
	assert_string_equal(cfg.data_dir, "data");
	assert_string_equal(cfg.listen, "");
	assert_string_equal(cfg.tls_cert, "");
	assert_string_equal(cfg.tls_key, "");
	assert_int_equal(cfg.security_profile, 0);
	assert_int_equal(cfg.station_policy, CSMS_POLICY_KNOWN);
	assert_int_equal(cfg.heartbeat_interval, 300);
	assert_int_equal(cfg.pending_interval, 60);
	assert_int_equal(cfg.pending_max, 100);
	assert_int_equal(cfg.pending_rate, 10);
	assert_int_equal(cfg.call_timeout, 30);
	assert_int_equal(cfg.max_frame, 65536);
	assert_int_equal(cfg.max_connections, 50000);
	assert_int_equal(cfg.auth_fail_limit, 5);
	assert_int_equal(cfg.message_retention, 30);
	assert_int_equal(cfg.event_retention, 365);
	assert_int_equal(cfg.message_log_max_mb, 1024);
	assert_int_equal(cfg.message_log_frame_max, 4096);
	assert_int_equal(cfg.station_msg_rate, 20);
	assert_int_equal(cfg.station_byte_rate, 65536);
	assert_false(cfg.allow_concurrent_tx);
	assert_int_equal(cfg.log_level, WL_LOG_INFO);
	assert_string_equal(cfg.admin_token_file, "");
}

static void defaults_pass_the_cross_checks(void **state)
{
	(void)state;
	assert_int_equal(csms_config_check(&cfg, err, sizeof(err)), 0);
}

static void default_station_policy_is_the_safe_one(void **state)
{
	(void)state;
	assert_string_equal(csms_policy_name(cfg.station_policy), "known");
	assert_string_equal(csms_policy_name(CSMS_POLICY_PENDING), "pending");
	assert_string_equal(csms_policy_name(CSMS_POLICY_ACCEPT), "accept");
	assert_string_equal(csms_policy_name(7), "?");
	assert_string_equal(csms_policy_name(-1), "?");
}

/* ---- each kind of option ---- */

static void number_option_is_set_within_its_bounds(void **state)
{
	(void)state;
	assert_set("port", "1");
	assert_int_equal(cfg.port, 1);
	assert_set("port", "65535");
	assert_int_equal(cfg.port, 65535);
	assert_set("heartbeat-interval", "10");
	assert_int_equal(cfg.heartbeat_interval, 10);
	assert_set("max-frame", "16777216");
	assert_int_equal(cfg.max_frame, 16 * 1024 * 1024);
	assert_set("pending-max", "1");
	assert_int_equal(cfg.pending_max, 1);
	assert_set("pending-rate", "100000");
	assert_int_equal(cfg.pending_rate, 100000);
}

static void number_outside_its_bounds_is_refused_with_the_range(void **state)
{
	(void)state;
	assert_refused("port", "0", "1..65535");
	assert_refused("port", "65536", "1..65535");
	assert_refused("port", "-1", "1..65535");
	assert_refused("heartbeat-interval", "9", "10..86400");
	assert_refused("max-frame", "1023", "1024..");
	assert_refused("security-profile", "3", "0..2");
	assert_refused("pending-max", "0", "1..100000");
	assert_refused("pending-rate", "0", "1..100000");
	assert_int_equal(cfg.port, 8080); /* unchanged */
}

static void number_that_is_not_a_number_is_refused(void **state)
{
	(void)state;
	assert_refused("port", "", "not a number");
	assert_refused("port", "80x", "\"80x\"");
	assert_refused("port", "eighty", "not a number");
	assert_refused("port", "8080.5", "not a number");
	assert_refused("port", "99999999999999999999999", "not a number");
	assert_int_equal(cfg.port, 8080);
}

static void text_option_is_copied(void **state)
{
	(void)state;
	assert_set("data", "/var/lib/wattline");
	assert_string_equal(cfg.data_dir, "/var/lib/wattline");
	assert_set("listen", "127.0.0.1");
	assert_string_equal(cfg.listen, "127.0.0.1");
	assert_set("admin-token-file", "/run/csms.token");
	assert_string_equal(cfg.admin_token_file, "/run/csms.token");
}

static void text_that_does_not_fit_is_refused_and_the_fitting_length_accepted(void **state)
{
	char value[300];

	(void)state;
	tu_repeat(value, sizeof(value), "a", sizeof(cfg.listen) - 1);
	assert_set("listen", value);
	assert_int_equal(strlen(cfg.listen), sizeof(cfg.listen) - 1);
	tu_repeat(value, sizeof(value), "b", sizeof(cfg.listen));
	assert_refused("listen", value, "longer than 63");
	assert_int_equal(cfg.listen[0], 'a'); /* unchanged */
	tu_repeat(value, sizeof(value), "c", sizeof(cfg.data_dir));
	assert_refused("data", value, "longer than 255");
}

static void yes_no_option_takes_every_spelling(void **state)
{
	static const char *const yes[] = {"yes", "true", "1", "on"}, *const no[] = {"no", "false", "0", "off"};

	(void)state;
	for (unsigned i = 0; i < TU_ARRAY_SIZE(yes); i++) {
		cfg.allow_concurrent_tx = false;
		assert_set("allow-concurrent-tx", yes[i]);
		assert_true(cfg.allow_concurrent_tx);
		assert_set("allow-concurrent-tx", no[i]);
		assert_false(cfg.allow_concurrent_tx);
	}
}

static void yes_no_option_refuses_anything_else(void **state)
{
	(void)state;
	assert_refused("allow-concurrent-tx", "maybe", "not yes or no");
	assert_refused("allow-concurrent-tx", "", "not yes or no");
	assert_refused("allow-concurrent-tx", "YES", "not yes or no");
}

static void choice_option_takes_each_of_its_names(void **state)
{
	(void)state;
	assert_set("station-policy", "pending");
	assert_int_equal(cfg.station_policy, CSMS_POLICY_PENDING);
	assert_set("station-policy", "accept");
	assert_int_equal(cfg.station_policy, CSMS_POLICY_ACCEPT);
	assert_set("station-policy", "known");
	assert_int_equal(cfg.station_policy, CSMS_POLICY_KNOWN);
	assert_set("log-level", "debug");
	assert_int_equal(cfg.log_level, WL_LOG_DEBUG);
	assert_set("log-level", "error");
	assert_int_equal(cfg.log_level, WL_LOG_ERROR);
}

static void choice_option_refuses_other_names_and_lists_the_choices(void **state)
{
	(void)state;
	assert_refused("station-policy", "open", "known, pending, accept");
	assert_refused("log-level", "verbose", "error, warn, info, debug");
	assert_refused("station-policy", "Known", "\"Known\"");
	assert_int_equal(cfg.station_policy, CSMS_POLICY_KNOWN);
}

static void unknown_option_is_refused_with_its_name(void **state)
{
	(void)state;
	assert_refused("colour", "blue", "unknown option");
}

/* ---- INI ---- */

static void ini_file_sets_options_in_csms_section_or_none(void **state)
{
	const char *path = write_tmp("; Wattline csms\n"
	                             "port = 9000\n"
	                             "\n"
	                             "[csms]\n"
	                             "station-policy = pending\n"
	                             "allow-concurrent-tx = yes\n"
	                             "# a comment\n"
	                             "data = /srv/csms\n");

	(void)state;
	assert_int_equal(csms_config_load_file(&cfg, path, err, sizeof(err)), 0);
	assert_int_equal(cfg.port, 9000);
	assert_int_equal(cfg.station_policy, CSMS_POLICY_PENDING);
	assert_true(cfg.allow_concurrent_tx);
	assert_string_equal(cfg.data_dir, "/srv/csms");
	assert_string_equal(cfg.config_file, path);
}

static void ini_unknown_key_is_refused_with_file_and_line(void **state)
{
	const char *path = write_tmp("port = 9000\n\ncolour = blue\n");
	char want[100];

	(void)state;
	assert_int_equal(csms_config_load_file(&cfg, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3:", path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "colour"));
}

static void ini_bad_value_is_refused_with_file_line_and_option(void **state)
{
	const char *path = write_tmp("[csms]\nport = 0\n");
	char want[100];

	(void)state;
	assert_int_equal(csms_config_load_file(&cfg, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: option port", path);
	assert_non_null(strstr(err, want));
}

static void ini_other_section_is_refused_with_file_and_line(void **state)
{
	const char *path = write_tmp("port = 9000\n[evse]\nport = 9001\n");
	char want[100];

	(void)state;
	assert_int_equal(csms_config_load_file(&cfg, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3:", path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "[evse]"));
}

static void ini_config_key_is_refused_inside_a_file(void **state)
{
	const char *path = write_tmp("config = /etc/other.ini\n");
	char want[100];

	(void)state;
	assert_int_equal(csms_config_load_file(&cfg, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1:", path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "config"));
}

static void ini_line_that_is_not_ini_is_refused_with_its_line(void **state)
{
	const char *path = write_tmp("port = 9000\nthis is not ini\n");
	char want[100];

	(void)state;
	assert_int_equal(csms_config_load_file(&cfg, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: not a valid INI line", path);
	assert_non_null(strstr(err, want));
}

static void ini_first_error_is_the_one_reported(void **state)
{
	(void)state;
	assert_int_equal(csms_config_load_string(&cfg, "port = 1\nport = x\ncolour = 2\n", "t.ini", err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "t.ini:2: option port"));
}

static void ini_missing_file_is_refused_naming_it(void **state)
{
	(void)state;
	assert_int_equal(csms_config_load_file(&cfg, "/nonexistent/csms.ini", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/csms.ini"));
}

static void ini_string_is_read_like_a_file(void **state)
{
	(void)state;
	assert_int_equal(csms_config_load_string(&cfg, "[csms]\nlog-level = warn\n", NULL, err, sizeof(err)), 0);
	assert_int_equal(cfg.log_level, WL_LOG_WARN);
	assert_string_equal(cfg.config_file, "");
	assert_int_equal(csms_config_load_string(&cfg, "nope = 1\n", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "<string>:1:"));
}

/* ---- command line ---- */

static void name_equals_value_and_name_space_value_both_set_options(void **state)
{
	const char *args[] = {"csms", "--port=9100", "--data", "/tmp/d", "--station-policy=accept", NULL};

	(void)state;
	assert_int_equal(parse(args, NULL, 0, NULL), 0);
	assert_int_equal(cfg.port, 9100);
	assert_string_equal(cfg.data_dir, "/tmp/d");
	assert_int_equal(cfg.station_policy, CSMS_POLICY_ACCEPT);
}

static void equals_sign_allows_an_empty_value(void **state)
{
	const char *args[] = {"csms", "--listen=", NULL};

	(void)state;
	snprintf(cfg.listen, sizeof(cfg.listen), "x");
	assert_int_equal(parse(args, NULL, 0, NULL), 0);
	assert_string_equal(cfg.listen, "");
}

static void yes_no_option_alone_means_yes(void **state)
{
	const char *last[] = {"csms", "--allow-concurrent-tx", NULL};
	const char *before_option[] = {"csms", "--allow-concurrent-tx", "--port", "81", NULL};
	const char *with_value[] = {"csms", "--allow-concurrent-tx", "no", NULL};

	(void)state;
	assert_int_equal(parse(last, NULL, 0, NULL), 0);
	assert_true(cfg.allow_concurrent_tx);
	cfg.allow_concurrent_tx = false;
	assert_int_equal(parse(before_option, NULL, 0, NULL), 0);
	assert_true(cfg.allow_concurrent_tx);
	assert_int_equal(cfg.port, 81);
	assert_int_equal(parse(with_value, NULL, 0, NULL), 0);
	assert_false(cfg.allow_concurrent_tx);
}

static void option_without_its_value_is_refused(void **state)
{
	const char *args[] = {"csms", "--port", NULL};

	(void)state;
	assert_int_equal(parse(args, NULL, 0, NULL), -1);
	assert_non_null(strstr(err, "--port needs a value"));
}

static void unknown_command_line_option_is_refused_with_its_name(void **state)
{
	const char *args[] = {"csms", "--colour=blue", NULL};
	const char *huge[] = {"csms", "--a-name-far-longer-than-any-option-could-ever-be-in-this-table-of-options=1",
	                      NULL};

	(void)state;
	assert_int_equal(parse(args, NULL, 0, NULL), -1);
	assert_non_null(strstr(err, "colour"));
	assert_int_equal(parse(huge, NULL, 0, NULL), -1);
	assert_non_null(strstr(err, "unknown option"));
}

static void bad_value_on_the_command_line_names_the_option(void **state)
{
	const char *args[] = {"csms", "--security-profile", "5", NULL};

	(void)state;
	assert_int_equal(parse(args, NULL, 0, NULL), -1);
	assert_non_null(strstr(err, "security-profile"));
}

static void help_is_reported_wherever_it_appears(void **state)
{
	const char *long_form[] = {"csms", "--port", "1", "--help", "--colour", NULL};
	const char *short_form[] = {"csms", "-h", NULL};

	(void)state;
	assert_int_equal(parse(long_form, NULL, 0, NULL), 1);
	assert_int_equal(parse(short_form, NULL, 0, NULL), 1);
}

static void help_text_lists_every_option(void **state)
{
	static const char *const names[] = {"--config",
	                                    "--listen",
	                                    "--port",
	                                    "--data",
	                                    "--tls-cert",
	                                    "--tls-key",
	                                    "--security-profile",
	                                    "--station-policy",
	                                    "--heartbeat-interval",
	                                    "--pending-interval",
	                                    "--call-timeout",
	                                    "--max-frame",
	                                    "--max-connections",
	                                    "--auth-fail-limit",
	                                    "--message-retention",
	                                    "--event-retention",
	                                    "--allow-concurrent-tx",
	                                    "--log-level",
	                                    "--admin-token-file",
	                                    "--help"};
	char text[16384];
	int saved = dup(STDOUT_FILENO);
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	fflush(stdout);
	dup2(fileno(f), STDOUT_FILENO);
	csms_config_print_help("csms");
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	for (unsigned i = 0; i < TU_ARRAY_SIZE(names); i++) {
		if (!strstr(text, names[i]))
			print_error("--help does not mention %s\n", names[i]);
		assert_non_null(strstr(text, names[i]));
	}
}

static void positional_arguments_are_returned_in_order(void **state)
{
	const char *args[] = {"csms", "CP-1", "--port", "81", "Reset", "{}", NULL};
	int pos[4], n_pos = -1;

	(void)state;
	assert_int_equal(parse(args, pos, 4, &n_pos), 0);
	assert_int_equal(n_pos, 3);
	assert_int_equal(pos[0], 1);
	assert_int_equal(pos[1], 4);
	assert_int_equal(pos[2], 5);
	assert_int_equal(cfg.port, 81);
}

static void more_positional_arguments_than_expected_are_refused(void **state)
{
	const char *args[] = {"csms", "one", "two", NULL};
	int pos[1], n_pos;

	(void)state;
	assert_int_equal(parse(args, pos, 1, &n_pos), -1);
	assert_non_null(strstr(err, "\"two\""));
}

static void config_file_is_read_in_place_so_later_options_override_it(void **state)
{
	const char *path = write_tmp("port = 9000\nheartbeat-interval = 120\n");
	const char *args[] = {"csms", "--port", "7000", "--config", path, "--heartbeat-interval=60", NULL};

	(void)state;
	assert_int_equal(parse(args, NULL, 0, NULL), 0);
	assert_int_equal(cfg.port, 9000);             /* the file came after --port */
	assert_int_equal(cfg.heartbeat_interval, 60); /* the option came after the file */
	assert_string_equal(cfg.config_file, path);
}

static void bad_config_file_on_the_command_line_is_refused_with_file_and_line(void **state)
{
	const char *path = write_tmp("[csms]\nport = 9000\nstation-policy = open\n");
	const char *args[] = {"csms", "--config=", NULL, NULL};
	char opt[100], want[100];

	(void)state;
	snprintf(opt, sizeof(opt), "--config=%s", path);
	args[1] = opt;
	assert_int_equal(parse(args, NULL, 0, NULL), -1);
	snprintf(want, sizeof(want), "%s:3: option station-policy", path);
	assert_non_null(strstr(err, want));
}

/* ---- cross-checks ---- */

static void tls_certificate_without_key_is_refused(void **state)
{
	(void)state;
	assert_set("tls-cert", "/etc/csms/cert.pem");
	assert_int_equal(csms_config_check(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--tls-key"));
}

static void tls_key_without_certificate_is_refused(void **state)
{
	(void)state;
	assert_set("tls-key", "/etc/csms/key.pem");
	assert_int_equal(csms_config_check(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--tls-cert"));
}

static void security_profile_2_needs_tls_files(void **state)
{
	(void)state;
	assert_set("security-profile", "2");
	assert_int_equal(csms_config_check(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "profile 2"));
	assert_set("tls-cert", "/etc/csms/cert.pem");
	assert_set("tls-key", "/etc/csms/key.pem");
	assert_int_equal(csms_config_check(&cfg, err, sizeof(err)), 0);
}

static void empty_data_folder_is_refused(void **state)
{
	(void)state;
	assert_set("data", "");
	assert_int_equal(csms_config_check(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--data"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(defaults_are_the_documented_ones),
	    T(defaults_pass_the_cross_checks),
	    T(default_station_policy_is_the_safe_one),
	    T(number_option_is_set_within_its_bounds),
	    T(number_outside_its_bounds_is_refused_with_the_range),
	    T(number_that_is_not_a_number_is_refused),
	    T(text_option_is_copied),
	    T(text_that_does_not_fit_is_refused_and_the_fitting_length_accepted),
	    T(yes_no_option_takes_every_spelling),
	    T(yes_no_option_refuses_anything_else),
	    T(choice_option_takes_each_of_its_names),
	    T(choice_option_refuses_other_names_and_lists_the_choices),
	    T(unknown_option_is_refused_with_its_name),
	    T(ini_file_sets_options_in_csms_section_or_none),
	    T(ini_unknown_key_is_refused_with_file_and_line),
	    T(ini_bad_value_is_refused_with_file_line_and_option),
	    T(ini_other_section_is_refused_with_file_and_line),
	    T(ini_config_key_is_refused_inside_a_file),
	    T(ini_line_that_is_not_ini_is_refused_with_its_line),
	    T(ini_first_error_is_the_one_reported),
	    T(ini_missing_file_is_refused_naming_it),
	    T(ini_string_is_read_like_a_file),
	    T(name_equals_value_and_name_space_value_both_set_options),
	    T(equals_sign_allows_an_empty_value),
	    T(yes_no_option_alone_means_yes),
	    T(option_without_its_value_is_refused),
	    T(unknown_command_line_option_is_refused_with_its_name),
	    T(bad_value_on_the_command_line_names_the_option),
	    T(help_is_reported_wherever_it_appears),
	    T(help_text_lists_every_option),
	    T(positional_arguments_are_returned_in_order),
	    T(more_positional_arguments_than_expected_are_refused),
	    T(config_file_is_read_in_place_so_later_options_override_it),
	    T(bad_config_file_on_the_command_line_is_refused_with_file_and_line),
	    T(tls_certificate_without_key_is_refused),
	    T(tls_key_without_certificate_is_refused),
	    T(security_profile_2_needs_tls_files),
	    T(empty_data_folder_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
