/* test_schema.c — ocpp_decode refusals: each kind of schema violation gives its CALLERROR code
 * (mapping in the head comment of src/ocpp/ocpp_schema.c) and a message naming the field path. */
#include "test_util.h"

#define MV_OK "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z','sampledValue':[{'value':'1'}]}]}"

/* A SetChargingProfile request whose first period has the given limit (a JSON number text). */
static char *profile_with_limit(char *buf, size_t size, const char *limit)
{
	int n = snprintf(buf, size,
	                 "{'connectorId':1,'csChargingProfiles':{'chargingProfileId':1,'stackLevel':0,"
	                 "'chargingProfilePurpose':'TxDefaultProfile','chargingProfileKind':'Absolute',"
	                 "'chargingSchedule':{'chargingRateUnit':'A','chargingSchedulePeriod':[{'startPeriod':0,"
	                 "'limit':%s}]}}}",
	                 limit);

	assert_true(n > 0 && (size_t)n < size);
	return buf;
}

/* ---- FormationViolation ---- */

static void unknown_property_is_formation_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_heartbeat_req, "{'foo':1}", OCPP_ERR_FormationViolation, "HeartbeatReq.foo");
	tu_assert_refuses(&ocpp_type_authorize_req, "{'idTag':'A','IdTag':'B'}", OCPP_ERR_FormationViolation,
	                  "AuthorizeReq.IdTag: unknown property");
}

static void unknown_nested_property_names_its_path(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_authorize_conf, "{'idTagInfo':{'status':'Accepted','bogus':true}}",
	                  OCPP_ERR_FormationViolation, "AuthorizeConf.idTagInfo.bogus");
	tu_assert_refuses(&ocpp_type_meter_values_req,
	                  "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z','sampledValue':"
	                  "[{'value':'1'},{'value':'2','colour':'red'}]}]}",
	                  OCPP_ERR_FormationViolation, "MeterValuesReq.meterValue[0].sampledValue[1].colour");
}

static void duplicate_property_is_formation_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_authorize_req, "{'idTag':'A','idTag':'B'}", OCPP_ERR_FormationViolation,
	                  "AuthorizeReq.idTag: duplicate property");
	tu_assert_refuses(&ocpp_type_authorize_conf, "{'idTagInfo':{'status':'Accepted','status':'Accepted'}}",
	                  OCPP_ERR_FormationViolation, "AuthorizeConf.idTagInfo.status: duplicate");
}

static void payload_that_is_not_an_object_is_formation_violation(void **state)
{
	static const char *const bad[] = {"[]", "[{'idTag':'A'}]", "'idTag'", "42", "null", "true"};

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++)
		tu_assert_refuses(&ocpp_type_authorize_req, bad[i], OCPP_ERR_FormationViolation,
		                  "AuthorizeReq: payload is not a JSON object");
}

static void decode_of_null_json_is_formation_violation(void **state)
{
	struct ocpp_payload p;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(ocpp_decode(&ocpp_type_heartbeat_req, NULL, NULL, &p, &err), OCPP_EINVAL);
	assert_int_equal(err.code, OCPP_ERR_FormationViolation);
	ocpp_payload_release(&p);
}

/* ---- OccurenceConstraintViolation ---- */

static void missing_required_field_is_occurence_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_authorize_req, "{}", OCPP_ERR_OccurenceConstraintViolation,
	                  "AuthorizeReq.idTag: required property missing");
	tu_assert_refuses(&ocpp_type_boot_notification_req, "{'chargePointVendor':'Wattline'}",
	                  OCPP_ERR_OccurenceConstraintViolation, "BootNotificationReq.chargePointModel");
	tu_assert_refuses(&ocpp_type_boot_notification_conf, "{'status':'Accepted','interval':300}",
	                  OCPP_ERR_OccurenceConstraintViolation, "BootNotificationConf.currentTime");
}

static void missing_required_nested_field_names_its_path(void **state)
{
	(void)state;
	tu_assert_refuses(
	    &ocpp_type_meter_values_req,
	    "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z','sampledValue':[{'value':'1'}]},"
	    "{'timestamp':'2026-11-20T10:01:00Z'}]}",
	    OCPP_ERR_OccurenceConstraintViolation, "MeterValuesReq.meterValue[1].sampledValue: required");
	tu_assert_refuses(&ocpp_type_start_transaction_conf, "{'idTagInfo':{},'transactionId':1}",
	                  OCPP_ERR_OccurenceConstraintViolation, "StartTransactionConf.idTagInfo.status");
}

static void array_below_min_items_is_occurence_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_get_installed_certificate_ids_conf,
	                  "{'certificateHashData':[],'status':'Accepted'}", OCPP_ERR_OccurenceConstraintViolation,
	                  "GetInstalledCertificateIdsConf.certificateHashData");
	/* leaving the array out is fine: it is optional */
	tu_assert_accepts(&ocpp_type_get_installed_certificate_ids_conf, "{'status':'NotFound'}");
}

static void array_beyond_the_limit_is_occurence_violation(void **state)
{
	struct ocpp_limits lim = {.max_array = 2};

	(void)state;
	tu_assert_accepts_lim(&ocpp_type_get_configuration_req, "{'key':['a','b']}", &lim);
	tu_assert_refuses_lim(&ocpp_type_get_configuration_req, "{'key':['a','b','c']}", &lim,
	                      OCPP_ERR_OccurenceConstraintViolation, "GetConfigurationReq.key");
}

/* ---- TypeConstraintViolation ---- */

static void string_for_integer_is_type_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_unlock_connector_req, "{'connectorId':'1'}", OCPP_ERR_TypeConstraintViolation,
	                  "UnlockConnectorReq.connectorId");
}

static void fraction_for_integer_is_type_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_unlock_connector_req, "{'connectorId':1.5}", OCPP_ERR_TypeConstraintViolation,
	                  "UnlockConnectorReq.connectorId");
	tu_assert_refuses(&ocpp_type_unlock_connector_req, "{'connectorId':-0.25}", OCPP_ERR_TypeConstraintViolation,
	                  NULL);
	/* a whole number written with a fraction or exponent is still an integer in JSON Schema */
	tu_assert_accepts(&ocpp_type_unlock_connector_req, "{'connectorId':1.0}");
	tu_assert_accepts(&ocpp_type_unlock_connector_req, "{'connectorId':2e0}");
}

static void other_json_types_for_integer_are_type_violations(void **state)
{
	static const char *const bad[] = {"true", "null", "[1]", "{}"};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++) {
		snprintf(buf, sizeof(buf), "{'reservationId':%s}", bad[i]);
		tu_assert_refuses(&ocpp_type_cancel_reservation_req, buf, OCPP_ERR_TypeConstraintViolation,
		                  "CancelReservationReq.reservationId");
	}
}

static void number_for_string_is_type_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_authorize_req, "{'idTag':12345}", OCPP_ERR_TypeConstraintViolation,
	                  "AuthorizeReq.idTag");
	tu_assert_refuses(&ocpp_type_heartbeat_conf, "{'currentTime':1795168800}", OCPP_ERR_TypeConstraintViolation,
	                  "HeartbeatConf.currentTime");
	tu_assert_refuses(&ocpp_type_update_firmware_req, "{'location':null,'retrieveDate':'2026-11-20T10:00:00Z'}",
	                  OCPP_ERR_TypeConstraintViolation, "UpdateFirmwareReq.location");
	tu_assert_refuses(&ocpp_type_reset_req, "{'type':1}", OCPP_ERR_TypeConstraintViolation, "ResetReq.type");
}

static void object_for_array_is_type_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_meter_values_req, "{'connectorId':1,'meterValue':{}}",
	                  OCPP_ERR_TypeConstraintViolation, "MeterValuesReq.meterValue");
	tu_assert_refuses(&ocpp_type_get_configuration_req, "{'key':'HeartbeatInterval'}",
	                  OCPP_ERR_TypeConstraintViolation, "GetConfigurationReq.key");
}

static void wrong_type_inside_array_names_the_element(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_meter_values_req, "{'connectorId':1,'meterValue':[1]}",
	                  OCPP_ERR_TypeConstraintViolation, "MeterValuesReq.meterValue[0]");
	tu_assert_refuses(&ocpp_type_get_configuration_req, "{'key':['a','b',3]}", OCPP_ERR_TypeConstraintViolation,
	                  "GetConfigurationReq.key[2]");
}

static void wrong_type_for_object_boolean_and_decimal(void **state)
{
	char buf[512];

	(void)state;
	tu_assert_refuses(&ocpp_type_authorize_conf, "{'idTagInfo':'Accepted'}", OCPP_ERR_TypeConstraintViolation,
	                  "AuthorizeConf.idTagInfo");
	tu_assert_refuses(&ocpp_type_authorize_conf, "{'idTagInfo':[]}", OCPP_ERR_TypeConstraintViolation,
	                  "AuthorizeConf.idTagInfo");
	tu_assert_refuses(&ocpp_type_get_configuration_conf, "{'configurationKey':[{'key':'K','readonly':'true'}]}",
	                  OCPP_ERR_TypeConstraintViolation, "GetConfigurationConf.configurationKey[0].readonly");
	tu_assert_refuses(&ocpp_type_get_configuration_conf, "{'configurationKey':[{'key':'K','readonly':1}]}",
	                  OCPP_ERR_TypeConstraintViolation, "readonly");
	tu_assert_refuses(&ocpp_type_set_charging_profile_req, profile_with_limit(buf, sizeof(buf), "'16'"),
	                  OCPP_ERR_TypeConstraintViolation, "chargingSchedulePeriod[0].limit");
}

/* ---- PropertyConstraintViolation ---- */

static void bad_enum_value_is_property_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_reset_req, "{'type':'Medium'}", OCPP_ERR_PropertyConstraintViolation,
	                  "ResetReq.type");
	tu_assert_refuses(&ocpp_type_reset_req, "{'type':'hard'}", OCPP_ERR_PropertyConstraintViolation,
	                  "ResetType"); /* enum values are case-sensitive */
	tu_assert_refuses(&ocpp_type_reset_req, "{'type':''}", OCPP_ERR_PropertyConstraintViolation, NULL);
}

static void bad_enum_deep_in_arrays_names_the_full_path(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_meter_values_req,
	                  "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z','sampledValue':["
	                  "{'value':'1','unit':'Wh'},{'value':'2','unit':'kwh'}]}]}",
	                  OCPP_ERR_PropertyConstraintViolation, "MeterValuesReq.meterValue[0].sampledValue[1].unit");
	tu_assert_refuses(&ocpp_type_stop_transaction_req,
	                  "{'meterStop':1,'timestamp':'2026-11-20T10:00:00Z','transactionId':1,'transactionData':["
	                  "{'timestamp':'2026-11-20T10:00:00Z','sampledValue':[{'value':'1'}]},"
	                  "{'timestamp':'2026-11-20T10:00:00Z','sampledValue':[{'value':'1'},{'value':'2'},"
	                  "{'value':'3','measurand':'Energy'}]}]}",
	                  OCPP_ERR_PropertyConstraintViolation,
	                  "StopTransactionReq.transactionData[1].sampledValue[2].measurand");
}

static void too_long_string_is_property_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_authorize_req, "{'idTag':'123456789012345678901'}",
	                  OCPP_ERR_PropertyConstraintViolation, "AuthorizeReq.idTag");
	tu_assert_refuses(&ocpp_type_send_local_list_req,
	                  "{'listVersion':1,'updateType':'Full','localAuthorizationList':[{'idTag':'A'},"
	                  "{'idTag':'B','idTagInfo':{'status':'Accepted','parentIdTag':'123456789012345678901'}}]}",
	                  OCPP_ERR_PropertyConstraintViolation,
	                  "SendLocalListReq.localAuthorizationList[1].idTagInfo.parentIdTag");
}

static void bad_date_time_is_property_violation(void **state)
{
	static const char *const bad[] = {
	    "yesterday", "2026-11-20", "2026-11-20T10:00:00", "2023-02-29T10:00:00Z", "2026-11-20T25:00:00Z", ""};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++) {
		snprintf(buf, sizeof(buf), "{'currentTime':'%s'}", bad[i]);
		tu_assert_refuses(&ocpp_type_heartbeat_conf, buf, OCPP_ERR_PropertyConstraintViolation,
		                  "HeartbeatConf.currentTime");
	}
	tu_assert_refuses(&ocpp_type_meter_values_req,
	                  "{'connectorId':1,'meterValue':[{'timestamp':'now','sampledValue':[{'value':'1'}]}]}",
	                  OCPP_ERR_PropertyConstraintViolation, "MeterValuesReq.meterValue[0].timestamp");
}

static void bad_uri_is_property_violation(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_get_diagnostics_req, "{'location':'not a uri'}",
	                  OCPP_ERR_PropertyConstraintViolation, "GetDiagnosticsReq.location");
	tu_assert_refuses(&ocpp_type_update_firmware_req,
	                  "{'location':'/firmware/1.5.bin','retrieveDate':'2026-11-20T10:00:00Z'}",
	                  OCPP_ERR_PropertyConstraintViolation, "UpdateFirmwareReq.location");
	tu_assert_accepts(&ocpp_type_get_diagnostics_req, "{'location':'ftp://diag.example/up'}");
}

static void decimal_not_multiple_of_a_tenth_is_property_violation(void **state)
{
	static const char *const bad[] = {"7.55", "0.05", "16.01", "-3.33", "1e-3"};
	char buf[512];

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++)
		tu_assert_refuses(
		    &ocpp_type_set_charging_profile_req, profile_with_limit(buf, sizeof(buf), bad[i]),
		    OCPP_ERR_PropertyConstraintViolation,
		    "SetChargingProfileReq.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit");
}

static void decimal_multiple_of_a_tenth_is_accepted_despite_binary_rounding(void **state)
{
	static const char *const good[] = {"0",    "0.1",    "0.3",   "0.7",  "6.1", "16.1",
	                                   "32.7", "1234.5", "22000", "-2.2", "1e1", "99999.9"};
	char buf[512];

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(good); i++)
		tu_assert_accepts(&ocpp_type_set_charging_profile_req, profile_with_limit(buf, sizeof(buf), good[i]));
}

static void integer_beyond_2_pow_53_is_property_violation(void **state)
{
	(void)state;
	tu_assert_accepts(&ocpp_type_remote_stop_transaction_req, "{'transactionId':9007199254740992}");
	tu_assert_accepts(&ocpp_type_remote_stop_transaction_req, "{'transactionId':-9007199254740992}");
	tu_assert_refuses(&ocpp_type_remote_stop_transaction_req, "{'transactionId':9007199254740994}",
	                  OCPP_ERR_PropertyConstraintViolation, "RemoteStopTransactionReq.transactionId");
	tu_assert_refuses(&ocpp_type_remote_stop_transaction_req, "{'transactionId':-18014398509481984}",
	                  OCPP_ERR_PropertyConstraintViolation, "RemoteStopTransactionReq.transactionId");
	tu_assert_refuses(&ocpp_type_remote_stop_transaction_req, "{'transactionId':1e300}",
	                  OCPP_ERR_PropertyConstraintViolation, NULL);
}

static void largest_safe_integer_decodes_exactly(void **state)
{
	struct ocpp_payload p;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(
	    tu_decode(&ocpp_type_remote_stop_transaction_req, "{'transactionId':9007199254740992}", &p, &err), OCPP_OK);
	assert_int_equal(((const struct ocpp_remote_stop_transaction_req *)p.data)->transaction_id,
	                 INT64_C(9007199254740992));
	ocpp_payload_release(&p);
	assert_int_equal(tu_decode(&ocpp_type_remote_stop_transaction_req, "{'transactionId':-42}", &p, &err), OCPP_OK);
	assert_int_equal(((const struct ocpp_remote_stop_transaction_req *)p.data)->transaction_id, -42);
	ocpp_payload_release(&p);
}

static void unbounded_string_beyond_the_limit_is_property_violation(void **state)
{
	struct ocpp_limits lim = {.max_string = 10};

	(void)state;
	tu_assert_accepts_lim(&ocpp_type_data_transfer_req, "{'vendorId':'v','data':'0123456789'}", &lim);
	tu_assert_refuses_lim(&ocpp_type_data_transfer_req, "{'vendorId':'v','data':'0123456789A'}", &lim,
	                      OCPP_ERR_PropertyConstraintViolation, "DataTransferReq.data");
}

/* ---- order and reporting ---- */

static void first_violation_in_document_order_is_reported(void **state)
{
	(void)state;
	/* the wrong type comes before the unknown property */
	tu_assert_refuses(&ocpp_type_status_notification_req,
	                  "{'connectorId':'x','bogus':1,'errorCode':'NoError','status':'Available'}",
	                  OCPP_ERR_TypeConstraintViolation, "StatusNotificationReq.connectorId");
	/* properties present are checked before the required ones missing */
	tu_assert_refuses(&ocpp_type_status_notification_req, "{'status':'Sleeping'}",
	                  OCPP_ERR_PropertyConstraintViolation, "StatusNotificationReq.status");
}

static void message_quotes_the_bad_value(void **state)
{
	(void)state;
	tu_assert_refuses(&ocpp_type_reset_req, "{'type':'Medium'}", OCPP_ERR_PropertyConstraintViolation,
	                  "\"Medium\" is not a ResetType");
	tu_assert_refuses(&ocpp_type_heartbeat_conf, "{'currentTime':'tomorrow'}", OCPP_ERR_PropertyConstraintViolation,
	                  "\"tomorrow\"");
}

static void long_unknown_property_name_is_cut_in_the_message(void **state)
{
	struct ocpp_payload p;
	struct ocpp_error err;
	char name[300], text[512], forty_one[50];

	(void)state;
	tu_repeat(name, sizeof(name), "x", 250);
	snprintf(text, sizeof(text),
	         "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z','sampledValue':[{'value':'1','%s':"
	         "1}]}]}",
	         name);
	assert_int_equal(tu_decode(&ocpp_type_meter_values_req, text, &p, &err), OCPP_EINVAL);
	ocpp_payload_release(&p);
	assert_int_equal(err.code, OCPP_ERR_FormationViolation);
	assert_true(strnlen(err.message, sizeof(err.message)) < sizeof(err.message));
	assert_non_null(strstr(err.message, "MeterValuesReq.meterValue[0].sampledValue[0].xxxx"));
	assert_null(strstr(err.message, tu_repeat(forty_one, sizeof(forty_one), "x", 41)));
}

static void refused_decode_can_be_released_and_retried(void **state)
{
	struct ocpp_payload p;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(
	    tu_decode(&ocpp_type_meter_values_req, "{'connectorId':1,'meterValue':[{'timestamp':'x'}]}", &p, &err),
	    OCPP_EINVAL);
	ocpp_payload_release(&p);
	assert_null(p.data);
	ocpp_payload_release(&p); /* twice is harmless */
	assert_int_equal(tu_decode(&ocpp_type_meter_values_req, MV_OK, &p, &err), OCPP_OK);
	assert_non_null(p.data);
	ocpp_payload_release(&p);
}

static void decode_without_error_struct_still_refuses(void **state)
{
	struct ocpp_payload p;
	cJSON *j = tu_parse_sq("{'idTag':5}");

	(void)state;
	assert_int_equal(ocpp_decode(&ocpp_type_authorize_req, j, NULL, &p, NULL), OCPP_EINVAL);
	ocpp_payload_release(&p);
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unknown_property_is_formation_violation),
	    cmocka_unit_test(unknown_nested_property_names_its_path),
	    cmocka_unit_test(duplicate_property_is_formation_violation),
	    cmocka_unit_test(payload_that_is_not_an_object_is_formation_violation),
	    cmocka_unit_test(decode_of_null_json_is_formation_violation),
	    cmocka_unit_test(missing_required_field_is_occurence_violation),
	    cmocka_unit_test(missing_required_nested_field_names_its_path),
	    cmocka_unit_test(array_below_min_items_is_occurence_violation),
	    cmocka_unit_test(array_beyond_the_limit_is_occurence_violation),
	    cmocka_unit_test(string_for_integer_is_type_violation),
	    cmocka_unit_test(fraction_for_integer_is_type_violation),
	    cmocka_unit_test(other_json_types_for_integer_are_type_violations),
	    cmocka_unit_test(number_for_string_is_type_violation),
	    cmocka_unit_test(object_for_array_is_type_violation),
	    cmocka_unit_test(wrong_type_inside_array_names_the_element),
	    cmocka_unit_test(wrong_type_for_object_boolean_and_decimal),
	    cmocka_unit_test(bad_enum_value_is_property_violation),
	    cmocka_unit_test(bad_enum_deep_in_arrays_names_the_full_path),
	    cmocka_unit_test(too_long_string_is_property_violation),
	    cmocka_unit_test(bad_date_time_is_property_violation),
	    cmocka_unit_test(bad_uri_is_property_violation),
	    cmocka_unit_test(decimal_not_multiple_of_a_tenth_is_property_violation),
	    cmocka_unit_test(decimal_multiple_of_a_tenth_is_accepted_despite_binary_rounding),
	    cmocka_unit_test(integer_beyond_2_pow_53_is_property_violation),
	    cmocka_unit_test(largest_safe_integer_decodes_exactly),
	    cmocka_unit_test(unbounded_string_beyond_the_limit_is_property_violation),
	    cmocka_unit_test(first_violation_in_document_order_is_reported),
	    cmocka_unit_test(message_quotes_the_bad_value),
	    cmocka_unit_test(long_unknown_property_name_is_cut_in_the_message),
	    cmocka_unit_test(refused_decode_can_be_released_and_retried),
	    cmocka_unit_test(decode_without_error_struct_still_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
