/* evse_xfer.c — the transfer thread: libcurl easy interface, MD5 with OpenSSL EVP while the body is
 * written, an abort flag read by the progress callback. libcurl is loaded with dlopen() at the first
 * transfer: linked in, it and its dependencies (GnuTLS, Kerberos, LDAP ...) cost about 4 MiB of resident
 * memory in every idle station, against the 8 MiB budget. */
#include "evse_xfer.h"

#define CURL_DISABLE_TYPECHECK /* its checking macros would expand on the cu.curl_easy_setopt( calls */
#include <curl/curl.h>
#include <dlfcn.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libcurl functions used, looked up once. */
#define CURL_FUNCS(X)                                                                                                  \
	X(curl_global_init)                                                                                            \
	X(curl_easy_init)                                                                                              \
	X(curl_easy_setopt)                                                                                            \
	X(curl_easy_perform)                                                                                           \
	X(curl_easy_getinfo)                                                                                           \
	X(curl_easy_strerror)                                                                                          \
	X(curl_easy_cleanup)                                                                                           \
	X(curl_mime_init)                                                                                              \
	X(curl_mime_addpart)                                                                                           \
	X(curl_mime_name)                                                                                              \
	X(curl_mime_filedata)                                                                                          \
	X(curl_mime_filename)                                                                                          \
	X(curl_mime_type)                                                                                              \
	X(curl_mime_free)

static struct {
#define X(f) __typeof__(f) *f;
	CURL_FUNCS(X)
#undef X
} cu;

/* Loads libcurl and initialises it (on the main thread, once): 0 or -1 with err. */
static int curl_load(char *err, size_t errcap)
{
	static bool ready;
	if (ready)
		return 0;
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errcap, "cannot load libcurl: %s", dlerror());
		return -1;
	}
#define X(f)                                                                                                           \
	*(void **)&cu.f = dlsym(h, #f);                                                                                \
	if (!cu.f) {                                                                                                   \
		snprintf(err, errcap, "libcurl has no %s", #f);                                                        \
		return -1;                                                                                             \
	}
	CURL_FUNCS(X)
#undef X
	if (cu.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errcap, "libcurl cannot start");
		return -1;
	}
	ready = true;
	return 0;
}

struct evse_xfer {
	enum evse_xfer_kind kind;
	char *url, *path, *name;
	int64_t max_bytes;
	pthread_t thread;
	atomic_bool abort;
	atomic_bool finished;
	struct evse_xfer_result res; /* written by the thread before finished is set */
	/* GET */
	FILE *out;
	EVP_MD_CTX *md;
};

static void hex(const unsigned char *d, unsigned n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int evse_xfer_md5_file(const char *path, char out[33])
{
	unsigned char buf[16384], d[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	size_t got;
	int rc = -1;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_md5(), NULL))
		goto out_md;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(md, buf, got);
	if (!ferror(f) && EVP_DigestFinal_ex(md, d, &n)) {
		hex(d, n, out);
		rc = 0;
	}
out_md:
	EVP_MD_CTX_free(md);
	fclose(f);
	return rc;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct evse_xfer *x = ctx;
	size_t n = size * nmemb;
	if (x->res.bytes + (int64_t)n > x->max_bytes) {
		x->res.too_big = true;
		return 0; /* curl stops with a write error */
	}
	if (fwrite(data, 1, n, x->out) != n)
		return 0;
	EVP_DigestUpdate(x->md, data, n);
	x->res.bytes += (int64_t)n;
	return n;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct evse_xfer *x = ctx;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return atomic_load(&x->abort) ? 1 : 0;
}

static void common_options(struct evse_xfer *x, CURL *c, const char *url)
{
	cu.curl_easy_setopt(c, CURLOPT_URL, url);
	cu.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)EVSE_XFER_STALL_S);
	cu.curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cu.curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)EVSE_XFER_STALL_S);
	cu.curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	cu.curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	cu.curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	cu.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps");
	cu.curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	cu.curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	cu.curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	cu.curl_easy_setopt(c, CURLOPT_USERAGENT, "wattline-evse");
}

static void finish(struct evse_xfer *x, CURL *c, CURLcode rc)
{
	cu.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->res.http);
	if (rc == CURLE_OK) {
		x->res.ok = true;
		return;
	}
	x->res.stalled = rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
	                 rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING;
	if (x->res.too_big)
		snprintf(x->res.err, sizeof(x->res.err), "larger than %lld bytes", (long long)x->max_bytes);
	else if (rc == CURLE_HTTP_RETURNED_ERROR)
		snprintf(x->res.err, sizeof(x->res.err), "HTTP status %ld", x->res.http);
	else
		snprintf(x->res.err, sizeof(x->res.err), "%s", cu.curl_easy_strerror(rc));
}

static void do_get(struct evse_xfer *x, CURL *c)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	x->out = fopen(x->path, "wb");
	x->md = EVP_MD_CTX_new();
	if (!x->out || !x->md || !EVP_DigestInit_ex(x->md, EVP_md5(), NULL)) {
		snprintf(x->res.err, sizeof(x->res.err), "cannot write %s", x->path);
		goto out;
	}
	common_options(x, c, x->url);
	cu.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	cu.curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	CURLcode rc = cu.curl_easy_perform(c);
	if (fflush(x->out) != 0 && rc == CURLE_OK) {
		snprintf(x->res.err, sizeof(x->res.err), "cannot write %s", x->path);
		goto out;
	}
	finish(x, c, rc);
	if (x->res.ok && EVP_DigestFinal_ex(x->md, d, &n))
		hex(d, n, x->res.md5);
out:
	if (x->out)
		fclose(x->out);
	EVP_MD_CTX_free(x->md);
}

static void do_upload(struct evse_xfer *x, CURL *c)
{
	char url[2048];
	FILE *in = NULL;
	curl_mime *mime = NULL;
	size_t ulen = strlen(x->url);
	bool dir = ulen && x->url[ulen - 1] == '/';
	int len = snprintf(url, sizeof(url), "%s%s", x->url, dir ? x->name : "");
	if (len < 0 || (size_t)len >= sizeof(url)) {
		snprintf(x->res.err, sizeof(x->res.err), "location too long");
		return;
	}
	common_options(x, c, url);
	if (strncmp(url, "ftp", 3) == 0) {
		in = fopen(x->path, "rb");
		if (!in) {
			snprintf(x->res.err, sizeof(x->res.err), "cannot read %s", x->path);
			return;
		}
		cu.curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		cu.curl_easy_setopt(c, CURLOPT_READDATA, in);
	} else {
		mime = cu.curl_mime_init(c);
		curl_mimepart *part = cu.curl_mime_addpart(mime);
		cu.curl_mime_name(part, "file");
		cu.curl_mime_filedata(part, x->path);
		cu.curl_mime_filename(part, x->name);
		cu.curl_mime_type(part, "text/plain");
		cu.curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	}
	finish(x, c, cu.curl_easy_perform(c));
	cu.curl_mime_free(mime);
	if (in)
		fclose(in);
}

static void *run(void *ctx)
{
	struct evse_xfer *x = ctx;
	CURL *c = cu.curl_easy_init();
	if (!c) {
		snprintf(x->res.err, sizeof(x->res.err), "out of memory");
	} else {
		if (x->kind == EVSE_XFER_GET)
			do_get(x, c);
		else
			do_upload(x, c);
		cu.curl_easy_cleanup(c);
	}
	atomic_store(&x->finished, true);
	return NULL;
}

static void release(struct evse_xfer *x)
{
	free(x->url);
	free(x->path);
	free(x->name);
	free(x);
}

struct evse_xfer *evse_xfer_start(enum evse_xfer_kind kind, const char *url, const char *path, int64_t max_bytes,
                                  const char *name, char *err, size_t errcap)
{
	if (curl_load(err, errcap) < 0) /* here, on the main thread, and only when a transfer is wanted */
		return NULL;
	struct evse_xfer *x = calloc(1, sizeof(*x));
	if (!x)
		goto out_oom;
	x->kind = kind;
	x->url = strdup(url);
	x->path = strdup(path);
	x->name = strdup(name ? name : "file");
	x->max_bytes = max_bytes > 0 ? max_bytes : INT64_MAX;
	atomic_init(&x->abort, false);
	atomic_init(&x->finished, false);
	if (!x->url || !x->path || !x->name)
		goto out_oom;
	if (pthread_create(&x->thread, NULL, run, x) != 0) {
		snprintf(err, errcap, "cannot start the transfer thread");
		release(x);
		return NULL;
	}
	return x;
out_oom:
	snprintf(err, errcap, "out of memory");
	if (x)
		release(x);
	return NULL;
}

bool evse_xfer_done(struct evse_xfer *x, struct evse_xfer_result *r)
{
	if (!atomic_load(&x->finished))
		return false;
	*r = x->res;
	return true;
}

void evse_xfer_free(struct evse_xfer *x)
{
	if (!x)
		return;
	atomic_store(&x->abort, true);
	pthread_join(x->thread, NULL);
	release(x);
}
