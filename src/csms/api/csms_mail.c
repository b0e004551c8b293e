/* csms_mail.c — one plain-text e-mail over SMTP with libcurl (STARTTLS or SMTPS as the URL says). */
#include "csms_mail.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct reader {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *user)
{
	struct reader *rd = user;
	size_t n = size * nmemb, left = rd->len - rd->off;
	if (n > left)
		n = left;
	memcpy(buf, rd->data + rd->off, n);
	rd->off += n;
	return n;
}

bool csms_mail_is_configured(const struct csms_config *cfg)
{
	return cfg->smtp_url[0] && cfg->smtp_from[0];
}

/* A header value must not carry a line break (header injection). */
static bool header_safe(const char *s)
{
	return !strpbrk(s, "\r\n");
}

int csms_mail_send(const struct csms_config *cfg, const char *to, const char *subject, const char *text, char *err,
                   size_t errlen)
{
	char password[256] = "", date[64];
	int rc = -1;
	if (!csms_mail_is_configured(cfg)) {
		snprintf(err, errlen, "no mail server configured (--smtp-url, --smtp-from)");
		return -1;
	}
	if (!header_safe(to) || !header_safe(subject)) {
		snprintf(err, errlen, "a line break in an address or subject");
		return -1;
	}
	if (cfg->smtp_password_file[0]) {
		FILE *f = fopen(cfg->smtp_password_file, "r");
		if (f) {
			if (fgets(password, sizeof(password), f))
				password[strcspn(password, "\r\n")] = '\0';
			fclose(f);
		}
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	size_t cap = strlen(text) + strlen(to) + strlen(subject) + strlen(cfg->smtp_from) + 300;
	char *msg = malloc(cap);
	if (!msg) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int n = snprintf(msg, cap,
	                 "Date: %s\r\nTo: <%s>\r\nFrom: <%s>\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
	                 "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	                 date, to, cfg->smtp_from, subject, text);
	struct reader rd = {msg, (size_t)n, 0};
	CURL *curl = curl_easy_init();
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	if (!curl || !rcpt) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (cfg->smtp_user[0]) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, cfg->smtp_from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(curl, CURLOPT_READDATA, &rd);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	CURLcode cc = curl_easy_perform(curl);
	if (cc != CURLE_OK)
		snprintf(err, errlen, "%s", curl_easy_strerror(cc));
	else
		rc = 0;
out:
	curl_slist_free_all(rcpt);
	if (curl)
		curl_easy_cleanup(curl);
	free(msg);
	return rc;
}
