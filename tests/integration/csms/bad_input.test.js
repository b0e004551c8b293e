/* bad_input.test.js — frames a strict client would never send, from a raw WebSocket peer: malformed JSON,
 * wrong frame shapes, unknown actions, wrong-direction actions and schema violations get the CALLERROR the
 * OCPP-J table gives (docs/ocpp.md), nothing is stored, and the session goes on. */
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, iso, sleep } = require('./lib');

const csms = new Csms(['--auth-fail-limit', '1000']);
let peer;

before(async () => {
    await csms.start();
    await csms.addStation('CP-BAD');
    peer = await csms.raw('CP-BAD');
    const boot = await peer.call('boot', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot[2].status, 'Accepted');
});

const counts = () => csms.sql(`SELECT (SELECT count(*) FROM txn) AS txn, (SELECT count(*) FROM meter_value) AS mv,
    (SELECT count(*) FROM connector) AS conn, (SELECT count(*) FROM orphan_stop) AS orphan,
    (SELECT count(*) FROM connector_status) AS hist`)[0];
const NOTHING = { txn: 0, mv: 0, conn: 0, orphan: 0, hist: 0 };

function isError(f, id, code) {
    assert.ok(Array.isArray(f) && f[0] === 4, `a CALLERROR: ${JSON.stringify(f)}`);
    assert.equal(f[1], id);
    assert.equal(f[2], code, JSON.stringify(f));
    assert.equal(typeof f[3], 'string');
    assert.equal(typeof f[4], 'object');
}

test('malformed frames: not JSON, not an array, no message type → FormationViolation (id "-1")', async () => {
    for (const text of ['[2,"m1","Heartbeat",{', 'hello', '{"a":1}', '"text"', '[]', '["2","m2","Heartbeat",{}]']) {
        const before = peer.frames.length;
        peer.send(text);
        const f = await peer.next((x, i) => peer.frames.indexOf(x) >= before && Array.isArray(x) && x[0] === 4);
        isError(f, '-1', 'FormationViolation');
    }
});

test('wrong frame shapes: bad or missing message id, wrong number of elements → ProtocolError', async () => {
    const before = peer.frames.length;
    peer.send([2, 'x'.repeat(37), 'Heartbeat', {}]);
    peer.send([2, 'short', 'Heartbeat']);
    await sleep(300);
    const errs = peer.frames.slice(before);
    assert.equal(errs.length, 2, JSON.stringify(errs));
    for (const f of errs) {
        assert.equal(f[0], 4);
        assert.equal(f[2], 'ProtocolError', JSON.stringify(f));
    }
});

test('an unknown action → NotImplemented; an action the central system sends → NotSupported', async () => {
    isError(await peer.call('u1', 'FooBar', {}), 'u1', 'NotImplemented');
    isError(await peer.call('u2', 'Reset', { type: 'Soft' }), 'u2', 'NotSupported');
    isError(await peer.call('u3', 'RemoteStartTransaction', { idTag: 'X' }), 'u3', 'NotSupported');
});

test('schema violations get their CALLERROR and nothing is stored', async () => {
    const now = iso();
    const cases = [
        ['StartTransaction', { connectorId: 1, meterStart: 0, timestamp: now }, 'OccurenceConstraintViolation'],
        ['StartTransaction', { connectorId: '1', idTag: 'T', meterStart: 0, timestamp: now }, 'TypeConstraintViolation'],
        ['StartTransaction', { connectorId: 1, idTag: 'T'.repeat(21), meterStart: 0, timestamp: now }, 'PropertyConstraintViolation'],
        ['StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: '2026-11-20' }, 'PropertyConstraintViolation'],
        ['StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 1.5, timestamp: now }, 'TypeConstraintViolation'],
        ['StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: now, bonus: 1 }, 'FormationViolation'],
        ['StopTransaction', { transactionId: 1, meterStop: 10, timestamp: now, reason: 'Tired' }, 'PropertyConstraintViolation'],
        ['StopTransaction', { transactionId: 'one', meterStop: 10, timestamp: now }, 'TypeConstraintViolation'],
        ['StatusNotification', { connectorId: 1, status: 'Bogus', errorCode: 'NoError' }, 'PropertyConstraintViolation'],
        ['StatusNotification', { connectorId: 1, status: 'Available' }, 'OccurenceConstraintViolation'],
        ['MeterValues', { connectorId: 1, meterValue: [{ timestamp: now, sampledValue: [{ value: '1', unit: 'kWH' }] }] }, 'PropertyConstraintViolation'],
        ['MeterValues', { connectorId: 1, meterValue: [{ sampledValue: [{ value: '1' }] }] }, 'OccurenceConstraintViolation'],
        ['MeterValues', { connectorId: 1, meterValue: {} }, 'TypeConstraintViolation'],
        ['BootNotification', { chargePointVendor: 'V'.repeat(21), chargePointModel: 'M' }, 'PropertyConstraintViolation'],
        ['Authorize', [], 'FormationViolation'],
        ['Heartbeat', { extra: true }, 'FormationViolation'],
    ];
    let n = 0;
    for (const [action, payload, code] of cases) {
        const id = `s${n++}`;
        const f = await peer.call(id, action, payload);
        assert.ok(f[0] === 4 && f[2] === code, `${action} ${JSON.stringify(payload)}: ${JSON.stringify(f)} (want ${code})`);
    }
    assert.deepEqual(counts(), NOTHING);
    const st = (await csms.api('GET', '/api/v1/stations/CP-BAD')).body;
    assert.equal(st.vendor, 'V', 'the bad boot changed nothing');
});

test('a CALLRESULT or CALLERROR for no call is ignored; the session goes on', async () => {
    const before = peer.frames.length;
    peer.send([3, 'nothing-asked', {}]);
    peer.send([4, 'nothing-asked-2', 'GenericError', '', {}]);
    peer.send([5, 'type-5', {}]);
    const hb = await peer.call('hb-after', 'Heartbeat', {});
    assert.equal(hb[0], 3);
    assert.equal(peer.frames.length, before + 1, JSON.stringify(peer.frames.slice(before)));
    const ok = await peer.call('st-ok', 'StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    assert.equal(ok[0], 3);
    assert.equal(counts().conn, 1);
});

test('a binary frame closes the connection (1003); the station reconnects', async () => {
    peer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const closed = await peer.closed;
    assert.equal(closed.code, 1003);
    peer = await csms.raw('CP-BAD');
    assert.equal((await peer.call('hb2', 'Heartbeat', {}))[0], 3);
});

test('a frame larger than --max-frame is refused', async () => {
    const big = JSON.stringify([2, 'big', 'DataTransfer', { vendorId: 'V', data: 'x'.repeat(70000) }]);
    peer.send(big);
    const r = await Promise.race([peer.closed, peer.reply('big', 5000).catch(() => null)]);
    assert.ok(r && (r.code === 1009 || (Array.isArray(r) && r[0] === 4 && r[2] === 'FormationViolation')), JSON.stringify(r));
    assert.equal(csms.sql("SELECT count(*) AS n FROM event WHERE kind = 'data_transfer'")[0].n, 0);
    peer.close();
});

test('a message up to --max-frame is read whole, in one WebSocket frame or in fragments', async () => {
    /* the lws receive buffer is 2 KiB: a longer message comes in pieces that the csms gathers (up to --max-frame) */
    peer = await csms.raw('CP-BAD');
    for (const n of [1500, 2100, 9000, 32768]) {
        peer.send([2, `dt${n}`, 'DataTransfer', { vendorId: 'V', data: 'y'.repeat(n) }]);
        const r = await peer.reply(`dt${n}`);
        assert.equal(r[0], 3, `${n} bytes of data: ${JSON.stringify(r).slice(0, 200)}`);
    }
    /* 65,055 bytes, just under --max-frame: read whole (DataTransfer's data is limited to 32,768, which says so) */
    const text = JSON.stringify([2, 'dt65000', 'DataTransfer', { vendorId: 'V', data: 'y'.repeat(65000) }]);
    assert.ok(text.length <= 65536, `${text.length} bytes`);
    peer.send(text);
    const r = await peer.reply('dt65000');
    assert.equal(r[2], 'PropertyConstraintViolation', JSON.stringify(r).slice(0, 200));
    assert.match(r[3], /string of 65000 bytes/);
    const frag = JSON.stringify([2, 'frag', 'DataTransfer', { vendorId: 'V', data: 'z'.repeat(30000) }]);
    const cut = [0, 5, 3000, 20000, frag.length];
    for (let i = 0; i + 1 < cut.length; i++) peer.ws.send(frag.slice(cut[i], cut[i + 1]), { fin: i + 2 === cut.length });
    assert.equal((await peer.reply('frag'))[0], 3);
    assert.equal((await peer.call('hb3', 'Heartbeat', {}))[0], 3);
    peer.close();
});

test('csms stops cleanly without sanitizer reports', async () => {
    await closeClients();
    await csms.stopAndCheck();
});
