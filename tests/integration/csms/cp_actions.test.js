/* cp_actions.test.js — every CP -> CS action from a strict ocpp-rpc station: answers, what is stored, replays,
 * orphan and foreign stops, the message log and the events. */
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, iso, waitFor } = require('./lib');

const csms = new Csms(['--heartbeat-interval', '60', '--pending-interval', '30', '--auth-fail-limit', '1000']);
const DAY = 86400000;
let a, b; /* stations CP-A and CP-B, booted */

before(async () => {
    await csms.start();
    await csms.addStation('CP-A', { name: 'station A' });
    await csms.addStation('CP-B');
    await csms.putTag('tag-ok', { parentIdTag: 'fleet-1', expiry: iso(Date.now() + 30 * DAY) });
    await csms.putTag('tag-expired', { expiry: iso(Date.now() - DAY) });
    await csms.putTag('tag-future', { validFrom: iso(Date.now() + DAY) });
    await csms.putTag('tag-blocked', { blocked: true });
    await csms.putTag('tag-busy');
    await csms.putTag('tag-many');
});

test('BootNotification Accepted: the heartbeat interval, the current time, the station fields stored', async () => {
    a = csms.client('CP-A');
    await a.connect();
    const boot = await a.call('BootNotification', {
        chargePointVendor: 'Wattline', chargePointModel: 'WL-22', chargePointSerialNumber: 'SN-1',
        chargeBoxSerialNumber: 'BOX-1', firmwareVersion: '1.2.3', iccid: '8931', imsi: '2620',
        meterType: 'EM-1', meterSerialNumber: 'M-1',
    });
    assert.equal(boot.status, 'Accepted');
    assert.equal(boot.interval, 60);
    assert.ok(Math.abs(Date.parse(boot.currentTime) - Date.now()) < 5000, boot.currentTime);
    const st = (await csms.api('GET', '/api/v1/stations/CP-A')).body;
    assert.equal(st.connected, true);
    assert.equal(st.vendor, 'Wattline');
    assert.equal(st.model, 'WL-22');
    assert.equal(st.serialNumber, 'SN-1');
    assert.equal(st.chargeBoxSerialNumber, 'BOX-1');
    assert.equal(st.firmwareVersion, '1.2.3');
    assert.equal(st.meterSerialNumber, 'M-1');
    assert.ok(st.lastBoot);
    b = await csms.station('CP-B');
});

test('BootNotification Rejected for a rejected station, with the pending interval; other calls refused', async () => {
    await csms.addStation('CP-REJ', { state: 'rejected' });
    const c = csms.client('CP-REJ');
    await c.connect();
    const boot = await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot.status, 'Rejected');
    assert.equal(boot.interval, 30);
    await assert.rejects(c.call('Heartbeat', {}), (e) => e.rpcErrorCode === 'SecurityError');
    await c.close();
});

test('Heartbeat answers the current time', async () => {
    const hb = await a.call('Heartbeat', {});
    assert.ok(Math.abs(Date.parse(hb.currentTime) - Date.now()) < 5000, hb.currentTime);
});

test('StatusNotification per connector and for connector 0 (the station), with error and vendor codes', async () => {
    await a.call('StatusNotification', { connectorId: 0, status: 'Available', errorCode: 'NoError', timestamp: iso() });
    await a.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await a.call('StatusNotification', {
        connectorId: 2, status: 'Faulted', errorCode: 'GroundFailure', info: 'RCD tripped', vendorId: 'com.wattline',
        vendorErrorCode: 'E42', timestamp: iso(),
    });
    const st = (await csms.api('GET', '/api/v1/stations/CP-A')).body;
    const byId = Object.fromEntries(st.connectors.map((c) => [c.connectorId, c]));
    assert.equal(byId[0].status, 'Available');
    assert.equal(byId[1].status, 'Available');
    assert.equal(byId[1].socketStatus !== undefined, true);
    assert.equal(byId[2].status, 'Faulted');
    assert.equal(byId[2].errorCode, 'GroundFailure');
    assert.equal(byId[2].info, 'RCD tripped');
    assert.equal(byId[2].vendorId, 'com.wattline');
    assert.equal(byId[2].vendorErrorCode, 'E42');
    await a.call('StatusNotification', { connectorId: 2, status: 'Available', errorCode: 'NoError' });
    const hist = csms.sql("SELECT status, error_code FROM connector_status WHERE station_id = 'CP-A' AND connector_id = 2 ORDER BY id");
    assert.deepEqual(hist.map((h) => h.status), ['Faulted', 'Available']);
    const ev = await csms.events('CP-A');
    assert.ok(ev.some((e) => e.kind === 'fault' && e.connectorId === 2 && /GroundFailure/.test(e.detail)), JSON.stringify(ev));
    assert.ok(ev.some((e) => e.kind === 'status' && e.connectorId === 0));
});

test('Authorize: accepted with parent and expiry; unknown, expired, not yet valid, blocked refused', async () => {
    const ok = await a.call('Authorize', { idTag: 'tag-ok' });
    assert.equal(ok.idTagInfo.status, 'Accepted');
    assert.equal(ok.idTagInfo.parentIdTag, 'FLEET-10000000');
    assert.ok(ok.idTagInfo.expiryDate);
    /* card ids compare upper case, padded with zeros to 14 */
    assert.equal((await a.call('Authorize', { idTag: 'TAG-OK0' })).idTagInfo.status, 'Accepted');
    assert.equal((await a.call('Authorize', { idTag: 'no-such-card' })).idTagInfo.status, 'Invalid');
    assert.equal((await a.call('Authorize', { idTag: 'tag-expired' })).idTagInfo.status, 'Expired');
    assert.equal((await a.call('Authorize', { idTag: 'tag-future' })).idTagInfo.status, 'Invalid');
    assert.equal((await a.call('Authorize', { idTag: 'tag-blocked' })).idTagInfo.status, 'Blocked');
});

test('Authorize: ConcurrentTx when the card is charging at another station', async () => {
    const start = await a.call('StartTransaction', { connectorId: 1, idTag: 'tag-busy', meterStart: 100, timestamp: iso() });
    assert.equal(start.idTagInfo.status, 'Accepted');
    assert.equal((await b.call('Authorize', { idTag: 'tag-busy' })).idTagInfo.status, 'ConcurrentTx');
    const other = await b.call('StartTransaction', { connectorId: 1, idTag: 'tag-busy', meterStart: 5, timestamp: iso() });
    assert.equal(other.idTagInfo.status, 'ConcurrentTx');
    await a.call('StopTransaction', { transactionId: start.transactionId, meterStop: 200, timestamp: iso() });
    await b.call('StopTransaction', { transactionId: other.transactionId, meterStop: 5, timestamp: iso() });
    assert.equal((await b.call('Authorize', { idTag: 'tag-busy' })).idTagInfo.status, 'Accepted');
});

const SAMPLES = [
    { value: '1234.5', context: 'Sample.Periodic', format: 'Raw', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
    { value: '16.1', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
    { value: '230.2', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
    { value: '7.2', measurand: 'Power.Active.Import', unit: 'kW', location: 'Inlet' },
    { value: '55', measurand: 'SoC', unit: 'Percent', location: 'EV', context: 'Sample.Clock' },
    { value: '31.5', measurand: 'Temperature', unit: 'Celsius', location: 'Body' },
];

test('StartTransaction, MeterValues (every kind of field) and StopTransaction with transactionData are stored', async () => {
    const t0 = Date.now() - 60000;
    const start = await a.call('StartTransaction', { connectorId: 1, idTag: 'tag-ok', meterStart: 1000, timestamp: iso(t0) });
    assert.equal(start.idTagInfo.status, 'Accepted');
    assert.equal(start.idTagInfo.parentIdTag, 'FLEET-10000000');
    const id = start.transactionId;
    await a.call('MeterValues', { connectorId: 1, transactionId: id, meterValue: [{ timestamp: iso(t0 + 1000), sampledValue: SAMPLES }] });
    await a.call('MeterValues', { connectorId: 0, meterValue: [{ timestamp: iso(t0 + 2000), sampledValue: [{ value: '50.0', measurand: 'Frequency' }] }] });
    const stop = await a.call('StopTransaction', {
        transactionId: id, meterStop: 4500, timestamp: iso(t0 + 50000), idTag: 'tag-ok', reason: 'EVDisconnected',
        transactionData: [{ timestamp: iso(t0 + 50000), sampledValue: [{ value: '4500', context: 'Transaction.End', unit: 'Wh' }] }],
    });
    assert.equal(stop.idTagInfo.status, 'Accepted');
    const [t] = csms.sql(`SELECT * FROM txn WHERE id = ${id}`);
    assert.equal(t.station_id, 'CP-A');
    assert.equal(t.connector_id, 1);
    assert.equal(t.id_tag, 'TAG-OK00000000');
    assert.equal(t.meter_start, 1000);
    assert.equal(t.meter_stop, 4500);
    assert.equal(t.start_ts, t0);
    assert.equal(t.stop_reason, 'EVDisconnected');
    assert.equal(t.flags, 0);
    const mv = csms.sql(`SELECT source, sampled FROM meter_value WHERE txn_id = ${id} ORDER BY id`);
    assert.deepEqual(mv.map((m) => m.source), ['MeterValues', 'StopTransaction']);
    assert.deepEqual(JSON.parse(mv[0].sampled), SAMPLES);
    const [free] = csms.sql("SELECT sampled FROM meter_value WHERE station_id = 'CP-A' AND txn_id IS NULL AND connector_id = 0");
    assert.equal(JSON.parse(free.sampled)[0].measurand, 'Frequency');
});

test('StartTransaction with an unknown card gets a transactionId and Invalid', async () => {
    const r = await b.call('StartTransaction', { connectorId: 2, idTag: 'stranger', meterStart: 0, timestamp: iso() });
    assert.equal(r.idTagInfo.status, 'Invalid');
    assert.ok(Number.isInteger(r.transactionId));
    const [t] = csms.sql(`SELECT start_status FROM txn WHERE id = ${r.transactionId}`);
    assert.equal(t.start_status, 'Invalid');
    await b.call('StopTransaction', { transactionId: r.transactionId, meterStop: 0, timestamp: iso() });
});

test('a replayed StartTransaction gets the same transactionId and no second row', async () => {
    const req = { connectorId: 2, idTag: 'tag-many', meterStart: 777, timestamp: iso(Date.now() - 5000) };
    const first = await a.call('StartTransaction', req);
    const again = await a.call('StartTransaction', req);
    assert.equal(again.transactionId, first.transactionId);
    assert.equal(again.idTagInfo.status, first.idTagInfo.status);
    const rows = csms.sql("SELECT id FROM txn WHERE station_id = 'CP-A' AND meter_start = 777");
    assert.equal(rows.length, 1);
});

test('a replayed StopTransaction is billed once', async () => {
    const [open] = csms.sql("SELECT id FROM txn WHERE station_id = 'CP-A' AND meter_start = 777");
    const stop = {
        transactionId: open.id, meterStop: 1777, timestamp: iso(), reason: 'Local',
        transactionData: [{ timestamp: iso(), sampledValue: [{ value: '1777' }] }],
    };
    await a.call('StopTransaction', stop);
    const [before] = csms.sql(`SELECT * FROM txn WHERE id = ${open.id}`);
    await a.call('StopTransaction', { ...stop, meterStop: 9999 });
    await a.call('StopTransaction', stop);
    const [after] = csms.sql(`SELECT * FROM txn WHERE id = ${open.id}`);
    assert.deepEqual(after, before);
    assert.equal(after.meter_stop, 1777);
    const mv = csms.sql(`SELECT id FROM meter_value WHERE txn_id = ${open.id} AND source = 'StopTransaction'`);
    assert.equal(mv.length, 1);
    const stops = (await csms.events('CP-A')).filter((e) => e.detail.startsWith(`transaction ${open.id} stopped`));
    assert.equal(stops.length, 1);
    assert.equal(csms.sql(`SELECT id FROM orphan_stop WHERE transaction_id = ${open.id}`).length, 0);
});

test('a StopTransaction for an unknown transaction is answered and recorded in orphan_stop', async () => {
    const ts = iso(Date.now() - 40 * DAY); /* and one older than days is processed */
    const r = await a.call('StopTransaction', { transactionId: 987654, meterStop: 321, timestamp: ts, idTag: 'tag-ok', reason: 'PowerLoss' });
    assert.equal(r.idTagInfo.status, 'Accepted');
    await a.call('StopTransaction', { transactionId: 987654, meterStop: 321, timestamp: ts, idTag: 'tag-ok', reason: 'PowerLoss' });
    const rows = csms.sql('SELECT * FROM orphan_stop WHERE transaction_id = 987654');
    assert.equal(rows.length, 1);
    assert.equal(rows[0].station_id, 'CP-A');
    assert.equal(rows[0].meter_stop, 321);
    assert.equal(rows[0].stop_reason, 'PowerLoss');
    assert.equal(rows[0].stop_ts, Date.parse(ts));
    assert.equal(csms.sql('SELECT id FROM txn WHERE id = 987654').length, 0);
});

test("a station cannot stop or add meter values to another station's transaction", async () => {
    const start = await a.call('StartTransaction', { connectorId: 3, idTag: 'tag-many', meterStart: 50, timestamp: iso() });
    const id = start.transactionId;
    await b.call('MeterValues', { connectorId: 1, transactionId: id, meterValue: [{ timestamp: iso(), sampledValue: [{ value: '60' }] }] });
    const r = await b.call('StopTransaction', { transactionId: id, meterStop: 99999, timestamp: iso() });
    assert.deepEqual(r, {});
    const [t] = csms.sql(`SELECT stop_ts, meter_stop FROM txn WHERE id = ${id}`);
    assert.equal(t.stop_ts, null);
    assert.equal(t.meter_stop, null);
    assert.equal(csms.sql(`SELECT id FROM meter_value WHERE txn_id = ${id}`).length, 0);
    const kept = csms.sql("SELECT txn_id FROM meter_value WHERE station_id = 'CP-B'");
    assert.ok(kept.length >= 1 && kept.every((m) => m.txn_id === null));
    const [o] = csms.sql(`SELECT station_id FROM orphan_stop WHERE transaction_id = ${id}`);
    assert.equal(o.station_id, 'CP-B');
    const sec = (await csms.events('CP-B')).filter((e) => e.kind === 'security');
    assert.ok(sec.length >= 2, JSON.stringify(sec));
    await a.call('StopTransaction', { transactionId: id, meterStop: 80, timestamp: iso() });
    const [done] = csms.sql(`SELECT meter_stop FROM txn WHERE id = ${id}`);
    assert.equal(done.meter_stop, 80);
});

test('meterStop < meterStart is stored and flagged', async () => {
    const start = await b.call('StartTransaction', { connectorId: 1, idTag: 'tag-many', meterStart: 5000, timestamp: iso() });
    await b.call('StopTransaction', { transactionId: start.transactionId, meterStop: 4000, timestamp: iso() });
    const [t] = csms.sql(`SELECT meter_start, meter_stop, flags FROM txn WHERE id = ${start.transactionId}`);
    assert.equal(t.meter_stop, 4000);
    assert.equal(t.flags & 1, 1);
    const ev = (await csms.events('CP-B')).find((e) => e.detail.startsWith(`transaction ${start.transactionId} stopped`));
    assert.match(ev.detail, /backwards/);
});

test('DataTransfer is answered UnknownVendorId and recorded', async () => {
    const r = await a.call('DataTransfer', { vendorId: 'com.example', messageId: 'hello', data: '{"x":1}' });
    assert.equal(r.status, 'UnknownVendorId');
    const ev = await csms.events('CP-A');
    assert.ok(ev.some((e) => e.kind === 'data_transfer' && /com\.example/.test(e.detail)));
});

test('DiagnosticsStatusNotification and FirmwareStatusNotification set the station status', async () => {
    assert.deepEqual(await a.call('DiagnosticsStatusNotification', { status: 'Uploading' }), {});
    assert.deepEqual(await a.call('FirmwareStatusNotification', { status: 'Downloaded' }), {});
    let st = (await csms.api('GET', '/api/v1/stations/CP-A')).body;
    assert.equal(st.diagnosticsStatus, 'Uploading');
    assert.equal(st.firmwareStatus, 'Downloaded');
    await a.call('FirmwareStatusNotification', { status: 'Installed' });
    st = (await csms.api('GET', '/api/v1/stations/CP-A')).body;
    assert.equal(st.firmwareStatus, 'Installed');
});

test('security extension: SecurityEventNotification, SignCertificate, SignedFirmwareStatusNotification, LogStatusNotification', async () => {
    assert.deepEqual(await a.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: iso(), techInfo: 'lid open' }), {});
    const sign = await a.call('SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----' });
    assert.equal(sign.status, 'Rejected');
    assert.deepEqual(await a.call('SignedFirmwareStatusNotification', { status: 'SignatureVerified', requestId: 7 }), {});
    assert.deepEqual(await a.call('LogStatusNotification', { status: 'Uploaded', requestId: 8 }), {});
    const st = (await csms.api('GET', '/api/v1/stations/CP-A')).body;
    assert.equal(st.firmwareStatus, 'SignatureVerified');
    assert.equal(st.diagnosticsStatus, 'Uploaded');
    const ev = await csms.events('CP-A');
    assert.ok(ev.some((e) => e.kind === 'security' && /TamperDetectionActivated/.test(e.detail) && /lid open/.test(e.detail)));
    assert.ok(ev.some((e) => e.kind === 'security' && /certificate signing/.test(e.detail)));
});

test('the message log holds every frame in and out; the events tell the story', async () => {
    /* the log is written behind the answers: wait for the last answer's row */
    const count = (dir) => csms.logSql(`SELECT count(*) AS n FROM message WHERE station_id = 'CP-A' AND dir = '${dir}'`)[0].n;
    /* and settled: the log's writer commits a batch every 100 ms, so wait for two equal reads */
    let seen = -1;
    await waitFor(() => {
        const n = count('in') + count('out'), settled = n === seen && count('in') === count('out');
        seen = n;
        return settled;
    }, 'the log to hold every answer', 5000, 250);
    const msgs = await csms.messages('CP-A');
    const frames = msgs.map((m) => ({ dir: m.direction, f: JSON.parse(m.text) }));
    const bootIn = frames.find((x) => x.dir === 'in' && x.f[0] === 2 && x.f[2] === 'BootNotification');
    assert.ok(bootIn, 'BootNotification logged');
    assert.equal(bootIn.f[3].chargePointModel, 'WL-22');
    const bootOut = frames.find((x) => x.dir === 'out' && x.f[0] === 3 && x.f[1] === bootIn.f[1]);
    assert.equal(bootOut.f[2].status, 'Accepted');
    assert.ok(msgs.every((m) => m.time && Date.parse(m.time) > 0));
    const ins = frames.filter((x) => x.dir === 'in').length, outs = frames.filter((x) => x.dir === 'out').length;
    assert.equal(ins, outs, 'each call answered once');
    /* paging */
    const page = (await csms.api('GET', `/api/v1/stations/CP-A/messages?after=${msgs[1].id}&limit=2`)).body.items;
    assert.deepEqual(page.map((m) => m.id), [msgs[2].id, msgs[3].id]);
    const kinds = new Set((await csms.events('CP-A')).map((e) => e.kind));
    for (const k of ['registered', 'connect', 'boot', 'status', 'fault', 'transaction', 'security', 'firmware', 'diagnostics'])
        assert.ok(kinds.has(k), `event kind ${k} in ${[...kinds]}`);
    /* every row up to the last one read is in the API's list (a sync may log more frames meanwhile) */
    const last = msgs[msgs.length - 1].id;
    assert.equal(csms.logSql(`SELECT count(*) AS n FROM message WHERE station_id = 'CP-A' AND id <= ${last}`)[0].n, msgs.length);
});

test('a disconnect is recorded and the station shows as disconnected', async () => {
    await b.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    const sock = async () => (await csms.api('GET', '/api/v1/stations/CP-B')).body.connectors.find((x) => x.connectorId === 1);
    assert.equal((await sock()).socketStatus, 'available');
    await b.close();
    await waitFor(async () => !(await csms.api('GET', '/api/v1/stations/CP-B')).body.connected, 'CP-B disconnected');
    await waitFor(async () => (await csms.events('CP-B')).some((e) => e.kind === 'disconnect'), 'disconnect event');
    assert.equal((await sock()).socketStatus, 'out_of_service');
    assert.equal((await sock()).socketStatusLabel, 'Out of service');
});

test('no strict-mode validation failures; csms stops cleanly on SIGTERM without sanitizer reports', async () => {
    for (const c of [a, b]) assert.deepEqual(c.strictFailures, []);
    await closeClients();
    await csms.stopAndCheck();
});
