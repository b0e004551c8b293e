/* csms_socket.c — the table from OCPP ChargePointStatus to the manual's socket statuses. */
#include "csms_socket.h"

#include <string.h>

static const struct {
	const char *key, *label;
} names[CSMS_SOCKET_STATUS_COUNT] = {
    [CSMS_SOCKET_TO_BE_CONFIGURED] = {"to_be_configured", "To be configured"},
    [CSMS_SOCKET_AVAILABLE] = {"available", "Available"},
    [CSMS_SOCKET_OCCUPIED] = {"occupied", "Occupied"},
    [CSMS_SOCKET_CHARGING] = {"charging", "Charging"},
    [CSMS_SOCKET_CHARGING_SUSPENDED] = {"charging_suspended", "Charging suspended"},
    [CSMS_SOCKET_BOOKED] = {"booked", "Booked"},
    [CSMS_SOCKET_NOT_AVAILABLE] = {"not_available", "Not available/Maintenance"},
    [CSMS_SOCKET_FAULT] = {"fault", "Fault/Error"},
    [CSMS_SOCKET_OUT_OF_SERVICE] = {"out_of_service", "Out of service"},
};

static const struct {
	const char *ocpp;
	enum csms_socket_status status;
} from_ocpp[] = {
    {"Available", CSMS_SOCKET_AVAILABLE},
    {"Preparing", CSMS_SOCKET_OCCUPIED},
    {"Finishing", CSMS_SOCKET_OCCUPIED},
    {"Charging", CSMS_SOCKET_CHARGING},
    {"SuspendedEV", CSMS_SOCKET_CHARGING_SUSPENDED},
    {"SuspendedEVSE", CSMS_SOCKET_CHARGING_SUSPENDED},
    {"Reserved", CSMS_SOCKET_BOOKED},
    {"Unavailable", CSMS_SOCKET_NOT_AVAILABLE},
    {"Faulted", CSMS_SOCKET_FAULT},
};

enum csms_socket_status csms_socket_status_of(const char *ocpp_status, bool connected, enum csms_station_state state)
{
	if (state != CSMS_STATION_ACCEPTED)
		return CSMS_SOCKET_TO_BE_CONFIGURED;
	if (!connected)
		return CSMS_SOCKET_OUT_OF_SERVICE;
	if (ocpp_status)
		for (unsigned i = 0; i < sizeof(from_ocpp) / sizeof(from_ocpp[0]); i++)
			if (strcmp(ocpp_status, from_ocpp[i].ocpp) == 0)
				return from_ocpp[i].status;
	return CSMS_SOCKET_TO_BE_CONFIGURED; /* connected but no status yet */
}

const char *csms_socket_status_label(enum csms_socket_status s)
{
	return (unsigned)s < CSMS_SOCKET_STATUS_COUNT ? names[s].label : "?";
}

const char *csms_socket_status_key(enum csms_socket_status s)
{
	return (unsigned)s < CSMS_SOCKET_STATUS_COUNT ? names[s].key : "?";
}
