/* csms_socket.h — a socket's status as the MMS manual shows it, derived in this one place from the
 * station's last OCPP status, its connection and its registration state. */
#ifndef CSMS_SOCKET_H
#define CSMS_SOCKET_H

#include <stdbool.h>

#include "csms_registry.h"

enum csms_socket_status {
	CSMS_SOCKET_TO_BE_CONFIGURED,
	CSMS_SOCKET_AVAILABLE,
	CSMS_SOCKET_OCCUPIED, /* Preparing, Finishing */
	CSMS_SOCKET_CHARGING,
	CSMS_SOCKET_CHARGING_SUSPENDED, /* SuspendedEV, SuspendedEVSE */
	CSMS_SOCKET_BOOKED,             /* Reserved */
	CSMS_SOCKET_NOT_AVAILABLE,      /* Unavailable: "Not available/Maintenance" */
	CSMS_SOCKET_FAULT,              /* Faulted: "Fault/Error" */
	CSMS_SOCKET_OUT_OF_SERVICE,     /* the station is not connected */
	CSMS_SOCKET_STATUS_COUNT
};

/* ocpp_status: the last StatusNotification status name, or NULL when none was received. */
enum csms_socket_status csms_socket_status_of(const char *ocpp_status, bool connected, enum csms_station_state state);
/* "Available", "Out of service", ... (the manual's words); key: "available", "out_of_service", ... */
const char *csms_socket_status_label(enum csms_socket_status s);
const char *csms_socket_status_key(enum csms_socket_status s);

#endif
