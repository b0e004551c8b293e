/* stations_api.test.js — the MMS station pages as an API, against a strict ocpp-rpc station: the station list,
 * names and socket descriptions, hard/soft reboot, availability, unlock, configuration, firmware update with
 * the file's MD5, and remote start/stop on a socket (socket state and card checked first; the station's answer
 * reported back). */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { createRPCError } = require('ocpp-rpc');
const { Csms, closeClients, iso, waitFor } = require('./lib');

const csms = new Csms(['--call-timeout', '3']);
let admin, tech, lm, cp;
const seen = [];
const replies = {
    Reset: { status: 'Accepted' },
    ChangeAvailability: { status: 'Scheduled' },
    UnlockConnector: { status: 'Unlocked' },
    GetConfiguration: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: ['Nope'] },
    ChangeConfiguration: { status: 'RebootRequired' },
    UpdateFirmware: {},
    RemoteStartTransaction: { status: 'Accepted' },
    RemoteStopTransaction: { status: 'Accepted' },
};

before(async () => {
    await csms.start();
    admin = await csms.setupAdmin();
    tech = await csms.operator('maintenance_technician');
    lm = await csms.operator('local_manager');
    await csms.addStation('CP-API', { name: 'Garage <b>A</b>' });
    await csms.addStation('CP-IDLE');
    cp = csms.client('CP-API');
    cp.handle(async ({ method, params }) => {
        seen.push([method, params]);
        if (!(method in replies)) throw createRPCError('NotImplemented');
        return replies[method];
    });
    await cp.connect();
    await cp.call('BootNotification', { chargePointVendor: 'Wattline', chargePointModel: 'WB-22' });
    for (const c of [1, 2])
        await cp.call('StatusNotification', { connectorId: c, status: 'Available', errorCode: 'NoError' });
    await csms.putTag('CARD-1');
    await csms.putTag('CARD-BLOCKED', { blocked: true });
});

after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

const last = (action) => seen.filter(([m]) => m === action).at(-1)?.[1];

test('the station list: name, OCPP protocol, code, device type and number of sockets; search and sort', async () => {
    const r = await lm.api('GET', '/api/v1/stations?sort=-id');
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 2);
    assert.deepEqual(r.body.items.map((s) => s.id), ['CP-IDLE', 'CP-API']);
    const s = r.body.items[1];
    assert.equal(s.name, 'Garage <b>A</b>');
    assert.equal(s.ocppProtocol, 'OCPP 1.6J');
    assert.equal(s.code, 'CP-API');
    assert.equal(s.deviceType, 'Wattline WB-22');
    assert.equal(s.sockets, 2);
    assert.equal(s.connected, true);
    assert.equal(s.localListName, '-');
    assert.deepEqual((await lm.api('GET', '/api/v1/stations?q=garage')).body.items.map((x) => x.id), ['CP-API']);
    assert.equal((await lm.api('GET', '/api/v1/stations?q=%25')).body.total, 0, 'LIKE wildcards are literal');
    assert.equal((await lm.api('GET', '/api/v1/stations?sort=password_hash')).status, 400);
    assert.equal((await lm.api('GET', '/api/v1/stations?limit=0')).status, 400);
});

test('rename a station and describe a socket (Administrator); text returned unchanged', async () => {
    const name = "Box '; DROP TABLE station;-- <i>";
    assert.equal((await admin.api('PUT', '/api/v1/stations/CP-API', { name })).status, 200);
    assert.equal((await lm.api('PUT', '/api/v1/stations/CP-API', { name: 'x' })).status, 403);
    const d = await admin.api('PUT', '/api/v1/stations/CP-API/connectors/2', { description: 'Left <socket>' });
    assert.equal(d.status, 200);
    const got = await lm.api('GET', '/api/v1/stations/CP-API');
    assert.equal(got.body.name, name);
    assert.equal(got.body.connectors.find((c) => c.connectorId === 2).description, 'Left <socket>');
    assert.equal((await admin.api('PUT', '/api/v1/stations/CP-API', { name: '' })).status, 400);
    assert.equal((await admin.api('PUT', '/api/v1/stations/CP-API/connectors/0', { description: 'x' })).status, 400);
    assert.equal((await admin.api('PUT', '/api/v1/stations/NOPE', { name: 'x' })).status, 404);
});

test('hard and soft reboot, availability, unlock: the station gets the call and its answer comes back', async () => {
    const r = await admin.api('POST', '/api/v1/stations/CP-API/reset', { type: 'Hard' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.response, { status: 'Accepted' });
    assert.deepEqual(last('Reset'), { type: 'Hard' });
    assert.equal((await admin.api('POST', '/api/v1/stations/CP-API/reset', { type: 'Warm' })).status, 400);
    const a = await admin.api('POST', '/api/v1/stations/CP-API/availability', { connectorId: 1, type: 'Inoperative' });
    assert.equal(a.body.response.status, 'Scheduled');
    assert.deepEqual(last('ChangeAvailability'), { connectorId: 1, type: 'Inoperative' });
    const u = await admin.api('POST', '/api/v1/stations/CP-API/connectors/1/unlock');
    assert.equal(u.body.response.status, 'Unlocked');
    assert.equal((await admin.api('POST', '/api/v1/stations/CP-IDLE/reset', { type: 'Soft' })).status, 409, 'not connected');
});

test('get and change configuration', async () => {
    const g = await admin.api('GET', '/api/v1/stations/CP-API/configuration?key=HeartbeatInterval,Nope');
    assert.equal(g.status, 200);
    assert.deepEqual(last('GetConfiguration'), { key: ['HeartbeatInterval', 'Nope'] });
    assert.equal(g.body.response.configurationKey[0].value, '300');
    const c = await admin.api('PUT', '/api/v1/stations/CP-API/configuration', { key: 'HeartbeatInterval', value: '120' });
    assert.equal(c.body.response.status, 'RebootRequired');
    assert.equal((await admin.api('PUT', '/api/v1/stations/CP-API/configuration', { key: 'HeartbeatInterval' })).status, 400);
});

test('firmware update with an uploaded file: the URL carries the file\'s MD5; Technicians may do it', async () => {
    const up = await csms.api('POST', '/api/v1/firmware/wb-2.0.bin', 'FIRMWARE-2.0', { raw: true });
    assert.equal(up.status, 201);
    const when = iso(Date.now() + 60000);
    const r = await tech.api('POST', '/api/v1/stations/CP-API/firmware-update', { name: 'wb-2.0.bin', retrieveDate: when, retries: 3 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const req = last('UpdateFirmware');
    assert.match(req.location, new RegExp(`/firmware/wb-2\\.0\\.bin\\?md5=${up.body.md5}$`));
    assert.equal(req.retries, 3);
    assert.equal(Date.parse(req.retrieveDate), Date.parse(when));
    assert.equal((await tech.api('POST', '/api/v1/stations/CP-API/firmware-update', { name: 'nope.bin' })).status, 404);
    assert.equal((await tech.api('POST', '/api/v1/stations/CP-API/firmware-update', {})).status, 400);
    assert.equal((await lm.api('POST', '/api/v1/stations/CP-API/firmware-update', { name: 'wb-2.0.bin' })).status, 403);
});

test('remote start: Available socket and a registered card; the tag is normalised; the answer is reported', async () => {
    const r = await lm.api('POST', '/api/v1/stations/CP-API/connectors/1/start', { idTag: 'card-1' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.response.status, 'Accepted');
    assert.deepEqual(last('RemoteStartTransaction'), { connectorId: 1, idTag: 'CARD-100000000' });
    const unknown = await lm.api('POST', '/api/v1/stations/CP-API/connectors/1/start', { idTag: 'NOBODY' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'unknown_card');
    assert.equal((await lm.api('POST', '/api/v1/stations/CP-API/connectors/1/start', { idTag: 'CARD-BLOCKED' })).status, 409);
    assert.equal((await lm.api('POST', '/api/v1/stations/CP-API/connectors/9/start', { idTag: 'CARD-1' })).status, 404);
    replies.RemoteStartTransaction = { status: 'Rejected' };
    const rej = await tech.api('POST', '/api/v1/stations/CP-API/connectors/2/start', { idTag: 'CARD-1' });
    assert.equal(rej.body.response.status, 'Rejected', 'the station\'s refusal is reported as such');
});

test('remote stop: the socket\'s open transaction, only on Charging / Occupied / Charging suspended', async () => {
    const idle = await lm.api('POST', '/api/v1/stations/CP-API/connectors/2/stop');
    assert.equal(idle.status, 409);
    assert.equal(idle.body.error.code, 'socket_state');
    const start = await cp.call('StartTransaction', { connectorId: 2, idTag: 'CARD-1', meterStart: 100, timestamp: iso() });
    await cp.call('StatusNotification', { connectorId: 2, status: 'Charging', errorCode: 'NoError' });
    const charging = await lm.api('POST', '/api/v1/stations/CP-API/connectors/2/start', { idTag: 'CARD-1' });
    assert.equal(charging.status, 409, 'no remote start on a Charging socket');
    const r = await lm.api('POST', '/api/v1/stations/CP-API/connectors/2/stop');
    assert.equal(r.status, 200);
    assert.deepEqual(last('RemoteStopTransaction'), { transactionId: start.transactionId });
    await cp.call('StatusNotification', { connectorId: 1, status: 'SuspendedEV', errorCode: 'NoError' });
    const none = await lm.api('POST', '/api/v1/stations/CP-API/connectors/1/stop');
    assert.equal(none.status, 409);
    assert.equal(none.body.error.code, 'no_transaction');
});

test('a station that answers with a CALLERROR: 502 with its code, and the outcome is recorded', async () => {
    delete replies.UnlockConnector;
    const r = await admin.api('POST', '/api/v1/stations/CP-API/connectors/2/unlock');
    assert.equal(r.status, 502, 'a CALLERROR from the station');
    assert.equal(r.body.error.code, 'NotImplemented');
    await waitFor(() => csms.sql("SELECT count(*) AS n FROM operation WHERE action = 'UnlockConnector'")[0].n === 2, 'operations recorded');
});
