/* cs_operations.test.js — every CS -> CP operation through the HTTP API (and the `csms call` command line) to a
 * strict ocpp-rpc station: the station's answer comes back; timeouts, CALLERRORs, invalid payloads, stations
 * not connected; operations queued one at a time; firmware uploaded, served and checked by MD5. */
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { NOREPLY, createRPCError } = require('ocpp-rpc');
const { Csms, closeClients, iso, sleep, waitFor } = require('./lib');

const csms = new Csms(['--call-timeout', '2', '--auth-fail-limit', '1000']);
let cp;
const seen = [];          /* [action, params] the station received */
const replies = {};       /* action -> reply value or function(params) */
let inFlight = 0, maxInFlight = 0;

before(async () => {
    await csms.start();
    await csms.addStation('CP-OPS');
    await csms.addStation('CP-AWAY');
    cp = csms.client('CP-OPS');
    cp.handle(async ({ method, params }) => {
        seen.push([method, params]);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
            const r = replies[method];
            const v = typeof r === 'function' ? await r(params) : r;
            if (v === undefined) throw createRPCError('NotImplemented', `test station has no ${method}`);
            return v;
        } finally {
            inFlight--;
        }
    });
    await cp.connect();
    await cp.call('BootNotification', { chargePointVendor: 'Wattline', chargePointModel: 'Ops' });
});

const future = iso(Date.now() + 3600000);
const PROFILE = {
    chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
    chargingSchedule: { chargingRateUnit: 'A', startSchedule: iso(), chargingSchedulePeriod: [{ startPeriod: 0, limit: 16, numberPhases: 3 }] },
};
/* [action, request, the station's answer] */
const OPERATIONS = [
    ['RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1', chargingProfile: { ...PROFILE, chargingProfilePurpose: 'TxProfile', transactionId: undefined } }, { status: 'Accepted' }],
    ['RemoteStopTransaction', { transactionId: 42 }, { status: 'Rejected' }],
    ['Reset', { type: 'Soft' }, { status: 'Accepted' }],
    ['Reset', { type: 'Hard' }, { status: 'Rejected' }],
    ['ChangeAvailability', { connectorId: 0, type: 'Inoperative' }, { status: 'Scheduled' }],
    ['GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] }, { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: ['NoSuchKey'] }],
    ['GetConfiguration', {}, { configurationKey: [{ key: 'NumberOfConnectors', readonly: true, value: '2' }] }],
    ['ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' }, { status: 'RebootRequired' }],
    ['ClearCache', {}, { status: 'Accepted' }],
    ['UnlockConnector', { connectorId: 1 }, { status: 'Unlocked' }],
    ['TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }, { status: 'Accepted' }],
    ['TriggerMessage', { requestedMessage: 'MeterValues' }, { status: 'NotImplemented' }],
    ['GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'W' },
        { status: 'Accepted', connectorId: 1, scheduleStart: iso(), chargingSchedule: { duration: 3600, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] } }],
    ['GetDiagnostics', { location: 'ftp://diag.example.com/up/', retries: 2, retryInterval: 30, startTime: iso(Date.now() - 3600000), stopTime: iso() }, { fileName: 'diag-CP-OPS.zip' }],
    ['GetDiagnostics', { location: 'https://diag.example.com/up/' }, {}],
    ['DataTransfer', { vendorId: 'com.wattline', messageId: 'ping', data: 'hello' }, { status: 'Accepted', data: 'pong' }],
    /* the security extension */
    ['ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' }, { status: 'Accepted' }],
    ['GetLog', { logType: 'SecurityLog', requestId: 3, log: { remoteLocation: 'https://logs.example.com/' } }, { status: 'Accepted', filename: 'sec.log' }],
    ['GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }, { status: 'NotFound' }],
];
delete OPERATIONS[0][1].chargingProfile.transactionId;

for (const [action, request, answer] of OPERATIONS) {
    test(`${action} ${JSON.stringify(request).slice(0, 60)}: the station's answer is returned and recorded`, async () => {
        replies[action] = answer;
        const n = seen.length;
        const r = await csms.op('CP-OPS', action, request);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.outcome, 'result');
        assert.equal(r.body.action, action);
        assert.equal(r.body.station, 'CP-OPS');
        assert.deepEqual(r.body.response, answer);
        assert.equal(seen.length, n + 1);
        assert.deepEqual(seen[n], [action, request]);
        const [row] = csms.sql(`SELECT * FROM operation WHERE station_id = 'CP-OPS' ORDER BY id DESC LIMIT 1`);
        assert.equal(row.action, action);
        assert.equal(row.status, 'result');
        assert.deepEqual(JSON.parse(row.request), request);
        assert.deepEqual(JSON.parse(row.response), answer);
    });
}

test('SendLocalList full then differential sets the list version; GetLocalListVersion reads it back', async () => {
    replies.SendLocalList = { status: 'Accepted' };
    const full = {
        listVersion: 3, updateType: 'Full', localAuthorizationList: [
            { idTag: 'CARD-1', idTagInfo: { status: 'Accepted', expiryDate: future, parentIdTag: 'FLEET' } },
            { idTag: 'CARD-2', idTagInfo: { status: 'Blocked' } },
        ],
    };
    let r = await csms.op('CP-OPS', 'SendLocalList', full);
    assert.equal(r.status, 200);
    assert.deepEqual(seen.at(-1), ['SendLocalList', full]);
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-OPS')).body.localListVersion, 3);
    r = await csms.op('CP-OPS', 'SendLocalList', { listVersion: 4, updateType: 'Differential', localAuthorizationList: [{ idTag: 'CARD-2' }] });
    assert.equal(r.status, 200);
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-OPS')).body.localListVersion, 4);
    replies.SendLocalList = { status: 'VersionMismatch' };
    r = await csms.op('CP-OPS', 'SendLocalList', { listVersion: 6, updateType: 'Differential' });
    assert.equal(r.status, 200);
    assert.equal(r.body.response.status, 'VersionMismatch');
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-OPS')).body.localListVersion, 4, 'unchanged when refused');
    replies.GetLocalListVersion = { listVersion: 4 };
    r = await csms.op('CP-OPS', 'GetLocalListVersion', {});
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.response, { listVersion: 4 });
});

test('ReserveNow records the reservation, CancelReservation cancels it', async () => {
    replies.ReserveNow = { status: 'Accepted' };
    let r = await csms.op('CP-OPS', 'ReserveNow', { connectorId: 1, expiryDate: future, idTag: 'res-card', parentIdTag: 'fleet', reservationId: 11 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.response, { status: 'Accepted' });
    let [res] = csms.sql('SELECT * FROM reservation WHERE id = 11');
    assert.equal(res.status, 'accepted');
    assert.equal(res.station_id, 'CP-OPS');
    assert.equal(res.id_tag, 'RES-CARD000000');
    assert.equal(res.expiry, Date.parse(future));
    replies.CancelReservation = { status: 'Accepted' };
    r = await csms.op('CP-OPS', 'CancelReservation', { reservationId: 11 });
    assert.equal(r.status, 200);
    [res] = csms.sql('SELECT status FROM reservation WHERE id = 11');
    assert.equal(res.status, 'cancelled');
    replies.ReserveNow = { status: 'Occupied' };
    r = await csms.op('CP-OPS', 'ReserveNow', { connectorId: 2, expiryDate: future, idTag: 'res-card', reservationId: 12 });
    assert.deepEqual(r.body.response, { status: 'Occupied' });
    [res] = csms.sql('SELECT status FROM reservation WHERE id = 12');
    assert.equal(res.status, 'refused');
});

test('a StartTransaction on a reservation marks it used, with its transaction', async () => {
    replies.ReserveNow = { status: 'Accepted' };
    const r = await csms.op('CP-OPS', 'ReserveNow', { connectorId: 2, expiryDate: future, idTag: 'res-used', reservationId: 21 });
    assert.equal(r.status, 200);
    const start = await cp.call('StartTransaction', { connectorId: 2, idTag: 'res-used', meterStart: 0, timestamp: iso(), reservationId: 21 });
    const [res] = csms.sql('SELECT status, txn_id FROM reservation WHERE id = 21');
    assert.equal(res.status, 'used');
    assert.equal(res.txn_id, start.transactionId);
});

test('SetChargingProfile stores the profile, ClearChargingProfile clears it', async () => {
    replies.SetChargingProfile = { status: 'Accepted' };
    let r = await csms.op('CP-OPS', 'SetChargingProfile', { connectorId: 1, csChargingProfiles: PROFILE });
    assert.equal(r.status, 200);
    assert.deepEqual(seen.at(-1), ['SetChargingProfile', { connectorId: 1, csChargingProfiles: PROFILE }]);
    let [p] = csms.sql("SELECT * FROM charging_profile WHERE station_id = 'CP-OPS'");
    assert.equal(p.profile_id, 1);
    assert.equal(p.purpose, 'TxDefaultProfile');
    assert.equal(p.status, 'Accepted');
    assert.deepEqual(JSON.parse(p.profile), PROFILE);
    replies.ClearChargingProfile = { status: 'Accepted' };
    r = await csms.op('CP-OPS', 'ClearChargingProfile', { id: 1 });
    assert.equal(r.status, 200);
    [p] = csms.sql("SELECT status FROM charging_profile WHERE station_id = 'CP-OPS'");
    assert.equal(p.status, 'cleared');
    replies.ClearChargingProfile = { status: 'Unknown' };
    r = await csms.op('CP-OPS', 'ClearChargingProfile', { connectorId: 1, chargingProfilePurpose: 'TxProfile', stackLevel: 0 });
    assert.deepEqual(r.body.response, { status: 'Unknown' });
});

test('UpdateFirmware: a firmware uploaded to the csms is downloaded by the station from the given URL, MD5 checked', async () => {
    const image = crypto.randomBytes(300 * 1024);
    const md5 = crypto.createHash('md5').update(image).digest('hex');
    const up = await csms.api('POST', '/api/v1/firmware/wl-fw-2.0.bin', image, { raw: true, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.name, 'wl-fw-2.0.bin');
    assert.equal(up.body.size, image.length);
    assert.equal(up.body.md5, md5);
    const list = await csms.api('GET', '/api/v1/firmware');
    assert.ok(list.body.items.some((f) => f.name === 'wl-fw-2.0.bin' && f.md5 === md5));
    let downloaded;
    replies.UpdateFirmware = async (params) => {
        const got = await fetch(params.location);
        assert.equal(got.status, 200);
        downloaded = Buffer.from(await got.arrayBuffer());
        return {};
    };
    const r = await csms.op('CP-OPS', 'UpdateFirmware', { location: up.body.url, retrieveDate: iso(), retries: 1 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.response, {});
    assert.equal(crypto.createHash('md5').update(downloaded).digest('hex'), md5);
    await cp.call('FirmwareStatusNotification', { status: 'Downloaded' });
    assert.equal((await csms.api('GET', '/api/v1/stations/CP-OPS')).body.firmwareStatus, 'Downloaded');
    assert.equal((await fetch(`${csms.base}/firmware/no-such.bin`)).status, 404);
    assert.equal((await fetch(`${csms.base}/firmware/..%2Fcsms.db`)).status, 404);
});

test('the csms `call` command line sends an operation and prints the answer', async () => {
    replies.ClearCache = { status: 'Rejected' };
    const { stdout } = await promisify(execFile)(process.env.CSMS_BIN || 'build/asan/csms',
        ['call', '--data', csms.dir, '--port', String(csms.port), 'CP-OPS', 'ClearCache', '{}']);
    const out = JSON.parse(stdout);
    assert.equal(out.outcome, 'result');
    assert.deepEqual(out.response, { status: 'Rejected' });
});

test('operations are sent one at a time per station, each answered', async () => {
    maxInFlight = 0;
    replies.UnlockConnector = async (p) => { await sleep(100); return { status: p.connectorId === 2 ? 'UnlockFailed' : 'Unlocked' }; };
    const rs = await Promise.all([1, 2, 3].map((c) => csms.op('CP-OPS', 'UnlockConnector', { connectorId: c })));
    assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
    assert.deepEqual(rs.map((r) => r.body.response.status), ['Unlocked', 'UnlockFailed', 'Unlocked']);
    assert.equal(maxInFlight, 1);
});

test('a station that does not answer: 504 after the call timeout, recorded; the next operation goes through', async () => {
    replies.Reset = () => NOREPLY;
    const t0 = Date.now();
    const r = await csms.op('CP-OPS', 'Reset', { type: 'Soft' });
    assert.equal(r.status, 504, JSON.stringify(r.body));
    assert.equal(r.body.outcome, 'timeout');
    assert.ok(Date.now() - t0 >= 1500, `timed out after ${Date.now() - t0} ms`);
    const [row] = csms.sql("SELECT status FROM operation WHERE action = 'Reset' ORDER BY id DESC LIMIT 1");
    assert.equal(row.status, 'timeout');
    replies.Reset = { status: 'Accepted' };
    const ok = await csms.op('CP-OPS', 'Reset', { type: 'Hard' });
    assert.equal(ok.status, 200);
});

test('a CALLERROR from the station: 502 with its code and message', async () => {
    replies.ChangeAvailability = () => { throw createRPCError('NotSupported', 'no availability here'); };
    const r = await csms.op('CP-OPS', 'ChangeAvailability', { connectorId: 1, type: 'Operative' });
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal(r.body.outcome, 'error');
    assert.equal(r.body.error.code, 'NotSupported');
    assert.match(r.body.error.message, /no availability here/);
    const [row] = csms.sql("SELECT status, error FROM operation WHERE action = 'ChangeAvailability' ORDER BY id DESC LIMIT 1");
    assert.equal(row.status, 'error');
});

test('invalid operations are refused with 400 and never sent: bad payload, unknown action, CP->CS action, not JSON', async () => {
    const n = seen.length;
    const bad = [
        ['Reset', { type: 'Medium' }],
        ['Reset', {}],
        ['ChangeAvailability', { connectorId: 'one', type: 'Operative' }],
        ['RemoteStartTransaction', { idTag: 'X'.repeat(21) }],
        ['GetConfiguration', { key: ['a'], extra: 1 }],
        ['UpdateFirmware', { location: 'not a uri', retrieveDate: iso() }],
        ['NoSuchAction', {}],
        ['Heartbeat', {}],
    ];
    for (const [action, payload] of bad) {
        const r = await csms.op('CP-OPS', action, payload);
        assert.equal(r.status, 400, `${action} ${JSON.stringify(payload)}: ${r.status} ${JSON.stringify(r.body)}`);
        assert.ok(r.body.error && r.body.error.message, JSON.stringify(r.body));
    }
    const r = await csms.api('POST', '/api/v1/stations/CP-OPS/operations/Reset', '{"type": "Soft"', { raw: true });
    assert.equal(r.status, 400);
    await sleep(100);
    assert.equal(seen.length, n, 'nothing reached the station');
});

test('a station not connected: 409; an unknown station: 404; no token: 401', async () => {
    const r = await csms.op('CP-AWAY', 'Reset', { type: 'Soft' });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal((await csms.op('CP-NOBODY', 'Reset', { type: 'Soft' })).status, 404);
    const noToken = await csms.api('POST', '/api/v1/stations/CP-OPS/operations/Reset', { type: 'Soft' }, { token: null });
    assert.equal(noToken.status, 401);
    const wrong = await csms.api('POST', '/api/v1/stations/CP-OPS/operations/Reset', { type: 'Soft' }, { token: 'f'.repeat(64) });
    assert.equal(wrong.status, 401);
});

test('an operation waiting for a station that disconnects ends (not left hanging)', async () => {
    replies.Reset = () => NOREPLY;
    const pending = csms.op('CP-OPS', 'Reset', { type: 'Soft' });
    await waitFor(() => seen.length && seen.at(-1)[0] === 'Reset', 'the Reset to arrive');
    await cp.close({ force: true });
    const r = await pending;
    assert.ok([503, 504].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
    const after = await csms.op('CP-OPS', 'Reset', { type: 'Soft' });
    assert.equal(after.status, 409);
});

test('no strict-mode validation failures; csms stops cleanly on SIGTERM without sanitizer reports', async () => {
    assert.deepEqual(cp.strictFailures, []);
    await closeClients();
    await csms.stopAndCheck();
});
