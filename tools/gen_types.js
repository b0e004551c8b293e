#!/usr/bin/env node
/* Generates src/ocpp/ocpp_types.{h,c} from the official OCPP 1.6 JSON schemas
 * (as shipped by the npm package ocpp-rpc). Run with `make regen`; the output is committed. */
'use strict';
const fs = require('fs');
const path = require('path');

const schemaFile = process.argv[2] ||
    path.join(__dirname, '..', 'node_modules', 'ocpp-rpc', 'lib', 'schemas', 'ocpp1_6.json');
const outDir = process.argv[3] || path.join(__dirname, '..', 'src', 'ocpp');
const schemas = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));

/* Official OCPP 1.6 names for the enumerations, keyed by their value list. */
const enumNames = {
    'Accepted,Blocked,Expired,Invalid,ConcurrentTx': 'AuthorizationStatus',
    'Accepted,Pending,Rejected': 'RegistrationStatus',
    'Accepted,Rejected': 'GenericStatus',
    'Inoperative,Operative': 'AvailabilityType',
    'Accepted,Rejected,Scheduled': 'AvailabilityStatus',
    'Accepted,Rejected,RebootRequired,NotSupported': 'ConfigurationStatus',
    'ChargePointMaxProfile,TxDefaultProfile,TxProfile': 'ChargingProfilePurpose',
    'Accepted,Unknown': 'ClearChargingProfileStatus',
    'Accepted,Rejected,UnknownMessageId,UnknownVendorId': 'DataTransferStatus',
    'SHA256,SHA384,SHA512': 'HashAlgorithm',
    'Accepted,Failed,NotFound': 'DeleteCertificateStatus',
    'Idle,Uploaded,UploadFailed,Uploading': 'DiagnosticsStatus',
    'BootNotification,LogStatusNotification,FirmwareStatusNotification,Heartbeat,MeterValues,SignChargePointCertificate,StatusNotification': 'ExtendedMessageTrigger',
    'Accepted,Rejected,NotImplemented': 'TriggerMessageStatus',
    'Downloaded,DownloadFailed,Downloading,Idle,InstallationFailed,Installing,Installed': 'FirmwareStatus',
    'A,W': 'ChargingRateUnit',
    'CentralSystemRootCertificate,ManufacturerRootCertificate': 'CertificateUse',
    'Accepted,NotFound': 'GetInstalledCertificateStatus',
    'DiagnosticsLog,SecurityLog': 'LogType',
    'Accepted,Rejected,AcceptedCanceled': 'LogStatus',
    'Accepted,Failed,Rejected': 'CertificateStatus',
    'BadMessage,Idle,NotSupportedOperation,PermissionDenied,Uploaded,UploadFailure,Uploading': 'UploadLogStatus',
    'Interruption.Begin,Interruption.End,Sample.Clock,Sample.Periodic,Transaction.Begin,Transaction.End,Trigger,Other': 'ReadingContext',
    'Raw,SignedData': 'ValueFormat',
    'L1,L2,L3,N,L1-N,L2-N,L3-N,L1-L2,L2-L3,L3-L1': 'Phase',
    'Cable,EV,Inlet,Outlet,Body': 'Location',
    'Absolute,Recurring,Relative': 'ChargingProfileKind',
    'Daily,Weekly': 'RecurrencyKind',
    'Accepted,Faulted,Occupied,Rejected,Unavailable': 'ReservationStatus',
    'Hard,Soft': 'ResetType',
    'Differential,Full': 'UpdateType',
    'Accepted,Failed,NotSupported,VersionMismatch': 'UpdateStatus',
    'Accepted,Rejected,NotSupported': 'ChargingProfileStatus',
    'Accepted,Rejected,AcceptedCanceled,InvalidCertificate,RevokedCertificate': 'UpdateFirmwareStatus',
    'EmergencyStop,EVDisconnected,HardReset,Local,Other,PowerLoss,Reboot,Remote,SoftReset,UnlockCommand,DeAuthorized': 'Reason',
    'BootNotification,DiagnosticsStatusNotification,FirmwareStatusNotification,Heartbeat,MeterValues,StatusNotification': 'MessageTrigger',
    'Unlocked,UnlockFailed,NotSupported': 'UnlockStatus',
    'Energy.Active.Export.Register,Energy.Active.Import.Register,Energy.Reactive.Export.Register,Energy.Reactive.Import.Register,Energy.Active.Export.Interval,Energy.Active.Import.Interval,Energy.Reactive.Export.Interval,Energy.Reactive.Import.Interval,Power.Active.Export,Power.Active.Import,Power.Offered,Power.Reactive.Export,Power.Reactive.Import,Power.Factor,Current.Import,Current.Export,Current.Offered,Voltage,Frequency,Temperature,SoC,RPM': 'Measurand',
    'Wh,kWh,varh,kvarh,W,kW,VA,kVA,var,kvar,A,V,K,Celcius,Celsius,Fahrenheit,Percent': 'UnitOfMeasure',
    'ConnectorLockFailure,EVCommunicationError,GroundFailure,HighTemperature,InternalError,LocalListConflict,NoError,OtherError,OverCurrentFailure,PowerMeterFailure,PowerSwitchFailure,ReaderFailure,ResetFailure,UnderVoltage,OverVoltage,WeakSignal': 'ChargePointErrorCode',
    'Downloaded,DownloadFailed,Downloading,DownloadScheduled,DownloadPaused,Idle,InstallationFailed,Installing,Installed,InstallRebooting,InstallScheduled,InstallVerificationFailed,InvalidSignature,SignatureVerified': 'SignedFirmwareStatus',
    'Available,Preparing,Charging,SuspendedEVSE,SuspendedEV,Finishing,Reserved,Unavailable,Faulted': 'ChargePointStatus',
};
/* Names of nested objects, keyed by the property that holds them. */
const objNames = {
    idTagInfo: 'IdTagInfo', certificateHashData: 'CertificateHashData', chargingSchedule: 'ChargingSchedule',
    chargingSchedulePeriod: 'ChargingSchedulePeriod', configurationKey: 'KeyValue', log: 'LogParameters',
    meterValue: 'MeterValue', transactionData: 'MeterValue', sampledValue: 'SampledValue',
    chargingProfile: 'ChargingProfile', csChargingProfiles: 'ChargingProfile',
    localAuthorizationList: 'AuthorizationData', firmware: 'Firmware',
};

function snake(s) {
    return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
        .replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
}
const upper = (s) => snake(s).toUpperCase();

const enums = new Map();   /* key -> {name, values} */
const objects = new Map(); /* canonical -> {name, props, required} */
const objOrder = [];

function resolve(sch, o) {
    if (o.$ref) return sch.definitions[o.$ref.split('/').pop()];
    return o;
}
function enumOf(values) {
    const key = values.join(',');
    if (!enumNames[key]) throw new Error('unnamed enum: ' + key);
    if (!enums.has(key)) enums.set(key, { name: enumNames[key], values });
    return enums.get(key);
}
/* Returns a field descriptor for property `prop` of schema node `o`. */
function fieldOf(sch, prop, o, required) {
    o = resolve(sch, o);
    const f = { json: prop, c: snake(prop), required, array: false, minItems: 0 };
    if (o.type === 'array') {
        f.array = true;
        f.minItems = o.minItems || 0;
        o = resolve(sch, o.items);
    }
    if (o.enum) { f.kind = 'ENUM'; f.enum = enumOf(o.enum); }
    else if (o.type === 'string' && o.format === 'date-time') f.kind = 'TIME';
    else if (o.type === 'string' && o.format === 'uri') { f.kind = 'URI'; f.maxLen = o.maxLength || 0; }
    else if (o.type === 'string') { f.kind = 'STR'; f.maxLen = o.maxLength || 0; }
    else if (o.type === 'integer') f.kind = 'INT';
    else if (o.type === 'number') { f.kind = 'DEC'; f.multipleOf = o.multipleOf || 0; }
    else if (o.type === 'boolean') f.kind = 'BOOL';
    else if (o.type === 'object') { f.kind = 'OBJ'; f.obj = objectOf(sch, o, objNames[prop]); }
    else throw new Error('unsupported schema node for ' + prop + ': ' + JSON.stringify(o));
    return f;
}
function objectOf(sch, o, name, topLevel) {
    if (!name) throw new Error('unnamed object');
    const req = new Set(o.required || []);
    const fields = Object.entries(o.properties || {}).map(([k, v]) => fieldOf(sch, k, v, req.has(k)));
    const canon = JSON.stringify(fields, (k, v) => (k === 'obj' ? v.name : k === 'enum' ? v.name : v));
    const prev = topLevel ? null : [...objects.values()].find((x) => x.canon === canon && !x.topLevel);
    if (prev) return prev;
    if ([...objects.values()].some((x) => x.name === name)) throw new Error('two shapes named ' + name);
    const t = { name, fields, canon, topLevel };
    objects.set(canon + name, t);
    objOrder.push(t);
    return t;
}
for (const sch of schemas) {
    const id = sch.$id.replace(/^urn:/, '');
    const [action, kind] = id.split('.');
    objectOf(sch, sch, action + (kind === 'req' ? 'Req' : 'Conf'), true);
}

const ctype = (f) => {
    switch (f.kind) {
    case 'INT': return 'int64_t';
    case 'DEC': return 'double';
    case 'BOOL': return 'bool';
    case 'ENUM': return 'enum ocpp_' + snake(f.enum.name);
    case 'OBJ': return 'struct ocpp_' + snake(f.obj.name);
    default: return 'const char';
    }
};
const isPtr = (f) => ['STR', 'TIME', 'URI', 'OBJ'].includes(f.kind);

let h = `/* ocpp_types.h — typed C structs and enums for every OCPP 1.6 (and security extension) message.
 * GENERATED by tools/gen_types.js from the official OCPP 1.6 JSON schemas: do not edit; run \`make regen\`.
 *
 * Conventions: strings are NUL-terminated UTF-8 (\`const char *\`, NULL when an optional one is absent);
 * nested objects are pointers (NULL when absent); arrays are \`size_t n_x\` + \`x\` (x NULL when absent);
 * optional scalars have a \`bool has_x\`. Integers are int64_t, decimals double. A decoded message lives in
 * the arena of its struct ocpp_payload (see ocpp_schema.h); for encoding, the caller owns every pointer. */
/* clang-format off */
#ifndef OCPP_TYPES_H
#define OCPP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ocpp_enum;
struct ocpp_type;

`;
let c = `/* ocpp_types.c — enumeration and message descriptor tables for OCPP 1.6.
 * GENERATED by tools/gen_types.js from the official OCPP 1.6 JSON schemas: do not edit; run \`make regen\`. */
/* clang-format off */
#include "ocpp_types.h"

#include <stddef.h>

#include "ocpp_schema.h"

`;
for (const e of enums.values()) {
    const en = snake(e.name);
    h += `enum ocpp_${en} {\n` + e.values.map((v) => `\tOCPP_${upper(e.name)}_${upper(v)},\n`).join('') +
        `};\nextern const struct ocpp_enum ocpp_enum_${en};\n\n`;
    c += `static const char *const ${en}_names[] = {\n` + e.values.map((v) => `\t"${v}",\n`).join('') + '};\n';
    c += `const struct ocpp_enum ocpp_enum_${en} = {"${e.name}", ${e.values.length}, ${en}_names};\n\n`;
}
for (const t of objOrder) {
    const tn = snake(t.name);
    h += `struct ocpp_${tn} {\n`;
    if (!t.fields.length) h += '\tchar unused; /* the message has no fields */\n';
    for (const f of t.fields) {
        if (f.array) {
            h += `\tsize_t n_${f.c};\n\t${ctype(f)} ${isPtr(f) && f.kind !== 'OBJ' ? '**' : '*'}${f.c};\n`;
        } else {
            if (!f.required && !isPtr(f)) h += `\tbool has_${f.c};\n`;
            h += `\t${ctype(f)} ${isPtr(f) ? '*' : ''}${f.c};\n`;
        }
    }
    h += `};\nextern const struct ocpp_type ocpp_type_${tn};\n\n`;
    if (t.fields.length) {
        c += `static const struct ocpp_field ${tn}_fields[] = {\n`;
        for (const f of t.fields) {
            const S = `struct ocpp_${tn}`;
            const flags = [f.required ? 'OCPP_F_REQUIRED' : null, f.array ? 'OCPP_F_ARRAY' : null].filter(Boolean).join(' | ') || '0';
            const hasOff = !f.array && !f.required && !isPtr(f) ? `offsetof(${S}, has_${f.c})` : '0';
            const countOff = f.array ? `offsetof(${S}, n_${f.c})` : '0';
            c += `\t{"${f.json}", OCPP_K_${f.kind}, ${flags}, ${f.maxLen || 0}, ${f.minItems}, ${f.multipleOf || 0}, ` +
                `offsetof(${S}, ${f.c}), ${hasOff}, ${countOff}, ` +
                `${f.enum ? '&ocpp_enum_' + snake(f.enum.name) : 'NULL'}, ${f.obj ? '&ocpp_type_' + snake(f.obj.name) : 'NULL'}},\n`;
        }
        c += '};\n';
    }
    c += `const struct ocpp_type ocpp_type_${tn} = {"${t.name}", sizeof(struct ocpp_${tn}), ${t.fields.length}, ` +
        `${t.fields.length ? tn + '_fields' : 'NULL'}};\n\n`;
}
h += '/* clang-format on */\n#endif\n';
fs.writeFileSync(path.join(outDir, 'ocpp_types.h'), h);
fs.writeFileSync(path.join(outDir, 'ocpp_types.c'), c);
console.log(`gen_types: ${enums.size} enums, ${objOrder.length} types`);
