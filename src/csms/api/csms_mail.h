/* csms_mail.h — e-mail through the configured SMTP server (libcurl), for the confirmation sent to a new
 * operator. Optional: without --smtp-url nothing is sent. Runs on the background worker (it blocks). */
#ifndef CSMS_MAIL_H
#define CSMS_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "csms_config.h"

bool csms_mail_is_configured(const struct csms_config *cfg);
/* Sends a plain-text mail. 0, or -1 with the reason in err. */
int csms_mail_send(const struct csms_config *cfg, const char *to, const char *subject, const char *text, char *err,
                   size_t errlen);

#endif
