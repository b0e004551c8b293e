/* bench_ocpp.c — messages per second per core for the OCPP library's hot paths: parse + validate +
 * decode of a received frame, and encode of a struct to frame text. One thread, so per core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocpp.h"

/* A typical MeterValues from one connector: 10 sampled values (energy, power, current, voltage per phase,
 * offered current, SoC) with the default context and format left out, as wall-boxes send every minute. */
static const char meter_values[] =
    "[2,\"19223201\",\"MeterValues\",{\"connectorId\":1,\"transactionId\":1278,\"meterValue\":[{\"timestamp\":"
    "\"2026-11-20T10:15:00.000Z\",\"sampledValue\":["
    "{\"value\":\"15234.5\",\"measurand\":\"Energy.Active.Import.Register\",\"unit\":\"Wh\"},"
    "{\"value\":\"7360\",\"measurand\":\"Power.Active.Import\",\"unit\":\"W\"},"
    "{\"value\":\"10.6\",\"measurand\":\"Current.Import\",\"phase\":\"L1\",\"unit\":\"A\"},"
    "{\"value\":\"10.7\",\"measurand\":\"Current.Import\",\"phase\":\"L2\",\"unit\":\"A\"},"
    "{\"value\":\"10.5\",\"measurand\":\"Current.Import\",\"phase\":\"L3\",\"unit\":\"A\"},"
    "{\"value\":\"231.2\",\"measurand\":\"Voltage\",\"phase\":\"L1-N\",\"unit\":\"V\"},"
    "{\"value\":\"230.8\",\"measurand\":\"Voltage\",\"phase\":\"L2-N\",\"unit\":\"V\"},"
    "{\"value\":\"229.9\",\"measurand\":\"Voltage\",\"phase\":\"L3-N\",\"unit\":\"V\"},"
    "{\"value\":\"16\",\"measurand\":\"Current.Offered\",\"unit\":\"A\"},"
    "{\"value\":\"54\",\"measurand\":\"SoC\",\"location\":\"EV\",\"unit\":\"Percent\"}"
    "]}]}]";

/* The same readings with every optional field spelled out (context, format, location): the worst case. */
static const char meter_values_full[] =
    "[2,\"19223202\",\"MeterValues\",{\"connectorId\":1,\"transactionId\":1278,\"meterValue\":[{\"timestamp\":"
    "\"2026-11-20T10:15:00.000Z\",\"sampledValue\":["
    "{\"value\":\"15234.5\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Energy.Active.Import."
    "Register\",\"location\":\"Outlet\",\"unit\":\"Wh\"},"
    "{\"value\":\"7360\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Power.Active.Import\","
    "\"location\":\"Outlet\",\"unit\":\"W\"},"
    "{\"value\":\"10.6\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Current.Import\","
    "\"phase\":\"L1\",\"location\":\"Outlet\",\"unit\":\"A\"},"
    "{\"value\":\"10.7\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Current.Import\","
    "\"phase\":\"L2\",\"location\":\"Outlet\",\"unit\":\"A\"},"
    "{\"value\":\"10.5\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Current.Import\","
    "\"phase\":\"L3\",\"location\":\"Outlet\",\"unit\":\"A\"},"
    "{\"value\":\"231.2\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Voltage\","
    "\"phase\":\"L1-N\",\"location\":\"Outlet\",\"unit\":\"V\"},"
    "{\"value\":\"230.8\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Voltage\","
    "\"phase\":\"L2-N\",\"location\":\"Outlet\",\"unit\":\"V\"},"
    "{\"value\":\"229.9\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Voltage\","
    "\"phase\":\"L3-N\",\"location\":\"Outlet\",\"unit\":\"V\"},"
    "{\"value\":\"16\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Current.Offered\","
    "\"location\":\"Outlet\",\"unit\":\"A\"},"
    "{\"value\":\"54\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"SoC\",\"location\":"
    "\"EV\",\"unit\":\"Percent\"}"
    "]}]}]";

static const char boot_notification[] =
    "[2,\"1\",\"BootNotification\",{\"chargePointVendor\":\"Wattline\",\"chargePointModel\":\"WL-22-PRO\","
    "\"chargePointSerialNumber\":\"WL2026000123\",\"chargeBoxSerialNumber\":\"CB2026000123\",\"firmwareVersion\":"
    "\"1.4.2\",\"iccid\":\"8939104520000123456\",\"imsi\":\"222015500012345\",\"meterType\":\"EM340\","
    "\"meterSerialNumber\":\"EM34000991\"}]";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parses the frame, looks the action up, validates and decodes its payload. */
static int decode_once(const char *text, size_t len, struct ocpp_payload *p)
{
	struct ocpp_frame f;
	struct ocpp_error err;
	int a, rc;

	if ((rc = ocpp_frame_parse(&f, text, len, NULL, &err)))
		goto out;
	if ((a = ocpp_action_lookup(f.action)) < 0) {
		rc = OCPP_ENOENT;
		goto out;
	}
	rc = ocpp_decode(ocpp_actions[a].req, f.payload, NULL, p, &err);
out:
	ocpp_frame_release(&f);
	return rc;
}

static void bench(const char *name, const char *text, double seconds)
{
	size_t len = strlen(text);
	struct ocpp_payload p;
	struct ocpp_error err;
	long n = 0, m = 0;
	double t0, dt;
	int a;

	if (decode_once(text, len, &p)) {
		fprintf(stderr, "bench: %s does not decode\n", name);
		exit(1);
	}
	a = p.type == &ocpp_type_meter_values_req ? OCPP_MeterValues : OCPP_BootNotification;
	t0 = now_s();
	do {
		for (int i = 0; i < 1000; i++, n++) {
			struct ocpp_payload q;

			if (decode_once(text, len, &q))
				exit(1);
			ocpp_payload_release(&q);
		}
	} while ((dt = now_s() - t0) < seconds);
	printf("%-19s %5zu bytes  decode+validate %9.0f msg/s/core\n", name, len, n / dt);
	t0 = now_s();
	do {
		for (int i = 0; i < 1000; i++, m++) {
			cJSON *payload = ocpp_encode(ocpp_actions[a].req, p.data, &err);
			char *frame = ocpp_frame_call("19223201", ocpp_actions[a].name, payload);

			if (!frame)
				exit(1);
			free(frame);
			cJSON_Delete(payload);
		}
	} while ((dt = now_s() - t0) < seconds);
	printf("%-19s %5zu bytes  encode          %9.0f msg/s/core\n", name, len, m / dt);
	ocpp_payload_release(&p);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? strtod(argv[1], NULL) : 2.0;

	if (!(seconds > 0))
		seconds = 2.0;
	printf("OCPP library benchmark, one thread (%.1f s per figure)\n", seconds);
	bench("MeterValues", meter_values, seconds);
	bench("MeterValues (full)", meter_values_full, seconds);
	bench("BootNotification", boot_notification, seconds);
	return 0;
}
