/* test_encode.c — ocpp_encode from hand-built structs: what is emitted (optional fields only when set),
 * and every refusal (NULL required string, too long, enum out of range, array below minItems, ...)
 * returns NULL with the CALLERROR code and the field path. */
#include "test_util.h"

#include <math.h>

static void status_notification_struct_encodes_set_fields_only(void **state)
{
	struct ocpp_status_notification_req req = {
	    .connector_id = 2,
	    .error_code = OCPP_CHARGE_POINT_ERROR_CODE_NO_ERROR,
	    .status = OCPP_CHARGE_POINT_STATUS_SUSPENDED_EV,
	    .timestamp = "2026-11-20T10:00:00Z",
	};

	(void)state;
	tu_assert_encodes_to(&ocpp_type_status_notification_req, &req,
	                     "{'connectorId':2,'errorCode':'NoError','status':'SuspendedEV',"
	                     "'timestamp':'2026-11-20T10:00:00Z'}");
}

static void optional_scalars_are_emitted_only_with_their_has_flag(void **state)
{
	struct ocpp_trigger_message_req req = {.requested_message = OCPP_MESSAGE_TRIGGER_METER_VALUES,
	                                       .connector_id = 3};

	(void)state;
	tu_assert_encodes_to(&ocpp_type_trigger_message_req, &req, "{'requestedMessage':'MeterValues'}");
	req.has_connector_id = true;
	tu_assert_encodes_to(&ocpp_type_trigger_message_req, &req,
	                     "{'requestedMessage':'MeterValues','connectorId':3}");
}

static void optional_scalar_whose_flag_is_the_first_member_is_honoured(void **state)
{
	/* has_connector_id and has_id sit at offset 0 of their structs */
	struct ocpp_remote_start_transaction_req rs = {.connector_id = 2, .id_tag = "A1"};
	struct ocpp_clear_charging_profile_req ccp = {.id = 7, .stack_level = 1};

	(void)state;
	tu_assert_encodes_to(&ocpp_type_remote_start_transaction_req, &rs, "{'idTag':'A1'}");
	rs.has_connector_id = true;
	tu_assert_encodes_to(&ocpp_type_remote_start_transaction_req, &rs, "{'connectorId':2,'idTag':'A1'}");
	tu_assert_encodes_to(&ocpp_type_clear_charging_profile_req, &ccp, "{}");
	ccp.has_id = true;
	tu_assert_encodes_to(&ocpp_type_clear_charging_profile_req, &ccp, "{'id':7}");
}

static void decoded_first_member_flag_is_set_when_present(void **state)
{
	struct ocpp_payload p;
	struct ocpp_error err;
	const struct ocpp_remote_start_transaction_req *rs;
	const struct ocpp_signed_update_firmware_req *su;

	(void)state;
	assert_int_equal(tu_decode(&ocpp_type_remote_start_transaction_req, "{'connectorId':2,'idTag':'A1'}", &p, &err),
	                 OCPP_OK);
	rs = p.data;
	assert_true(rs->has_connector_id);
	assert_int_equal(rs->connector_id, 2);
	ocpp_payload_release(&p);
	assert_int_equal(tu_decode(&ocpp_type_signed_update_firmware_req,
	                           "{'retries':0,'requestId':1,'firmware':{'location':'x','retrieveDateTime':"
	                           "'2026-11-21T02:00:00Z','signingCertificate':'c','signature':'s'}}",
	                           &p, &err),
	                 OCPP_OK);
	su = p.data;
	assert_true(su->has_retries);
	assert_int_equal(su->retries, 0);
	assert_false(su->has_retry_interval);
	ocpp_payload_release(&p);
}

static void nested_objects_and_arrays_encode(void **state)
{
	struct ocpp_sampled_value sv[2] = {
	    {.value = "15234.5",
	     .has_measurand = true,
	     .measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
	     .has_unit = true,
	     .unit = OCPP_UNIT_OF_MEASURE_WH},
	    {.value = "230.1", .has_phase = true, .phase = OCPP_PHASE_L1_N},
	};
	struct ocpp_meter_value mv = {"2026-11-20T10:15:00Z", 2, sv};
	struct ocpp_meter_values_req req = {.connector_id = 1, .n_meter_value = 1, .meter_value = &mv};

	(void)state;
	tu_assert_encodes_to(&ocpp_type_meter_values_req, &req,
	                     "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:15:00Z','sampledValue':["
	                     "{'value':'15234.5','measurand':'Energy.Active.Import.Register','unit':'Wh'},"
	                     "{'value':'230.1','phase':'L1-N'}]}]}");
}

static void empty_message_encodes_to_empty_object(void **state)
{
	struct ocpp_heartbeat_req hb = {0};
	struct ocpp_meter_values_conf mc = {0};

	(void)state;
	tu_assert_encodes_to(&ocpp_type_heartbeat_req, &hb, "{}");
	tu_assert_encodes_to(&ocpp_type_meter_values_conf, &mc, "{}");
}

static void booleans_and_string_arrays_encode(void **state)
{
	struct ocpp_key_value kv[] = {{"HeartbeatInterval", false, "300"}, {"ChargeProfileMaxStackLevel", true, NULL}};
	const char *unknown[] = {"Foo", "Bar"};
	struct ocpp_get_configuration_conf conf = {2, kv, 2, unknown};

	(void)state;
	tu_assert_encodes_to(&ocpp_type_get_configuration_conf, &conf,
	                     "{'configurationKey':[{'key':'HeartbeatInterval','readonly':false,'value':'300'},"
	                     "{'key':'ChargeProfileMaxStackLevel','readonly':true}],'unknownKey':['Foo','Bar']}");
}

/* ---- refusals ---- */

static void null_required_string_is_refused(void **state)
{
	struct ocpp_boot_notification_req req = {.charge_point_model = "WL-22"};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_boot_notification_req, &req, OCPP_ERR_OccurenceConstraintViolation,
	                         "BootNotificationReq.chargePointVendor");
}

static void null_required_object_is_refused(void **state)
{
	struct ocpp_authorize_conf conf = {NULL};
	struct ocpp_set_charging_profile_req scp = {.connector_id = 1};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_authorize_conf, &conf, OCPP_ERR_OccurenceConstraintViolation,
	                         "AuthorizeConf.idTagInfo");
	tu_assert_encode_refuses(&ocpp_type_set_charging_profile_req, &scp, OCPP_ERR_OccurenceConstraintViolation,
	                         "SetChargingProfileReq.csChargingProfiles");
}

static void null_required_array_is_refused(void **state)
{
	struct ocpp_meter_values_req req = {.connector_id = 1};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_meter_values_req, &req, OCPP_ERR_OccurenceConstraintViolation,
	                         "MeterValuesReq.meterValue");
}

static void too_long_string_is_refused(void **state)
{
	struct ocpp_id_tag_info info = {.parent_id_tag = "PARENT-TAG-LONGER-THAN-20",
	                                .status = OCPP_AUTHORIZATION_STATUS_ACCEPTED};
	struct ocpp_authorize_conf conf = {&info};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_authorize_conf, &conf, OCPP_ERR_PropertyConstraintViolation,
	                         "AuthorizeConf.idTagInfo.parentIdTag");
}

static void enum_out_of_range_is_refused(void **state)
{
	struct ocpp_reset_conf conf = {.status = (enum ocpp_generic_status)2};
	struct ocpp_sampled_value sv = {.value = "1", .has_unit = true, .unit = (enum ocpp_unit_of_measure) - 1};
	struct ocpp_meter_value mv = {"2026-11-20T10:00:00Z", 1, &sv};
	struct ocpp_meter_values_req req = {.connector_id = 1, .n_meter_value = 1, .meter_value = &mv};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_reset_conf, &conf, OCPP_ERR_PropertyConstraintViolation,
	                         "ResetConf.status");
	tu_assert_encode_refuses(&ocpp_type_meter_values_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "MeterValuesReq.meterValue[0].sampledValue[0].unit");
	/* an out-of-range value is fine while its has flag is false */
	sv.has_unit = false;
	tu_assert_encodes_to(
	    &ocpp_type_meter_values_req, &req,
	    "{'connectorId':1,'meterValue':[{'timestamp':'2026-11-20T10:00:00Z','sampledValue':[{'value':'1'}]}]}");
}

static void array_below_min_items_is_refused(void **state)
{
	struct ocpp_certificate_hash_data none[1];
	struct ocpp_get_installed_certificate_ids_conf conf = {0, none, OCPP_GET_INSTALLED_CERTIFICATE_STATUS_ACCEPTED};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_get_installed_certificate_ids_conf, &conf,
	                         OCPP_ERR_OccurenceConstraintViolation,
	                         "GetInstalledCertificateIdsConf.certificateHashData");
	/* without the array at all it is fine: the field is optional */
	conf.certificate_hash_data = NULL;
	tu_assert_encodes_to(&ocpp_type_get_installed_certificate_ids_conf, &conf, "{'status':'Accepted'}");
}

static void bad_element_names_its_index(void **state)
{
	const char *keys[] = {"HeartbeatInterval", "KeyNameThatIsLongerThanFiftyCharactersForSureYesIndeed", "X"};
	struct ocpp_get_configuration_req req = {3, keys};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_get_configuration_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "GetConfigurationReq.key[1]");
	keys[1] = NULL;
	tu_assert_encode_refuses(&ocpp_type_get_configuration_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "GetConfigurationReq.key[1]");
}

static void invalid_utf8_string_is_refused(void **state)
{
	struct ocpp_authorize_req req = {"AB\xc0\x80"};
	struct ocpp_data_transfer_req dt = {.vendor_id = "v", .data = "\xed\xa0\x80"};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_authorize_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "AuthorizeReq.idTag");
	tu_assert_encode_refuses(&ocpp_type_data_transfer_req, &dt, OCPP_ERR_PropertyConstraintViolation,
	                         "DataTransferReq.data");
}

static void bad_date_time_and_uri_are_refused(void **state)
{
	struct ocpp_heartbeat_conf hb = {"2026-11-20 25:00"};
	struct ocpp_update_firmware_req uf = {.location = "firmware.bin", .retrieve_date = "2026-11-20T10:00:00Z"};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_heartbeat_conf, &hb, OCPP_ERR_PropertyConstraintViolation,
	                         "HeartbeatConf.currentTime");
	tu_assert_encode_refuses(&ocpp_type_update_firmware_req, &uf, OCPP_ERR_PropertyConstraintViolation,
	                         "UpdateFirmwareReq.location");
}

static void decimal_not_multiple_of_a_tenth_or_not_finite_is_refused(void **state)
{
	struct ocpp_charging_schedule_period period = {.start_period = 0, .limit = 7.55};
	struct ocpp_charging_schedule sched = {.charging_rate_unit = OCPP_CHARGING_RATE_UNIT_A,
	                                       .n_charging_schedule_period = 1,
	                                       .charging_schedule_period = &period};
	struct ocpp_get_composite_schedule_conf conf = {.status = OCPP_GENERIC_STATUS_ACCEPTED,
	                                                .charging_schedule = &sched};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_get_composite_schedule_conf, &conf, OCPP_ERR_PropertyConstraintViolation,
	                         "GetCompositeScheduleConf.chargingSchedule.chargingSchedulePeriod[0].limit");
	period.limit = NAN;
	tu_assert_encode_refuses(&ocpp_type_get_composite_schedule_conf, &conf, OCPP_ERR_PropertyConstraintViolation,
	                         "limit");
	period.limit = INFINITY;
	tu_assert_encode_refuses(&ocpp_type_get_composite_schedule_conf, &conf, OCPP_ERR_PropertyConstraintViolation,
	                         "limit");
	period.limit = 7.5;
	tu_assert_encodes_to(&ocpp_type_get_composite_schedule_conf, &conf,
	                     "{'status':'Accepted','chargingSchedule':{'chargingRateUnit':'A',"
	                     "'chargingSchedulePeriod':[{'startPeriod':0,'limit':7.5}]}}");
}

static void integer_beyond_2_pow_53_is_refused(void **state)
{
	struct ocpp_remote_stop_transaction_req req = {INT64_C(9007199254740993)};

	(void)state;
	tu_assert_encode_refuses(&ocpp_type_remote_stop_transaction_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "RemoteStopTransactionReq.transactionId");
	req.transaction_id = INT64_MIN;
	tu_assert_encode_refuses(&ocpp_type_remote_stop_transaction_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "transactionId");
	req.transaction_id = INT64_C(9007199254740992);
	tu_assert_encodes_to(&ocpp_type_remote_stop_transaction_req, &req, "{'transactionId':9007199254740992}");
}

/* Encodes data and checks the exact wire text (cJSON_Compare would forgive a rounded large number). */
static void assert_encodes_to_exact_text(const struct ocpp_type *type, const void *data, const char *expected)
{
	struct ocpp_error err;
	cJSON *j = ocpp_encode(type, data, &err);
	char *text;

	assert_non_null(j);
	text = cJSON_PrintUnformatted(j);
	assert_string_equal(text, expected);
	free(text);
	cJSON_Delete(j);
}

static void large_integers_are_printed_with_every_digit(void **state)
{
	static const int64_t values[] = {INT64_C(9007199254740991),
	                                 INT64_C(9007199254740992),
	                                 INT64_C(-9007199254740991),
	                                 INT64_C(1234567890123456),
	                                 INT64_C(999999999999999),
	                                 0,
	                                 -1};
	struct ocpp_remote_stop_transaction_req req;
	char want[64];

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(values); i++) {
		req.transaction_id = values[i];
		snprintf(want, sizeof(want), "{\"transactionId\":%lld}", (long long)values[i]);
		assert_encodes_to_exact_text(&ocpp_type_remote_stop_transaction_req, &req, want);
	}
}

static void fields_are_emitted_in_schema_order(void **state)
{
	struct ocpp_boot_notification_conf conf = {OCPP_REGISTRATION_STATUS_REJECTED, "2026-11-20T10:00:00Z", 60};

	(void)state;
	assert_encodes_to_exact_text(
	    &ocpp_type_boot_notification_conf, &conf,
	    "{\"status\":\"Rejected\",\"currentTime\":\"2026-11-20T10:00:00Z\",\"interval\":60}");
}

static void encoder_refusal_without_error_struct_returns_null(void **state)
{
	struct ocpp_authorize_req req = {NULL};

	(void)state;
	assert_null(ocpp_encode(&ocpp_type_authorize_req, &req, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(status_notification_struct_encodes_set_fields_only),
	    cmocka_unit_test(optional_scalars_are_emitted_only_with_their_has_flag),
	    cmocka_unit_test(optional_scalar_whose_flag_is_the_first_member_is_honoured),
	    cmocka_unit_test(decoded_first_member_flag_is_set_when_present),
	    cmocka_unit_test(nested_objects_and_arrays_encode),
	    cmocka_unit_test(empty_message_encodes_to_empty_object),
	    cmocka_unit_test(booleans_and_string_arrays_encode),
	    cmocka_unit_test(null_required_string_is_refused),
	    cmocka_unit_test(null_required_object_is_refused),
	    cmocka_unit_test(null_required_array_is_refused),
	    cmocka_unit_test(too_long_string_is_refused),
	    cmocka_unit_test(enum_out_of_range_is_refused),
	    cmocka_unit_test(array_below_min_items_is_refused),
	    cmocka_unit_test(bad_element_names_its_index),
	    cmocka_unit_test(invalid_utf8_string_is_refused),
	    cmocka_unit_test(bad_date_time_and_uri_are_refused),
	    cmocka_unit_test(decimal_not_multiple_of_a_tenth_or_not_finite_is_refused),
	    cmocka_unit_test(integer_beyond_2_pow_53_is_refused),
	    cmocka_unit_test(large_integers_are_printed_with_every_digit),
	    cmocka_unit_test(fields_are_emitted_in_schema_order),
	    cmocka_unit_test(encoder_refusal_without_error_struct_returns_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
