/* ocpp.h — the Wattline OCPP 1.6J library: include this one header.
 * Layers, bottom up: ocpp_text (UTF-8, date-times), ocpp_schema + ocpp_types (typed messages, validation),
 * ocpp_action (the action table), ocpp_frame (OCPP-J framing), ocpp_rpc (call bookkeeping). */
#ifndef OCPP_H
#define OCPP_H

#include "ocpp_action.h"
#include "ocpp_error.h"
#include "ocpp_frame.h"
#include "ocpp_rpc.h"
#include "ocpp_schema.h"
#include "ocpp_text.h"
#include "ocpp_types.h"

#endif
