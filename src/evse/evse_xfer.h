/* evse_xfer.h — one file transfer (HTTP(S) GET into a file with its MD5; HTTP(S) multipart POST or FTP
 * upload of a file) on a worker thread with libcurl, so that the 100 ms control loop never waits for the
 * network. The owner polls evse_xfer_done() from its control tick: no extra wake-ups, no busy polling.
 *
 * Why a thread and not the curl multi interface in the lws loop: lws owns its event loop and exposes no
 * stable way to watch foreign sockets across its backends; a thread that blocks in curl_easy_perform()
 * costs one idle stack, keeps the transfer code linear, and is joined before anything it uses goes away. */
#ifndef EVSE_XFER_H
#define EVSE_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVSE_XFER_STALL_S 15 /* no byte for this long: the transfer failed (003 §12: E03, 15 s) */

enum evse_xfer_kind {
	EVSE_XFER_GET,    /* url -> path, at most max_bytes; MD5 of what arrived */
	EVSE_XFER_UPLOAD, /* path -> url: http(s) multipart/form-data POST (field "file"), ftp(s) upload */
};

struct evse_xfer_result {
	bool ok;
	bool stalled;  /* nothing arrived for EVSE_XFER_STALL_S, or the connection could not be made */
	bool too_big;  /* GET: more than max_bytes */
	long http;     /* the HTTP status, 0 when none */
	int64_t bytes; /* transferred */
	char md5[33];  /* GET: lower-case hex MD5 of the body */
	char err[200]; /* what failed */
};

struct evse_xfer;

/* Starts a transfer. For an upload, name is the file name the server receives (and what a URL ending in '/'
 * is completed with). NULL with a message in err when the thread cannot start. */
struct evse_xfer *evse_xfer_start(enum evse_xfer_kind kind, const char *url, const char *path, int64_t max_bytes,
                                  const char *name, char *err, size_t errcap);
/* Non-blocking: false while it runs; true once finished, with the result copied to r. */
bool evse_xfer_done(struct evse_xfer *x, struct evse_xfer_result *r);
/* Aborts the transfer if it still runs, waits for the thread, frees. NULL is fine. */
void evse_xfer_free(struct evse_xfer *x);

/* The MD5 of a file as lower-case hex: 0, or -1 when it cannot be read. */
int evse_xfer_md5_file(const char *path, char out[33]);

#endif
