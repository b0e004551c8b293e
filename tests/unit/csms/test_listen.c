/* test_listen.c — where the csms (and the evse's web app) listen: src/common/wl_listen.c resolves an IPv4 or
 * IPv6 address or an interface name to one numeric address, refuses anything else with a clear reason, and
 * hands libwebsockets an exact address (never the wildcard for an address, the lws 4.1 pitfall). */
#include "test_util.h"

#include <libwebsockets.h>
#include <sys/socket.h>

#include "wl_listen.h"

static struct wl_listen resolved(const char *spec)
{
	struct wl_listen l;
	char err[200] = "";
	if (wl_listen_resolve(spec, &l, err, sizeof(err)) != 0)
		fail_msg("%s: %s", spec, err);
	return l;
}

static void refused(const char *spec, const char *needle)
{
	struct wl_listen l;
	char err[200] = "";
	assert_int_equal(wl_listen_resolve(spec, &l, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("%s: \"%s\" lacks \"%s\"", spec, err, needle);
}

static void addresses_resolve_to_themselves(void **state)
{
	(void)state;
	struct wl_listen l = resolved("127.0.0.1");
	assert_int_equal(l.family, AF_INET);
	assert_string_equal(l.addr, "127.0.0.1");
	l = resolved("::1");
	assert_int_equal(l.family, AF_INET6);
	assert_string_equal(l.addr, "::1");
	l = resolved("0:0:0:0:0:0:0:1");
	assert_string_equal(l.addr, "::1"); /* the canonical form */
	l = resolved("");
	assert_int_equal(l.family, 0); /* every address */
}

static void the_loopback_interface_gives_its_ipv4_address(void **state)
{
	(void)state;
	struct wl_listen l = resolved("lo");
	assert_int_equal(l.family, AF_INET);
	assert_string_equal(l.addr, "127.0.0.1");
	assert_string_equal(l.iface, "lo");
}

static void host_names_unknown_interfaces_and_scoped_addresses_are_refused(void **state)
{
	(void)state;
	refused("localhost", "\"localhost\" is neither an IPv4 or IPv6 address nor a network interface");
	refused("nosuch0", "nosuch0");
	refused("fe80::1%lo", "neither");
	refused("127.0.0.1/8", "neither");
	refused("a-name-much-longer-than-an-interface-may-be", "neither");
	refused("256.1.1.1", "neither");
}

static void libwebsockets_gets_the_exact_address(void **state)
{
	(void)state;
	struct lws_context_creation_info info;
	struct wl_listen v4 = resolved("127.0.0.1"), v6 = resolved("::1"), any = resolved("");

	memset(&info, 0, sizeof(info));
	wl_listen_apply_lws(&v4, &info);
	assert_non_null(info.iface);
	assert_non_null(strstr(info.iface, "127.0.0.1")); /* an address, which lws 4.1 parses, never NULL */
	assert_true(info.options & LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND);

	memset(&info, 0, sizeof(info));
	wl_listen_apply_lws(&v6, &info);
	assert_string_equal(info.iface, "::1");
	assert_true(info.options & LWS_SERVER_OPTION_IPV6_V6ONLY_VALUE);

	memset(&info, 0, sizeof(info));
	wl_listen_apply_lws(&any, &info);
	assert_null(info.iface);
}

static void an_address_the_host_does_not_have_cannot_be_bound(void **state)
{
	(void)state;
	char err[200] = "";
	struct wl_listen l = resolved("192.0.2.1"); /* TEST-NET-1: on no host */
	assert_int_equal(wl_listen_try(&l, 18999, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot listen on 192.0.2.1 port 18999"));
	l = resolved("127.0.0.1");
	assert_int_equal(wl_listen_try(&l, 0, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(addresses_resolve_to_themselves),
	    cmocka_unit_test(the_loopback_interface_gives_its_ipv4_address),
	    cmocka_unit_test(host_names_unknown_interfaces_and_scoped_addresses_are_refused),
	    cmocka_unit_test(libwebsockets_gets_the_exact_address),
	    cmocka_unit_test(an_address_the_host_does_not_have_cannot_be_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
