/* csms_socket_form.h — the sockets of a station as an operator sends them (PUT /stations/{id}/connectors/{c}
 * and the registration's "sockets"): read from JSON into a struct csms_socket_spec (store/csms_socket_spec.h,
 * which writes it), answering 400 for a bad field. */
#ifndef CSMS_SOCKET_FORM_H
#define CSMS_SOCKET_FORM_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "csms_http.h"
#include "csms_socket_spec.h"

/* Reads obj's fields into sp (station and connector set by the caller unless with_id: then "connectorId"
 * 1..100 is required). Answers r with 400 naming the field and returns false when one is wrong. */
bool csms_socket_form_parse(struct csms_http_req *r, cJSON *obj, bool with_id, struct csms_socket_spec *sp);

#endif
