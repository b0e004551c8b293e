/* test_actions.c — the action table and every message type: a realistic example of each request and
 * response with every optional field present decodes, and encodes back to the same JSON; minimal
 * examples (required fields only) do too; decoded values land in the right struct fields. */
#include "test_util.h"

/* Examples use single quotes for readability (see tu_parse_sq). */
#define CS_PROFILE                                                                                                     \
	"{'chargingProfileId':158798,'transactionId':1278,'stackLevel':2,'chargingProfilePurpose':'TxProfile',"        \
	"'chargingProfileKind':'Recurring','recurrencyKind':'Daily','validFrom':'2026-11-20T00:00:00Z',"               \
	"'validTo':'2026-12-20T00:00:00.000+01:00','chargingSchedule':{'duration':86400,"                              \
	"'startSchedule':'2026-11-20T06:00:00Z','chargingRateUnit':'A','chargingSchedulePeriod':["                     \
	"{'startPeriod':0,'limit':32.0,'numberPhases':3},{'startPeriod':3600,'limit':16.5,'numberPhases':1},"          \
	"{'startPeriod':7200,'limit':7.4}],'minChargingRate':6.1}}"
#define METER_VALUE                                                                                                    \
	"{'timestamp':'2026-11-20T10:15:00.000Z','sampledValue':["                                                     \
	"{'value':'15234.5','context':'Sample.Periodic','format':'Raw','measurand':'Energy.Active.Import.Register',"   \
	"'phase':'L1','location':'Outlet','unit':'kWh'},"                                                              \
	"{'value':'54','context':'Transaction.End','format':'SignedData','measurand':'SoC','phase':'L3-L1',"           \
	"'location':'EV','unit':'Percent'}]}"
#define HASH_DATA(serial)                                                                                              \
	"{'hashAlgorithm':'SHA256','issuerNameHash':'"                                                                 \
	"7f83b1657ff1fc53b92dc18148a1d65dfc2d4b1fa3d677284addd200126d9069',"                                           \
	"'issuerKeyHash':'a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e','serialNumber':'" serial   \
	"'}"
#define ID_TAG_INFO "{'expiryDate':'2026-12-31T23:59:59.000Z','parentIdTag':'FLEET-0042','status':'Accepted'}"

struct example {
	const char *action;
	const char *req;
	const char *conf;
};

/* One realistic message of each direction per action, with every optional field present. */
static const struct example maximal[] = {
    {"Authorize", "{'idTag':'04E91C5A2B3F80'}", "{'idTagInfo':" ID_TAG_INFO "}"},
    {"BootNotification",
     "{'chargePointVendor':'Wattline','chargePointModel':'WL-22-PRO','chargePointSerialNumber':'WL2026000123',"
     "'chargeBoxSerialNumber':'CB2026000123','firmwareVersion':'1.4.2+build.8812','iccid':'8939104520000123456',"
     "'imsi':'222015500012345','meterType':'Carlo Gavazzi EM340','meterSerialNumber':'EM34000991'}",
     "{'status':'Accepted','currentTime':'2026-11-20T10:00:00.000Z','interval':300}"},
    {"ChangeAvailability", "{'connectorId':2,'type':'Inoperative'}", "{'status':'Scheduled'}"},
    {"ChangeConfiguration", "{'key':'MeterValueSampleInterval','value':'60'}", "{'status':'RebootRequired'}"},
    {"ClearCache", "{}", "{'status':'Accepted'}"},
    {"DataTransfer", "{'vendorId':'com.wattline','messageId':'SetTariff','data':'{\\'eurPerKWh\\':0.39}'}",
     "{'status':'UnknownMessageId','data':'tariff 7 not found'}"},
    {"GetConfiguration", "{'key':['HeartbeatInterval','NumberOfConnectors','Unknown.Vendor.Key']}",
     "{'configurationKey':[{'key':'HeartbeatInterval','readonly':false,'value':'300'},"
     "{'key':'NumberOfConnectors','readonly':true,'value':'2'}],'unknownKey':['Unknown.Vendor.Key']}"},
    {"Heartbeat", "{}", "{'currentTime':'2026-11-20T10:00:00Z'}"},
    {"MeterValues", "{'connectorId':1,'transactionId':1278,'meterValue':[" METER_VALUE "," METER_VALUE "]}", "{}"},
    {"RemoteStartTransaction", "{'connectorId':1,'idTag':'04E91C5A2B3F80','chargingProfile':" CS_PROFILE "}",
     "{'status':'Accepted'}"},
    {"RemoteStopTransaction", "{'transactionId':1278}", "{'status':'Rejected'}"},
    {"Reset", "{'type':'Soft'}", "{'status':'Accepted'}"},
    {"StartTransaction",
     "{'connectorId':1,'idTag':'04E91C5A2B3F80','meterStart':15234,'reservationId':42,"
     "'timestamp':'2026-11-20T10:00:00.000Z'}",
     "{'idTagInfo':" ID_TAG_INFO ",'transactionId':1278}"},
    {"StatusNotification",
     "{'connectorId':1,'errorCode':'GroundFailure','info':'RCD tripped','status':'Faulted',"
     "'timestamp':'2026-11-20T10:05:00Z','vendorId':'com.wattline','vendorErrorCode':'E-RCD-30mA'}",
     "{}"},
    {"StopTransaction",
     "{'idTag':'04E91C5A2B3F80','meterStop':27100,'timestamp':'2026-11-20T11:30:00Z','transactionId':1278,"
     "'reason':'EVDisconnected','transactionData':[" METER_VALUE "]}",
     "{'idTagInfo':" ID_TAG_INFO "}"},
    {"UnlockConnector", "{'connectorId':1}", "{'status':'UnlockFailed'}"},
    {"DiagnosticsStatusNotification", "{'status':'Uploading'}", "{}"},
    {"FirmwareStatusNotification", "{'status':'InstallationFailed'}", "{}"},
    {"GetDiagnostics",
     "{'location':'ftp://diag.wattline.example/uploads/','retries':3,'retryInterval':120,"
     "'startTime':'2026-11-19T00:00:00Z','stopTime':'2026-11-20T00:00:00Z'}",
     "{'fileName':'WL2026000123-diag-20261120.tar.gz'}"},
    {"UpdateFirmware",
     "{'location':'https://fw.wattline.example/wl22/1.5.0.bin','retries':5,"
     "'retrieveDate':'2026-11-21T02:00:00Z','retryInterval':600}",
     "{}"},
    {"GetLocalListVersion", "{}", "{'listVersion':17}"},
    {"SendLocalList",
     "{'listVersion':18,'localAuthorizationList':[{'idTag':'04E91C5A2B3F80','idTagInfo':" ID_TAG_INFO "},"
     "{'idTag':'0A1B2C3D','idTagInfo':{'status':'Blocked'}}],'updateType':'Differential'}",
     "{'status':'VersionMismatch'}"},
    {"CancelReservation", "{'reservationId':42}", "{'status':'Accepted'}"},
    {"ReserveNow",
     "{'connectorId':2,'expiryDate':'2026-11-20T12:00:00Z','idTag':'04E91C5A2B3F80','parentIdTag':'FLEET-0042',"
     "'reservationId':42}",
     "{'status':'Occupied'}"},
    {"ClearChargingProfile", "{'id':158798,'connectorId':1,'chargingProfilePurpose':'TxDefaultProfile','stackLevel':0}",
     "{'status':'Unknown'}"},
    {"GetCompositeSchedule", "{'connectorId':1,'duration':3600,'chargingRateUnit':'W'}",
     "{'status':'Accepted','connectorId':1,'scheduleStart':'2026-11-20T10:00:00Z','chargingSchedule':"
     "{'duration':3600,'startSchedule':'2026-11-20T10:00:00Z','chargingRateUnit':'W','chargingSchedulePeriod':"
     "[{'startPeriod':0,'limit':11000.0,'numberPhases':3},{'startPeriod':1800,'limit':7400.5}],"
     "'minChargingRate':1380.0}}"},
    {"SetChargingProfile", "{'connectorId':1,'csChargingProfiles':" CS_PROFILE "}", "{'status':'NotSupported'}"},
    {"TriggerMessage", "{'requestedMessage':'StatusNotification','connectorId':2}", "{'status':'NotImplemented'}"},
    {"CertificateSigned",
     "{'certificateChain':'-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIUQ2VydA==\\n-----END CERTIFICATE-----\\n'}",
     "{'status':'Rejected'}"},
    {"DeleteCertificate", "{'certificateHashData':" HASH_DATA("5a0e3b2c") "}", "{'status':'NotFound'}"},
    {"ExtendedTriggerMessage", "{'requestedMessage':'SignChargePointCertificate','connectorId':0}",
     "{'status':'Accepted'}"},
    {"GetInstalledCertificateIds", "{'certificateType':'ManufacturerRootCertificate'}",
     "{'certificateHashData':[" HASH_DATA("01") "," HASH_DATA("02") "],'status':'Accepted'}"},
    {"GetLog",
     "{'log':{'remoteLocation':'sftp://logs.wattline.example/security/','oldestTimestamp':'2026-11-01T00:00:00Z',"
     "'latestTimestamp':'2026-11-20T00:00:00Z'},'logType':'SecurityLog','requestId':7,'retries':2,"
     "'retryInterval':60}",
     "{'status':'AcceptedCanceled','filename':'security-20261120.log'}"},
    {"InstallCertificate",
     "{'certificateType':'CentralSystemRootCertificate',"
     "'certificate':'-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIUUm9vdA==\\n-----END CERTIFICATE-----\\n'}",
     "{'status':'Failed'}"},
    {"LogStatusNotification", "{'status':'Uploaded','requestId':7}", "{}"},
    {"SecurityEventNotification",
     "{'type':'FirmwareUpdated','timestamp':'2026-11-20T02:10:00Z','techInfo':'from 1.4.2 to 1.5.0'}", "{}"},
    {"SignCertificate",
     "{'csr':'-----BEGIN CERTIFICATE REQUEST-----\\nMIIBWTCCAQACAQAw\\n-----END CERTIFICATE REQUEST-----\\n'}",
     "{'status':'Accepted'}"},
    {"SignedFirmwareStatusNotification", "{'status':'InstallVerificationFailed','requestId':9}", "{}"},
    {"SignedUpdateFirmware",
     "{'retries':3,'retryInterval':300,'requestId':9,'firmware':{'location':'https://fw.wattline.example/wl22/"
     "1.5.0.bin',"
     "'retrieveDateTime':'2026-11-21T02:00:00Z','installDateTime':'2026-11-21T03:00:00Z',"
     "'signingCertificate':'-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIUU2lnbg==\\n-----END CERTIFICATE-----\\n',"
     "'signature':'MEUCIQDx2l8n1s3yO0Zq5w=='}}",
     "{'status':'InvalidCertificate'}"},
};

/* Required fields only. */
static const struct example minimal[] = {
    {"BootNotification", "{'chargePointVendor':'Wattline','chargePointModel':'WL-22'}",
     "{'status':'Pending','currentTime':'2026-11-20T10:00:00Z','interval':0}"},
    {"StartTransaction", "{'connectorId':1,'idTag':'A1','meterStart':0,'timestamp':'2026-11-20T10:00:00Z'}",
     "{'idTagInfo':{'status':'Invalid'},'transactionId':0}"},
    {"StopTransaction", "{'meterStop':10,'timestamp':'2026-11-20T10:00:00Z','transactionId':5}", "{}"},
    {"StatusNotification", "{'connectorId':0,'errorCode':'NoError','status':'Available'}", "{}"},
    {"MeterValues",
     "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z','sampledValue':[{'value':'1'}]}]}", "{}"},
    {"RemoteStartTransaction", "{'idTag':'A1'}", "{'status':'Rejected'}"},
    {"SetChargingProfile",
     "{'connectorId':0,'csChargingProfiles':{'chargingProfileId':1,'stackLevel':0,"
     "'chargingProfilePurpose':'ChargePointMaxProfile','chargingProfileKind':'Absolute','chargingSchedule':"
     "{'chargingRateUnit':'W','chargingSchedulePeriod':[{'startPeriod':0,'limit':22000}]}}}",
     "{'status':'Accepted'}"},
    {"GetConfiguration", "{}", "{}"},
    {"DataTransfer", "{'vendorId':'x'}", "{'status':'Accepted'}"},
    {"GetCompositeSchedule", "{'connectorId':0,'duration':0}", "{'status':'Rejected'}"},
    {"GetDiagnostics", "{'location':'ftp://d/'}", "{}"},
    {"SendLocalList", "{'listVersion':1,'updateType':'Full'}", "{'status':'Failed'}"},
    {"GetInstalledCertificateIds", "{'certificateType':'CentralSystemRootCertificate'}", "{'status':'NotFound'}"},
    {"GetLog", "{'log':{'remoteLocation':'x'},'logType':'DiagnosticsLog','requestId':0}", "{'status':'Rejected'}"},
    {"ClearChargingProfile", "{}", "{'status':'Accepted'}"},
    {"SignedUpdateFirmware",
     "{'requestId':1,'firmware':{'location':'x','retrieveDateTime':'2026-11-21T02:00:00Z',"
     "'signingCertificate':'c','signature':'s'}}",
     "{'status':'Accepted'}"},
};

static const struct example *find_example(const struct example *table, size_t n, const char *action)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].action, action) == 0)
			return &table[i];
	return NULL;
}

/* Decodes text as type, encodes the result again and checks it is the same JSON as the input. */
static void assert_round_trips(const struct ocpp_type *type, const char *text)
{
	cJSON *in = tu_parse_sq(text), *encoded, *out;
	struct ocpp_payload p;
	struct ocpp_error err = {0};
	int rc = ocpp_decode(type, in, NULL, &p, &err);

	if (rc)
		fail_msg("%s refused %s: %s", type->name, text, err.message);
	encoded = ocpp_encode(type, p.data, &err);
	if (!encoded)
		fail_msg("%s could not encode what it decoded: %s", type->name, err.message);
	out = tu_reparse(encoded);
	cJSON_Delete(encoded);
	if (!tu_json_equal(in, out)) {
		char *got = cJSON_PrintUnformatted(out);

		print_error("%s round trip\n  in  %s\n  out %s\n", type->name, text, got);
		free(got);
		fail();
	}
	cJSON_Delete(out);
	cJSON_Delete(in);
	ocpp_payload_release(&p);
}

/* Checks every field of type appears in json (recursively; in arrays, in the first element), or when
 * required_only, that only required fields do. Reports the first offender by path. */
static void assert_fields(const struct ocpp_type *type, const cJSON *json, bool required_only, const char *path)
{
	for (unsigned i = 0; i < type->nfields; i++) {
		const struct ocpp_field *f = &type->fields[i];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, f->json);
		bool required = f->flags & OCPP_F_REQUIRED;
		char sub[200];

		if (!required_only && !v)
			fail_msg("maximal example lacks %s.%s", path, f->json);
		if (required_only && v && !required)
			fail_msg("minimal example has optional %s.%s", path, f->json);
		if (!v || f->kind != OCPP_K_OBJ)
			continue;
		snprintf(sub, sizeof(sub), "%s.%s", path, f->json);
		if (f->flags & OCPP_F_ARRAY) {
			const cJSON *item;

			if (!required_only && cJSON_GetArraySize(v) == 0)
				fail_msg("maximal example has an empty %s", sub);
			/* the first element has every field; later ones may vary */
			cJSON_ArrayForEach(item, v)
			{
				assert_fields(f->obj, item, required_only, sub);
				if (!required_only)
					break;
			}
		} else {
			assert_fields(f->obj, v, required_only, sub);
		}
	}
}

static void action_table_lists_39_actions_in_actions_def_order(void **state)
{
	(void)state;
	assert_int_equal(OCPP_ACTION_COUNT, 39);
	assert_string_equal(ocpp_actions[0].name, "Authorize");
	assert_string_equal(ocpp_actions[OCPP_BootNotification].name, "BootNotification");
	assert_string_equal(ocpp_actions[OCPP_ACTION_COUNT - 1].name, "SignedUpdateFirmware");
}

static void action_lookup_finds_each_name_exactly(void **state)
{
	(void)state;
	for (int i = 0; i < OCPP_ACTION_COUNT; i++) {
		assert_int_equal(ocpp_action_lookup(ocpp_actions[i].name), i);
		assert_string_equal(ocpp_action_name((enum ocpp_action)i), ocpp_actions[i].name);
	}
	assert_int_equal(ocpp_action_lookup("heartbeat"), -1);
	assert_int_equal(ocpp_action_lookup("Heartbeat "), -1);
	assert_int_equal(ocpp_action_lookup(""), -1);
	assert_int_equal(ocpp_action_lookup("NotifyEVChargingNeeds"), -1); /* OCPP 2.0.1 only */
	assert_null(ocpp_action_name(OCPP_ACTION_COUNT));
	assert_null(ocpp_action_name((enum ocpp_action) - 1));
}

static void action_types_are_named_after_the_action(void **state)
{
	char want[80];

	(void)state;
	for (int i = 0; i < OCPP_ACTION_COUNT; i++) {
		assert_non_null(ocpp_actions[i].req);
		assert_non_null(ocpp_actions[i].conf);
		snprintf(want, sizeof(want), "%sReq", ocpp_actions[i].name);
		assert_string_equal(ocpp_actions[i].req->name, want);
		snprintf(want, sizeof(want), "%sConf", ocpp_actions[i].name);
		assert_string_equal(ocpp_actions[i].conf->name, want);
	}
}

static void action_directions_follow_the_spec(void **state)
{
	(void)state;
	assert_int_equal(ocpp_actions[OCPP_BootNotification].sent_by, OCPP_FROM_CP);
	assert_int_equal(ocpp_actions[OCPP_MeterValues].sent_by, OCPP_FROM_CP);
	assert_int_equal(ocpp_actions[OCPP_SignCertificate].sent_by, OCPP_FROM_CP);
	assert_int_equal(ocpp_actions[OCPP_RemoteStartTransaction].sent_by, OCPP_FROM_CS);
	assert_int_equal(ocpp_actions[OCPP_SetChargingProfile].sent_by, OCPP_FROM_CS);
	assert_int_equal(ocpp_actions[OCPP_CertificateSigned].sent_by, OCPP_FROM_CS);
	assert_int_equal(ocpp_actions[OCPP_DataTransfer].sent_by, OCPP_FROM_BOTH);
	assert_int_equal(ocpp_actions[OCPP_ReserveNow].profile, OCPP_PROFILE_RESERVATION);
	assert_int_equal(ocpp_actions[OCPP_SendLocalList].profile, OCPP_PROFILE_LOCAL_LIST);
	assert_int_equal(ocpp_actions[OCPP_TriggerMessage].profile, OCPP_PROFILE_REMOTE_TRIGGER);
	assert_int_equal(ocpp_actions[OCPP_GetLog].profile, OCPP_PROFILE_SECURITY);
}

static void maximal_table_covers_every_action_once(void **state)
{
	(void)state;
	assert_int_equal(TU_ARRAY_SIZE(maximal), OCPP_ACTION_COUNT);
	for (int i = 0; i < OCPP_ACTION_COUNT; i++)
		if (!find_example(maximal, TU_ARRAY_SIZE(maximal), ocpp_actions[i].name))
			fail_msg("no maximal example for %s", ocpp_actions[i].name);
	for (size_t i = 0; i < TU_ARRAY_SIZE(maximal); i++) {
		if (ocpp_action_lookup(maximal[i].action) < 0)
			fail_msg("example for unknown action %s", maximal[i].action);
		if (find_example(maximal, i, maximal[i].action))
			fail_msg("two examples for %s", maximal[i].action);
	}
}

static void maximal_examples_set_every_optional_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(maximal); i++) {
		int a = ocpp_action_lookup(maximal[i].action);
		cJSON *req = tu_parse_sq(maximal[i].req), *conf = tu_parse_sq(maximal[i].conf);

		assert_true(a >= 0);
		assert_fields(ocpp_actions[a].req, req, false, ocpp_actions[a].req->name);
		assert_fields(ocpp_actions[a].conf, conf, false, ocpp_actions[a].conf->name);
		cJSON_Delete(req);
		cJSON_Delete(conf);
	}
}

static void every_maximal_request_round_trips(void **state)
{
	(void)state;
	for (int i = 0; i < OCPP_ACTION_COUNT; i++) {
		const struct example *e = find_example(maximal, TU_ARRAY_SIZE(maximal), ocpp_actions[i].name);

		assert_non_null(e);
		assert_round_trips(ocpp_actions[i].req, e->req);
	}
}

static void every_maximal_confirmation_round_trips(void **state)
{
	(void)state;
	for (int i = 0; i < OCPP_ACTION_COUNT; i++) {
		const struct example *e = find_example(maximal, TU_ARRAY_SIZE(maximal), ocpp_actions[i].name);

		assert_non_null(e);
		assert_round_trips(ocpp_actions[i].conf, e->conf);
	}
}

static void minimal_examples_have_only_required_fields_and_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(minimal); i++) {
		int a = ocpp_action_lookup(minimal[i].action);
		cJSON *req = tu_parse_sq(minimal[i].req), *conf = tu_parse_sq(minimal[i].conf);

		assert_true(a >= 0);
		assert_fields(ocpp_actions[a].req, req, true, ocpp_actions[a].req->name);
		assert_fields(ocpp_actions[a].conf, conf, true, ocpp_actions[a].conf->name);
		cJSON_Delete(req);
		cJSON_Delete(conf);
		assert_round_trips(ocpp_actions[a].req, minimal[i].req);
		assert_round_trips(ocpp_actions[a].conf, minimal[i].conf);
	}
}

/* Decodes the maximal (or minimal) example of an action into p. */
static const void *decode_example(const struct example *table, size_t n, const char *action, bool conf,
                                  struct ocpp_payload *p)
{
	const struct example *e = find_example(table, n, action);
	int a = ocpp_action_lookup(action);
	struct ocpp_error err;
	cJSON *j;

	assert_non_null(e);
	j = tu_parse_sq(conf ? e->conf : e->req);
	if (ocpp_decode(conf ? ocpp_actions[a].conf : ocpp_actions[a].req, j, NULL, p, &err))
		fail_msg("%s", err.message);
	cJSON_Delete(j);
	return p->data;
}

static void boot_notification_decodes_into_struct_fields(void **state)
{
	struct ocpp_payload p, q;
	const struct ocpp_boot_notification_req *r =
	    decode_example(maximal, TU_ARRAY_SIZE(maximal), "BootNotification", false, &p);
	const struct ocpp_boot_notification_conf *c =
	    decode_example(maximal, TU_ARRAY_SIZE(maximal), "BootNotification", true, &q);

	(void)state;
	assert_string_equal(r->charge_point_vendor, "Wattline");
	assert_string_equal(r->charge_point_model, "WL-22-PRO");
	assert_string_equal(r->charge_point_serial_number, "WL2026000123");
	assert_string_equal(r->charge_box_serial_number, "CB2026000123");
	assert_string_equal(r->firmware_version, "1.4.2+build.8812");
	assert_string_equal(r->iccid, "8939104520000123456");
	assert_string_equal(r->imsi, "222015500012345");
	assert_string_equal(r->meter_type, "Carlo Gavazzi EM340");
	assert_string_equal(r->meter_serial_number, "EM34000991");
	assert_int_equal(c->status, OCPP_REGISTRATION_STATUS_ACCEPTED);
	assert_string_equal(c->current_time, "2026-11-20T10:00:00.000Z");
	assert_int_equal(c->interval, 300);
	ocpp_payload_release(&p);
	ocpp_payload_release(&q);
}

static void meter_values_decode_nested_arrays_and_enums(void **state)
{
	struct ocpp_payload p;
	const struct ocpp_meter_values_req *r =
	    decode_example(maximal, TU_ARRAY_SIZE(maximal), "MeterValues", false, &p);
	const struct ocpp_sampled_value *sv;

	(void)state;
	assert_int_equal(r->connector_id, 1);
	assert_true(r->has_transaction_id);
	assert_int_equal(r->transaction_id, 1278);
	assert_int_equal(r->n_meter_value, 2);
	assert_string_equal(r->meter_value[1].timestamp, "2026-11-20T10:15:00.000Z");
	assert_int_equal(r->meter_value[0].n_sampled_value, 2);
	sv = &r->meter_value[0].sampled_value[0];
	assert_string_equal(sv->value, "15234.5");
	assert_true(sv->has_context && sv->has_format && sv->has_measurand && sv->has_phase && sv->has_location &&
	            sv->has_unit);
	assert_int_equal(sv->context, OCPP_READING_CONTEXT_SAMPLE_PERIODIC);
	assert_int_equal(sv->format, OCPP_VALUE_FORMAT_RAW);
	assert_int_equal(sv->measurand, OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER);
	assert_int_equal(sv->phase, OCPP_PHASE_L1);
	assert_int_equal(sv->location, OCPP_LOCATION_OUTLET);
	assert_int_equal(sv->unit, OCPP_UNIT_OF_MEASURE_K_WH);
	sv = &r->meter_value[0].sampled_value[1];
	assert_int_equal(sv->context, OCPP_READING_CONTEXT_TRANSACTION_END);
	assert_int_equal(sv->format, OCPP_VALUE_FORMAT_SIGNED_DATA);
	assert_int_equal(sv->measurand, OCPP_MEASURAND_SO_C);
	assert_int_equal(sv->phase, OCPP_PHASE_L3_L1);
	assert_int_equal(sv->location, OCPP_LOCATION_EV);
	assert_int_equal(sv->unit, OCPP_UNIT_OF_MEASURE_PERCENT);
	ocpp_payload_release(&p);
}

static void charging_profile_decodes_decimals_and_optional_scalars(void **state)
{
	struct ocpp_payload p;
	const struct ocpp_set_charging_profile_req *r =
	    decode_example(maximal, TU_ARRAY_SIZE(maximal), "SetChargingProfile", false, &p);
	const struct ocpp_charging_profile *cp = r->cs_charging_profiles;
	const struct ocpp_charging_schedule *cs = cp->charging_schedule;

	(void)state;
	assert_int_equal(cp->charging_profile_id, 158798);
	assert_true(cp->has_transaction_id);
	assert_int_equal(cp->charging_profile_purpose, OCPP_CHARGING_PROFILE_PURPOSE_TX_PROFILE);
	assert_int_equal(cp->charging_profile_kind, OCPP_CHARGING_PROFILE_KIND_RECURRING);
	assert_true(cp->has_recurrency_kind);
	assert_int_equal(cp->recurrency_kind, OCPP_RECURRENCY_KIND_DAILY);
	assert_string_equal(cp->valid_to, "2026-12-20T00:00:00.000+01:00");
	assert_true(cs->has_duration);
	assert_int_equal(cs->duration, 86400);
	assert_int_equal(cs->charging_rate_unit, OCPP_CHARGING_RATE_UNIT_A);
	assert_int_equal(cs->n_charging_schedule_period, 3);
	assert_float_equal(cs->charging_schedule_period[1].limit, 16.5, 1e-9);
	assert_true(cs->charging_schedule_period[1].has_number_phases);
	assert_int_equal(cs->charging_schedule_period[1].number_phases, 1);
	assert_false(cs->charging_schedule_period[2].has_number_phases);
	assert_true(cs->has_min_charging_rate);
	assert_float_equal(cs->min_charging_rate, 6.1, 1e-9);
	ocpp_payload_release(&p);
}

static void minimal_examples_decode_with_optional_fields_absent(void **state)
{
	struct ocpp_payload p, q, s;
	const struct ocpp_boot_notification_req *b =
	    decode_example(minimal, TU_ARRAY_SIZE(minimal), "BootNotification", false, &p);
	const struct ocpp_stop_transaction_req *st =
	    decode_example(minimal, TU_ARRAY_SIZE(minimal), "StopTransaction", false, &q);
	const struct ocpp_remote_start_transaction_req *rs =
	    decode_example(minimal, TU_ARRAY_SIZE(minimal), "RemoteStartTransaction", false, &s);

	(void)state;
	assert_null(b->charge_point_serial_number);
	assert_null(b->firmware_version);
	assert_null(b->meter_serial_number);
	assert_null(st->id_tag);
	assert_false(st->has_reason);
	assert_int_equal(st->n_transaction_data, 0);
	assert_null(st->transaction_data);
	assert_false(rs->has_connector_id);
	assert_null(rs->charging_profile);
	assert_string_equal(rs->id_tag, "A1");
	ocpp_payload_release(&p);
	ocpp_payload_release(&q);
	ocpp_payload_release(&s);
}

static void empty_array_is_kept_distinct_from_absent_array(void **state)
{
	(void)state;
	assert_round_trips(&ocpp_type_get_configuration_req, "{'key':[]}");
	assert_round_trips(&ocpp_type_get_configuration_req, "{}");
	assert_round_trips(&ocpp_type_send_local_list_req,
	                   "{'listVersion':3,'localAuthorizationList':[],'updateType':'Full'}");
}

static void unicode_strings_round_trip_unchanged(void **state)
{
	(void)state;
	assert_round_trips(
	    &ocpp_type_data_transfer_req,
	    "{'vendorId':'com.wattline.\xc3\xa9\xe2\x82\xac','data':'\xf0\x9f\x94\x8c \\u00e9 \\\\ \\/ \\t'}");
	assert_round_trips(&ocpp_type_status_notification_req,
	                   "{'connectorId':1,'errorCode':'OtherError','status':'Faulted','info':'Stecker \xc3\xbc"
	                   "berhitzt'}");
}

static void enum_names_and_values_map_both_ways(void **state)
{
	(void)state;
	assert_int_equal(ocpp_enum_value(&ocpp_enum_unit_of_measure, "kWh"), OCPP_UNIT_OF_MEASURE_K_WH);
	assert_int_equal(ocpp_enum_value(&ocpp_enum_unit_of_measure, "Celcius"), OCPP_UNIT_OF_MEASURE_CELCIUS);
	assert_int_equal(ocpp_enum_value(&ocpp_enum_reading_context, "Sample.Clock"),
	                 OCPP_READING_CONTEXT_SAMPLE_CLOCK);
	assert_int_equal(ocpp_enum_value(&ocpp_enum_phase, "L2-N"), OCPP_PHASE_L2_N);
	assert_int_equal(ocpp_enum_value(&ocpp_enum_unit_of_measure, "kwh"), -1); /* case matters */
	assert_int_equal(ocpp_enum_value(&ocpp_enum_unit_of_measure, ""), -1);
	assert_string_equal(ocpp_enum_name(&ocpp_enum_charge_point_status, OCPP_CHARGE_POINT_STATUS_SUSPENDED_EVSE),
	                    "SuspendedEVSE");
	assert_string_equal(ocpp_enum_name(&ocpp_enum_reason, OCPP_REASON_DE_AUTHORIZED), "DeAuthorized");
	assert_null(ocpp_enum_name(&ocpp_enum_reset_type, 2));
	assert_null(ocpp_enum_name(&ocpp_enum_reset_type, -1));
	for (unsigned i = 0; i < ocpp_enum_measurand.count; i++)
		assert_int_equal(ocpp_enum_value(&ocpp_enum_measurand, ocpp_enum_name(&ocpp_enum_measurand, (int)i)),
		                 i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(action_table_lists_39_actions_in_actions_def_order),
	    cmocka_unit_test(action_lookup_finds_each_name_exactly),
	    cmocka_unit_test(action_types_are_named_after_the_action),
	    cmocka_unit_test(action_directions_follow_the_spec),
	    cmocka_unit_test(maximal_table_covers_every_action_once),
	    cmocka_unit_test(maximal_examples_set_every_optional_field),
	    cmocka_unit_test(every_maximal_request_round_trips),
	    cmocka_unit_test(every_maximal_confirmation_round_trips),
	    cmocka_unit_test(minimal_examples_have_only_required_fields_and_round_trip),
	    cmocka_unit_test(boot_notification_decodes_into_struct_fields),
	    cmocka_unit_test(meter_values_decode_nested_arrays_and_enums),
	    cmocka_unit_test(charging_profile_decodes_decimals_and_optional_scalars),
	    cmocka_unit_test(minimal_examples_decode_with_optional_fields_absent),
	    cmocka_unit_test(empty_array_is_kept_distinct_from_absent_array),
	    cmocka_unit_test(unicode_strings_round_trip_unchanged),
	    cmocka_unit_test(enum_names_and_values_map_both_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
