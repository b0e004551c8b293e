/* liveness.test.js — a station silent for longer than twice the heartbeat interval (and not answering the
 * ping) is disconnected and shown "Out of service"; one that answers pings stays; the silent one reconnects
 * cleanly. Uses the lowest interval the csms allows (10 s): this file takes about 25 s. */
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, waitFor } = require('./lib');

const csms = new Csms(['--heartbeat-interval', '10', '--auth-fail-limit', '1000']);

before(async () => {
    await csms.start();
    await csms.addStation('CP-SILENT');
    await csms.addStation('CP-ALIVE');
});

test('a silent station that does not answer the ping is disconnected after 2 x heartbeat interval; a quiet one answering pings stays', async () => {
    /* CP-ALIVE sends nothing after its boot but its WebSocket answers the csms's pings */
    const alive = await csms.station('CP-ALIVE', { pingIntervalMs: 600000 });
    const silent = await csms.raw('CP-SILENT');
    const boot = await silent.call('b1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot[2].interval, 10);
    await silent.call('s1', 'StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    const t0 = Date.now();
    silent.ws._socket.pause();
    const station = async (id) => (await csms.api('GET', `/api/v1/stations/${id}`)).body;
    await waitFor(async () => !(await station('CP-SILENT')).connected, 'CP-SILENT disconnected', 35000, 250);
    const after = Date.now() - t0;
    assert.ok(after >= 19000, `disconnected after ${after} ms, before 2 x 10 s`);
    const st = await station('CP-SILENT');
    assert.equal(st.connectors.find((c) => c.connectorId === 1).socketStatus, 'out_of_service');
    assert.equal(st.connectors.find((c) => c.connectorId === 1).socketStatusLabel, 'Out of service');
    const ev = await csms.events('CP-SILENT');
    assert.ok(ev.some((e) => e.kind === 'timeout'), JSON.stringify(ev.map((e) => e.kind)));
    assert.ok(ev.some((e) => e.kind === 'disconnect'));
    assert.equal((await station('CP-ALIVE')).connected, true, 'the station answering pings stays connected');
    await alive.call('Heartbeat', {});
    assert.equal((await csms.op('CP-SILENT', 'Reset', { type: 'Soft' })).status, 409);
    silent.close();
});

test('the silent station reconnects cleanly', async () => {
    const c = await csms.station('CP-SILENT');
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    const st = (await csms.api('GET', '/api/v1/stations/CP-SILENT')).body;
    assert.equal(st.connected, true);
    assert.equal(st.connectors.find((x) => x.connectorId === 1).socketStatus, 'available');
});

test('csms stops cleanly without sanitizer reports', async () => {
    await closeClients();
    await csms.stopAndCheck();
});
