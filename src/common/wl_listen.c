/* wl_listen.c — resolves where a server listens (address or interface name) to one numeric address and
 * hands it to libwebsockets so that the listening socket is bound to exactly that address. */
#define _DEFAULT_SOURCE /* getifaddrs */
#include "wl_listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libwebsockets.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The first IPv4 address of the interface, else its first IPv6 address that needs no scope. */
static int from_interface(const char *name, struct wl_listen *out, char *err, size_t errcap)
{
	struct ifaddrs *all, *a;
	const struct ifaddrs *v4 = NULL, *v6 = NULL;
	int found = 0;

	if (getifaddrs(&all) < 0) {
		snprintf(err, errcap, "cannot list the network interfaces: %s", strerror(errno));
		return -1;
	}
	for (a = all; a; a = a->ifa_next) {
		if (!a->ifa_name || strcmp(a->ifa_name, name) != 0)
			continue;
		found = 1;
		if (!a->ifa_addr)
			continue;
		if (a->ifa_addr->sa_family == AF_INET && !v4)
			v4 = a;
		else if (a->ifa_addr->sa_family == AF_INET6 && !v6 &&
		         !IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)a->ifa_addr)->sin6_addr))
			v6 = a;
	}
	int rc = -1;
	if (v4) {
		out->family = AF_INET;
		inet_ntop(AF_INET, &((const struct sockaddr_in *)v4->ifa_addr)->sin_addr, out->addr, sizeof(out->addr));
		rc = 0;
	} else if (v6) {
		out->family = AF_INET6;
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)v6->ifa_addr)->sin6_addr, out->addr,
		          sizeof(out->addr));
		rc = 0;
	} else if (found || if_nametoindex(name)) {
		snprintf(err, errcap, "interface \"%s\" has no address to listen on", name);
	} else {
		snprintf(err, errcap, "\"%s\" is neither an IPv4 or IPv6 address nor a network interface", name);
	}
	if (rc == 0)
		snprintf(out->iface, sizeof(out->iface), "%s", name);
	freeifaddrs(all);
	return rc;
}

int wl_listen_resolve(const char *spec, struct wl_listen *out, char *err, size_t errcap)
{
	unsigned char bin[sizeof(struct in6_addr)];

	memset(out, 0, sizeof(*out));
	if (!spec || !spec[0])
		return 0;
	if (inet_pton(AF_INET, spec, bin) == 1) {
		out->family = AF_INET;
		inet_ntop(AF_INET, bin, out->addr, sizeof(out->addr));
		return 0;
	}
	if (inet_pton(AF_INET6, spec, bin) == 1) {
		out->family = AF_INET6;
		inet_ntop(AF_INET6, bin, out->addr, sizeof(out->addr));
		return 0;
	}
	if (strlen(spec) >= IF_NAMESIZE || strchr(spec, '%') || strchr(spec, '/')) {
		snprintf(err, errcap, "\"%.64s\" is neither an IPv4 or IPv6 address nor a network interface", spec);
		return -1;
	}
	return from_interface(spec, out, err, errcap);
}

int wl_listen_try(const struct wl_listen *l, int port, char *err, size_t errcap)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, rc = -1;
	char name[80];

	if (!l->family)
		return 0; /* every address: lws says itself when the port is taken */
	memset(&ss, 0, sizeof(ss));
	if (l->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		inet_pton(AF_INET, l->addr, &s4->sin_addr);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		inet_pton(AF_INET6, l->addr, &s6->sin6_addr);
		len = sizeof(*s6);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errcap, "%s: cannot open a socket: %s", wl_listen_name(l, name, sizeof(name)),
		         strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		snprintf(err, errcap, "cannot listen on %s port %d: %s", wl_listen_name(l, name, sizeof(name)), port,
		         strerror(errno));
	else
		rc = 0;
	close(fd);
	return rc;
}

void wl_listen_apply_lws(struct wl_listen *l, struct lws_context_creation_info *info)
{
	/* a socket that cannot be bound ends lws_create_context instead of waiting for the interface */
	info->options |= LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
	if (l->family == AF_INET) {
#if defined(LWS_WITH_IPV6)
		/* lws listens on an IPv6 socket (and its clients resolve IPv6 too): bind the IPv4-mapped address,
		 * which takes IPv4 connections to exactly that address */
		snprintf(l->lws_iface, sizeof(l->lws_iface), "::ffff:%s", l->addr);
		info->options |= LWS_SERVER_OPTION_IPV6_V6ONLY_MODIFY; /* v6only off, whatever the sysctl says */
#else
		snprintf(l->lws_iface, sizeof(l->lws_iface), "%s", l->addr);
#endif
		info->iface = l->lws_iface;
	} else if (l->family == AF_INET6) {
		snprintf(l->lws_iface, sizeof(l->lws_iface), "%s", l->addr);
		info->iface = l->lws_iface;
		info->options |= LWS_SERVER_OPTION_IPV6_V6ONLY_MODIFY | LWS_SERVER_OPTION_IPV6_V6ONLY_VALUE;
	} else {
		info->iface = NULL; /* every address, IPv6 and IPv4 */
	}
}

const char *wl_listen_name(const struct wl_listen *l, char *out, size_t cap)
{
	if (l->family == AF_INET6)
		snprintf(out, cap, "[%s]", l->addr);
	else if (l->family == AF_INET)
		snprintf(out, cap, "%s", l->addr);
	else
		snprintf(out, cap, "every address");
	return out;
}
