/* live.test.js — GET /api/v1/live, the Server-Sent Events stream: a station connecting, booting, sending
 * StatusNotification, StartTransaction, MeterValues, StopTransaction and going away, each seen as one event
 * with an id, by every role; anonymous and expired sessions are refused. */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { Csms, closeClients, iso } = require('./lib');

let csms, admin, manager, tech;

before(async () => {
    csms = new Csms(['--station-policy', 'accept']);
    await csms.start();
    admin = await csms.setupAdmin();
    manager = await csms.operator('local_manager');
    tech = await csms.operator('maintenance_technician');
    await csms.putTag('LIVE-TAG-1');
});
after(async () => {
    await closeClients();
    await csms.stopAndCheck();
});

/* An open stream: events parsed as they come; next(match) waits for one. */
async function openStream(session) {
    const ac = new AbortController();
    const r = await fetch(`${csms.base}/api/v1/live`, { headers: { cookie: session.cookie }, signal: ac.signal });
    const s = { status: r.status, headers: r.headers, events: [], comments: [], waiters: [], close: () => ac.abort() };
    if (r.status !== 200) return s;
    const reader = r.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    s.ended = (async () => {
        try {
            for (;;) {
                const { value, done } = await reader.read();
                if (done) break;
                buf += dec.decode(value, { stream: true });
                let i;
                while ((i = buf.indexOf('\n\n')) >= 0) {
                    const block = buf.slice(0, i);
                    buf = buf.slice(i + 2);
                    const ev = {};
                    for (const line of block.split('\n')) {
                        if (line.startsWith(':')) s.comments.push(line);
                        else {
                            const k = line.slice(0, line.indexOf(':'));
                            ev[k] = line.slice(line.indexOf(':') + 1).trimStart();
                        }
                    }
                    if (ev.event) {
                        ev.json = JSON.parse(ev.data);
                        s.events.push(ev);
                        s.waiters = s.waiters.filter((w) => !(w.match(ev) && (w.resolve(ev), true)));
                    }
                }
            }
        } catch { /* aborted */ }
        return true;
    })();
    s.next = (match, ms = 5000) => {
        const found = s.events.find(match);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
            const w = { match, resolve };
            s.waiters.push(w);
            setTimeout(() => reject(new Error(`no matching event; got ${JSON.stringify(s.events.map((e) => e.data)).slice(0, 800)}`)), ms);
        });
    };
    return s;
}

test('every role may open the stream; anonymous and unknown sessions get 401', async () => {
    for (const session of [admin, manager, tech]) {
        const s = await openStream(session);
        assert.equal(s.status, 200);
        assert.match(s.headers.get('content-type'), /^text\/event-stream/);
        assert.equal(s.headers.get('content-length'), null);
        s.close();
    }
    const anon = await fetch(`${csms.base}/api/v1/live`);
    assert.equal(anon.status, 401);
    const expired = await fetch(`${csms.base}/api/v1/live`, { headers: { cookie: 'wl_session=0123456789abcdef' } });
    assert.equal(expired.status, 401);
    await anon.body?.cancel();
    await expired.body?.cancel();
});

test('an open stream ends once its session has ended (logout), at its next event; other streams go on', async () => {
    const leaving = await csms.operator('local_manager');
    const s = await openStream(leaving);
    const stays = await openStream(admin);
    assert.equal(s.status, 200);
    try {
        const r = await leaving.api('POST', '/api/v1/auth/logout');
        assert.equal(r.status, 200);
        await new Promise((res) => setTimeout(res, 1200)); // the stream re-checks its session once a second
        const c = csms.client('CP-LIVE-END');
        await c.connect();
        await stays.next((e) => e.event === 'station' && e.json.station === 'CP-LIVE-END' && e.json.event === 'connected');
        const ended = await Promise.race([s.ended, new Promise((res) => setTimeout(() => res(false), 5000))]);
        assert.equal(ended, true, 'the logged-out stream is closed by the csms');
        assert.equal(s.events.filter((e) => e.json.station === 'CP-LIVE-END').length, 0, 'no event after the logout');
        await c.close({ force: true });
        await stays.next((e) => e.event === 'station' && e.json.station === 'CP-LIVE-END' && e.json.event === 'disconnected');
    } finally {
        s.close();
        stays.close();
    }
});

test('a station\'s life as events: connected, booted, socket status, transaction started/meter/stopped, disconnected', async () => {
    const s = await openStream(tech);
    const other = await openStream(manager);
    try {
        const c = csms.client('CP-LIVE');
        await c.connect();
        const conn = await s.next((e) => e.event === 'station' && e.json.station === 'CP-LIVE' && e.json.event === 'connected');
        assert.equal(conn.json.connected, true);
        assert.equal(conn.json.state, 'accepted');
        await c.call('BootNotification', { chargePointVendor: 'Wattline', chargePointModel: 'Live' });
        await s.next((e) => e.event === 'station' && e.json.event === 'booted' && e.json.station === 'CP-LIVE');

        await c.call('StatusNotification', { connectorId: 1, status: 'Preparing', errorCode: 'NoError', timestamp: '2026-11-21T08:00:00.000Z' });
        const st = await s.next((e) => e.event === 'socket' && e.json.status === 'Preparing');
        assert.deepEqual(st.json, {
            station: 'CP-LIVE', connector: 1, status: 'Preparing', socketStatus: { key: 'occupied', label: 'Occupied' },
            errorCode: 'NoError', time: '2026-11-21T08:00:00.000Z',
        });
        const start = await c.call('StartTransaction', { connectorId: 1, idTag: 'LIVE-TAG-1', meterStart: 1000, timestamp: iso() });
        const started = await s.next((e) => e.event === 'transaction' && e.json.event === 'started');
        assert.equal(started.json.id, start.transactionId);
        assert.equal(started.json.station, 'CP-LIVE');
        assert.equal(started.json.connector, 1);
        assert.equal(started.json.idTag, 'LIVE-TAG-10000');
        assert.equal(started.json.energy, 0);
        await c.call('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError' });
        const charging = await s.next((e) => e.event === 'socket' && e.json.status === 'Charging');
        assert.equal(charging.json.socketStatus.label, 'Charging');
        await c.call('MeterValues', {
            connectorId: 1, transactionId: start.transactionId,
            meterValue: [{ timestamp: iso(), sampledValue: [{ value: '2.5', unit: 'kWh', measurand: 'Energy.Active.Import.Register' }, { value: '7200', measurand: 'Power.Active.Import', unit: 'W' }] }],
        });
        const meter = await s.next((e) => e.event === 'transaction' && e.json.event === 'meter');
        assert.equal(meter.json.energy, 1500, '2.5 kWh register - 1000 Wh at start');
        assert.equal(meter.json.idTag, 'LIVE-TAG-10000');
        await c.call('StopTransaction', { transactionId: start.transactionId, meterStop: 4000, timestamp: iso(), reason: 'Local' });
        const stopped = await s.next((e) => e.event === 'transaction' && e.json.event === 'stopped');
        assert.equal(stopped.json.energy, 3000);
        assert.equal(stopped.json.connector, 1);
        await c.call('StatusNotification', { connectorId: 1, status: 'Faulted', errorCode: 'GroundFailure', vendorErrorCode: '<b>E1</b>' });
        const fault = await s.next((e) => e.event === 'socket' && e.json.status === 'Faulted');
        assert.equal(fault.json.errorCode, 'GroundFailure');
        assert.equal(fault.json.socketStatus.key, 'fault');
        await c.close({ force: true });
        const gone = await s.next((e) => e.event === 'station' && e.json.event === 'disconnected' && e.json.station === 'CP-LIVE');
        assert.equal(gone.json.connected, false);

        /* ids grow one by one; every client sees the same events */
        const ids = s.events.map((e) => Number(e.id));
        for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `ids in order: ${ids}`);
        await other.next((e) => e.event === 'station' && e.json.event === 'disconnected' && e.json.station === 'CP-LIVE');
        assert.deepEqual(other.events.map((e) => e.id), s.events.map((e) => e.id));
    } finally {
        s.close();
        other.close();
    }
});

test('an operator accepting a pending station is an event; streams that leave are forgotten', async () => {
    await csms.addStation('CP-PENDING', { state: 'pending' });
    const s = await openStream(admin);
    try {
        const r = await csms.api('POST', '/api/v1/stations/CP-PENDING/accept');
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const ev = await s.next((e) => e.event === 'station' && e.json.station === 'CP-PENDING' && e.json.event === 'state');
        assert.equal(ev.json.state, 'accepted');
    } finally {
        s.close();
    }
    /* many streams opened and closed: the csms stays well (the sanitizer checks the clean-up at stop) */
    for (let i = 0; i < 20; i++) (await openStream(tech)).close();
    const c = await csms.station('CP-AFTER-STREAMS');
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await c.close();
    assert.equal((await csms.api('GET', '/api/v1/health', undefined, { token: null })).status, 200);
});
