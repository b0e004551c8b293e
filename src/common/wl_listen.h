/* wl_listen.h — where a server listens: an IPv4 or IPv6 address or an interface name, resolved to one numeric
 * address before the server starts, so that its socket is bound to exactly that (and nothing else). */
#ifndef WL_LISTEN_H
#define WL_LISTEN_H

#include <stddef.h>

struct lws_context_creation_info;

struct wl_listen {
	int family;         /* AF_INET or AF_INET6; 0: every address of every interface (empty spec) */
	char addr[64];      /* the numeric address, "" for every address */
	char iface[32];     /* the interface name when the spec named one, else "" */
	char lws_iface[72]; /* what wl_listen_apply_lws gave libwebsockets */
};

/* Resolves spec ("" = every address, "127.0.0.1", "::1", "0.0.0.0", "::", "eth0"): an interface gives its
 * first IPv4 address, else its first global IPv6 address. A host name, a scoped address or an interface
 * without an address is refused: returns -1 with the reason in err. */
int wl_listen_resolve(const char *spec, struct wl_listen *out, char *err, size_t errcap);

/* Binds and closes a socket on the address and port to say before the server starts whether it can listen
 * there: returns 0, or -1 with the reason in err ("10.9.9.9 port 8080: cannot assign requested address"). */
int wl_listen_try(const struct wl_listen *l, int port, char *err, size_t errcap);

/* Sets what libwebsockets needs to bind exactly l (its iface and options): lws 4.1 takes an interface name
 * in iface, and an IPv4 literal on its default IPv6 socket became the wildcard. The context keeps a pointer
 * into l: l must outlive it. */
void wl_listen_apply_lws(struct wl_listen *l, struct lws_context_creation_info *info);

/* "127.0.0.1", "[::1]" or "every address" into out, for log lines. */
const char *wl_listen_name(const struct wl_listen *l, char *out, size_t cap);

#endif
